"""Strict validation of a taper request (``parse_taper_request``) and the regimen-specific
checks shared with ``build_taper`` (``check_taper_request``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeVar

from clinical.inputs import FieldError
from clinical.tapers.constants import (
    BENZODIAZEPINE_TAPER_DRUGS,
    BUPRENORPHINE,
    DEFAULT_TAPER_DRUG,
    DEFAULT_WEEKLY_REDUCTION_PERCENT,
    DOSE_TIMES,
    MAX_BUPRENORPHINE_DAYS,
    MAX_BUPRENORPHINE_START_MG,
    MAX_DISPENSING_INTERVAL_DAYS,
    MAX_MG_PER_DAY,
    MAX_OVERRIDE_REASON_CHARS,
    MAX_STAY_DAYS,
    MAX_WEEKLY_REDUCTION_PERCENT,
    MIN_BUPRENORPHINE_DAYS,
    MIN_WEEKLY_REDUCTION_PERCENT,
    REGIMENS,
    SETTINGS,
    START_DOSE_BOUND_FACTOR,
    TAPER_DRUGS,
    Regimen,
    Setting,
)
from clinical.tapers.conversion import upper_converted_mg
from clinical.tapers.messages import (
    _E_ALPHA2_NOT_A_TAPER,
    _E_BOOLEAN,
    _E_BUPRENORPHINE_ABOVE_BOUND,
    _E_CHOICE,
    _E_DATE,
    _E_DUPLICATE,
    _E_EQUIVALENCE_RANGE,
    _E_EQUIVALENCE_UNUSED,
    _E_INPATIENT_ONLY,
    _E_INTEGER,
    _E_LIST,
    _E_METHADONE_NOT_PLANNED,
    _E_METHADONE_OUTPATIENT,
    _E_NO_DRUGS,
    _E_NOT_DISPENSABLE,
    _E_NOT_FOR_BENZODIAZEPINE,
    _E_NOT_FOR_BUPRENORPHINE,
    _E_NOT_OPIOID_DEPENDENT,
    _E_OBJECT,
    _E_POSITIVE,
    _E_PREGNANT_OPIOID,
    _E_RANGE,
    _E_REQUIRED,
    _E_START_ABOVE_BOUND,
    _E_TEXT,
    _E_TOO_FEW_DAYS,
    _E_UNKNOWN,
)
from clinical.tapers.output import _mg_text
from clinical.tapers.request import CurrentUse, TaperInputError, TaperRequest
from clinical.tapers.tablets import (
    Dispensing,
    EquipotencyTable,
    default_equipotency,
    default_tablet_strengths,
)

_FIELDS: Final = (
    "regimen",
    "current_use",
    "taper_drug",
    "setting",
    "start_date",
    "weekly_reduction_percent",
    "doses_per_day",
    "start_mg_per_day",
    "days",
    "opioid_dependent",
    "equivalence",
    "stay_days",
    "pregnant",
    "override_reason",
    "dispensing_interval_days",
    "conversion_confirmed",
    "intake_use",
)
_USE_FIELDS: Final = ("drug", "mg_per_day")


# --- Parsing ----------------------------------------------------------------------------------

_Choice = TypeVar("_Choice", bound=str)
_DATE_PATTERN: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_REFUSED_TAPER_DRUGS: Final = ("methadone", "clonidine", "lofexidine")


@dataclass
class _Parsed:
    """Values parsed so far; a field named in ``bad`` already has an error."""

    regimen: Regimen | None = None
    setting: Setting | None = None
    start_date: date | None = None
    taper_drug: str | None = None
    doses_per_day: int | None = None
    current_use: tuple[CurrentUse, ...] | None = None
    weekly_reduction_percent: Fraction | None = None
    start_mg_per_day: Fraction | None = None
    days: int | None = None
    opioid_dependent: bool | None = None
    equivalence: dict[str, Fraction] | None = None
    stay_days: int | None = None
    pregnant: bool | None = None
    override_reason: str | None = None
    dispensing_interval_days: int | None = None
    conversion_confirmed: bool | None = None
    intake_use: tuple[CurrentUse, ...] | None = None
    bad: set[str] = field(default_factory=set)
    errors: list[FieldError] = field(default_factory=list)

    def fail(self, name: str, error: FieldError) -> None:
        self.bad.add(name)
        self.errors.append(error)


def parse_taper_request(
    data: Mapping[str, Any],
    *,
    tablet_strengths: Mapping[str, Dispensing] | None = None,
    equipotency: EquipotencyTable | None = None,
) -> TaperRequest:
    """Validate API JSON strictly and build a ``TaperRequest``; raise ``TaperInputError``.

    Numbers must be JSON numbers (a bool is not a number), dates ``YYYY-MM-DD``. Unknown keys,
    values outside the allowed lists or ranges, fields that do not apply to the regimen and
    the clinical refusals (methadone for outpatients, a buprenorphine taper without opioid
    dependence, ...) are all reported at once, each naming its field.
    """
    if not isinstance(data, Mapping):
        raise TaperInputError(
            [FieldError("non_field_errors", _E_OBJECT, {"allowed": ", ".join(_FIELDS)})]
        )
    parsed = _Parsed()
    for key in data:
        if key not in _FIELDS:
            parsed.fail(str(key), FieldError(str(key), _E_UNKNOWN, {"allowed": ", ".join(_FIELDS)}))
    parsed.regimen = _parse_choice(data.get("regimen"), "regimen", REGIMENS, parsed)
    parsed.setting = _parse_choice(data.get("setting"), "setting", SETTINGS, parsed)
    parsed.start_date = _parse_date(data.get("start_date"), parsed)
    parsed.taper_drug = _parse_taper_drug(data.get("taper_drug"), parsed)
    parsed.doses_per_day = _parse_int(
        data.get("doses_per_day"), "doses_per_day", min(DOSE_TIMES), max(DOSE_TIMES), parsed
    )
    if parsed.doses_per_day is None and "doses_per_day" not in parsed.bad:
        parsed.fail("doses_per_day", FieldError("doses_per_day", _E_REQUIRED))
    parsed.current_use = _parse_current_use(data.get("current_use"), parsed)
    parsed.weekly_reduction_percent = _parse_number(
        data.get("weekly_reduction_percent"),
        "weekly_reduction_percent",
        parsed,
        low=Fraction(MIN_WEEKLY_REDUCTION_PERCENT),
        high=Fraction(MAX_WEEKLY_REDUCTION_PERCENT),
    )
    parsed.start_mg_per_day = _parse_number(
        data.get("start_mg_per_day"), "start_mg_per_day", parsed
    )
    parsed.days = _parse_days(data.get("days"), parsed)
    parsed.opioid_dependent = _parse_bool(data.get("opioid_dependent"), "opioid_dependent", parsed)
    parsed.equivalence = _parse_equivalence(data.get("equivalence"), parsed)
    parsed.stay_days = _parse_int(data.get("stay_days"), "stay_days", 1, MAX_STAY_DAYS, parsed)
    parsed.pregnant = _parse_bool(data.get("pregnant"), "pregnant", parsed)
    parsed.override_reason = _parse_text(data.get("override_reason"), "override_reason", parsed)
    parsed.dispensing_interval_days = _parse_int(
        data.get("dispensing_interval_days"),
        "dispensing_interval_days",
        1,
        MAX_DISPENSING_INTERVAL_DAYS,
        parsed,
    )
    parsed.conversion_confirmed = _parse_bool(
        data.get("conversion_confirmed"), "conversion_confirmed", parsed
    )
    parsed.intake_use = _parse_current_use(data.get("intake_use"), parsed, name="intake_use")
    _check_or_raise(parsed, tablet_strengths, equipotency)
    return _request(parsed)


def _request(parsed: _Parsed) -> TaperRequest:
    # Called only when there were no errors, so the required fields are all set.
    regimen, setting, start = parsed.regimen, parsed.setting, parsed.start_date
    drug, doses = parsed.taper_drug, parsed.doses_per_day
    if regimen is None or setting is None or start is None or drug is None or doses is None:
        raise ValueError("incomplete request")
    return TaperRequest(
        regimen=regimen,
        setting=setting,
        start_date=start,
        taper_drug=drug,
        doses_per_day=doses,
        current_use=parsed.current_use or (),
        weekly_reduction_percent=parsed.weekly_reduction_percent,
        start_mg_per_day=parsed.start_mg_per_day,
        days=parsed.days,
        opioid_dependent=parsed.opioid_dependent,
        equivalence=dict(parsed.equivalence or {}),
        stay_days=parsed.stay_days,
        pregnant=parsed.pregnant,
        override_reason=parsed.override_reason,
        dispensing_interval_days=parsed.dispensing_interval_days,
        conversion_confirmed=parsed.conversion_confirmed,
        intake_use=parsed.intake_use,
    )


def _check_or_raise(
    parsed: _Parsed,
    tablet_strengths: Mapping[str, Dispensing] | None,
    equipotency: EquipotencyTable | None,
) -> None:
    """Run the cross-field checks (default tables unless given); raise on any error so far."""
    _check(
        parsed,
        tablet_strengths or default_tablet_strengths(),
        equipotency or default_equipotency(),
    )
    if parsed.errors:
        raise TaperInputError(parsed.errors)


def _parse_text(value: Any, name: str, parsed: _Parsed) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip() and len(value) <= MAX_OVERRIDE_REASON_CHARS:
        return value.strip()
    parsed.fail(name, FieldError(name, _E_TEXT, {"max": MAX_OVERRIDE_REASON_CHARS}))
    return None


def _parse_choice(
    value: Any, name: str, allowed: tuple[_Choice, ...], parsed: _Parsed
) -> _Choice | None:
    for choice in allowed:
        if value == choice:
            return choice
    if value is None:
        parsed.fail(name, FieldError(name, _E_REQUIRED))
    else:
        parsed.fail(name, FieldError(name, _E_CHOICE, {"allowed": ", ".join(allowed)}))
    return None


def _parse_date(value: Any, parsed: _Parsed) -> date | None:
    if value is None:
        parsed.fail("start_date", FieldError("start_date", _E_REQUIRED))
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_PATTERN.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    parsed.fail("start_date", FieldError("start_date", _E_DATE))
    return None


def _parse_taper_drug(value: Any, parsed: _Parsed) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value in (*TAPER_DRUGS, *_REFUSED_TAPER_DRUGS):
        return value
    parsed.fail(
        "taper_drug", FieldError("taper_drug", _E_CHOICE, {"allowed": ", ".join(TAPER_DRUGS)})
    )
    return None


def _parse_bool(value: Any, name: str, parsed: _Parsed) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    parsed.fail(name, FieldError(name, _E_BOOLEAN))
    return None


def _parse_int(value: Any, name: str, low: int, high: int, parsed: _Parsed) -> int | None:
    if value is None:
        return None
    # bool is a subclass of int in Python; JSON true is not a count.
    if _is_int(value) and low <= value <= high:
        return int(value)
    parsed.fail(name, FieldError(name, _E_INTEGER, {"min": low, "max": high}))
    return None


def _parse_days(value: Any, parsed: _Parsed) -> int | None:
    if _is_int(value) and value < MIN_BUPRENORPHINE_DAYS:
        # One dosing day and then nothing would be a stop, not a taper (G 5093-5095).
        params = {"min": MIN_BUPRENORPHINE_DAYS}
        parsed.fail("days", FieldError("days", _E_TOO_FEW_DAYS, params, ("10.5-1",)))
        return None
    return _parse_int(value, "days", MIN_BUPRENORPHINE_DAYS, MAX_BUPRENORPHINE_DAYS, parsed)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _to_fraction(value: Any) -> Fraction | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float) and math.isfinite(value):
        # Via the shortest repr: 0.1 means one tenth, not the nearest binary float.
        return Fraction(repr(value))
    if isinstance(value, Decimal) and value.is_finite():
        return Fraction(value)
    return None


def _parse_number(
    value: Any,
    name: str,
    parsed: _Parsed,
    *,
    low: Fraction | None = None,
    high: Fraction | None = None,
) -> Fraction | None:
    """A positive number (at most ``MAX_MG_PER_DAY``), or one in ``[low, high]``."""
    if value is None:
        return None
    number = _to_fraction(value)
    if low is not None and high is not None:
        if number is not None and low <= number <= high:
            return number
        parsed.fail(name, FieldError(name, _E_RANGE, {"min": int(low), "max": int(high)}))
        return None
    if number is not None and 0 < number <= MAX_MG_PER_DAY:
        return number
    parsed.fail(name, FieldError(name, _E_POSITIVE, {"max": MAX_MG_PER_DAY}))
    return None


def _parse_current_use(
    value: Any, parsed: _Parsed, *, name: str = "current_use"
) -> tuple[CurrentUse, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        parsed.fail(name, FieldError(name, _E_LIST))
        return None
    uses: list[CurrentUse] = []
    for index, item in enumerate(value):
        prefix = f"{name}[{index}]"
        if not isinstance(item, Mapping):
            parsed.fail(
                name,
                FieldError(prefix, _E_OBJECT, {"allowed": ", ".join(_USE_FIELDS)}),
            )
            continue
        for key in item:
            if key not in _USE_FIELDS:
                parsed.fail(
                    name,
                    FieldError(f"{prefix}.{key}", _E_UNKNOWN, {"allowed": ", ".join(_USE_FIELDS)}),
                )
        drug = item.get("drug")
        mg = _to_fraction(item.get("mg_per_day"))
        if not isinstance(drug, str) or not drug:
            parsed.fail(name, FieldError(f"{prefix}.drug", _E_REQUIRED))
            drug = None
        if mg is None or not 0 < mg <= MAX_MG_PER_DAY:
            parsed.fail(
                name,
                FieldError(f"{prefix}.mg_per_day", _E_POSITIVE, {"max": MAX_MG_PER_DAY}),
            )
            mg = None
        if drug is not None and mg is not None:
            uses.append(CurrentUse(drug, mg))
        elif drug is not None:
            uses.append(CurrentUse(drug, Fraction(0)))  # keep the drug for the checks below
    return tuple(uses)


def _parse_equivalence(value: Any, parsed: _Parsed) -> dict[str, Fraction] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        parsed.fail("equivalence", FieldError("equivalence", _E_OBJECT, {"allowed": "drug: mg"}))
        return None
    chosen: dict[str, Fraction] = {}
    for drug, raw in value.items():
        number = _to_fraction(raw)
        if number is None or number <= 0:
            parsed.fail(
                "equivalence",
                FieldError(f"equivalence.{drug}", _E_POSITIVE, {"max": MAX_MG_PER_DAY}),
            )
            continue
        chosen[str(drug)] = number
    return chosen


# --- Regimen-specific checks (shared by parse_taper_request and build_taper) ------------------


def _check(parsed: _Parsed, strengths: Mapping[str, Dispensing], table: EquipotencyTable) -> None:
    if parsed.regimen == "benzodiazepine":
        _check_benzodiazepine(parsed, strengths, table)
    elif parsed.regimen == "buprenorphine":
        _check_buprenorphine(parsed, strengths)


def _not_applicable(parsed: _Parsed, names: Iterable[str], message: str) -> None:
    for name in names:
        value = getattr(parsed, name)
        if name not in parsed.bad and value not in (None, (), {}):
            parsed.fail(name, FieldError(name, message))


def _check_benzodiazepine(
    parsed: _Parsed, strengths: Mapping[str, Dispensing], table: EquipotencyTable
) -> None:
    _not_applicable(parsed, ("days", "opioid_dependent"), _E_NOT_FOR_BENZODIAZEPINE)
    if parsed.stay_days is not None and parsed.setting == "outpatient":
        parsed.fail("stay_days", FieldError("stay_days", _E_INPATIENT_ONLY))
    if parsed.weekly_reduction_percent is None and "weekly_reduction_percent" not in parsed.bad:
        parsed.weekly_reduction_percent = Fraction(DEFAULT_WEEKLY_REDUCTION_PERCENT)
    if parsed.taper_drug is None and "taper_drug" not in parsed.bad:
        parsed.taper_drug = DEFAULT_TAPER_DRUG["benzodiazepine"]
    elif parsed.taper_drug is not None and parsed.taper_drug not in BENZODIAZEPINE_TAPER_DRUGS:
        allowed = ", ".join(BENZODIAZEPINE_TAPER_DRUGS)
        parsed.fail(
            "taper_drug", FieldError("taper_drug", _E_CHOICE, {"allowed": allowed}, ("9.4-1",))
        )
        parsed.taper_drug = None
    _check_current_use(parsed, table)
    _check_intake_use(parsed, table)
    _check_equivalence(parsed, table)
    if parsed.start_mg_per_day is not None and parsed.taper_drug is not None:
        _check_dispensable(parsed, strengths[parsed.taper_drug])
        _check_start_bound(parsed, table)


def _check_start_bound(parsed: _Parsed, table: EquipotencyTable) -> None:
    start, drug, uses = parsed.start_mg_per_day, parsed.taper_drug, parsed.current_use
    if (
        start is None
        or drug is None
        or not uses
        or parsed.override_reason
        or "current_use" in parsed.bad
        or "override_reason" in parsed.bad
        or any(use.drug not in table.ranges or use.mg_per_day <= 0 for use in uses)
    ):
        return
    high = upper_converted_mg(uses, drug, table)
    bound = START_DOSE_BOUND_FACTOR * high
    if start > bound:
        params = {
            "start_mg": _mg_text(start),
            "high_mg": _mg_text(high),
            "bound_mg": _mg_text(bound),
        }
        parsed.fail(
            "start_mg_per_day",
            FieldError("start_mg_per_day", _E_START_ABOVE_BOUND, params, ("9.3.1-2",)),
        )


def _check_use_drugs(
    parsed: _Parsed, field_name: str, uses: tuple[CurrentUse, ...], table: EquipotencyTable
) -> None:
    """Each drug in ``uses`` (the list ``field_name``) must be in ``table`` and named once."""
    allowed = ", ".join(table.ranges)
    seen: set[str] = set()
    for index, use in enumerate(uses):
        name = f"{field_name}[{index}].drug"
        if use.drug not in table.ranges:
            parsed.fail(field_name, FieldError(name, _E_CHOICE, {"allowed": allowed}))
        elif use.drug in seen:
            parsed.fail(field_name, FieldError(name, _E_DUPLICATE))
        seen.add(use.drug)


def _check_intake_use(parsed: _Parsed, table: EquipotencyTable) -> None:
    _check_use_drugs(parsed, "intake_use", parsed.intake_use or (), table)


def _check_current_use(parsed: _Parsed, table: EquipotencyTable) -> None:
    if "current_use" in parsed.bad and not parsed.current_use:
        return
    if not parsed.current_use:
        if "current_use" not in parsed.bad:
            parsed.fail("current_use", FieldError("current_use", _E_NO_DRUGS))
        return
    _check_use_drugs(parsed, "current_use", parsed.current_use, table)


def _check_equivalence(parsed: _Parsed, table: EquipotencyTable) -> None:
    if not parsed.equivalence:
        return
    used = {use.drug for use in parsed.current_use or ()}
    if parsed.taper_drug:
        used.add(parsed.taper_drug)
    for drug, value in parsed.equivalence.items():
        name = f"equivalence.{drug}"
        if drug not in table.ranges:
            allowed = ", ".join(table.ranges)
            parsed.fail("equivalence", FieldError(name, _E_CHOICE, {"allowed": allowed}))
            continue
        low, high = table.ranges[drug]
        if not low <= value <= high:
            params = {"drug": drug, "low": _mg_text(low), "high": _mg_text(high)}
            parsed.fail("equivalence", FieldError(name, _E_EQUIVALENCE_RANGE, params))
        elif drug not in used and "current_use" not in parsed.bad:
            parsed.fail("equivalence", FieldError(name, _E_EQUIVALENCE_UNUSED))


def _check_dispensable(parsed: _Parsed, dispensing: Dispensing) -> None:
    mg = parsed.start_mg_per_day
    if mg is None or dispensing.is_dispensable(mg):
        return
    params = {
        "drug": dispensing.drug,
        "strengths": ", ".join(_mg_text(s) for s in dispensing.strengths_mg),
        "nearest": ", ".join(_mg_text(v) for v in dispensing.nearest(mg)),
    }
    parsed.fail("start_mg_per_day", FieldError("start_mg_per_day", _E_NOT_DISPENSABLE, params))


def _check_buprenorphine(parsed: _Parsed, strengths: Mapping[str, Dispensing]) -> None:
    _not_applicable(
        parsed,
        (
            "current_use",
            "weekly_reduction_percent",
            "equivalence",
            "stay_days",
            "intake_use",
            "conversion_confirmed",
        ),
        _E_NOT_FOR_BUPRENORPHINE,
    )
    # A bad override_reason has its own error; no second one for what it was meant to cover.
    overridden = bool(parsed.override_reason) or "override_reason" in parsed.bad
    if parsed.pregnant is True and not overridden:
        # 12-7 (G 5753-5755): stabilise on buprenorphine, the further course planned with her;
        # 10.3-1 (G 4893-4906): be reluctant to detox pregnant women; in LAR the woman stays on
        # her LAR medicine (G 5702-5706), and tapering it is outside the guideline (G 4887-4891).
        parsed.fail(
            "pregnant",
            FieldError("pregnant", _E_PREGNANT_OPIOID, {}, ("12-7", "10.3-1")),
        )
    start = parsed.start_mg_per_day
    if start is not None and start > MAX_BUPRENORPHINE_START_MG and not overridden:
        params = {"start_mg": _mg_text(start), "max_mg": MAX_BUPRENORPHINE_START_MG}
        parsed.fail(
            "start_mg_per_day",
            FieldError("start_mg_per_day", _E_BUPRENORPHINE_ABOVE_BOUND, params, ("10.5-1",)),
        )
    drug = parsed.taper_drug
    if drug == "methadone":
        # 10.5-2 (G 5212); G 5170-5172: risk of opioid overdose, especially with other drugs.
        if parsed.setting == "outpatient":
            parsed.fail(
                "taper_drug",
                FieldError("taper_drug", _E_METHADONE_OUTPATIENT, {}, ("10.5-2",)),
            )
        else:
            parsed.fail(
                "taper_drug",
                FieldError("taper_drug", _E_METHADONE_NOT_PLANNED, {}, ("10.5-1",)),
            )
    elif drug in ("clonidine", "lofexidine"):
        parsed.fail("taper_drug", FieldError("taper_drug", _E_ALPHA2_NOT_A_TAPER, {}, ("10.5-1",)))
    elif drug is not None and drug != BUPRENORPHINE:
        parsed.fail("taper_drug", FieldError("taper_drug", _E_CHOICE, {"allowed": BUPRENORPHINE}))
    elif drug is None and "taper_drug" not in parsed.bad:
        parsed.taper_drug = BUPRENORPHINE
    if parsed.opioid_dependent is not True and "opioid_dependent" not in parsed.bad:
        # G 5192-5196: "Nedtrapping med buprenorfin eller metadon bør kun benyttes hvis
        # pasienten er opioidavhengig" (else overtreatment).
        parsed.fail(
            "opioid_dependent",
            FieldError("opioid_dependent", _E_NOT_OPIOID_DEPENDENT, {}, ("10.5-1",)),
        )
    for name in ("start_mg_per_day", "days"):
        if getattr(parsed, name) is None and name not in parsed.bad:
            parsed.fail(name, FieldError(name, _E_REQUIRED))
    _check_dispensable(parsed, strengths[BUPRENORPHINE])


def check_taper_request(
    request: TaperRequest,
    *,
    tablet_strengths: Mapping[str, Dispensing] | None = None,
    equipotency: EquipotencyTable | None = None,
) -> None:
    """Re-run the regimen-specific checks on a request built by hand; raise on any problem."""
    parsed = _Parsed(
        regimen=request.regimen,
        setting=request.setting,
        start_date=request.start_date,
        taper_drug=request.taper_drug,
        doses_per_day=request.doses_per_day,
        current_use=request.current_use,
        weekly_reduction_percent=request.weekly_reduction_percent,
        start_mg_per_day=request.start_mg_per_day,
        days=request.days,
        opioid_dependent=request.opioid_dependent,
        equivalence=dict(request.equivalence),
        stay_days=request.stay_days,
        pregnant=request.pregnant,
        override_reason=request.override_reason,
        dispensing_interval_days=request.dispensing_interval_days,
        conversion_confirmed=request.conversion_confirmed,
        intake_use=request.intake_use,
    )
    percent = request.weekly_reduction_percent
    if (
        request.regimen == "benzodiazepine"
        and percent is not None
        and not (MIN_WEEKLY_REDUCTION_PERCENT <= percent <= MAX_WEEKLY_REDUCTION_PERCENT)
    ):
        params = {"min": MIN_WEEKLY_REDUCTION_PERCENT, "max": MAX_WEEKLY_REDUCTION_PERCENT}
        parsed.fail(
            "weekly_reduction_percent", FieldError("weekly_reduction_percent", _E_RANGE, params)
        )
    if request.doses_per_day not in DOSE_TIMES:
        params = {"min": min(DOSE_TIMES), "max": max(DOSE_TIMES)}
        parsed.fail("doses_per_day", FieldError("doses_per_day", _E_INTEGER, params))
    if request.days is not None and request.days < MIN_BUPRENORPHINE_DAYS:
        params = {"min": MIN_BUPRENORPHINE_DAYS}
        parsed.fail("days", FieldError("days", _E_TOO_FEW_DAYS, params, ("10.5-1",)))
    _check_or_raise(parsed, tablet_strengths, equipotency)
