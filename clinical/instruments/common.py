"""The shared types of the rating scales, their small builders and the anchors several scales share.

Binding specification: ``docs/SCALES.md`` (item keys, allowed values, anchors, bands, band codes,
sources). Guideline line numbers ("G 4173") refer to
``guidelines/data/source/retningslinje-avrusning-2014.txt``.

Anchor texts are *paraphrases*, in English and in Norwegian bokmål. They are not the licensed
wording of any form: before showing patient-facing text, use the official Norwegian form where one
exists (SCALES.md §11).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Final, Literal

Sex = Literal["male", "female"]
Kind = Literal["withdrawal", "screening"]
# How the rater gets the value: by looking/measuring, by asking, or both (SCALES.md §9).
Rated = Literal["observed", "asked", "observed_and_asked"]
PositiveRuleKind = Literal["total_at_least", "fast_two_stage"]

SEX_MALE: Final = "male"
SEX_FEMALE: Final = "female"
SEXES: Final[tuple[Sex, ...]] = (SEX_MALE, SEX_FEMALE)


@dataclass(frozen=True)
class Option:
    """One allowed value of an item. The anchor is None where the scale defines none."""

    value: int
    anchor_nb: str | None = None
    anchor_en: str | None = None


@dataclass(frozen=True)
class Item:
    number: int
    key: str
    label_nb: str
    label_en: str
    options: tuple[Option, ...]
    rated: Rated
    instructions_nb: str = ""
    instructions_en: str = ""

    # Worked out once per item: the instruments are constants, checked on every score and advice.
    @cached_property
    def allowed(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    @cached_property
    def max_value(self) -> int:
        return max(self.allowed)


@dataclass(frozen=True)
class Band:
    """A score range with a code from SCALES.md §12.

    ``upper`` is None for an open top. ``sex`` is set where the range differs by sex (DUDIT).
    ``derived`` marks a band this application named itself because no source labels that range
    (COWS 0–4, SCALES.md §2.3) — show it as a resolution, not as the publisher's word.
    ``label_en`` is a gettext message id (translated through the .po file); ``label_nb`` is the
    same label in bokmål for places that do not run gettext (e.g. a JSON export).
    """

    code: str
    label_nb: str
    label_en: str
    lower: int
    upper: int | None
    source: str
    sex: Sex | None = None
    derived: bool = False

    def contains(self, total: int) -> bool:
        return self.lower <= total and (self.upper is None or total <= self.upper)


@dataclass(frozen=True)
class PositiveRule:
    """When a screening result is positive.

    ``total_at_least``: positive when the total is at least ``cutoff`` (or ``cutoff_by_sex[sex]``).
    ``fast_two_stage``: the FAST rule of SCALES.md §6.3, on the item ``stage_item``.
    """

    kind: PositiveRuleKind
    description_nb: str
    description_en: str
    source: str
    cutoff: int | None = None
    cutoff_by_sex: Mapping[Sex, int] = field(default_factory=lambda: MappingProxyType({}))
    stage_item: str | None = None


@dataclass(frozen=True)
class SkipRule:
    """The AUDIT/FAST administration skip (SCALES.md §4.2, §6.3).

    When every item in ``when`` was answered with one of its listed values, the items in ``skip``
    need not be asked. Those left out are scored 0 and reported as skipped.
    """

    when: Mapping[str, frozenset[int]]
    skip: tuple[str, ...]
    description_nb: str
    description_en: str


@dataclass(frozen=True)
class Remark:
    """A caveat the UI should show with the instrument (unit conversions, thresholds, choices)."""

    code: str
    text_nb: str
    text_en: str
    resolution: bool = False


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    full_name: str
    kind: Kind
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    sources: tuple[str, ...]
    guideline_refs: tuple[str, ...]
    guideline_sections: tuple[str, ...]
    requires_sex: bool = False
    positive_rule: PositiveRule | None = None
    skip_rules: tuple[SkipRule, ...] = ()
    remarks: tuple[Remark, ...] = ()

    @cached_property
    def max_total(self) -> int:
        return sum(item.max_value for item in self.items)

    @cached_property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def bands_for(self, sex: Sex | None) -> tuple[Band, ...]:
        """The bands that apply to a patient of this sex (sex-neutral bands always apply)."""
        return tuple(band for band in self.bands if band.sex is None or band.sex == sex)


# --- small builders ------------------------------------------------------------------------------


def _options(values: Sequence[int], anchors: Mapping[int, tuple[str, str]]) -> tuple[Option, ...]:
    """Options for ``values``; ``anchors`` maps a value to (bokmål, English)."""
    unknown = set(anchors) - set(values)
    if unknown:  # a typo in the tables below must not pass silently
        raise ValueError(f"anchors for values not allowed: {sorted(unknown)}")
    return tuple(
        Option(value, *anchors[value]) if value in anchors else Option(value) for value in values
    )


def _item(
    number: int,
    key: str,
    label: tuple[str, str],
    values: Sequence[int],
    anchors: Mapping[int, tuple[str, str]],
    rated: Rated,
    instructions: tuple[str, str] = ("", ""),
) -> Item:
    return Item(
        number=number,
        key=key,
        label_nb=label[0],
        label_en=label[1],
        options=_options(values, anchors),
        rated=rated,
        instructions_nb=instructions[0],
        instructions_en=instructions[1],
    )


ZERO_TO_FOUR: Final = (0, 1, 2, 3, 4)
ZERO_TWO_FOUR: Final = (0, 2, 4)
ZERO_TO_SEVEN: Final = (0, 1, 2, 3, 4, 5, 6, 7)
NO_YES: Final = (0, 1)

# Hallucination anchors shared by CIWA-Ar items 6–8 at 4–7 (SCALES.md §1.2).
_HALLUCINATIONS: Final[dict[int, tuple[str, str]]] = {
    4: ("Moderat sterke hallusinasjoner", "Moderately severe hallucinations"),
    5: ("Sterke hallusinasjoner", "Severe hallucinations"),
    6: ("Svært sterke hallusinasjoner", "Extremely severe hallucinations"),
    7: ("Sammenhengende hallusinasjoner", "Continuous hallucinations"),
}

# AUDIT items 3–8, DUDIT items 4–9 and FAST items 1–3 share this frequency scale.
_FREQUENCY: Final[dict[int, tuple[str, str]]] = {
    0: ("Aldri", "Never"),
    1: ("Sjeldnere enn månedlig", "Less than monthly"),
    2: ("Månedlig", "Monthly"),
    3: ("Ukentlig", "Weekly"),
    4: ("Daglig eller nesten daglig", "Daily or almost daily"),
}

# AUDIT item 1 and DUDIT items 1–2: how often at all.
_HOW_OFTEN: Final[dict[int, tuple[str, str]]] = {
    0: ("Aldri", "Never"),
    1: ("Månedlig eller sjeldnere", "Monthly or less"),
    2: ("2–4 ganger i måneden", "2–4 times a month"),
    3: ("2–3 ganger i uken", "2–3 times a week"),
    4: ("4 ganger i uken eller oftere", "4 or more times a week"),
}

# AUDIT 9–10, DUDIT 10–11, FAST 4 (original anchors; the values are 0/2/4 on every form).
_NO_EARLIER_RECENT: Final[dict[int, tuple[str, str]]] = {
    0: ("Nei", "No"),
    2: ("Ja, men ikke i løpet av det siste året", "Yes, but not in the last year"),
    4: ("Ja, i løpet av det siste året", "Yes, during the last year"),
}

_NO_YES_ANCHORS: Final[dict[int, tuple[str, str]]] = {0: ("Nei", "No"), 1: ("Ja", "Yes")}


def _yes_no_item(number: int, key: str, label: tuple[str, str]) -> Item:
    """An asked no (0) / yes (1) item: every CAGE item and TWEAK items 3–5."""
    return _item(number, key, label, NO_YES, _NO_YES_ANCHORS, "asked")


def _how_often_item(number: int, key: str, label: tuple[str, str]) -> Item:
    """An asked 0–4 item on the ``_HOW_OFTEN`` anchors (AUDIT item 1, DUDIT items 1–2)."""
    return _item(number, key, label, ZERO_TO_FOUR, _HOW_OFTEN, "asked")


def _frequency_item(
    number: int, key: str, label: tuple[str, str], instructions: tuple[str, str] = ("", "")
) -> Item:
    """An asked 0–4 item on the ``_FREQUENCY`` anchors (AUDIT 3–8, DUDIT 4–9, FAST 1–3)."""
    return _item(number, key, label, ZERO_TO_FOUR, _FREQUENCY, "asked", instructions)


def _no_earlier_recent_item(number: int, key: str, label: tuple[str, str]) -> Item:
    """An asked 0/2/4 item on ``_NO_EARLIER_RECENT`` (AUDIT 9–10, DUDIT 10–11, FAST 4)."""
    return _item(number, key, label, ZERO_TWO_FOUR, _NO_EARLIER_RECENT, "asked")


def _total_at_least_by_sex(
    male: int, female: int, description: tuple[str, str], source: str
) -> PositiveRule:
    """A ``total_at_least`` rule whose cut-off differs by sex (AUDIT, DUDIT)."""
    return PositiveRule(
        kind="total_at_least",
        description_nb=description[0],
        description_en=description[1],
        source=source,
        cutoff_by_sex=MappingProxyType({SEX_MALE: male, SEX_FEMALE: female}),
    )


# AUDIT item 10 and FAST item 4 ask the same question.
ALCOHOL_OTHERS_CONCERNED: Final = (
    "Har en slektning, venn, lege eller annet helsepersonell vært bekymret for drikkingen din, "
    "eller foreslått at du bør drikke mindre?",
    "Has a relative, friend, doctor or other health worker been concerned about your drinking or "
    "suggested you cut down?",
)
