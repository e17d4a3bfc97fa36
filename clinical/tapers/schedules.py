"""Building the schedule: weekly and daily levels, the day list, and ``build_taper`` /
``taper_plan`` for benzodiazepines and buprenorphine.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise
from typing import Any

from clinical.inputs import FieldError
from clinical.tapers.constants import (
    BUPRENORPHINE,
    DAYS_PER_WEEK,
    DEFAULT_DISPENSING_INTERVAL_DAYS,
    DEFAULT_WEEKLY_REDUCTION_PERCENT,
    DOSE_TIMES,
    GUIDELINE_MIN_WEEKLY_REDUCTION_PERCENT,
    MAX_BUPRENORPHINE_START_MG,
)
from clinical.tapers.conversion import convert_to_taper_drug, start_bound_mg
from clinical.tapers.messages import (
    _E_STOPS_AT_ONCE,
    _W_BUPRENORPHINE_ABOVE_BOUND,
    _W_DEFAULT_EQUIVALENCE,
    _W_DIAZEPAM,
    _W_HELD,
    _W_PREGNANCY_UNKNOWN_BENZODIAZEPINE,
    _W_PREGNANCY_UNKNOWN_OPIOID,
    _W_PREGNANT_BENZODIAZEPINE,
    _W_PREGNANT_OPIOID,
    _W_PREGNANT_OPIOID_OVERRIDDEN,
    _W_ROUNDED_DOWN,
    _W_SLOWER,
    _W_START_ABOVE_BOUND,
    _W_START_SET,
    _W_SUPERVISED,
    _W_TOLERANCE,
)
from clinical.tapers.output import Dose, TaperDay, TaperPlan, TaperWarning, _mg_text
from clinical.tapers.parsing import check_taper_request, parse_taper_request
from clinical.tapers.plan_warnings import (
    _conversion_to_confirm,
    _intake_difference,
    _setting_warnings,
    abrupt_stop_warning,
)
from clinical.tapers.request import TaperInputError, TaperRequest
from clinical.tapers.tablets import (
    Dispensing,
    EquipotencyTable,
    default_equipotency,
    default_tablet_strengths,
)

# --- Schedules --------------------------------------------------------------------------------


def weekly_levels(start_mg: Fraction, step_mg: Fraction, dispensing: Dispensing) -> list[Fraction]:
    """The daily dose of each week, from ``start_mg`` down to (and including) 0.

    Week ``k`` takes the smallest dispensable dose on or above the straight line
    ``start_mg - k * step_mg`` (G 4515-4517: the chosen share of the original dose a week), and
    0 once the line reaches 0. So the dose never rises, never falls below the line, ends at the
    week the line reaches zero (5 % a week: 20 weeks), and no step is larger than ``step_mg``
    times the weeks since the last step by a whole smallest tablet: dispensable doses lie less
    than one smallest tablet apart. When no dispensable dose lies between the last dose and the
    line, the dose is held a week.
    """
    if step_mg <= 0 or not dispensing.is_dispensable(start_mg) or start_mg <= 0:
        raise ValueError("a taper needs a dispensable start dose and a positive step")
    levels = [start_mg]
    week = 0
    while levels[-1] > 0:
        week += 1
        line = start_mg - step_mg * week
        level = Fraction(0) if line <= 0 else dispensing.round_up(line)
        levels.append(min(level, levels[-1]))
    return levels


def buprenorphine_levels(start_mg: Fraction, days: int, dispensing: Dispensing) -> list[Fraction]:
    """The daily dose of each day: a straight line to zero, each day rounded up, then 0."""
    return [dispensing.round_up(start_mg * (days - day) / days) for day in range(days)] + [
        Fraction(0)
    ]


def _day(on: date, total: Fraction, dispensing: Dispensing, doses_per_day: int) -> TaperDay:
    if total == 0:
        return TaperDay(on, total, ())
    return TaperDay(on, total, _doses(total, dispensing, doses_per_day))


@lru_cache(maxsize=4096)
def _doses(total: Fraction, dispensing: Dispensing, doses_per_day: int) -> tuple[Dose, ...]:
    """A day's doses and their tablets: the same for every day of a week (and every taper with
    that day's total), so worked out once. Pure, and the result is immutable."""
    times = DOSE_TIMES[doses_per_day]
    return tuple(
        Dose(time, mg, dispensing.tablets(mg))
        for time, mg in zip(times, dispensing.split(total, doses_per_day), strict=True)
        if mg > 0
    )


def build_taper(
    request: TaperRequest,
    *,
    tablet_strengths: Mapping[str, Dispensing] | None = None,
    equipotency: EquipotencyTable | None = None,
) -> TaperPlan:
    """The taper schedule for a request; raise ``TaperInputError`` if it cannot be built."""
    strengths = tablet_strengths or default_tablet_strengths()
    table = equipotency or default_equipotency()
    check_taper_request(request, tablet_strengths=strengths, equipotency=table)
    if request.regimen == "buprenorphine":
        return _buprenorphine_plan(request, strengths[BUPRENORPHINE])
    return _benzodiazepine_plan(request, strengths[request.taper_drug], table)


def taper_plan(
    data: Mapping[str, Any],
    *,
    tablet_strengths: Mapping[str, Dispensing] | None = None,
    equipotency: EquipotencyTable | None = None,
) -> TaperPlan:
    """Parse and build in one step (what the API view calls)."""
    request = parse_taper_request(data, tablet_strengths=tablet_strengths, equipotency=equipotency)
    return build_taper(request, tablet_strengths=tablet_strengths, equipotency=equipotency)


def _benzodiazepine_plan(
    request: TaperRequest, dispensing: Dispensing, table: EquipotencyTable
) -> TaperPlan:
    conversion, target = convert_to_taper_drug(
        request.current_use, request.taper_drug, chosen=request.equivalence, table=table
    )
    converted = sum((row.taper_drug_mg_per_day for row in conversion), Fraction(0))
    warnings: list[TaperWarning] = []
    defaults = [row.drug for row in conversion if row.equivalence.source == "default"]
    if target.source == "default" and request.taper_drug not in defaults:
        defaults.append(request.taper_drug)
    if defaults:
        params: dict[str, Any] = {"taper_drug": request.taper_drug, "drugs": ", ".join(defaults)}
        warnings.append(
            TaperWarning(
                "equivalence_default_lower_dose",
                _W_DEFAULT_EQUIVALENCE,
                params,
                ("9.4-1",),
                resolution=True,
            )
        )
    confirm = _conversion_to_confirm(conversion) if not request.conversion_confirmed else []
    warnings.extend(confirm)
    differs = _intake_difference(request)
    if differs:
        warnings.append(differs)
    if request.start_mg_per_day is not None:
        start = request.start_mg_per_day
        params = {"start_mg": _mg_text(start), "converted_mg": _mg_text(converted)}
        warnings.append(
            TaperWarning("start_dose_set_by_clinician", _W_START_SET, params, ("9.3.1-2",))
        )
        bound = start_bound_mg(request.current_use, request.taper_drug, table)
        if start > bound:
            params = {
                "start_mg": _mg_text(start),
                "bound_mg": _mg_text(bound),
                "reason": request.override_reason or "",
            }
            warnings.append(
                TaperWarning(
                    "start_above_bound_overridden",
                    _W_START_ABOVE_BOUND,
                    params,
                    ("9.3.1-2",),
                    resolution=True,
                )
            )
    else:
        start = dispensing.round_down(converted)
        if start == 0:
            params = {
                "converted_mg": _mg_text(converted),
                "drug": request.taper_drug,
                "smallest_mg": _mg_text(dispensing.smallest_mg),
            }
            raise TaperInputError(
                [FieldError("current_use", _E_STOPS_AT_ONCE, params, ("9.3.1-1",))]
            )
        if start != converted:
            params = {"start_mg": _mg_text(start), "converted_mg": _mg_text(converted)}
            warnings.append(
                TaperWarning("start_rounded_down", _W_ROUNDED_DOWN, params, ("9.3.1-2",))
            )
    percent = request.weekly_reduction_percent or Fraction(DEFAULT_WEEKLY_REDUCTION_PERCENT)
    if percent < GUIDELINE_MIN_WEEKLY_REDUCTION_PERCENT:
        # G 4515-4517 (10-20 %, one to six months); 12-6: a slow taper for pregnant women.
        slow_refs = ("9.3.1-2", "12-6") if request.pregnant else ("9.3.1-2",)
        warnings.append(
            TaperWarning(
                "slower_than_usual_reduction",
                _W_SLOWER,
                {"percent": _mg_text(percent)},
                slow_refs,
                resolution=True,
            )
        )
    levels = weekly_levels(start, start * percent / 100, dispensing)
    held = sum(1 for before, after in pairwise(levels) if before == after)
    if held:
        params = {"held_weeks": held, "percent": _mg_text(percent)}
        warnings.append(
            TaperWarning("dose_held_for_tablet_strengths", _W_HELD, params, ("9.3.1-2",))
        )
    days = tuple(
        _day(request.start_date + timedelta(days=index), level, dispensing, request.doses_per_day)
        for week, level in enumerate(levels)
        for index in _week_days(week, last=level == 0)
    )
    duration = sum(1 for day in days if day.total_mg > 0)
    warnings.extend(_setting_warnings(request, duration))
    abrupt = abrupt_stop_warning(request.regimen, request.setting, start, duration)
    if abrupt:
        warnings.append(abrupt)
    if request.taper_drug == "diazepam":
        warnings.append(TaperWarning("diazepam_second_choice", _W_DIAZEPAM, {}, ("9.4-1",)))
    if request.pregnant:
        warnings.append(
            TaperWarning("pregnant_slow_taper", _W_PREGNANT_BENZODIAZEPINE, {}, ("12-6", "12-3"))
        )
    elif request.pregnant is None:
        # 12-6 asks for a slow taper in pregnancy: unknown is said, not read as "no" (audit).
        warnings.append(
            TaperWarning(
                "pregnancy_not_recorded", _W_PREGNANCY_UNKNOWN_BENZODIAZEPINE, {}, ("12-6",), True
            )
        )
    return TaperPlan(
        regimen=request.regimen,
        setting=request.setting,
        taper_drug=request.taper_drug,
        start_mg_per_day=start,
        converted_mg_per_day=converted,
        weekly_reduction_percent=percent,
        conversion=conversion,
        taper_drug_equivalence=target,
        days=days,
        refs=("9.3.1-1", "9.3.1-2", "9.4-1"),
        warnings=tuple(warnings),
        equivalence_source=table.source,
        dispensing_interval_days=_interval(request),
        override_reason=request.override_reason,
        conversion_needs_confirmation=bool(confirm),
    )


def _interval(request: TaperRequest) -> int:
    return request.dispensing_interval_days or DEFAULT_DISPENSING_INTERVAL_DAYS


def _week_days(week: int, *, last: bool) -> range:
    first = week * DAYS_PER_WEEK
    return range(first, first + (1 if last else DAYS_PER_WEEK))


def _buprenorphine_plan(request: TaperRequest, dispensing: Dispensing) -> TaperPlan:
    start, length = request.start_mg_per_day, request.days
    if start is None or length is None:  # check_taper_request has already refused this
        raise ValueError("a buprenorphine taper needs start_mg_per_day and days")
    levels = buprenorphine_levels(start, length, dispensing)
    days = tuple(
        _day(request.start_date + timedelta(days=index), level, dispensing, request.doses_per_day)
        for index, level in enumerate(levels)
    )
    warnings = [TaperWarning("tolerance_loss", _W_TOLERANCE, {}, ("10.3-2", "13.1-9"))]
    abrupt = abrupt_stop_warning(request.regimen, request.setting, start, length)
    if abrupt:
        warnings.append(abrupt)
    if start > MAX_BUPRENORPHINE_START_MG:
        params = {
            "start_mg": _mg_text(start),
            "max_mg": MAX_BUPRENORPHINE_START_MG,
            "reason": request.override_reason or "",
        }
        warnings.append(
            TaperWarning(
                "start_above_bound_overridden",
                _W_BUPRENORPHINE_ABOVE_BOUND,
                params,
                ("10.5-1",),
                resolution=True,
            )
        )
    if request.setting == "outpatient":
        warnings.append(
            TaperWarning("supervised_daily_dispensing", _W_SUPERVISED, {}, ("10.4.1-2",))
        )
    if request.pregnant is None:
        # 12-7 / 10.3-1: a pregnant woman is stabilised, not tapered; unknown is said (audit).
        warnings.append(
            TaperWarning(
                "pregnancy_not_recorded",
                _W_PREGNANCY_UNKNOWN_OPIOID,
                {},
                ("12-7", "10.3-1"),
                True,
            )
        )
    if request.pregnant:
        warnings.append(
            TaperWarning("pregnant_stabilise", _W_PREGNANT_OPIOID, {}, ("12-7", "10.3-1"))
        )
        warnings.append(
            TaperWarning(
                "pregnant_opioid_taper_overridden",
                _W_PREGNANT_OPIOID_OVERRIDDEN,
                {"reason": request.override_reason or ""},
                ("12-7", "10.3-1"),
            )
        )
    return TaperPlan(
        regimen=request.regimen,
        setting=request.setting,
        taper_drug=BUPRENORPHINE,
        start_mg_per_day=start,
        converted_mg_per_day=None,
        weekly_reduction_percent=None,
        conversion=(),
        taper_drug_equivalence=None,
        days=days,
        refs=("10.5-1",),
        warnings=tuple(warnings),
        dispensing_interval_days=_interval(request),
        override_reason=request.override_reason,
    )
