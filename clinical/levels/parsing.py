"""Strict validation of API JSON into a ``LevelInput`` (``parse_level_input``), raising
``LevelInputError`` with every bad field at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from clinical.inputs import ClinicalInputError, FieldError
from clinical.levels.model import (
    _TOP_LEVEL_FIELDS,
    ACUTE_CRITERIA,
    AGE_MAX,
    AUDIT_MAX,
    CIWA_AR_MAX,
    COMPLICATIONS,
    MAX_ALCOHOL_UNITS_PER_DAY,
    MAX_CONTINUOUS_USE_DAYS,
    PREFERENCES,
    SUBSTANCES,
    AcuteCriterion,
    Complication,
    LevelInput,
    Preference,
    SubstanceUse,
)
from clinical.messages import gettext_noop

# The yes/no/unknown facts of the input (the intake maps onto these: patients/intake_mapping.py).
BOOLEAN_FIELDS: Final = (
    "somatic_comorbidity",
    "psychiatric_comorbidity",
    "severe_mental_illness",
    "high_suicide_risk",
    "acute_somatic_illness",
    "unconscious",
    "pregnant",
    "home_support",
    "outpatient_followup_available",
    "able_to_take_oral",
    "dehydration_or_electrolyte_disturbance_suspected",
    "repeated_overdoses",
    "in_custody",
    "in_lar",
    "opioid_stabilised",
    "supervised_daily_dispensing",
    "earlier_failed_outpatient_detox",
    "current_delirium",
    "wernicke_suspected",
    "head_injury",
)
_SUBSTANCE_FIELDS: Final = ("substance", "dependent", "injecting", "continuous_use_days")

_E_OBJECT = gettext_noop("Expected an object with the fields: %(allowed)s.")
_E_UNKNOWN = gettext_noop("Unknown field. Allowed: %(allowed)s.")
_E_LIST = gettext_noop("Must be a list (or null).")
_E_BOOLEAN = gettext_noop("Must be true, false or null.")
_E_INTEGER = gettext_noop("Must be a whole number from %(min)s to %(max)s, or null.")
_E_NUMBER = gettext_noop("Must be a number from %(min)s to %(max)s, or null.")
_E_CHOICE = gettext_noop("Not an allowed value. Allowed: %(allowed)s.")
_E_REQUIRED = gettext_noop("This field is required. Allowed: %(allowed)s.")
_E_DUPLICATE_SUBSTANCE = gettext_noop("Duplicate substance: list each substance once.")
_E_DUPLICATE_COMPLICATION = gettext_noop("Duplicate complication: list each complication once.")
_E_DUPLICATE_CRITERION = gettext_noop("Duplicate criterion: list each criterion once.")


class LevelInputError(ClinicalInputError):
    """The input was rejected; ``errors`` names each bad field and what is allowed."""


def parse_level_input(data: Mapping[str, Any]) -> LevelInput:
    """Validate API JSON strictly and build a ``LevelInput``; raise ``LevelInputError``.

    Omitted fields and ``null`` mean unknown. Unknown keys, wrong types (a bool is not a
    number), out-of-range numbers, values outside the allowed lists and duplicates are rejected,
    all errors at once.
    """
    errors: list[FieldError] = []
    if not isinstance(data, Mapping):
        raise LevelInputError([_object_error("non_field_errors", _TOP_LEVEL_FIELDS)])
    _reject_unknown_keys(data, _TOP_LEVEL_FIELDS, "", errors)
    booleans = {name: _parse_bool(data, name, name, errors) for name in BOOLEAN_FIELDS}
    result = LevelInput(
        substances=_parse_substances(data.get("substances"), errors),
        previous_withdrawal_complications=_parse_complications(
            data.get("previous_withdrawal_complications"), errors
        ),
        patient_preference=_parse_preference(data.get("patient_preference"), errors),
        ciwa_ar=_parse_int(data.get("ciwa_ar"), "ciwa_ar", CIWA_AR_MAX, errors),
        audit=_parse_int(data.get("audit"), "audit", AUDIT_MAX, errors),
        alcohol_units_per_day=_parse_number(
            data.get("alcohol_units_per_day"),
            "alcohol_units_per_day",
            MAX_ALCOHOL_UNITS_PER_DAY,
            errors,
        ),
        acute_criteria=_parse_acute_criteria(data.get("acute_criteria"), errors),
        age_years=_parse_int(data.get("age_years"), "age_years", AGE_MAX, errors),
        **booleans,
    )
    if errors:
        raise LevelInputError(sorted(errors, key=_field_position))
    return result


def _field_position(error: FieldError) -> int:
    # Report errors in the order of the fields (unknown keys last), whatever order found them.
    base = error.field.split("[", 1)[0].split(".", 1)[0]
    return _TOP_LEVEL_FIELDS.index(base) if base in _TOP_LEVEL_FIELDS else len(_TOP_LEVEL_FIELDS)


def _object_error(name: str, allowed: Iterable[str]) -> FieldError:
    return FieldError(name, _E_OBJECT, {"allowed": ", ".join(allowed)})


def _reject_unknown_keys(
    data: Mapping[Any, Any], allowed: Sequence[str], prefix: str, errors: list[FieldError]
) -> None:
    for key in data:
        if key not in allowed:
            errors.append(FieldError(f"{prefix}{key}", _E_UNKNOWN, {"allowed": ", ".join(allowed)}))


def _parse_bool(
    data: Mapping[str, Any], key: str, name: str, errors: list[FieldError]
) -> bool | None:
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return value
    errors.append(FieldError(name, _E_BOOLEAN, {}))
    return None


def _parse_int(value: Any, name: str, maximum: int, errors: list[FieldError]) -> int | None:
    if value is None:
        return None
    # bool is a subclass of int in Python; JSON true is not a score.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= maximum:
        return value
    errors.append(FieldError(name, _E_INTEGER, {"min": 0, "max": maximum}))
    return None


def _parse_number(value: Any, name: str, maximum: int, errors: list[FieldError]) -> float | None:
    # Units per day may be fractional (half a bottle of wine); scores and days may not. The range
    # check also rejects NaN and infinity, and never converts a huge int to float.
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= maximum:
        return value
    errors.append(FieldError(name, _E_NUMBER, {"min": 0, "max": maximum}))
    return None


def _choice_error(name: str, allowed: Sequence[str]) -> FieldError:
    return FieldError(name, _E_CHOICE, {"allowed": ", ".join(allowed)})


def _parse_preference(value: Any, errors: list[FieldError]) -> Preference | None:
    if value is None:
        return None
    for preference in PREFERENCES:
        if value == preference and isinstance(value, str):
            return preference
    errors.append(_choice_error("patient_preference", (*PREFERENCES, "null")))
    return None


def _parse_substances(value: Any, errors: list[FieldError]) -> tuple[SubstanceUse, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        errors.append(FieldError("substances", _E_LIST, {}))
        return ()
    uses: list[SubstanceUse] = []
    for index, item in enumerate(value):
        use = _parse_substance(item, f"substances[{index}]", errors)
        if use is None:
            continue
        if any(earlier.substance == use.substance for earlier in uses):
            errors.append(FieldError(f"substances[{index}].substance", _E_DUPLICATE_SUBSTANCE, {}))
            continue
        uses.append(use)
    return tuple(uses)


def _parse_substance(item: Any, name: str, errors: list[FieldError]) -> SubstanceUse | None:
    if not isinstance(item, Mapping):
        errors.append(_object_error(name, _SUBSTANCE_FIELDS))
        return None
    _reject_unknown_keys(item, _SUBSTANCE_FIELDS, f"{name}.", errors)
    dependent = _parse_bool(item, "dependent", f"{name}.dependent", errors)
    injecting = _parse_bool(item, "injecting", f"{name}.injecting", errors)
    days = _parse_int(
        item.get("continuous_use_days"),
        f"{name}.continuous_use_days",
        MAX_CONTINUOUS_USE_DAYS,
        errors,
    )
    value = item.get("substance")
    if value is None:
        allowed = ", ".join(SUBSTANCES)
        errors.append(FieldError(f"{name}.substance", _E_REQUIRED, {"allowed": allowed}))
        return None
    substance = next((s for s in SUBSTANCES if s == value and isinstance(value, str)), None)
    if substance is None:
        errors.append(_choice_error(f"{name}.substance", SUBSTANCES))
        return None
    return SubstanceUse(substance, dependent, injecting, days)


def _parse_complications(value: Any, errors: list[FieldError]) -> tuple[Complication, ...] | None:
    name = "previous_withdrawal_complications"
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        errors.append(FieldError(name, _E_LIST, {}))
        return None
    found: list[Complication] = []
    for index, item in enumerate(value):
        complication = next((c for c in COMPLICATIONS if c == item and isinstance(item, str)), None)
        if complication is None:
            errors.append(_choice_error(f"{name}[{index}]", COMPLICATIONS))
        elif complication in found:
            errors.append(FieldError(f"{name}[{index}]", _E_DUPLICATE_COMPLICATION, {}))
        else:
            found.append(complication)
    return tuple(found)


def _parse_acute_criteria(
    value: Any, errors: list[FieldError]
) -> tuple[AcuteCriterion, ...] | None:
    name = "acute_criteria"
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        errors.append(FieldError(name, _E_LIST, {}))
        return None
    found: list[AcuteCriterion] = []
    for index, item in enumerate(value):
        criterion = next((c for c in ACUTE_CRITERIA if c == item and isinstance(item, str)), None)
        if criterion is None:
            errors.append(_choice_error(f"{name}[{index}]", ACUTE_CRITERIA))
        elif criterion in found:
            errors.append(FieldError(f"{name}[{index}]", _E_DUPLICATE_CRITERION, {}))
        else:
            found.append(criterion)
    return tuple(found)
