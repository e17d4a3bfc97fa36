"""Sleep medication (6.2.2, second block, cited ``6.2.2-B1..B3``)."""

from __future__ import annotations

from dataclasses import dataclass

from clinical.inputs import FieldError
from clinical.messages import gettext_noop
from clinical.regimens.common import (
    _NO_DOSE,
    POOR_SLEEP_NIGHTS_ABOVE,
    DoseSpec,
    PlanLine,
    RegimenProposal,
    _check_count,
    _missing,
    _raise,
)

# --- Sleep (6.2.2, second block) --------------------------------------------------------------


@dataclass(frozen=True)
class SleepInput:
    """``poor_sleep_nights``: nights in a row with too little sleep; ``delirium_risk``: a risk
    of delirium in alcohol withdrawal (earlier or present delirium tremens)."""

    poor_sleep_nights: int | None = None
    clinically_affected: bool | None = None
    zopiclone_without_effect: bool | None = None
    delirium_risk: bool | None = None

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        _check_count("poor_sleep_nights", self.poor_sleep_nights, errors)
        _raise(errors)


_M_SLEEP_FIRST = gettext_noop(
    "For withdrawal-related sleep problems, try one of these first: trimipramine, mianserin or "
    "alimemazine. Use one sleep medicine at a time, and only for a short time."
)
_M_ZOPICLONE = gettext_noop(
    "Too little sleep for more than two nights, and it shows clinically: give zopiclone in the "
    "evening for up to three nights."
)
_M_NITRAZEPAM = gettext_noop(
    "Zopiclone gave no sleep: give a sleep-inducing benzodiazepine such as nitrazepam for up to "
    "three nights."
)
_M_SLEEP_DELIRIUM = gettext_noop(
    "Risk of delirium: no zopiclone; secure the night's sleep as the delirium advice says."
)
_S_UP_TO_THREE_NIGHTS = gettext_noop("In the evening, for up to three nights.")


def sleep_regimen(facts: SleepInput) -> RegimenProposal:
    """6.2.2-B1..B3 (G 2643-2664); one drug at a time (G 2625-2629); no zopiclone with a risk
    of delirium in alcohol withdrawal (G 2633-2635, pointing to 8.4.5/8.4.6)."""
    lines = [
        PlanLine(
            "sleep_first_choice",
            "consider",
            ("trimipramine", "mianserin", "alimemazine"),
            DoseSpec(_NO_DOSE),
            None,
            _M_SLEEP_FIRST,
            ("6.2.2-B1",),
        ),
    ]
    nights = facts.poor_sleep_nights
    long_poor_sleep = nights is not None and nights > POOR_SLEEP_NIGHTS_ABOVE
    if long_poor_sleep and facts.clinically_affected:
        if facts.delirium_risk:
            lines.append(
                PlanLine(
                    "sleep_no_zopiclone_delirium_risk",
                    "avoid",
                    ("zopiclone",),
                    None,
                    None,
                    _M_SLEEP_DELIRIUM,
                    ("6.2.2-B2", "8.4.5-1"),
                    reasons=("poor_sleep_over_two_nights", "delirium_risk"),
                )
            )
        else:
            lines.append(
                PlanLine(
                    "sleep_zopiclone",
                    "give",
                    ("zopiclone",),
                    DoseSpec(_NO_DOSE),
                    _S_UP_TO_THREE_NIGHTS,
                    _M_ZOPICLONE,
                    ("6.2.2-B2",),
                    {"max_nights": 3},
                    reasons=("poor_sleep_over_two_nights", "clinically_affected"),
                )
            )
    if facts.zopiclone_without_effect:
        lines.append(
            PlanLine(
                "sleep_nitrazepam",
                "give",
                ("nitrazepam",),
                DoseSpec(_NO_DOSE),
                _S_UP_TO_THREE_NIGHTS,
                _M_NITRAZEPAM,
                ("6.2.2-B3",),
                {"max_nights": 3},
                reasons=("zopiclone_without_effect",),
            )
        )
    missing = _missing(
        poor_sleep_nights=facts.poor_sleep_nights,
        clinically_affected=facts.clinically_affected,
        delirium_risk=facts.delirium_risk,
    )
    return RegimenProposal(tuple(lines), missing)
