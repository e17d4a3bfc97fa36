"""Warnings about a taper's length and setting (outpatient duration, practically abrupt stop,
longer than the stay), the conversion to confirm and a start that differs from the intake.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from fractions import Fraction

from clinical.tapers.constants import (
    ABRUPT_BENZODIAZEPINE_DAYS_BELOW,
    ABRUPT_BUPRENORPHINE_DAYS_BELOW,
    ABRUPT_BUPRENORPHINE_FROM_MG,
    CONFIRM_CONVERSION_DRUGS,
    OUTPATIENT_MAX_MONTHS,
    OUTPATIENT_MIN_MONTHS,
    USUAL_STAY_DAYS,
    Regimen,
    Setting,
)
from clinical.tapers.messages import (
    _W_ABRUPT_BENZODIAZEPINE,
    _W_ABRUPT_BUPRENORPHINE,
    _W_CONFIRM_CONVERSION,
    _W_CONTINUE_AFTER_STAY,
    _W_CONTINUE_AFTER_USUAL_STAY,
    _W_DIFFERS_FROM_INTAKE,
    _W_FOLLOW_UP,
    _W_LONGER_THAN_SIX_MONTHS,
    _W_SHORTER_THAN_A_MONTH,
)
from clinical.tapers.output import Conversion, TaperWarning, _mg_text
from clinical.tapers.request import CurrentUse, TaperRequest


def add_months(start: date, months: int) -> date:
    """The same day ``months`` calendar months later (the last day when the month is short)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(start.day, (next_month - timedelta(days=1)).day))


def outpatient_duration_warning(start_date: date, duration_days: int) -> TaperWarning | None:
    """A warning when an outpatient taper lasts less than one or more than six months.

    Calendar months from ``start_date`` to the first day without the drug (G 4515,
    "mellom en og seks måneder"); both ends are inside the range.
    """
    stop = start_date + timedelta(days=duration_days)
    params = {"duration_days": duration_days}
    if stop < add_months(start_date, OUTPATIENT_MIN_MONTHS):
        return TaperWarning(
            "outpatient_shorter_than_one_month", _W_SHORTER_THAN_A_MONTH, params, ("9.3.1-2",)
        )
    if stop > add_months(start_date, OUTPATIENT_MAX_MONTHS):
        return TaperWarning(
            "outpatient_longer_than_six_months", _W_LONGER_THAN_SIX_MONTHS, params, ("9.3.1-2",)
        )
    return None


def abrupt_stop_warning(
    regimen: Regimen, setting: Setting, start_mg: Fraction, duration_days: int
) -> TaperWarning | None:
    """A taper so short that it is practically an abrupt stop (local resolutions, marked).

    Benzodiazepines, outpatient, fewer than 28 dosing days: 9.3.1-1 (G 4576, "bør ikke
    bråseponeres") and 9.3.1-2. (The engine's own schedules last at least five weeks, 20 % a
    week; this guards schedules of any origin.) Buprenorphine from 16 mg a day or more in fewer
    than 5 days: G 5093-5095, the dose "reduseres gradvis til null", cited as 10.5-1.
    """
    if (
        regimen == "benzodiazepine"
        and setting == "outpatient"
        and duration_days < ABRUPT_BENZODIAZEPINE_DAYS_BELOW
    ):
        return TaperWarning(
            "practically_abrupt_stop",
            _W_ABRUPT_BENZODIAZEPINE,
            {"duration_days": duration_days},
            ("9.3.1-1", "9.3.1-2"),
            resolution=True,
        )
    if (
        regimen == "buprenorphine"
        and start_mg >= ABRUPT_BUPRENORPHINE_FROM_MG
        and duration_days < ABRUPT_BUPRENORPHINE_DAYS_BELOW
    ):
        return TaperWarning(
            "practically_abrupt_stop",
            _W_ABRUPT_BUPRENORPHINE,
            {"start_mg": _mg_text(start_mg), "days": duration_days},
            ("10.5-1",),
            resolution=True,
        )
    return None


def stay_warning(duration_days: int, stay_days: int | None) -> TaperWarning | None:
    """A warning when an inpatient taper outlasts the stay (11.5-2, G 4558-4566)."""
    stay = USUAL_STAY_DAYS if stay_days is None else stay_days
    if duration_days <= stay:
        return None
    params = {"duration_days": duration_days, "stay_days": stay}
    if stay_days is None:
        return TaperWarning(
            "continue_after_discharge",
            _W_CONTINUE_AFTER_USUAL_STAY,
            params,
            ("11.5-2",),
            resolution=True,
        )
    return TaperWarning("continue_after_discharge", _W_CONTINUE_AFTER_STAY, params, ("11.5-2",))


def _conversion_to_confirm(conversion: Sequence[Conversion]) -> list[TaperWarning]:
    """A line for each high-potency short-acting drug converted at the default point."""
    warnings = []
    for row in conversion:
        if row.drug in CONFIRM_CONVERSION_DRUGS and row.equivalence.source == "default":
            low, high = row.equivalence.equivalent_range_mg
            params = {
                "drug": row.drug,
                "low": _mg_text(low),
                "high": _mg_text(high),
                "used": _mg_text(row.equivalence.equivalent_used_mg),
            }
            warnings.append(
                TaperWarning(
                    "conversion_point_unconfirmed",
                    _W_CONFIRM_CONVERSION,
                    params,
                    ("9.4-1",),
                    resolution=True,
                )
            )
    return warnings


def _use_text(uses: Iterable[CurrentUse]) -> str:
    return " + ".join(f"{use.drug} {_mg_text(use.mg_per_day)} mg" for use in uses)


def _intake_difference(request: TaperRequest) -> TaperWarning | None:
    """A warning when the taper does not start from what the intake records (9.3.1-2: the
    taper's size follows the size of the use)."""
    if request.intake_use is None:
        return None
    asked = {use.drug: use.mg_per_day for use in request.current_use}
    recorded = {use.drug: use.mg_per_day for use in request.intake_use}
    if asked == recorded:
        return None
    params = {
        "request": _use_text(request.current_use),
        "intake": _use_text(request.intake_use) or "–",
    }
    return TaperWarning("differs_from_intake", _W_DIFFERS_FROM_INTAKE, params, ("9.3.1-2",))


def _setting_warnings(request: TaperRequest, duration: int) -> list[TaperWarning]:
    warnings: list[TaperWarning] = []
    if request.setting == "outpatient":
        warnings.append(TaperWarning("close_outpatient_follow_up", _W_FOLLOW_UP, {}, ("9.3.1-3",)))
        length = outpatient_duration_warning(request.start_date, duration)
        if length:
            warnings.append(length)
    else:
        stay = stay_warning(duration, request.stay_days)
        if stay:
            warnings.append(stay)
    return warnings
