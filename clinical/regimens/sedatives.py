"""GHB (11.2) and benzodiazepines (9.3, 9.4)."""

from __future__ import annotations

from dataclasses import dataclass

from clinical.messages import gettext_noop
from clinical.regimens.common import (
    _D_SEE_TAPER,
    _NO_DOSE,
    DoseSpec,
    PlanLine,
    RegimenProposal,
    _missing,
)

# --- GHB (11.2) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GhbInput:
    severe_symptoms: bool | None = None


_M_GHB_ADMIT = gettext_noop("Patients to be detoxed from GHB should be admitted.")
_M_GHB_SEVERE = gettext_noop(
    "Severe GHB withdrawal symptoms: transfer the patient to a medical emergency department."
)
_M_GHB_DIAZEPAM = gettext_noop(
    "Treat anxiety, tremor and insomnia in GHB withdrawal with diazepam."
)
_M_GHB_DIAZEPAM_SEVERE = gettext_noop(
    "Severe GHB withdrawal symptoms most often need repeated, high doses of diazepam."
)
_D_GHB = gettext_noop(
    "The guideline gives no dose; considerable doses are often needed to gain control."
)


def ghb_regimen(facts: GhbInput) -> RegimenProposal:
    """11.2-1 (G 5430-5432) and 11.2-2 (G 5436-5438); diazepam is the drug to use (G 5421)."""
    lines = [
        PlanLine("ghb_admit", "note", (), None, None, _M_GHB_ADMIT, ("11.2-1",)),
        PlanLine(
            "ghb_diazepam",
            "give",
            ("diazepam",),
            DoseSpec(_D_GHB),
            None,
            _M_GHB_DIAZEPAM,
            ("11.2-2",),
        ),
    ]
    if facts.severe_symptoms:
        lines += [
            PlanLine(
                "ghb_severe_emergency_department",
                "note",
                (),
                None,
                None,
                _M_GHB_SEVERE,
                ("11.2-1",),
                reasons=("severe_symptoms",),
            ),
            PlanLine(
                "ghb_severe_diazepam",
                "give",
                ("diazepam",),
                DoseSpec(_D_GHB),
                None,
                _M_GHB_DIAZEPAM_SEVERE,
                ("11.2-2",),
                reasons=("severe_symptoms",),
            ),
        ]
    return RegimenProposal(tuple(lines), _missing(severe_symptoms=facts.severe_symptoms))


# --- Benzodiazepines (9.3, 9.4) ---------------------------------------------------------------


@dataclass(frozen=True)
class BenzodiazepineInput:
    pregnant: bool | None = None


_M_BENZODIAZEPINE_TAPER = gettext_noop(
    "Offer a benzodiazepine taper: oxazepam is the first choice, diazepam may also be used. "
    "Never stop abruptly after long use; see the taper plan."
)
_M_ADD_ON = gettext_noop(
    "Carbamazepine or valproic acid may be used in addition to oxazepam or diazepam, not "
    "instead of them."
)
_M_PREGNANT_SLOW = gettext_noop(
    "Pregnant and benzodiazepine-dependent: offer a slow taper with benzodiazepines."
)


def benzodiazepine_regimen(facts: BenzodiazepineInput) -> RegimenProposal:
    """9.4-1 (G 4686-4690), 9.3.1-1 (G 4576), 9.4-2 (G 4694, add-on only, G 4666-4672)."""
    lines = [
        PlanLine(
            "benzodiazepine_taper",
            "give",
            ("oxazepam", "diazepam"),
            DoseSpec(_D_SEE_TAPER),
            None,
            _M_BENZODIAZEPINE_TAPER,
            ("9.4-1", "9.3.1-1"),
        ),
        PlanLine(
            "benzodiazepine_taper_add_on",
            "consider",
            ("carbamazepine", "valproic_acid"),
            DoseSpec(_NO_DOSE),
            None,
            _M_ADD_ON,
            ("9.4-2",),
        ),
    ]
    if facts.pregnant:
        # 12-6 (G 5747-5749); Norway more often uses oxazepam (G 5686-5688).
        lines.append(
            PlanLine(
                "pregnant_slow_benzodiazepine_taper",
                "note",
                ("oxazepam", "diazepam"),
                None,
                None,
                _M_PREGNANT_SLOW,
                ("12-6",),
                reasons=("pregnant",),
            )
        )
    return RegimenProposal(tuple(lines), _missing(pregnant=facts.pregnant))
