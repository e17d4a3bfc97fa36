"""A recommendation's text as data: bullet items, their plain-text forms and the edit format.

Pure functions (no Django), used by the loader, the edit form, the citations and the search index.
A recommendation's ``items`` are the guideline's bullets in order, each ``{"text", "items"}`` with
its nested "o" sub-bullets under ``items``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

# How the edit form writes nesting: two spaces per level (a tab counts as one level).
INDENT = "  "
BULLETS = ("•", "◦", "▪")


class Item(TypedDict):
    text: str
    items: list[Item]


def flatten_items(items: Sequence[Item], depth: int = 0) -> list[tuple[int, str]]:
    """Every item and sub-item in reading order, with its depth (0 for a top-level bullet)."""
    flat: list[tuple[int, str]] = []
    for item in items:
        flat.append((depth, item["text"]))
        flat.extend(flatten_items(item["items"], depth + 1))
    return flat


def items_to_lines(items: Sequence[Item]) -> str:
    """The edit format: one item per line, each sub-level indented by two more spaces."""
    return "\n".join(INDENT * depth + text for depth, text in flatten_items(items))


@dataclass(frozen=True)
class ItemsFormatError(ValueError):
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def _depth_and_text(raw: str) -> tuple[int, str]:
    expanded = raw.replace("\t", INDENT).rstrip()
    stripped = expanded.lstrip(" ")
    return (len(expanded) - len(stripped)) // len(INDENT), stripped


def lines_to_items(source: str) -> list[Item]:
    """Parse the edit format back into nested items; blank lines are ignored.

    Raises ItemsFormatError when a line is indented deeper than one level below the line above it
    (a sub-item needs an item to belong to).
    """
    root: list[Item] = []
    # stack[d] is the list that items of depth d are appended to.
    stack: list[list[Item]] = [root]
    for number, raw in enumerate(source.splitlines(), start=1):
        if not raw.strip():
            continue
        depth, text = _depth_and_text(raw)
        if depth > len(stack) - 1:
            raise ItemsFormatError(number, "indented deeper than the item above it")
        del stack[depth + 1 :]
        item: Item = {"text": normalise_text(text), "items": []}
        stack[depth].append(item)
        stack.append(item["items"])
    return root


def normalise_text(text: str) -> str:
    """Text as stored: runs of whitespace (line breaks from a textarea too) become one space."""
    return re.sub(r"\s+", " ", text).strip()


def plain_text(*, lead_in: str, text: str, items: Sequence[Item]) -> str:
    """The whole recommendation as readable plain text: lead-in, text, then bullets on lines."""
    lines = [part for part in (lead_in, text) if part]
    lines.extend(
        f"{INDENT * depth}{BULLETS[min(depth, 2)]} {t}" for depth, t in flatten_items(items)
    )
    return "\n".join(lines)


def search_text(*, lead_in: str, text: str, items: Sequence[Item]) -> str:
    """What full-text search looks in: lead-in, text and every item, case-folded.

    Case-folded so that the SQLite fallback (whose LIKE folds ASCII letters only) also finds
    "Øyeblikkelig" when asked for "øyeblikkelig".
    """
    parts = [lead_in, text, *(t for _depth, t in flatten_items(items))]
    return "\n".join(part for part in parts if part).casefold()


def highlight(text: str, terms: Sequence[str]) -> list[tuple[bool, str]]:
    """Split ``text`` into (is_hit, chunk) pieces; a hit is every word containing a search term.

    Whole words are marked because the search stems ("valproinsyren" matches "valproinsyre"): the
    stem found inside a word stands for the word.
    """
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for term in {t.lower() for t in terms if t}:
        start = lowered.find(term)
        while start != -1:
            spans.append(_word_span(text, start, start + len(term)))
            start = lowered.find(term, start + len(term))
    pieces: list[tuple[bool, str]] = []
    position = 0
    for start, end in _merge_spans(spans):
        if start > position:
            pieces.append((False, text[position:start]))
        pieces.append((True, text[start:end]))
        position = end
    if position < len(text):
        pieces.append((False, text[position:]))
    return pieces


def _word_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
