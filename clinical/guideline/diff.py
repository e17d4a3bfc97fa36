"""Readable differences between two versions of a recommendation (pure, no Django).

Word by word for the text and the items (in their one-item-per-line edit form), so that a changed
dose or a fixed typo stands out in a long sentence. Templates mark insertions and deletions with
``<ins>``/``<del>`` and a spoken label, so the difference is not carried by colour alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from clinical.guideline.text import Item, items_to_lines

Op = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


@dataclass(frozen=True)
class Version:
    text: str
    items: Sequence[Item]
    grade: str


@dataclass(frozen=True)
class VersionDiff:
    text: list[Segment]
    items: list[Segment]
    grade_before: str
    grade_after: str

    @property
    def text_changed(self) -> bool:
        return any(segment.op != "equal" for segment in self.text)

    @property
    def items_changed(self) -> bool:
        return any(segment.op != "equal" for segment in self.items)

    @property
    def grade_changed(self) -> bool:
        return self.grade_before != self.grade_after

    @property
    def changed(self) -> bool:
        return self.text_changed or self.items_changed or self.grade_changed


def _tokens(text: str) -> list[str]:
    # Words and the whitespace between them, so that joining the tokens gives the text back.
    return re.findall(r"\s+|[^\s]+", text)


def word_diff(before: str, after: str) -> list[Segment]:
    """Segments that turn ``before`` into ``after``; neighbouring segments of one kind merged."""
    old, new = _tokens(before), _tokens(after)
    segments: list[Segment] = []
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(old[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", "".join(new[j1:j2])))
    return _merged(segments)


def _merged(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].op == segment.op:
            merged[-1] = Segment(segment.op, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def version_diff(before: Version, after: Version) -> VersionDiff:
    return VersionDiff(
        text=word_diff(before.text, after.text),
        items=word_diff(items_to_lines(before.items), items_to_lines(after.items)),
        grade_before=before.grade,
        grade_after=after.grade,
    )
