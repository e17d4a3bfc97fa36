"""The instrument definitions against docs/SCALES.md (binding) and the guideline text."""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from pathlib import Path

import pytest

from clinical.instruments import (
    INSTRUMENTS,
    SEX_FEMALE,
    SEX_MALE,
    SEXES,
    Instrument,
    get_instrument,
)

ROOT = Path(__file__).resolve().parents[2]
GUIDELINE = ROOT / "guidelines" / "data" / "source" / "retningslinje-avrusning-2014.txt"
SHIPPED_GUIDELINE = ROOT / "guidelines" / "data" / "guideline.json"
PO_FILE = ROOT / "scoring" / "locale" / "nb" / "LC_MESSAGES" / "django.po"
# Every module of the scales and advice packages, and the single-module engines beside them.
PURE_MODULES = [
    *sorted((ROOT / "clinical" / "instruments").glob("*.py")),
    ROOT / "clinical" / "scoring.py",
    *sorted((ROOT / "clinical" / "advice").glob("*.py")),
    ROOT / "clinical" / "opioid_advice.py",
]

# SCALES.md §1.2, §2.2, §3.2, §4.2, §5.2, §6.2, §7.2, §8.2: keys in order with allowed values.
Z4 = (0, 1, 2, 3, 4)
Z7 = (0, 1, 2, 3, 4, 5, 6, 7)
EXPECTED_ITEMS: dict[str, list[tuple[str, tuple[int, ...]]]] = {
    "ciwa-ar": [
        ("nausea_vomiting", Z7),
        ("tremor", Z7),
        ("paroxysmal_sweats", Z7),
        ("anxiety", Z7),
        ("agitation", Z7),
        ("tactile_disturbances", Z7),
        ("auditory_disturbances", Z7),
        ("visual_disturbances", Z7),
        ("headache", Z7),
        ("orientation", Z4),
    ],
    "cows": [
        ("resting_pulse_rate", (0, 1, 2, 4)),
        ("sweating", (0, 1, 2, 3, 4)),
        ("restlessness", (0, 1, 3, 5)),
        ("pupil_size", (0, 1, 2, 5)),
        ("bone_joint_aches", (0, 1, 2, 4)),
        ("runny_nose_tearing", (0, 1, 2, 4)),
        ("gi_upset", (0, 1, 2, 3, 5)),
        ("tremor", (0, 1, 2, 4)),
        ("yawning", (0, 1, 2, 4)),
        ("anxiety_irritability", (0, 1, 2, 4)),
        ("gooseflesh_skin", (0, 3, 5)),
    ],
    "sows": [
        (key, Z4)
        for key in (
            "anxious",
            "yawning",
            "perspiring",
            "eyes_tearing",
            "nose_running",
            "goose_flesh",
            "shaking",
            "hot_flushes",
            "cold_flushes",
            "bones_muscles_ache",
            "restless",
            "nauseous",
            "feel_like_vomiting",
            "muscles_twitch",
            "stomach_cramps",
            "feel_like_using_now",
        )
    ],
    "audit": [
        ("drinking_frequency", Z4),
        ("typical_quantity", Z4),
        ("heavy_episode_frequency", Z4),
        ("impaired_control", Z4),
        ("failed_expectations", Z4),
        ("morning_drink", Z4),
        ("guilt_remorse", Z4),
        ("blackout", Z4),
        ("alcohol_related_injury", (0, 2, 4)),
        ("others_concerned", (0, 2, 4)),
    ],
    "dudit": [
        ("use_frequency", Z4),
        ("multiple_drugs_same_occasion", Z4),
        ("times_per_typical_day", Z4),
        ("heavily_influenced_frequency", Z4),
        ("craving_irresistible", Z4),
        ("unable_to_stop", Z4),
        ("neglected_duties", Z4),
        ("morning_use", Z4),
        ("guilt", Z4),
        ("harm_to_self_or_others", (0, 2, 4)),
        ("others_concerned", (0, 2, 4)),
    ],
    "fast": [
        ("heavy_episode_frequency", Z4),
        ("failed_expectations", Z4),
        ("blackout", Z4),
        ("others_concerned", (0, 2, 4)),
    ],
    "cage": [("cut_down", (0, 1)), ("annoyed", (0, 1)), ("guilty", (0, 1)), ("eye_opener", (0, 1))],
    "tweak": [
        ("tolerance", (0, 2)),
        ("worried", (0, 2)),
        ("eye_opener", (0, 1)),
        ("amnesia", (0, 1)),
        ("kut_down", (0, 1)),
    ],
}
EXPECTED_MAX = {
    "ciwa-ar": 67,
    "cows": 48,
    "sows": 64,
    "audit": 40,
    "dudit": 44,
    "fast": 16,
    "cage": 4,
    "tweak": 7,
}
# SCALES.md §12.
EXPECTED_BANDS = {
    "ciwa-ar": ["mild", "moderate", "severe"],
    "cows": ["none", "mild", "moderate", "moderately_severe", "severe"],
    "sows": ["unbanded"],
    "audit": ["zone_I", "zone_II", "zone_III", "zone_IV"],
    "dudit": ["negative", "problem_use", "probable_dependence"],
    "fast": ["negative", "positive"],
    "cage": ["negative", "positive"],
    "tweak": ["negative", "positive"],
}
REF = re.compile(r"^\d+(\.\d+)*-B?\d+$")


# --- guideline look-ups shared with the other test modules ---------------------------------------


@cache
def guideline_lines() -> tuple[str, ...]:
    return tuple(GUIDELINE.read_text(encoding="utf-8").splitlines())


def _heading_number(line: str) -> str | None:
    """The section number of a heading line ("8.4.6 CIWA-Ar ..." or "Title 8.4"), else None."""
    text = line.strip()
    match = re.match(r"^(\d+(?:\.\d+)+) +\S", text) or re.search(r"\S +(\d+(?:\.\d+)+)$", text)
    return match.group(1) if match else None


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def section_span(section: str) -> tuple[int, int]:
    """0-based [start, end) of a section: its heading up to the next section that is not inside."""
    lines = guideline_lines()
    starts = [i for i, line in enumerate(lines) if _heading_number(line) == section]
    # The table of contents may list the section too; the body heading is the last one.
    assert starts, f"no heading for section {section}"
    start = starts[-1]
    for end in range(start + 1, len(lines)):
        number = _heading_number(lines[end])
        if number is None or number.startswith(section + "."):
            continue
        if _key(number) > _key(section) and _key(number)[0] <= _key(section)[0] + 1:
            return start, end
    return start, len(lines)


def guideline_has_section(section: str) -> bool:
    try:
        section_span(section)
    except AssertionError:
        return False
    return True


def guideline_has_recommendation(ref: str) -> bool:
    """Whether "8.4.6-3" (or "6.2.2-B2") names a numbered item of an Anbefalinger block."""
    section, number = ref.rsplit("-", 1)
    block = 2 if number.startswith("B") else 1
    number = number.removeprefix("B")
    start, end = section_span(section)
    lines = guideline_lines()[start:end]
    blocks = [i for i, line in enumerate(lines) if line.strip().startswith("Anbefaling")]
    if len(blocks) < block:
        return False
    first = blocks[block - 1]
    last = blocks[block] if len(blocks) > block else len(lines)
    item = re.compile(rf"^\s*{number}\.\s")
    return any(item.match(line) for line in lines[first:last])


def _shipped_refs() -> set[str] | None:
    if not SHIPPED_GUIDELINE.exists():
        return None
    data = json.loads(SHIPPED_GUIDELINE.read_text(encoding="utf-8"))
    return {recommendation["ref"] for recommendation in data["recommendations"]}


# --- po file ---------------------------------------------------------------------------------


def _po_unquote(chunks: list[str]) -> str:
    return "".join(ast.literal_eval(chunk) for chunk in chunks)


@cache
def po_catalogue() -> dict[str, tuple[str, bool]]:
    """msgid → (msgstr, has the python-format flag), from the blank-line separated .po entries."""
    catalogue: dict[str, tuple[str, bool]] = {}
    for entry in PO_FILE.read_text(encoding="utf-8").split("\n\n"):
        flags: list[str] = []
        parts: dict[str, list[str]] = {"msgid": [], "msgstr": []}
        current: str | None = None
        for raw in entry.splitlines():
            line = raw.strip()
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif line.startswith(("msgid ", "msgstr ")):
                current, _, rest = line.partition(" ")
                parts[current].append(rest)
            elif line.startswith('"') and current:
                parts[current].append(line)
        msgid = _po_unquote(parts["msgid"])
        if msgid:
            assert msgid not in catalogue, f"duplicate msgid {msgid!r}"
            catalogue[msgid] = (_po_unquote(parts["msgstr"]), "python-format" in flags)
    return catalogue


def marked_messages() -> set[str]:
    """Every string literal passed to gettext_noop in the pure modules (as makemessages sees it)."""
    found: set[str] = set()
    for path in PURE_MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "gettext_noop"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


PLACEHOLDER = re.compile(r"%\((\w+)\)s")


# --- registry --------------------------------------------------------------------------------


def test_it_defines_exactly_the_eight_instruments():
    assert list(INSTRUMENTS) == [
        "ciwa-ar",
        "cows",
        "sows",
        "audit",
        "dudit",
        "fast",
        "cage",
        "tweak",
    ]


@pytest.mark.parametrize("code", list(EXPECTED_ITEMS))
def test_it_finds_each_instrument_by_code(code):
    assert get_instrument(code).code == code


def test_it_names_the_known_codes_for_an_unknown_instrument():
    with pytest.raises(KeyError, match="ciwa-ar, cows"):
        get_instrument("ows")


def test_it_cannot_be_changed_at_runtime():
    with pytest.raises(TypeError):
        INSTRUMENTS["ciwa-ar"] = INSTRUMENTS["cows"]  # type: ignore[index]


# --- items -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", list(EXPECTED_ITEMS))
def test_it_has_the_items_of_scales_md_in_order(code):
    instrument = get_instrument(code)
    assert [(item.key, item.allowed) for item in instrument.items] == EXPECTED_ITEMS[code]


@pytest.mark.parametrize("code", list(EXPECTED_ITEMS))
def test_it_numbers_items_from_one(code):
    instrument = get_instrument(code)
    assert [item.number for item in instrument.items] == list(range(1, len(instrument.items) + 1))


@pytest.mark.parametrize(("code", "maximum"), EXPECTED_MAX.items())
def test_it_has_the_published_maximum_total(code, maximum):
    assert get_instrument(code).max_total == maximum


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("ciwa-ar", "withdrawal"),
        ("cows", "withdrawal"),
        ("sows", "withdrawal"),
        ("audit", "screening"),
        ("dudit", "screening"),
        ("fast", "screening"),
        ("cage", "screening"),
        ("tweak", "screening"),
    ],
)
def test_it_tells_withdrawal_scales_from_screens(code, kind):
    assert get_instrument(code).kind == kind


@pytest.mark.parametrize("code", list(EXPECTED_ITEMS))
def test_it_requires_sex_only_for_audit_and_dudit(code):
    assert get_instrument(code).requires_sex is (code in {"audit", "dudit"})


@pytest.mark.parametrize("code", list(EXPECTED_ITEMS))
def test_it_labels_every_item_in_both_languages(code):
    for item in get_instrument(code).items:
        assert item.label_nb.strip(), item.key
        assert item.label_en.strip(), item.key
        assert item.rated in {"observed", "asked", "observed_and_asked"}


@pytest.mark.parametrize("code", list(EXPECTED_ITEMS))
def test_it_gives_anchors_in_both_languages_or_neither(code):
    for item in get_instrument(code).items:
        for option in item.options:
            assert (option.anchor_nb is None) == (option.anchor_en is None), (item.key, option)
            if option.anchor_nb is not None:
                assert option.anchor_nb.strip()
                assert option.anchor_en
                assert option.anchor_en.strip()


@pytest.mark.parametrize(
    "key",
    ["nausea_vomiting", "tremor", "paroxysmal_sweats", "anxiety", "agitation"],
)
def test_it_anchors_ciwa_items_1_to_5_only_at_0_1_4_7(key):
    item = get_instrument("ciwa-ar").item(key)
    anchored = [option.value for option in item.options if option.anchor_en]
    assert anchored == [0, 1, 4, 7]


@pytest.mark.parametrize(
    "key",
    [
        "tactile_disturbances",
        "auditory_disturbances",
        "visual_disturbances",
        "headache",
        "orientation",
    ],
)
def test_it_anchors_every_value_of_ciwa_items_6_to_10(key):
    item = get_instrument("ciwa-ar").item(key)
    assert all(option.anchor_en for option in item.options)


@pytest.mark.parametrize("code", ["cows", "sows", "audit", "dudit", "fast", "cage", "tweak"])
def test_it_anchors_every_value_of_the_other_instruments(code):
    for item in get_instrument(code).items:
        assert all(option.anchor_en and option.anchor_nb for option in item.options), item.key


@pytest.mark.parametrize(
    ("key", "rated"),
    [
        ("tremor", "observed"),
        ("paroxysmal_sweats", "observed"),
        ("agitation", "observed"),
        ("nausea_vomiting", "observed_and_asked"),
        ("anxiety", "observed_and_asked"),
        ("tactile_disturbances", "asked"),
        ("auditory_disturbances", "asked"),
        ("visual_disturbances", "asked"),
        ("headache", "asked"),
        ("orientation", "asked"),
    ],
)
def test_it_records_how_each_ciwa_item_is_rated(key, rated):
    assert get_instrument("ciwa-ar").item(key).rated == rated


@pytest.mark.parametrize(
    ("key", "rated"),
    [
        ("resting_pulse_rate", "observed"),
        ("pupil_size", "observed"),
        ("runny_nose_tearing", "observed"),
        ("tremor", "observed"),
        ("yawning", "observed"),
        ("gooseflesh_skin", "observed"),
        ("gi_upset", "asked"),
        ("sweating", "observed_and_asked"),
        ("restlessness", "observed_and_asked"),
        ("bone_joint_aches", "observed_and_asked"),
        ("anxiety_irritability", "observed_and_asked"),
    ],
)
def test_it_records_how_each_cows_item_is_rated(key, rated):
    assert get_instrument("cows").item(key).rated == rated


@pytest.mark.parametrize("code", ["sows", "audit", "dudit", "fast", "cage", "tweak"])
def test_it_marks_every_questionnaire_item_as_asked(code):
    assert {item.rated for item in get_instrument(code).items} == {"asked"}


def test_it_raises_for_an_item_key_the_instrument_lacks():
    with pytest.raises(KeyError):
        get_instrument("cage").item("tremor")


# --- bands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "codes"), EXPECTED_BANDS.items())
def test_it_uses_the_band_codes_of_scales_md(code, codes):
    seen: list[str] = []
    for band in get_instrument(code).bands:
        if band.code not in seen:
            seen.append(band.code)
    assert seen == codes


def _sexes_for(instrument: Instrument) -> list[str | None]:
    return list(SEXES) if instrument.requires_sex else [None]


@pytest.mark.parametrize("code", list(EXPECTED_ITEMS))
def test_it_covers_every_total_with_exactly_one_band(code):
    instrument = get_instrument(code)
    for sex in _sexes_for(instrument):
        bands = instrument.bands_for(sex)  # type: ignore[arg-type]
        for total in range(instrument.max_total + 1):
            matching = [band.code for band in bands if band.contains(total)]
            assert len(matching) == 1, (sex, total, matching)


@pytest.mark.parametrize("code", list(EXPECTED_ITEMS))
def test_it_labels_and_sources_every_band(code):
    for band in get_instrument(code).bands:
        assert band.label_nb.strip()
        assert band.label_en.strip()
        assert band.source.strip()


@pytest.mark.parametrize(
    ("code", "ranges"),
    [
        ("ciwa-ar", [(0, 9), (10, 18), (19, None)]),
        ("cows", [(0, 4), (5, 12), (13, 24), (25, 36), (37, None)]),
        ("sows", [(0, None)]),
        ("audit", [(0, 7), (8, 15), (16, 19), (20, None)]),
        ("cage", [(0, 1), (2, None)]),
        ("tweak", [(0, 1), (2, None)]),
    ],
)
def test_it_has_the_published_band_ranges(code, ranges):
    assert [(band.lower, band.upper) for band in get_instrument(code).bands] == ranges


@pytest.mark.parametrize(
    ("sex", "ranges"),
    [
        (SEX_MALE, {"negative": (0, 5), "problem_use": (6, 24), "probable_dependence": (25, None)}),
        (
            SEX_FEMALE,
            {"negative": (0, 1), "problem_use": (2, 24), "probable_dependence": (25, None)},
        ),
    ],
)
def test_it_has_sex_specific_dudit_bands(sex, ranges):
    bands = get_instrument("dudit").bands_for(sex)
    assert {band.code: (band.lower, band.upper) for band in bands} == ranges


def test_it_marks_only_the_cows_none_band_as_derived():
    derived = [
        (instrument.code, band.code)
        for instrument in INSTRUMENTS.values()
        for band in instrument.bands
        if band.derived
    ]
    assert derived == [("cows", "none")]


# --- positive-screen rules and skip rules ----------------------------------------------------


@pytest.mark.parametrize(
    ("code", "cutoff", "by_sex"),
    [
        ("audit", None, {SEX_MALE: 8, SEX_FEMALE: 6}),
        ("dudit", None, {SEX_MALE: 6, SEX_FEMALE: 2}),
        ("cage", 2, {}),
        ("tweak", 2, {}),
        ("fast", 3, {}),
    ],
)
def test_it_has_the_positive_screen_cutoffs(code, cutoff, by_sex):
    rule = get_instrument(code).positive_rule
    assert rule is not None
    assert rule.cutoff == cutoff
    assert dict(rule.cutoff_by_sex) == by_sex
    assert rule.description_nb
    assert rule.description_en
    assert rule.source


def test_it_uses_the_two_stage_rule_for_fast():
    rule = get_instrument("fast").positive_rule
    assert rule is not None
    assert rule.kind == "fast_two_stage"
    assert rule.stage_item == "heavy_episode_frequency"


@pytest.mark.parametrize("code", ["ciwa-ar", "cows", "sows"])
def test_it_has_no_positive_rule_for_withdrawal_scales(code):
    assert get_instrument(code).positive_rule is None


@pytest.mark.parametrize("code", ["ciwa-ar", "cows", "sows", "dudit", "cage", "tweak"])
def test_it_allows_skipping_items_only_in_audit_and_fast(code):
    assert get_instrument(code).skip_rules == ()


def test_it_skips_audit_items_2_to_8_when_item_1_is_never():
    rule = get_instrument("audit").skip_rules[0]
    assert dict(rule.when) == {"drinking_frequency": frozenset({0})}
    assert rule.skip == tuple(key for key, _ in EXPECTED_ITEMS["audit"][1:8])


def test_it_skips_audit_items_4_to_8_when_items_2_and_3_are_zero():
    rule = get_instrument("audit").skip_rules[1]
    assert dict(rule.when) == {
        "typical_quantity": frozenset({0}),
        "heavy_episode_frequency": frozenset({0}),
    }
    assert rule.skip == tuple(key for key, _ in EXPECTED_ITEMS["audit"][3:8])


def test_it_skips_fast_items_2_to_4_when_item_1_decides():
    (rule,) = get_instrument("fast").skip_rules
    assert dict(rule.when) == {"heavy_episode_frequency": frozenset({0, 3, 4})}
    assert rule.skip == ("failed_expectations", "blackout", "others_concerned")


# --- sources and guideline references --------------------------------------------------------


@pytest.mark.parametrize("code", list(EXPECTED_ITEMS))
def test_it_cites_a_source_for_every_instrument(code):
    instrument = get_instrument(code)
    assert instrument.sources
    assert all(source.strip() for source in instrument.sources)
    assert instrument.full_name.strip()


@pytest.mark.parametrize(
    ("code", "refs"),
    [
        ("ciwa-ar", ("7.3-3", "8.4.6-1", "8.4.6-2", "8.4.6-3")),
        ("cows", ()),
        ("sows", ()),
        ("audit", ("7.3-2",)),
        ("dudit", ()),
        ("fast", ("7.3-1",)),
        ("cage", ("7.3-1",)),
        ("tweak", ()),
    ],
)
def test_it_names_the_recommendations_that_use_each_instrument(code, refs):
    assert get_instrument(code).guideline_refs == refs


def test_it_uses_only_refs_of_the_stable_form():
    for instrument in INSTRUMENTS.values():
        assert all(REF.match(ref) for ref in instrument.guideline_refs), instrument.code


def test_it_uses_only_refs_that_exist_in_the_guideline_text():
    for instrument in INSTRUMENTS.values():
        for ref in instrument.guideline_refs:
            assert guideline_has_recommendation(ref), (instrument.code, ref)


def test_it_uses_only_refs_that_the_shipped_guideline_data_has():
    shipped = _shipped_refs()
    if shipped is None:
        pytest.skip("guidelines/data/guideline.json is not there yet")
    for instrument in INSTRUMENTS.values():
        assert set(instrument.guideline_refs) <= shipped, instrument.code


def test_it_names_only_sections_that_exist_in_the_guideline_text():
    for instrument in INSTRUMENTS.values():
        for section in instrument.guideline_sections:
            assert guideline_has_section(section), (instrument.code, section)


def test_the_ref_lookup_tells_real_from_invented_recommendations():
    assert guideline_has_recommendation("8.4.6-3")
    assert guideline_has_recommendation("6.2.2-B2")
    assert guideline_has_recommendation("6.2.2-B3")
    assert not guideline_has_recommendation("8.4.6-4")
    assert not guideline_has_recommendation("6.2.2-B4")
    assert not guideline_has_recommendation("8.3.1-1")


@pytest.mark.parametrize("code", list(EXPECTED_ITEMS))
def test_it_gives_every_remark_in_both_languages(code):
    for remark in get_instrument(code).remarks:
        assert remark.code
        assert remark.text_nb.strip()
        assert remark.text_en.strip()


def test_it_flags_the_resolutions_among_the_remarks():
    resolutions = {
        remark.code
        for instrument in INSTRUMENTS.values()
        for remark in instrument.remarks
        if remark.resolution
    }
    assert resolutions == {"ciwa_bands_gap", "sows_handelsman", "audit_cutoff"}


# --- translations ----------------------------------------------------------------------------


def test_the_po_file_declares_bokmal_and_utf8():
    header = PO_FILE.read_text(encoding="utf-8")
    assert '"Content-Type: text/plain; charset=UTF-8\\n"' in header
    assert '"Language: nb\\n"' in header


def test_it_translates_every_marked_message():
    catalogue = po_catalogue()
    missing = sorted(
        message for message in marked_messages() if not catalogue.get(message, ("",))[0]
    )
    assert missing == []


def test_it_translates_every_band_label():
    catalogue = po_catalogue()
    for instrument in INSTRUMENTS.values():
        for band in instrument.bands:
            assert catalogue[band.label_en][0] == band.label_nb, (instrument.code, band.code)


def test_the_po_file_holds_no_stale_messages():
    # The catalogue is shared with the scoring pages; every message marked here must be in it.
    assert marked_messages() <= set(po_catalogue())


def test_it_keeps_placeholders_identical_in_every_translation():
    for msgid, (msgstr, python_format) in po_catalogue().items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
        assert python_format is bool(PLACEHOLDER.search(msgid)), msgid


def test_the_message_scan_reads_every_module_of_the_split_packages():
    scanned = {path.relative_to(ROOT).as_posix() for path in PURE_MODULES}
    for scale in ("ciwa_ar", "cows", "sows", "audit", "dudit", "fast", "cage", "tweak"):
        assert f"clinical/instruments/{scale}.py" in scanned
    for module in ("context", "messages", "cautions", "valproate", "tiers"):
        assert f"clinical/advice/{module}.py" in scanned
    # Band labels live in the scale modules, advice messages in the catalogue module.
    assert {"Probable dependence", "Not banded"} <= marked_messages()
