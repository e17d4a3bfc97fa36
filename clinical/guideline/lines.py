"""Source lines of the guideline's text extraction, and the page noise it carries (footers,
editorial notes, placeholders, link targets).

Line numbers ("G 970") are 1-based lines of
``guidelines/data/source/retningslinje-avrusning-2014.txt``. The module docstring of
``clinical.guideline.extract`` describes what the PDF extraction does to the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_BLANK = re.compile(r"^\s*$")
_FOOTER = re.compile(r"^\s*Nasjonal faglig retningslinje for avrusning \d+\s*$")
_EDITORIAL_NOTE = re.compile(r"^\s*Merknad \[[^\]]*\]:")
_PLACEHOLDER = re.compile(r"^\s*(?:\d+\s+)?\[(?:OVERSKRIFT|Overskrift)\]\s*$")
# A hyperlink target emitted by the PDF: a bare URL with no trailing space. Printed URLs in
# running text end with a space like every other printed line (e.g. G 3236).
_LINK_TARGET = re.compile(r"^(?:https?://|mailto:)\S+$")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the source file; ``number`` is 1-based."""

    number: int
    text: str


def split_lines(source: str) -> list[Line]:
    return [Line(number, text) for number, text in enumerate(source.splitlines(), start=1)]


def is_footer(text: str) -> bool:
    return bool(_FOOTER.match(text))


def is_editorial_note(text: str) -> bool:
    return bool(_EDITORIAL_NOTE.match(text))


def is_link_target(text: str) -> bool:
    return bool(_LINK_TARGET.match(text))


def is_noise(text: str) -> bool:
    """True for lines that are not part of the published text (blank lines included)."""
    return bool(
        _BLANK.match(text)
        or is_footer(text)
        or is_editorial_note(text)
        or _PLACEHOLDER.match(text)
        or is_link_target(text)
    )


def normalise_whitespace(text: str) -> str:
    return " ".join(text.split())


def remove_footers_and_notes(source: str) -> str:
    """The source without page footers and editorial notes, whitespace-normalised.

    Used to check that extracted text appears in the source as published.
    """
    kept = (
        line for line in source.splitlines() if not (is_footer(line) or is_editorial_note(line))
    )
    return normalise_whitespace(" ".join(kept))


def join_lines(parts: Iterable[str]) -> str:
    """Join wrapped lines of one paragraph. Words are never re-joined across lines: in the
    recommendations no word is hyphenated at a line end, and a trailing hyphen elsewhere is as
    often a real one ("rus- og avhengighet") as a break."""
    return normalise_whitespace(" ".join(parts))
