"""Extract the guideline's graded recommendations and the detox-unit directory as data.

The source is the text extraction of the PDF "Nasjonal faglig retningslinje for avrusning fra
rusmidler og vanedannende legemidler" (Helsedirektoratet, IS-2211, edition for external hearing,
11.11.2014), shipped read-only as ``guidelines/data/source/retningslinje-avrusning-2014.txt``.
Line numbers below ("G 970") are 1-based lines of that file.

Everything here is pure: functions take the source text and return values. ``main()`` is the
only function that touches the file system; it writes ``guidelines/data/guideline.json`` and
``guidelines/data/detox_units.json``, which are committed.
``tests/clinical/test_guideline_extract.py`` re-runs the extractor and compares, so the shipped data
cannot drift from this code.

    python -m clinical.guideline.extract

The work is in three modules, whose names are all re-exported here: ``lines`` (source lines and
page noise), ``parsing`` (chapters, sections, grades, modals, recommendations) and
``detox_units`` (appendix 14.1). This module holds the paths and the output.

What the PDF extraction does to the text, and how it is undone:
- Every printed line is followed by a blank line; paragraphs are therefore found by
  structure (numbers, bullets, grade letters), never by blank lines.
- Headings come as "Title 3.3" (number after the title) or "3.2.1 Title". Chapter titles are
  upper case ("8 AVRUSNING FRA ALKOHOL"), sometimes wrapped over two lines, and often placed
  *after* the chapter's first section (e.g. chapter 6 at G 1931, section 6.1 at G 1869).
- Noise: page footers ("Nasjonal faglig retningslinje for avrusning 58"), editorial notes
  ("Merknad [gwe5]: Skal i boks"), "[Overskrift]" placeholders, and hyperlink targets that the
  PDF emitted as lines of their own ("http://www.sovno.no/", "mailto:post@unn.no"), which are
  recognisable by having no trailing space, unlike printed text.
- The evidence grade is a capital A-D at the end of the recommendation's first paragraph,
  either on the same line ("... avrusningsenhet ved behov  C", G 974) or alone on a line
  ("C", G 1098).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from clinical.guideline.detox_units import (
    BOOLEAN_FIELDS,
    DETOX_SOURCE_NOTE,
    INFERRED_REGIONS,
    REGIONS,
    DetoxUnit,
    answer_to_bool,
    extract_detox_units,
    parse_unit,
    slugify,
)
from clinical.guideline.lines import (
    Line,
    is_editorial_note,
    is_footer,
    is_link_target,
    is_noise,
    join_lines,
    normalise_whitespace,
    remove_footers_and_notes,
    split_lines,
)
from clinical.guideline.parsing import (
    BLOCK_SECTION_OVERRIDES,
    EDITION,
    LAST_CHAPTER,
    MODAL_WORDS,
    SOURCE_RELATIVE,
    Block,
    Chapter,
    Grade,
    GradeDefinition,
    Item,
    Modal,
    ModalDefinition,
    Recommendation,
    RecommendationDraft,
    Section,
    Token,
    TokenKind,
    classify,
    detect_modal,
    extract_guideline,
    find_blocks,
    find_chapters,
    find_sections,
    parse_block,
    parse_grades,
    parse_modals,
    parse_section_heading,
    recommendations_from_blocks,
    split_trailing_grade,
    tokenize,
    with_section_starts,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "guidelines" / "data"  # shipped with the guidelines app, which loads it
SOURCE_PATH = REPO_ROOT / SOURCE_RELATIVE
GUIDELINE_JSON = DATA_DIR / "guideline.json"
DETOX_UNITS_JSON = DATA_DIR / "detox_units.json"


# --------------------------------------------------------------------------- output


def render_json(data: Any) -> str:
    """The committed format: keys sorted, UTF-8 characters as they are, indent 2."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def iter_outputs(source: str) -> Iterator[tuple[Path, str]]:
    yield GUIDELINE_JSON, render_json(extract_guideline(source))
    yield DETOX_UNITS_JSON, render_json(extract_detox_units(source))


def main() -> None:
    source = SOURCE_PATH.read_text(encoding="utf-8")
    for path, content in iter_outputs(source):
        path.write_text(content, encoding="utf-8")
        print(f"wrote {path.relative_to(REPO_ROOT)}")


__all__ = [
    "BLOCK_SECTION_OVERRIDES",
    "BOOLEAN_FIELDS",
    "DATA_DIR",
    "DETOX_SOURCE_NOTE",
    "DETOX_UNITS_JSON",
    "EDITION",
    "GUIDELINE_JSON",
    "INFERRED_REGIONS",
    "LAST_CHAPTER",
    "MODAL_WORDS",
    "REGIONS",
    "REPO_ROOT",
    "SOURCE_PATH",
    "SOURCE_RELATIVE",
    "Block",
    "Chapter",
    "DetoxUnit",
    "Grade",
    "GradeDefinition",
    "Item",
    "Line",
    "Modal",
    "ModalDefinition",
    "Recommendation",
    "RecommendationDraft",
    "Section",
    "Token",
    "TokenKind",
    "answer_to_bool",
    "classify",
    "detect_modal",
    "extract_detox_units",
    "extract_guideline",
    "find_blocks",
    "find_chapters",
    "find_sections",
    "is_editorial_note",
    "is_footer",
    "is_link_target",
    "is_noise",
    "iter_outputs",
    "join_lines",
    "main",
    "normalise_whitespace",
    "parse_block",
    "parse_grades",
    "parse_modals",
    "parse_section_heading",
    "parse_unit",
    "recommendations_from_blocks",
    "remove_footers_and_notes",
    "render_json",
    "slugify",
    "split_lines",
    "split_trailing_grade",
    "tokenize",
    "with_section_starts",
]


if __name__ == "__main__":
    main()
