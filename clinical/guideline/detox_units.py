"""The detox units of the guideline's appendix 14.1: regions, units and their fields, as data.

Written by ``clinical.guideline.extract`` to ``guidelines/data/detox_units.json``. Line numbers
("G 647") are 1-based lines of ``guidelines/data/source/retningslinje-avrusning-2014.txt``.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clinical.guideline.lines import (
    Line,
    is_noise,
    join_lines,
    normalise_whitespace,
    split_lines,
)
from clinical.guideline.parsing import (
    classify,
    parse_section_heading,
)

_REGION_HEADING = re.compile(r"^\s*14\.1\.\d+ Oversikt over avrusningsenheter - (?P<name>.+?)\s*$")
_INLINE_FIELD = re.compile(
    r"^\s*(?P<label>Eier|Adresse|Telefon|Internett|Kontaktperson/e-post):\s*(?P<value>.*?)\s*$"
)
_LIST_FIELD = re.compile(
    r"^\s*(?P<label>Type avdeling|Poliklinisk avrusning|Type pasienter|Type rusmidler)"
    r"(?: \(hovedtyngde\))?:\s*$"
)
_BEDS = re.compile(r"(?P<count>\d+)\s+(?:senger|avgiftningsplasser)")
_HEALTH_TRUST = re.compile(r"(?:\bHF|sykehus)$", re.IGNORECASE)

# The appendix lists units under the regions of the 2011 survey. Helse Øst and Helse Sør
# had merged into Helse Sør-Øst (2.5 counts "tolv i Helse Sør-Øst", G 647); "Andre" are
# private units with no region in the text, placed by their address (all in Oslo, Akershus
# or Vestfold, i.e. Helse Sør-Øst's area).
REGIONS: dict[str, str] = {
    "Helse Nord": "Helse Nord",
    "Helse Midt": "Helse Midt",
    "Helse Vest": "Helse Vest",
    "Helse Øst": "Helse Sør-Øst",
    "Helse Sør": "Helse Sør-Øst",
    "Andre": "Helse Sør-Øst",
}
INFERRED_REGIONS = frozenset({"Andre"})

# Which "Type pasienter" answer fills which field; matched against the printed label, which
# varies ("Alkoholproblem" / "Alkohol", "Illegale rusmidler" / "Illegale stoffer").
_PATIENT_FIELDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Alkohol"), "accepts_alcohol"),
    (re.compile(r"^Illegale"), "accepts_illegal_drugs"),
    (re.compile(r"^Legemiddel"), "accepts_medication_dependence"),
    (re.compile(r"^Gravide"), "accepts_pregnant"),
    (re.compile(r"^Øyeblikkelig"), "emergency_admission"),
    (re.compile(r"10-2"), "coercion_10_2_10_3"),
    (re.compile(r"10-4"), "coercion_10_4"),
)
BOOLEAN_FIELDS = (
    "outpatient_detox",
    *(field for _, field in _PATIENT_FIELDS),
)

DETOX_SOURCE_NOTE = (
    "Helsedirektoratet's survey of the detox units in TSB (section 2.5, lines 645-653: winter/"
    "spring 2011, compiled autumn 2013, unit details updated January 2014; the appendix tables "
    "say 2011-2012, lines 6018, 6073). The appendix lists 25 unit profiles (lines 6227-7758); "
    "section 2.5 counts 24 units and table 14.1 counts 26. region: the profiles are listed "
    "under Helse Nord, Helse Midt, Helse Vest, Helse Øst, Helse Sør and Andre (listed_under); "
    "Helse Øst and Helse Sør are Helse Sør-Øst as section 2.5 names it, and the four private "
    "'Andre' units are placed in Helse Sør-Øst by their address (an inference, said in their "
    "notes). Yes/no fields: an answer starting 'Ja' is true, 'Nei' or 'Ikke' false, "
    "'Sjelden', 'Meget sjelden' or 'Kun unntaksvis' (accepted, rarely) true, and anything "
    "else null; whenever the printed answer is more than a bare Ja/Nei it is kept in notes. "
    "beds: the beds or places the profile gives for its detox post, null when none is given. "
    "health_trust: the HF named as owner or in the unit's name, null for private owners. "
    "Contact data are as published in 2014 and may be out of date."
)


@dataclass(frozen=True, slots=True)
class DetoxUnit:
    slug: str
    name: str
    region: str
    listed_under: str
    owner: str | None
    health_trust: str | None
    address: str | None
    phone: str | None
    email: str | None
    web: str | None
    department_types: tuple[str, ...]
    outpatient_detox: bool | None
    accepts_alcohol: bool | None
    accepts_illegal_drugs: bool | None
    accepts_medication_dependence: bool | None
    accepts_pregnant: bool | None
    emergency_admission: bool | None
    coercion_10_2_10_3: bool | None
    coercion_10_4: bool | None
    main_substances: str | None
    beds: int | None
    notes: str | None
    line_start: int
    line_end: int


def answer_to_bool(answer: str) -> bool | None:
    """A unit's printed answer as yes/no; None when it is neither."""
    folded = answer.strip().lower()
    if folded.startswith("ja"):
        return True
    if folded.startswith(("nei", "ikke")):
        return False
    # "Sjelden, da kun gravide", "Meget sjelden", "Kun unntaksvis – frivillige innleggelser":
    # the unit does take such patients, rarely. Table 14.1 counts them so (G 6129, 6141).
    if folded.startswith(("sjelden", "meget sjelden", "kun unntaksvis")):
        return True
    return None


def slugify(name: str) -> str:
    folded = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    ascii_only = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")


def _unit_region_lines(lines: Sequence[Line]) -> list[tuple[str, list[Line]]]:
    """The appendix 14.1.3-14.1.8, as (region heading, its content lines)."""
    regions: list[tuple[str, list[Line]]] = []
    for line in lines:
        match = _REGION_HEADING.match(line.text)
        if match is not None:
            regions.append((match["name"], []))
        elif regions and parse_section_heading(line.text) is not None:
            break  # 14.2, the prisons
        elif regions and not is_noise(line.text):
            regions[-1][1].append(line)
    return regions


def _split_units(content: Sequence[Line]) -> list[list[Line]]:
    """A region's lines, one list per unit. A unit opens with its name: the lines just above
    its "Eier:" line that are at most two source lines apart (the name may wrap, G 7274-7276);
    the previous unit's last line is further up (at least five lines)."""
    owner_indexes = [i for i, line in enumerate(content) if line.text.lstrip().startswith("Eier:")]
    starts: list[int] = []
    for owner_index in owner_indexes:
        start = owner_index - 1
        while start > 0 and content[start].number - content[start - 1].number <= 2:
            start -= 1
        starts.append(start)
    if not starts or starts[0] != 0:
        first = content[0].number if content else "?"
        raise ValueError(f"line {first}: text before the first unit of a region")
    ends = [*starts[1:], len(content)]
    return [list(content[start:end]) for start, end in zip(starts, ends, strict=True)]


@dataclass(slots=True)
class _UnitFields:
    inline: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    lists: dict[str, list[list[str]]] = dataclasses.field(default_factory=dict)


def _collect_fields(unit_lines: Sequence[Line]) -> _UnitFields:
    fields = _UnitFields()
    open_inline: list[str] | None = None
    open_list: list[list[str]] | None = None
    for line in unit_lines:
        if match := _INLINE_FIELD.match(line.text):
            open_inline = fields.inline.setdefault(match["label"], [])
            open_inline.append(match["value"])
            open_list = None
        elif match := _LIST_FIELD.match(line.text):
            open_list = fields.lists.setdefault(match["label"], [])
            open_inline = None
        elif open_list is not None:
            token = classify(line.text)
            if token is None:
                continue
            if token.kind in ("bullet", "sub_bullet"):
                open_list.append([token.text])
            elif open_list:
                open_list[-1].append(token.text)  # a wrapped answer
            else:
                open_list.append([token.text])
        elif open_inline is not None:
            open_inline.append(line.text.strip())  # a wrapped address or web address
    return fields


def _inline_value(fields: _UnitFields, label: str, *, separator: str = " ") -> str | None:
    parts = [part.strip() for part in fields.inline.get(label, []) if part.strip()]
    if not parts:
        return None
    return normalise_whitespace(separator.join(parts))


def _list_values(fields: _UnitFields, label: str) -> list[str]:
    values = (join_lines(parts) for parts in fields.lists.get(label, []))
    return [value for value in values if value]


def parse_unit(unit_lines: Sequence[Line], listed_under: str) -> DetoxUnit:
    """One unit profile (name, "Eier:", contact lines, then four bulleted lists)."""
    owner_index = next(
        i for i, line in enumerate(unit_lines) if line.text.lstrip().startswith("Eier:")
    )
    name = join_lines(line.text for line in unit_lines[:owner_index])
    fields = _collect_fields(unit_lines[owner_index:])
    notes: list[str] = []

    answers: dict[str, bool | None] = dict.fromkeys(BOOLEAN_FIELDS)
    outpatient = " ".join(_list_values(fields, "Poliklinisk avrusning")) or None
    if outpatient is not None:
        answers["outpatient_detox"] = answer_to_bool(outpatient)
        _note_answer(notes, "Poliklinisk avrusning", outpatient)
    for entry in _list_values(fields, "Type pasienter"):
        label, _, answer = entry.rpartition(":")
        label, answer = label.strip(), answer.strip()
        field = next((f for pattern, f in _PATIENT_FIELDS if pattern.search(label)), None)
        if field is None:
            raise ValueError(f"{name}: unknown patient type {entry!r}")
        answers[field] = answer_to_bool(answer)
        _note_answer(notes, label, answer)

    departments = _list_values(fields, "Type avdeling")
    substances = _list_values(fields, "Type rusmidler")
    phone = _inline_value(fields, "Telefon")
    if phone is not None and len(re.sub(r"\D", "", phone)) not in (5, 8):
        # Norwegian numbers have 8 digits (5 for some service numbers); "75 12 52 7"
        # (G 6728) has 7 and is kept as printed.
        notes.append(f"Telefon as printed, not a complete number: {phone}")
    if listed_under in INFERRED_REGIONS:
        notes.append(
            f"Listed under '{listed_under}' (private); region {REGIONS[listed_under]} is "
            "inferred from the address, the text names none"
        )
    owner = _inline_value(fields, "Eier")
    return DetoxUnit(
        slug=slugify(name),
        name=name,
        region=REGIONS[listed_under],
        listed_under=listed_under,
        owner=owner,
        health_trust=_health_trust(owner, name),
        address=_inline_value(fields, "Adresse"),
        phone=phone,
        email=_inline_value(fields, "Kontaktperson/e-post"),
        # A web address wrapped over two lines was broken inside the URL (G 6786-6788).
        web=_inline_value(fields, "Internett", separator=""),
        department_types=tuple(departments),
        outpatient_detox=answers["outpatient_detox"],
        accepts_alcohol=answers["accepts_alcohol"],
        accepts_illegal_drugs=answers["accepts_illegal_drugs"],
        accepts_medication_dependence=answers["accepts_medication_dependence"],
        accepts_pregnant=answers["accepts_pregnant"],
        emergency_admission=answers["emergency_admission"],
        coercion_10_2_10_3=answers["coercion_10_2_10_3"],
        coercion_10_4=answers["coercion_10_4"],
        main_substances="; ".join(substances) or None,
        beds=_detox_beds(departments),
        notes=" | ".join(notes) or None,
        line_start=unit_lines[0].number,
        line_end=unit_lines[-1].number,
    )


def _note_answer(notes: list[str], label: str, answer: str) -> None:
    if answer.strip().lower() not in ("ja", "nei"):
        notes.append(f"{label}: {answer}")


def _health_trust(owner: str | None, name: str) -> str | None:
    candidates = [*(owner or "").split(","), *name.split(",")]
    for candidate in (c.strip() for c in candidates):
        if _HEALTH_TRUST.search(candidate):
            return candidate
    return None


def _detox_beds(departments: Sequence[str]) -> int | None:
    """Beds of the detox post: "Avrusningspost med 2 senger", "8 avgiftningsplasser"."""
    for department in departments:
        match = _BEDS.search(department)
        if match is not None and re.search(r"avrusning|avgiftning", department, re.IGNORECASE):
            return int(match["count"])
    return None


def extract_detox_units(source: str) -> dict[str, Any]:
    """The directory of detox units in appendix 14.1 (see ``detox_units.json``)."""
    lines = split_lines(source)
    units = [
        parse_unit(unit_lines, region)
        for region, content in _unit_region_lines(lines)
        for unit_lines in _split_units(content)
    ]
    return {
        "source": {
            "section": "14.1",
            "collected": "2011–2012",
            "updated": "2014-01",
            "note": DETOX_SOURCE_NOTE,
        },
        "units": [dataclasses.asdict(unit) for unit in units],
    }
