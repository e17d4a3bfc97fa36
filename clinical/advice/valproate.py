"""Valproic acid lines (8.4.3-2) for the CIWA-Ar advice: offer, continue, course complete."""

from __future__ import annotations

from clinical.advice.context import (
    VALPROATE,
    VALPROATE_COURSE,
    VALPROATE_LOADING_BELOW_PERMILLE,
    AdviceLine,
    _Checked,
    _mg,
    _params,
    _total,
)
from clinical.advice.messages import (
    MSG_LIVER_UNKNOWN,
    MSG_VALPROATE_COMPLETE,
    MSG_VALPROATE_CONTINUE,
    MSG_VALPROATE_LIVER_FAILURE,
    MSG_VALPROATE_OFFER,
    MSG_VALPROATE_PREGNANT,
    MSG_VALPROATE_WAIT,
)
from clinical.schedule import format_oslo


def _valproate(checked: _Checked) -> list[AdviceLine]:
    """G 4219–4221 with 8.4.3-1..3 (G 4063–4077): valproate for mild now but severe before.

    Earlier seizures or DT count as severe withdrawal: 8.4.3-1 names "krampeanfall eller andre
    alvorlige abstinensreaksjoner" together.
    """
    if checked.pregnant:
        # 12-5: alcohol withdrawal in pregnancy is treated with benzodiazepines per 8.4; valproic
        # acid in pregnancy is not discussed. Not proposed (docs/clinical-resolutions.md).
        return [
            AdviceLine(
                "valproate_not_in_pregnancy",
                MSG_VALPROATE_PREGNANT,
                "warning",
                refs=("12-5", "8.4.3-1"),
                resolution=True,
            )
        ]
    if checked.liver_failure:
        return [_valproate_liver_failure_line()]
    started = [d for d in checked.doses if d.drug == VALPROATE]
    lines: list[AdviceLine] = []
    if started and checked.now - started[0].given_at >= VALPROATE_COURSE:
        # G 4071–4073: loading dose, then 300 mg × 3 "i 3-5 dager": over from 6 days after the
        # loading dose (the first valproic acid of the episode; local resolution).
        return [
            AdviceLine(
                "valproate_course_complete",
                MSG_VALPROATE_COMPLETE,
                "info",
                refs=("8.4.3-2",),
                params=_params(
                    given=_mg(_total(started)),
                    started_at=started[0].given_at,
                    started_local=format_oslo(started[0].given_at),
                ),
                resolution=True,
            )
        ]
    if started:
        lines.append(
            AdviceLine(
                "valproate_continue",
                MSG_VALPROATE_CONTINUE,
                "dose",
                refs=("8.4.3-2",),
                params=_params(given=_mg(_total(started))),
                drug=VALPROATE,
            )
        )
    else:
        lines.append(
            AdviceLine(
                "valproate_offer",
                MSG_VALPROATE_OFFER,
                "dose",
                refs=("8.4.6-3", "8.4.3-1", "8.4.3-2"),
                drug=VALPROATE,
            )
        )
        if checked.permille is not None and checked.permille >= VALPROATE_LOADING_BELOW_PERMILLE:
            lines.append(
                AdviceLine(
                    "valproate_wait_for_alcohol_below_1",
                    MSG_VALPROATE_WAIT,
                    "warning",
                    refs=("8.4.3-2",),
                    params=_params(permille=_mg(checked.permille)),
                )
            )
    if checked.liver_failure is None:
        lines.append(
            AdviceLine(
                "liver_failure_not_recorded", MSG_LIVER_UNKNOWN, "warning", refs=("8.4.3-3",)
            )
        )
    return lines


def _valproate_liver_failure_line() -> AdviceLine:
    """8.4.3-3 (G 4075–4077): in liver failure, benzodiazepines for seizure prophylaxis."""
    return AdviceLine(
        "valproate_avoid_liver_failure",
        MSG_VALPROATE_LIVER_FAILURE,
        "warning",
        refs=("8.4.3-3",),
    )
