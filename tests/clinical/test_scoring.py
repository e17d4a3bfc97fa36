"""Scoring: validation, totals, bands, cut-offs, skip rules and the CIWA-Ar rules. No database."""

from __future__ import annotations

import json
from typing import Any

import pytest

from clinical.inputs import ClinicalInputError, FieldError
from clinical.instruments import INSTRUMENTS, SEX_FEMALE, SEX_MALE, Instrument, get_instrument
from clinical.scoring import (
    DEFAULT_LOCAL_INTERVAL_HOURS,
    MSG_INVALID_VALUE,
    ScoreResult,
    ScoringError,
    score,
)

ALL_CODES = list(INSTRUMENTS)
SEXED = {"audit", "dudit"}


# --- helpers ---------------------------------------------------------------------------------


def items_for_total(code: str, total: int, **fixed: int) -> dict[str, int]:
    """Valid answers summing to ``total`` (items in ``fixed`` take those values).

    Works for non-contiguous allowed sets (COWS) by tracking which totals the remaining items can
    still reach, and prefers high values first so that no administration skip rule fires.
    """
    instrument = get_instrument(code)
    free = [item for item in instrument.items if item.key not in fixed]
    tails = [frozenset({0})]  # tails[i]: totals items free[i:] can reach
    for item in reversed(free):
        tails.insert(0, frozenset(v + rest for v in item.allowed for rest in tails[0]))
    remaining = total - sum(fixed.values())
    assert remaining in tails[0], f"{code}: total {total} is not reachable"
    answers = dict(fixed)
    for index, item in enumerate(free):
        value = next(
            v for v in sorted(item.allowed, reverse=True) if remaining - v in tails[index + 1]
        )
        answers[item.key] = value
        remaining -= value
    return {key: answers[key] for key in instrument.item_keys}


def zeros(code: str) -> dict[str, int]:
    return dict.fromkeys(get_instrument(code).item_keys, 0)


def maxed(code: str) -> dict[str, int]:
    return {item.key: item.max_value for item in get_instrument(code).items}


def sex_for(code: str) -> str | None:
    return SEX_MALE if code in SEXED else None


def score_total(code: str, total: int, *, sex: str | None = None, **fixed: int) -> ScoreResult:
    return score(code, items_for_total(code, total, **fixed), sex=sex or sex_for(code))


def errors_of(code: str, items: object, **kwargs: object) -> list[dict[str, Any]]:
    """The errors as a 400 body has them: field, message (English), allowed, code, msgid."""
    kwargs.setdefault("sex", sex_for(code))
    with pytest.raises(ScoringError) as caught:
        score(code, items, **kwargs)  # type: ignore[arg-type]
    return caught.value.errors


def note_codes(result: ScoreResult) -> list[str]:
    return [note.code for note in result.notes]


def note(result: ScoreResult, code: str):
    (found,) = [n for n in result.notes if n.code == code]
    return found


def _all_item_values() -> list[tuple[str, str, int]]:
    return [
        (code, item.key, value)
        for code, instrument in INSTRUMENTS.items()
        for item in instrument.items
        for value in item.allowed
    ]


def _invalid_values(instrument: Instrument) -> list[tuple[str, str, object]]:
    """Per item: one above the top, -1, every integer gap in the set, and non-integers."""
    cases: list[tuple[str, str, object]] = []
    for item in instrument.items:
        gaps = [v for v in range(item.max_value) if v not in item.allowed]
        for value in [item.max_value + 1, -1, *gaps, True, False, 1.0, 0.0, "1", None, [1]]:
            cases.append((instrument.code, item.key, value))
    return cases


INVALID_CASES = [
    case for instrument in INSTRUMENTS.values() for case in _invalid_values(instrument)
]


# --- accepting every allowed value -----------------------------------------------------------


@pytest.mark.parametrize(("code", "key", "value"), _all_item_values())
def test_it_accepts_every_allowed_value_of_every_item(code, key, value):
    items = {**zeros(code), key: value}
    result = score(code, items, sex=sex_for(code))
    assert result.total == value
    assert result.items[key] == value


@pytest.mark.parametrize("code", ALL_CODES)
def test_it_scores_all_zeros_as_zero(code):
    result = score(code, zeros(code), sex=sex_for(code))
    assert result.total == 0
    assert result.skipped_items == ()


@pytest.mark.parametrize("code", ALL_CODES)
def test_it_reaches_the_maximum_total(code):
    result = score(code, maxed(code), sex=sex_for(code))
    assert result.total == result.max_total == get_instrument(code).max_total


@pytest.mark.parametrize("code", ALL_CODES)
def test_it_reports_the_instrument_and_the_items_as_scored(code):
    items = maxed(code)
    result = score(code, items, sex=sex_for(code))
    assert result.instrument == code
    assert dict(result.items) == items


# --- rejecting values outside the allowed set ------------------------------------------------


@pytest.mark.parametrize(("code", "key", "value"), INVALID_CASES)
def test_it_rejects_a_value_outside_the_items_allowed_set(code, key, value):
    (error,) = errors_of(code, {**zeros(code), key: value})
    item = get_instrument(code).item(key)
    assert error["field"] == f"items.{key}"
    assert error["code"] == "invalid_value"
    assert error["allowed"] == list(item.allowed)
    assert key in error["message"]
    assert ", ".join(str(v) for v in item.allowed) in error["message"]


@pytest.mark.parametrize("value", [3])
def test_it_rejects_3_on_a_cows_item_allowing_0_1_2_4(value):
    (error,) = errors_of("cows", {**zeros("cows"), "resting_pulse_rate": value})
    assert error["message"] == (
        "resting_pulse_rate: 3 is not an allowed value; allowed values are 0, 1, 2, 4."
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("restlessness", 2),
        ("restlessness", 4),
        ("pupil_size", 3),
        ("pupil_size", 4),
        ("gi_upset", 4),
        ("gooseflesh_skin", 1),
        ("gooseflesh_skin", 2),
        ("gooseflesh_skin", 4),
    ],
)
def test_it_rejects_the_skipped_cows_values(key, value):
    (error,) = errors_of("cows", {**zeros("cows"), key: value})
    assert error["field"] == f"items.{key}"


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("audit", "alcohol_related_injury"),
        ("audit", "others_concerned"),
        ("dudit", "harm_to_self_or_others"),
        ("dudit", "others_concerned"),
        ("fast", "others_concerned"),
    ],
)
@pytest.mark.parametrize("value", [1, 3])
def test_it_rejects_odd_values_on_0_2_4_items(code, key, value):
    items = {**zeros(code), "heavy_episode_frequency": 1} if code == "fast" else zeros(code)
    (error,) = errors_of(code, {**items, key: value})
    assert error["allowed"] == [0, 2, 4]


def test_it_shows_the_rejected_value_as_json():
    errors = errors_of(
        "cage", {"cut_down": True, "annoyed": "1", "guilty": None, "eye_opener": 1.0}
    )
    assert [e["params"]["value"] for e in errors] == ["true", '"1"', "null", "1.0"]


def test_it_computes_nothing_when_one_item_is_invalid():
    with pytest.raises(ScoringError):
        score("ciwa-ar", {**maxed("ciwa-ar"), "orientation": 5})


def test_its_error_is_a_value_error_whose_text_lists_the_messages():
    with pytest.raises(ValueError, match=r"orientation: 5 is not an allowed value"):
        score("ciwa-ar", {**zeros("ciwa-ar"), "orientation": 5})


def test_it_gives_a_translatable_template_with_each_error():
    (error,) = errors_of("ciwa-ar", {**zeros("ciwa-ar"), "tremor": 8})
    assert error["msgid"] % error["params"] == error["message"]


def test_its_error_is_a_clinical_input_error_with_field_errors():
    with pytest.raises(ClinicalInputError) as caught:
        score("ciwa-ar", {**zeros("ciwa-ar"), "tremor": 8})
    (error,) = caught.value.field_errors
    assert isinstance(error, FieldError)
    assert (error.field, error.code) == ("items.tremor", "invalid_value")
    assert error.message == MSG_INVALID_VALUE
    assert error.allowed == tuple(range(8))


# --- missing and unknown items, bad containers, unknown codes --------------------------------


@pytest.mark.parametrize("code", ALL_CODES)
def test_it_rejects_each_missing_item(code):
    for key in get_instrument(code).item_keys:
        items = maxed(
            code
        )  # all high: no AUDIT skip; FAST item 1 at 2 so stage one does not decide
        if code == "fast":
            items["heavy_episode_frequency"] = 2
        del items[key]
        (error,) = errors_of(code, items)
        assert error["field"] == f"items.{key}"
        assert error["code"] == "missing"
        assert f"{key} is missing" in error["message"]


@pytest.mark.parametrize("code", ALL_CODES)
def test_it_rejects_an_unknown_item_key(code):
    (error,) = errors_of(code, {**zeros(code), "tremour": 1})
    assert error["field"] == "items.tremour"
    assert error["code"] == "unknown_item"
    assert error["allowed"] == list(get_instrument(code).item_keys)


def test_it_collects_every_error_not_just_the_first():
    items = {**zeros("ciwa-ar"), "tremor": 9, "headache": -1, "extra": 0}
    del items["orientation"]
    errors = errors_of("ciwa-ar", items)
    assert sorted(e["field"] for e in errors) == [
        "items.extra",
        "items.headache",
        "items.orientation",
        "items.tremor",
    ]


def test_it_rejects_an_empty_form_item_by_item():
    errors = errors_of("ciwa-ar", {})
    assert [e["field"] for e in errors] == [
        f"items.{k}" for k in get_instrument("ciwa-ar").item_keys
    ]


@pytest.mark.parametrize("items", [[1, 2, 3], None, "tremor=1", 5])
def test_it_rejects_items_that_are_not_a_mapping(items):
    (error,) = errors_of("ciwa-ar", items)
    assert error["field"] == "items"


@pytest.mark.parametrize("code", ["ows", "CIWA-AR", "", None, 1])
def test_it_rejects_an_unknown_instrument_code(code):
    with pytest.raises(ScoringError) as caught:
        score(code, {})
    (error,) = caught.value.errors
    assert error["field"] == "code"
    assert error["allowed"] == ALL_CODES


# --- sex -------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(SEXED))
def test_it_requires_sex_for_sex_specific_cutoffs(code):
    (error,) = errors_of(code, zeros(code), sex=None)
    assert error["field"] == "sex"
    assert error["code"] == "required"
    assert error["allowed"] == [SEX_MALE, SEX_FEMALE]


@pytest.mark.parametrize("code", sorted(SEXED))
@pytest.mark.parametrize("sex", ["M", "Male", "other", "", True, 1])
def test_it_rejects_an_invalid_sex(code, sex):
    (error,) = errors_of(code, zeros(code), sex=sex)
    assert error["field"] == "sex"
    assert error["code"] == "invalid"


@pytest.mark.parametrize("code", ["ciwa-ar", "cows", "sows", "fast", "cage", "tweak"])
def test_it_does_not_need_sex_where_cutoffs_do_not_differ(code):
    assert score(code, zeros(code)).total == 0


@pytest.mark.parametrize("code", ["cage", "ciwa-ar"])
def test_it_rejects_an_invalid_sex_even_where_it_is_not_used(code):
    (error,) = errors_of(code, zeros(code), sex="x")
    assert error["field"] == "sex"


def test_it_reports_sex_and_item_errors_together():
    errors = errors_of("audit", {**zeros("audit"), "blackout": 7}, sex=None)
    assert sorted(e["field"] for e in errors) == ["items.blackout", "sex"]


# --- CIWA-Ar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "mild"), (9, "mild"), (10, "moderate"), (18, "moderate"), (19, "severe"), (67, "severe")],
)
def test_it_bands_ciwa_ar_mild_moderate_severe(total, band):
    assert score_total("ciwa-ar", total).band.code == band


@pytest.mark.parametrize(("total", "hours"), [(0, 4), (9, 4), (10, 1), (11, 1), (67, 1)])
def test_it_scores_ciwa_ar_every_4_hours_below_10_and_hourly_from_10(total, hours):
    result = score_total("ciwa-ar", total)
    assert result.monitoring_interval_hours == hours
    assert result.monitoring_interval_refs == ("8.4.6-2",)
    assert result.monitoring_interval_local_choice is False


@pytest.mark.parametrize(
    ("total", "tier"),
    [
        (0, "none"),
        (9, "none"),
        (10, "diazepam_qid_if_prior_seizure_or_dt"),
        (15, "diazepam_qid_if_prior_seizure_or_dt"),
        (16, "diazepam_hourly"),
        (18, "diazepam_hourly"),
        (19, "diazepam_hourly"),
        (67, "diazepam_hourly"),
    ],
)
def test_it_gives_the_ciwa_ar_treatment_tier(total, tier):
    result = score_total("ciwa-ar", total)
    assert result.treatment_tier == tier
    assert result.treatment_tier_refs == ("8.4.6-3",)


def test_it_reports_no_screening_result_for_ciwa_ar():
    assert score_total("ciwa-ar", 20).positive is None


def test_it_explains_that_9_is_read_as_mild():
    found = note(score_total("ciwa-ar", 9), "ciwa_nine_is_mild")
    assert found.resolution is True
    assert "8.4.6-2" in found.refs


@pytest.mark.parametrize("total", [8, 10])
def test_it_does_not_explain_the_9_gap_for_other_scores(total):
    assert "ciwa_nine_is_mild" not in note_codes(score_total("ciwa-ar", total))


def test_it_shows_the_hourly_interval_at_exactly_10_as_a_resolution():
    found = note(score_total("ciwa-ar", 10), "ciwa_ten_is_hourly")
    assert found.resolution is True
    assert found.refs == ("8.4.6-2",)


@pytest.mark.parametrize("total", [9, 11])
def test_it_does_not_flag_the_interval_away_from_10(total):
    assert "ciwa_ten_is_hourly" not in note_codes(score_total("ciwa-ar", total))


@pytest.mark.parametrize("total", [10, 15])
def test_it_says_the_10_to_15_tier_depends_on_history(total):
    found = note(score_total("ciwa-ar", total), "ciwa_conditional_tier")
    assert found.resolution is True
    assert found.refs == ("8.4.6-3",)


@pytest.mark.parametrize("total", [9, 16])
def test_it_does_not_add_the_conditional_note_outside_10_to_15(total):
    assert "ciwa_conditional_tier" not in note_codes(score_total("ciwa-ar", total))


@pytest.mark.parametrize("total", [16, 17, 18])
def test_it_shows_that_16_to_18_is_moderate_yet_in_the_hourly_diazepam_tier(total):
    result = score_total("ciwa-ar", total)
    assert result.band.code == "moderate"
    assert result.treatment_tier == "diazepam_hourly"
    assert note(result, "ciwa_moderate_in_hourly_tier").refs == ("8.4.6-3",)


@pytest.mark.parametrize("total", [15, 19])
def test_it_does_not_add_the_16_to_18_note_outside_that_range(total):
    assert "ciwa_moderate_in_hourly_tier" not in note_codes(score_total("ciwa-ar", total))


def test_it_ignores_the_local_interval_for_ciwa_ar():
    result = score("ciwa-ar", zeros("ciwa-ar"), local_interval_hours=2)
    assert result.monitoring_interval_hours == 4


# --- COWS and SOWS ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none"),
        (4, "none"),
        (5, "mild"),
        (12, "mild"),
        (13, "moderate"),
        (24, "moderate"),
        (25, "moderately_severe"),
        (36, "moderately_severe"),
        (37, "severe"),
        (48, "severe"),
    ],
)
def test_it_bands_cows_at_each_boundary(total, band):
    assert score_total("cows", total).band.code == band


def test_it_flags_the_cows_none_band_as_the_applications_own_label():
    result = score_total("cows", 4)
    assert result.band.derived is True
    assert note(result, "cows_none_band_derived").resolution is True


def test_it_does_not_flag_a_published_cows_band():
    assert "cows_none_band_derived" not in note_codes(score_total("cows", 5))


@pytest.mark.parametrize("total", [0, 1, 33, 64])
def test_it_reports_sows_as_unbanded(total):
    result = score_total("sows", total)
    assert result.band.code == "unbanded"
    assert "sows_unbanded" in note_codes(result)


@pytest.mark.parametrize("code", ["cows", "sows"])
def test_it_uses_the_default_unit_interval_for_opioid_scales(code):
    result = score(code, zeros(code))
    assert result.monitoring_interval_hours == DEFAULT_LOCAL_INTERVAL_HOURS == 4
    assert result.monitoring_interval_local_choice is True
    assert result.monitoring_interval_refs == ()


@pytest.mark.parametrize("code", ["cows", "sows"])
def test_it_uses_the_interval_the_unit_set(code):
    result = score(code, zeros(code), local_interval_hours=2)
    assert result.monitoring_interval_hours == 2
    found = note(result, "interval_local_choice")
    assert found.resolution is True
    assert found.params == {"hours": 2, "instrument": get_instrument(code).name}


@pytest.mark.parametrize("code", ["cows", "sows"])
@pytest.mark.parametrize("hours", [0, -4, True, 1.5, "4", None])
def test_it_rejects_an_invalid_unit_interval(code, hours):
    (error,) = errors_of(code, zeros(code), local_interval_hours=hours)
    assert error["field"] == "local_interval_hours"


@pytest.mark.parametrize("code", ["cows", "sows"])
def test_it_gives_no_treatment_tier_for_opioid_scales(code):
    result = score(code, zeros(code))
    assert result.treatment_tier is None
    assert result.positive is None


# --- AUDIT -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "zone"),
    [
        (0, "zone_I"),
        (7, "zone_I"),
        (8, "zone_II"),
        (15, "zone_II"),
        (16, "zone_III"),
        (19, "zone_III"),
        (20, "zone_IV"),
        (40, "zone_IV"),
    ],
)
@pytest.mark.parametrize("sex", [SEX_MALE, SEX_FEMALE])
def test_it_gives_the_who_zone_for_either_sex(total, zone, sex):
    assert score_total("audit", total, sex=sex).band.code == zone


@pytest.mark.parametrize(
    ("sex", "total", "positive"),
    [
        (SEX_MALE, 7, False),
        (SEX_MALE, 8, True),
        (SEX_FEMALE, 5, False),
        (SEX_FEMALE, 6, True),
    ],
)
def test_it_screens_audit_with_sex_specific_cutoffs(sex, total, positive):
    assert score_total("audit", total, sex=sex).positive is positive


@pytest.mark.parametrize(
    ("sex", "total"), [(SEX_MALE, 8), (SEX_FEMALE, 6), (SEX_FEMALE, 7), (SEX_FEMALE, 8)]
)
def test_it_notes_where_the_guidelines_over_8_would_not_count_the_total(sex, total):
    found = note(score_total("audit", total, sex=sex), "audit_cutoff_resolution")
    assert found.resolution is True
    assert found.refs == ("7.3-2",)


@pytest.mark.parametrize(
    ("sex", "total"), [(SEX_MALE, 7), (SEX_MALE, 9), (SEX_FEMALE, 5), (SEX_FEMALE, 9)]
)
def test_it_adds_no_cutoff_note_where_both_readings_agree(sex, total):
    assert "audit_cutoff_resolution" not in note_codes(score_total("audit", total, sex=sex))


def test_it_flags_audit_20_for_assisted_withdrawal_as_a_resolution_of_over_20():
    found = note(score_total("audit", 20), "audit_nice_assisted_withdrawal")
    assert found.resolution is True
    assert found.sections == ("3.2",)


def test_it_flags_audit_above_20_for_assisted_withdrawal_as_the_guidelines_word():
    assert note(score_total("audit", 21), "audit_nice_assisted_withdrawal").resolution is False


def test_it_does_not_flag_audit_19_for_assisted_withdrawal():
    assert "audit_nice_assisted_withdrawal" not in note_codes(score_total("audit", 19))


def _audit_without(*keys: str, **values: int) -> dict[str, int]:
    items = {**zeros("audit"), **values}
    for key in keys:
        del items[key]
    return items


AUDIT_2_TO_8 = (
    "typical_quantity",
    "heavy_episode_frequency",
    "impaired_control",
    "failed_expectations",
    "morning_drink",
    "guilt_remorse",
    "blackout",
)


def test_it_fills_audit_items_2_to_8_with_0_when_item_1_is_never():
    items = _audit_without(*AUDIT_2_TO_8, alcohol_related_injury=4, others_concerned=2)
    result = score("audit", items, sex=SEX_MALE)
    assert result.total == 6
    assert result.skipped_items == AUDIT_2_TO_8
    assert all(result.items[key] == 0 for key in AUDIT_2_TO_8)
    assert "skipped_items_scored_zero" in note_codes(result)


def test_it_fills_audit_items_4_to_8_with_0_when_items_2_and_3_are_0():
    items = _audit_without(*AUDIT_2_TO_8[2:], drinking_frequency=2, others_concerned=4)
    result = score("audit", items, sex=SEX_FEMALE)
    assert result.total == 6
    assert result.positive is True
    assert result.skipped_items == AUDIT_2_TO_8[2:]


def test_it_counts_answers_given_despite_the_skip_rule():
    items = _audit_without(*AUDIT_2_TO_8[1:], typical_quantity=1)
    result = score("audit", items, sex=SEX_MALE)
    assert result.total == 1
    assert result.skipped_items == AUDIT_2_TO_8[1:]


def test_it_requires_items_2_to_8_when_item_1_is_not_never():
    errors = errors_of("audit", _audit_without(*AUDIT_2_TO_8, drinking_frequency=1))
    assert [e["field"] for e in errors] == [f"items.{key}" for key in AUDIT_2_TO_8]


def test_it_requires_items_4_to_8_when_item_3_is_not_0():
    items = _audit_without(*AUDIT_2_TO_8[2:], drinking_frequency=1, heavy_episode_frequency=1)
    errors = errors_of("audit", items)
    assert [e["field"] for e in errors] == [f"items.{key}" for key in AUDIT_2_TO_8[2:]]


def test_it_requires_items_4_to_8_when_item_2_is_not_0():
    items = _audit_without(*AUDIT_2_TO_8[2:], drinking_frequency=1, typical_quantity=1)
    errors = errors_of("audit", items)
    assert len(errors) == 5


def test_it_does_not_skip_on_an_invalid_item_1():
    errors = errors_of("audit", _audit_without(*AUDIT_2_TO_8, drinking_frequency=9))
    assert len(errors) == 1 + len(AUDIT_2_TO_8)


@pytest.mark.parametrize("key", ["alcohol_related_injury", "others_concerned"])
def test_it_always_requires_audit_items_9_and_10(key):
    (error,) = errors_of("audit", _audit_without(*AUDIT_2_TO_8, key))
    assert error["field"] == f"items.{key}"


def test_it_always_requires_audit_item_1():
    errors = errors_of("audit", _audit_without("drinking_frequency", *AUDIT_2_TO_8))
    assert "items.drinking_frequency" in [e["field"] for e in errors]


# --- DUDIT -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "total", "band", "positive"),
    [
        (SEX_MALE, 0, "negative", False),
        (SEX_MALE, 5, "negative", False),
        (SEX_MALE, 6, "problem_use", True),
        (SEX_MALE, 24, "problem_use", True),
        (SEX_MALE, 25, "probable_dependence", True),
        (SEX_MALE, 44, "probable_dependence", True),
        (SEX_FEMALE, 0, "negative", False),
        (SEX_FEMALE, 1, "negative", False),
        (SEX_FEMALE, 2, "problem_use", True),
        (SEX_FEMALE, 24, "problem_use", True),
        (SEX_FEMALE, 25, "probable_dependence", True),
        (SEX_FEMALE, 44, "probable_dependence", True),
    ],
)
def test_it_bands_dudit_by_sex(sex, total, band, positive):
    result = score_total("dudit", total, sex=sex)
    assert result.band.code == band
    assert result.positive is positive


def test_it_does_not_skip_dudit_items():
    items = zeros("dudit")
    del items["guilt"]
    (error,) = errors_of("dudit", items)
    assert error["field"] == "items.guilt"


# --- FAST ------------------------------------------------------------------------------------

FAST_OTHERS = ("failed_expectations", "blackout", "others_concerned")


def fast(first: int, failed: int, blackout: int, concerned: int) -> dict[str, int]:
    return {
        "heavy_episode_frequency": first,
        "failed_expectations": failed,
        "blackout": blackout,
        "others_concerned": concerned,
    }


@pytest.mark.parametrize(("first", "positive"), [(0, False), (3, True), (4, True)])
def test_it_decides_fast_at_stage_one_without_the_other_items(first, positive):
    result = score("fast", {"heavy_episode_frequency": first})
    assert result.positive is positive
    assert result.band.code == ("positive" if positive else "negative")
    assert result.total == first
    assert result.skipped_items == FAST_OTHERS


def test_it_keeps_fast_negative_when_item_1_is_never_whatever_the_rest():
    result = score(
        "fast",
        {
            "heavy_episode_frequency": 0,
            "failed_expectations": 4,
            "blackout": 4,
            "others_concerned": 4,
        },
    )
    assert result.positive is False
    assert result.total == 12
    assert result.band.code == "negative"
    assert "fast_stage_one_negative" in note_codes(result)


def test_it_adds_no_stage_one_note_when_everything_is_0():
    assert "fast_stage_one_negative" not in note_codes(score("fast", zeros("fast")))


@pytest.mark.parametrize(
    ("items", "positive"),
    [
        (fast(1, 0, 0, 0), False),
        (fast(1, 1, 0, 0), False),
        (fast(1, 1, 1, 0), True),
        (fast(2, 0, 0, 0), False),
        (fast(2, 1, 0, 0), True),
        (fast(1, 0, 0, 2), True),
    ],
)
def test_it_screens_fast_on_the_total_when_item_1_is_1_or_2(items, positive):
    result = score("fast", items)
    assert result.positive is positive
    assert result.skipped_items == ()


@pytest.mark.parametrize("first", [1, 2])
def test_it_requires_the_other_fast_items_when_item_1_is_1_or_2(first):
    errors = errors_of("fast", {"heavy_episode_frequency": first})
    assert [e["field"] for e in errors] == [f"items.{key}" for key in FAST_OTHERS]


def test_it_fills_only_the_fast_items_left_out():
    result = score("fast", {"heavy_episode_frequency": 3, "blackout": 2})
    assert result.total == 5
    assert result.skipped_items == ("failed_expectations", "others_concerned")


# --- CAGE and TWEAK --------------------------------------------------------------------------


@pytest.mark.parametrize(("total", "positive"), [(0, False), (1, False), (2, True), (4, True)])
def test_it_screens_cage_positive_at_2(total, positive):
    result = score_total("cage", total)
    assert result.positive is positive
    assert result.band.code == ("positive" if positive else "negative")


@pytest.mark.parametrize(("total", "positive"), [(0, False), (1, False), (2, True), (7, True)])
def test_it_screens_tweak_positive_at_2(total, positive):
    result = score_total("tweak", total)
    assert result.positive is positive
    assert result.band.code == ("positive" if positive else "negative")


def test_it_weights_tweak_tolerance_and_worry_at_2():
    result = score("tweak", {**zeros("tweak"), "worried": 2})
    assert result.total == 2
    assert result.positive is True


@pytest.mark.parametrize("code", ["audit", "dudit", "fast", "cage", "tweak"])
def test_it_gives_screens_no_interval_and_no_tier(code):
    result = score(code, zeros(code), sex=sex_for(code))
    assert result.monitoring_interval_hours is None
    assert result.treatment_tier is None
    assert result.positive is False


# --- output ----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ALL_CODES)
def test_it_serialises_a_result_as_json(code):
    result = score(code, maxed(code), sex=sex_for(code))
    data = json.loads(json.dumps(result.as_dict()))
    assert data["instrument"] == code
    assert data["total"] == result.max_total
    assert data["band"]["code"] == result.band.code


def test_it_cannot_be_changed_after_scoring():
    result = score("cage", zeros("cage"))
    with pytest.raises(TypeError):
        result.items["cut_down"] = 1  # type: ignore[index]


@pytest.mark.parametrize("code", ALL_CODES)
def test_it_formats_every_note_with_its_params(code):
    for total in range(get_instrument(code).max_total + 1):
        sexes: list[str | None] = [SEX_MALE, SEX_FEMALE] if code in SEXED else [None]
        for sex in sexes:
            result = score_total(code, total, sex=sex)
            for found in result.notes:
                assert found.message % dict(found.params)
