"""Pure scoring of the instruments in ``clinical.instruments``: items in, total and band out.

Validation follows the item value rule of ``docs/SCALES.md``: a value must be an integer from the
item's allowed set, every item must be present (except the AUDIT/FAST administration skip, where
skipped items count as 0 and are reported), and unknown keys are refused. All problems are
collected and raised together as one ``ScoringError``; no total or band is computed then.

Guideline line numbers ("G 4209") refer to
``guidelines/data/source/retningslinje-avrusning-2014.txt``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Literal

from clinical.inputs import ClinicalInputError, FieldError
from clinical.instruments import (
    AUDIT,
    CIWA_AR,
    COWS,
    DUDIT,
    FAST,
    INSTRUMENTS,
    SEX_MALE,
    SEXES,
    SOWS,
    Band,
    Instrument,
    Sex,
)
from clinical.messages import gettext_noop

TreatmentTier = Literal["none", "diazepam_qid_if_prior_seizure_or_dt", "diazepam_hourly"]

# CIWA-Ar thresholds (8.4.6-2 and 8.4.6-3, G 4209–4233; resolved as in SCALES.md §1.6).
CIWA_HOURLY_FROM: Final = 10  # "mindre enn 10" → every 4 h; "over 10" → hourly; 10 → hourly
CIWA_CONDITIONAL_TIER_FROM: Final = 10  # "CIWA 10-15": diazepam 10 mg × 4 if prior seizures/DT
CIWA_HOURLY_DIAZEPAM_FROM: Final = 16  # "CIWA over 15": diazepam 10 mg hourly
CIWA_MODERATE_UPPER: Final = 18  # "10-18 moderate" (G 4173)
CIWA_INTERVAL_BELOW_10_HOURS: Final = 4
CIWA_INTERVAL_FROM_10_HOURS: Final = 1

# COWS and SOWS: the guideline gives no scoring interval, so it is a unit setting
# (CLINICAL.md, "Known gaps"); this is the default.
DEFAULT_LOCAL_INTERVAL_HOURS: Final = 4

# AUDIT: NICE CG115 background threshold for assisted withdrawal, cited in 3.2 (G 924–926).
AUDIT_NICE_ASSISTED_WITHDRAWAL_FROM: Final = 20
# FAST item 1 at "weekly" (3) or more is positive at stage one (SCALES.md §6.3).
FAST_STAGE_ONE_POSITIVE_FROM: Final = 3
# The guideline's own AUDIT wording: "over 8" (7.3.1, G 3224).
AUDIT_GUIDELINE_OVER: Final = 8


class ScoringError(ClinicalInputError):
    """Invalid input to ``score``; ``field_errors`` lists every problem found, not just the first.

    Each ``FieldError`` has the msgid (``message``), its ``params`` and the ``allowed`` values
    (always given, possibly empty); ``errors`` is the same as JSON-ready dicts.
    """


@dataclass(frozen=True)
class Note:
    """An explanation that goes with a result.

    ``resolution`` is True when the note states how the application resolved a gap or an
    ambiguity in the guideline — not the guideline's own word. ``refs`` are guideline
    recommendations (``"8.4.6-2"``); ``sections`` are guideline sections whose running text (not a
    numbered recommendation) is the source.
    """

    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    refs: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    resolution: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "params": dict(self.params),
            "refs": list(self.refs),
            "sections": list(self.sections),
            "resolution": self.resolution,
        }


@dataclass(frozen=True)
class ScoreResult:
    instrument: str
    total: int
    max_total: int
    band: Band
    # Screening instruments: True/False. Withdrawal scales: None.
    positive: bool | None
    # Withdrawal scales only: hours until the next assessment.
    monitoring_interval_hours: int | None
    monitoring_interval_refs: tuple[str, ...]
    # True when the interval is a unit setting rather than a guideline rule (COWS, SOWS).
    monitoring_interval_local_choice: bool
    # CIWA-Ar only (8.4.6-3). Kept apart from the severity band, never merged with it.
    treatment_tier: TreatmentTier | None
    treatment_tier_refs: tuple[str, ...]
    notes: tuple[Note, ...]
    # Items filled in as 0 by the AUDIT/FAST administration skip, in item order.
    skipped_items: tuple[str, ...]
    # Every item's value as scored, skipped items included.
    items: Mapping[str, int]

    def as_dict(self) -> dict[str, object]:
        return {
            "instrument": self.instrument,
            "total": self.total,
            "max_total": self.max_total,
            "band": {
                "code": self.band.code,
                "label_nb": self.band.label_nb,
                "label_en": self.band.label_en,
                "lower": self.band.lower,
                "upper": self.band.upper,
                "derived": self.band.derived,
                "source": self.band.source,
            },
            "positive": self.positive,
            "monitoring_interval_hours": self.monitoring_interval_hours,
            "monitoring_interval_refs": list(self.monitoring_interval_refs),
            "monitoring_interval_local_choice": self.monitoring_interval_local_choice,
            "treatment_tier": self.treatment_tier,
            "treatment_tier_refs": list(self.treatment_tier_refs),
            "notes": [note.as_dict() for note in self.notes],
            "skipped_items": list(self.skipped_items),
            "items": dict(self.items),
        }


# --- error messages ------------------------------------------------------------------------------

MSG_UNKNOWN_INSTRUMENT: Final = gettext_noop(
    "%(value)s is not a known instrument; known codes are %(allowed)s."
)
MSG_ITEMS_NOT_MAPPING: Final = gettext_noop(
    "Items must be an object that maps item keys to values."
)
MSG_INVALID_VALUE: Final = gettext_noop(
    "%(item)s: %(value)s is not an allowed value; allowed values are %(allowed)s."
)
MSG_MISSING_ITEM: Final = gettext_noop("%(item)s is missing; allowed values are %(allowed)s.")
MSG_UNKNOWN_ITEM: Final = gettext_noop(
    "%(item)s is not an item of %(instrument)s; its items are %(allowed)s."
)
MSG_SEX_REQUIRED: Final = gettext_noop(
    "Sex is required for %(instrument)s; allowed values are %(allowed)s."
)
MSG_INVALID_SEX: Final = gettext_noop(
    "%(value)s is not an allowed sex; allowed values are %(allowed)s."
)
MSG_INVALID_INTERVAL: Final = gettext_noop(
    "The scoring interval must be a whole number of hours, 1 or more; got %(value)s."
)

# --- notes ---------------------------------------------------------------------------------------

NOTE_CIWA_NINE_IS_MILD: Final = gettext_noop(
    "A score of 9 is read as mild: the guideline says 'under 9' is mild and 10–18 moderate, "
    "which leaves 9 in no band; its rules for scoring and drugs all start at 10."
)
NOTE_CIWA_TEN_IS_HOURLY: Final = gettext_noop(
    "A score of exactly 10 is scored every hour: the guideline says every 4 hours 'under 10' "
    "and every hour 'over 10', which leaves 10 open."
)
NOTE_CIWA_CONDITIONAL_TIER: Final = gettext_noop(
    "CIWA-Ar 10–15: the guideline gives diazepam 10 mg × 4 only to patients with earlier "
    "withdrawal seizures or delirium tremens. For other patients it gives no drug."
)
NOTE_CIWA_MODERATE_HOURLY_TIER: Final = gettext_noop(
    "Scores 16–18 are moderate in the guideline's bands, yet above 15, where the guideline "
    "gives diazepam 10 mg every hour."
)
NOTE_LOCAL_INTERVAL: Final = gettext_noop(
    "Scoring every %(hours)s h is this unit's own choice: the guideline gives no scoring "
    "interval for %(instrument)s."
)
NOTE_COWS_NONE_DERIVED: Final = gettext_noop(
    "The COWS form gives no label for totals 0–4; 'none' is this application's label."
)
NOTE_SOWS_UNBANDED: Final = gettext_noop(
    "SOWS has no published severity bands: only the total is reported."
)
NOTE_AUDIT_CUTOFF_MALE: Final = gettext_noop(
    "Positive at 8 or more for men, as WHO and the Norwegian form have it. The guideline says "
    "'over 8', which would not count a total of 8."
)
NOTE_AUDIT_CUTOFF_FEMALE: Final = gettext_noop(
    "Positive at 6 or more for women, as Norwegian practice has it. The guideline says 'over 8' "
    "and gives no separate cut-off for women."
)
NOTE_AUDIT_NICE: Final = gettext_noop(
    "AUDIT 20 or more: NICE, cited by the guideline as background, suggests assisted withdrawal "
    "or inpatient detox. The guideline's text says 'over 20'."
)
NOTE_SKIPPED_ITEMS: Final = gettext_noop(
    "Not asked under the administration rule and counted as 0: %(items)s."
)
NOTE_FAST_STAGE_ONE_NEGATIVE: Final = gettext_noop(
    "FAST item 1 is 'never': the result is negative whatever the other items score."
)


# --- validation ----------------------------------------------------------------------------------


def _show(value: object) -> str:
    """The value as it would appear in the JSON the caller sent (``"3"``, ``true``, ``null``)."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _join(values: Sequence[object]) -> str:
    return ", ".join(str(value) for value in values)


def _error(
    field_name: str, code: str, template: str, allowed_values: Sequence[Any], **params: str
) -> FieldError:
    return FieldError(
        field=field_name,
        message=template,
        params=dict(params),
        allowed=tuple(allowed_values),
        code=code,
    )


def is_item_value(value: object) -> bool:
    """True for a plain integer. bool is an int subclass in Python but never a valid answer."""
    return isinstance(value, int) and not isinstance(value, bool)


def _validate_sex(instrument: Instrument, sex: object, errors: list[FieldError]) -> Sex | None:
    if sex is None:
        if instrument.requires_sex:
            errors.append(
                _error(
                    "sex",
                    "required",
                    MSG_SEX_REQUIRED,
                    SEXES,
                    instrument=instrument.name,
                    allowed=_join(SEXES),
                )
            )
        return None
    # A sex that is given is checked even where the instrument does not use it: a wrong value
    # is a bug upstream and must not pass silently.
    for known in SEXES:
        if sex == known and isinstance(sex, str):
            return known
    errors.append(
        _error("sex", "invalid", MSG_INVALID_SEX, SEXES, value=_show(sex), allowed=_join(SEXES))
    )
    return None


def _validate_interval(value: object, errors: list[FieldError]) -> int:
    if is_item_value(value) and isinstance(value, int) and value >= 1:
        return value
    errors.append(
        _error("local_interval_hours", "invalid", MSG_INVALID_INTERVAL, [], value=_show(value))
    )
    return DEFAULT_LOCAL_INTERVAL_HOURS


def _validate_items(
    instrument: Instrument, items: object, errors: list[FieldError]
) -> tuple[dict[str, int], tuple[str, ...]]:
    """Valid item values (skipped ones filled in as 0) and the keys that were skipped."""
    if not isinstance(items, Mapping):
        errors.append(_error("items", "invalid", MSG_ITEMS_NOT_MAPPING, instrument.item_keys))
        return {}, ()
    keys = instrument.item_keys
    for key in items:
        if key not in keys:
            errors.append(
                _error(
                    f"items.{key}",
                    "unknown_item",
                    MSG_UNKNOWN_ITEM,
                    keys,
                    item=str(key),
                    instrument=instrument.name,
                    allowed=_join(keys),
                )
            )
    values: dict[str, int] = {}
    for item in instrument.items:
        if item.key not in items:
            continue
        value = items[item.key]
        if is_item_value(value) and value in item.allowed:
            values[item.key] = value
        else:
            errors.append(
                _error(
                    f"items.{item.key}",
                    "invalid_value",
                    MSG_INVALID_VALUE,
                    item.allowed,
                    item=item.key,
                    value=_show(value),
                    allowed=_join(item.allowed),
                )
            )
    skippable = _skippable(instrument, values)
    skipped: list[str] = []
    for item in instrument.items:
        if item.key in items:
            continue
        if item.key in skippable:
            values[item.key] = 0
            skipped.append(item.key)
            continue
        errors.append(
            _error(
                f"items.{item.key}",
                "missing",
                MSG_MISSING_ITEM,
                item.allowed,
                item=item.key,
                allowed=_join(item.allowed),
            )
        )
    return values, tuple(skipped)


def _skippable(instrument: Instrument, values: Mapping[str, int]) -> frozenset[str]:
    """Items the administration skip lets the rater leave out, judged on valid answers only."""
    keys: set[str] = set()
    for rule in instrument.skip_rules:
        if all(values.get(key) in allowed for key, allowed in rule.when.items()):
            keys.update(rule.skip)
    return frozenset(keys)


# --- scoring -------------------------------------------------------------------------------------


def score(
    code: str,
    items: Mapping[str, object],
    *,
    sex: str | None = None,
    local_interval_hours: int = DEFAULT_LOCAL_INTERVAL_HOURS,
) -> ScoreResult:
    """Score one completed form.

    ``sex`` ("male" | "female") is required for AUDIT and DUDIT, whose cut-offs differ by sex.
    ``local_interval_hours`` is the unit's scoring interval for COWS and SOWS, for which the
    guideline gives none. Raises ``ScoringError`` listing every problem with the input.
    """
    instrument = INSTRUMENTS.get(code) if isinstance(code, str) else None
    if instrument is None:
        known = list(INSTRUMENTS)
        raise ScoringError(
            [
                _error(
                    "code",
                    "unknown_instrument",
                    MSG_UNKNOWN_INSTRUMENT,
                    known,
                    value=_show(code),
                    allowed=_join(known),
                )
            ]
        )
    errors: list[FieldError] = []
    checked_sex = _validate_sex(instrument, sex, errors)
    interval = local_interval_hours
    if instrument in (COWS, SOWS):
        interval = _validate_interval(local_interval_hours, errors)
    values, skipped = _validate_items(instrument, items, errors)
    if errors:
        raise ScoringError(errors)

    total = sum(values.values())
    notes: list[Note] = []
    if skipped:
        notes.append(
            Note("skipped_items_scored_zero", NOTE_SKIPPED_ITEMS, _params(items=_join(skipped)))
        )
    base = _Partial(total=total, band=_band_for(instrument, total, checked_sex))
    if instrument is CIWA_AR:
        partial = _ciwa(total)
    elif instrument in (COWS, SOWS):
        partial = _opioid_withdrawal(instrument, base, interval)
    elif instrument is AUDIT:
        partial = _audit(base, _require(checked_sex))
    elif instrument is DUDIT:
        partial = _dudit(base, _require(checked_sex))
    elif instrument is FAST:
        partial = _fast(values, base)
    else:
        partial = _at_least(instrument, base)
    return ScoreResult(
        instrument=instrument.code,
        total=total,
        max_total=instrument.max_total,
        band=partial.band,
        positive=partial.positive,
        monitoring_interval_hours=partial.interval_hours,
        monitoring_interval_refs=partial.interval_refs,
        monitoring_interval_local_choice=partial.interval_local_choice,
        treatment_tier=partial.tier,
        treatment_tier_refs=partial.tier_refs,
        notes=(*notes, *partial.notes),
        skipped_items=skipped,
        items=MappingProxyType(values),
    )


@dataclass(frozen=True)
class _Partial:
    """What the per-instrument rules decide; ``score`` assembles the result."""

    total: int
    band: Band
    positive: bool | None = None
    interval_hours: int | None = None
    interval_refs: tuple[str, ...] = ()
    interval_local_choice: bool = False
    tier: TreatmentTier | None = None
    tier_refs: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()


def _params(**values: object) -> Mapping[str, object]:
    return MappingProxyType(values)


def _require(sex: Sex | None) -> Sex:
    if sex is None:  # _validate_sex has already refused this; keeps the type checker honest
        raise AssertionError("sex was validated as required")
    return sex


def _band_for(instrument: Instrument, total: int, sex: Sex | None) -> Band:
    for band in instrument.bands_for(sex):
        if band.contains(total):
            return band
    raise AssertionError(f"no {instrument.code} band for total {total}")  # bands cover 0..max


def _band_by_code(instrument: Instrument, code: str, sex: Sex | None = None) -> Band:
    for band in instrument.bands_for(sex):
        if band.code == code:
            return band
    raise KeyError(code)


# CIWA-Ar -----------------------------------------------------------------------------------------


def ciwa_band(total: int) -> Band:
    """Severity band: mild 0–9, moderate 10–18, severe ≥ 19 (G 4173–4175, SCALES.md §1.6)."""
    return _band_for(CIWA_AR, total, None)


def ciwa_interval_hours(total: int) -> int:
    """8.4.6-2 (G 4205–4211): every 4 h under 10, hourly "over 10"; exactly 10 → hourly.

    10 goes to hourly because it opens the moderate band and the first treatment tier
    (SCALES.md §1.6). Shown as a resolution wherever the score is exactly 10.
    """
    return CIWA_INTERVAL_BELOW_10_HOURS if total < CIWA_HOURLY_FROM else CIWA_INTERVAL_FROM_10_HOURS


def ciwa_treatment_tier(total: int) -> TreatmentTier:
    """8.4.6-3 (G 4215–4233): under 10 none; 10–15 conditional on history; over 15 hourly."""
    if total >= CIWA_HOURLY_DIAZEPAM_FROM:
        return "diazepam_hourly"
    if total >= CIWA_CONDITIONAL_TIER_FROM:
        return "diazepam_qid_if_prior_seizure_or_dt"
    return "none"


def _ciwa(total: int) -> _Partial:
    notes: list[Note] = []
    if total == CIWA_HOURLY_FROM - 1:
        # G 4173: "under 9" mild, "10-18" moderate → 9 in no band; read as mild.
        notes.append(
            Note(
                "ciwa_nine_is_mild",
                NOTE_CIWA_NINE_IS_MILD,
                refs=("8.4.6-2", "8.4.6-3"),
                sections=("8.4.6",),
                resolution=True,
            )
        )
    if total == CIWA_HOURLY_FROM:
        notes.append(
            Note("ciwa_ten_is_hourly", NOTE_CIWA_TEN_IS_HOURLY, refs=("8.4.6-2",), resolution=True)
        )
    tier = ciwa_treatment_tier(total)
    if tier == "diazepam_qid_if_prior_seizure_or_dt":
        # G 4223–4227 covers only patients with earlier seizures/DT; silence on the rest.
        notes.append(
            Note(
                "ciwa_conditional_tier",
                NOTE_CIWA_CONDITIONAL_TIER,
                refs=("8.4.6-3",),
                resolution=True,
            )
        )
    if CIWA_HOURLY_DIAZEPAM_FROM <= total <= CIWA_MODERATE_UPPER:
        # Both facts are the guideline's own (G 4173, G 4229); the app must show both.
        notes.append(
            Note(
                "ciwa_moderate_in_hourly_tier",
                NOTE_CIWA_MODERATE_HOURLY_TIER,
                refs=("8.4.6-3",),
                sections=("8.4.6",),
            )
        )
    return _Partial(
        total=total,
        band=ciwa_band(total),
        interval_hours=ciwa_interval_hours(total),
        interval_refs=("8.4.6-2",),
        tier=tier,
        tier_refs=("8.4.6-3",),
        notes=tuple(notes),
    )


# COWS and SOWS -----------------------------------------------------------------------------------


def _opioid_withdrawal(instrument: Instrument, base: _Partial, interval: int) -> _Partial:
    notes = [
        Note(
            "interval_local_choice",
            NOTE_LOCAL_INTERVAL,
            _params(hours=interval, instrument=instrument.name),
            resolution=True,
        )
    ]
    if base.band.derived:
        notes.append(Note("cows_none_band_derived", NOTE_COWS_NONE_DERIVED, resolution=True))
    if instrument is SOWS:
        notes.append(Note("sows_unbanded", NOTE_SOWS_UNBANDED))
    return _Partial(
        total=base.total,
        band=base.band,
        interval_hours=interval,
        interval_local_choice=True,
        notes=tuple(notes),
    )


# Screening ---------------------------------------------------------------------------------------


def _at_least(instrument: Instrument, base: _Partial, sex: Sex | None = None) -> _Partial:
    rule = instrument.positive_rule
    if rule is None:
        raise AssertionError(f"{instrument.code} has no positive rule")
    cutoff = rule.cutoff if sex is None else rule.cutoff_by_sex[sex]
    if cutoff is None:
        raise AssertionError(f"{instrument.code} has no cut-off")
    return _Partial(total=base.total, band=base.band, positive=base.total >= cutoff)


def _audit(base: _Partial, sex: Sex) -> _Partial:
    partial = _at_least(AUDIT, base, sex)
    notes: list[Note] = []
    if partial.positive and base.total <= AUDIT_GUIDELINE_OVER:
        # 7.3.1 (G 3224) says "over 8"; WHO and the Norwegian form use ≥8 (men), Norwegian
        # practice ≥6 (women). Only where the two readings disagree is this worth a note.
        notes.append(
            Note(
                "audit_cutoff_resolution",
                NOTE_AUDIT_CUTOFF_MALE if sex == SEX_MALE else NOTE_AUDIT_CUTOFF_FEMALE,
                _params(
                    cutoff=AUDIT.positive_rule.cutoff_by_sex[sex] if AUDIT.positive_rule else 0
                ),
                refs=("7.3-2",),
                sections=("7.3.1",),
                resolution=True,
            )
        )
    if base.total >= AUDIT_NICE_ASSISTED_WITHDRAWAL_FROM:
        # G 924–926: NICE as background, paraphrased "over 20"; NICE itself says 20 or more.
        # At exactly 20 the app's reading differs from the guideline's words.
        notes.append(
            Note(
                "audit_nice_assisted_withdrawal",
                NOTE_AUDIT_NICE,
                sections=("3.2",),
                resolution=base.total == AUDIT_NICE_ASSISTED_WITHDRAWAL_FROM,
            )
        )
    return _Partial(total=base.total, band=base.band, positive=partial.positive, notes=tuple(notes))


def _dudit(base: _Partial, sex: Sex) -> _Partial:
    return _at_least(DUDIT, base, sex)


def _fast(values: Mapping[str, int], base: _Partial) -> _Partial:
    """Two-stage rule (SCALES.md §6.3): item 1 decides at 0 and at 3–4, else total ≥ 3."""
    rule = FAST.positive_rule
    if rule is None or rule.stage_item is None or rule.cutoff is None:
        raise AssertionError("FAST has a two-stage rule")
    first = values[rule.stage_item]
    notes: list[Note] = []
    if first == 0:
        positive = False
        if base.total > 0:
            notes.append(Note("fast_stage_one_negative", NOTE_FAST_STAGE_ONE_NEGATIVE))
    elif first >= FAST_STAGE_ONE_POSITIVE_FROM:
        positive = True
    else:
        positive = base.total >= rule.cutoff
    band = _band_by_code(FAST, "positive" if positive else "negative")
    return _Partial(total=base.total, band=band, positive=positive, notes=tuple(notes))
