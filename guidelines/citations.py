"""Citing recommendations by reference from anywhere: grade, text and link, loaded in bulk.

Engines elsewhere cite by ``ref`` only (``"8.4.3-2"``); this attaches the current grade and text,
so an administrator's edit reaches every citation. ``citation_dicts`` is for APIs and plain Python;
the ``{% cite %}`` / ``{% cite_many %}`` template tags (``guidelines/templatetags/citations.py``)
build on ``CitationCache``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypedDict

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guidelines.models import Grade, Recommendation
from guidelines.text import plain_text

# What each grade means, in one line (guideline 2.11 has the full definitions).
GRADE_SUMMARIES: Mapping[str, Promise] = {
    Grade.A: _(
        "Based on very good documentation, with support from at least one randomised "
        "controlled trial."
    ),
    Grade.B: _(
        "Based on at least one good study, with support from well-designed clinical studies."
    ),
    Grade.C: _(
        "Based on expert committees or respected authorities; directly applicable "
        "clinical studies of acceptable quality are lacking."
    ),
    Grade.D: _("Good advice for practice, from the clinical experience of the guideline group."),
}
NO_GRADE_LABEL = _("No grade")
NO_GRADE_SUMMARY = _("The guideline gives this recommendation no grade.")
UNKNOWN_LABEL = _("Unknown reference")


class Citation(TypedDict):
    ref: str
    grade: str | None
    grade_label: str
    text: str
    url: str
    exists: bool


def grade_label(grade: str | None) -> str:
    return str(Grade(grade).label) if grade else str(NO_GRADE_LABEL)


def grade_summary(grade: str | None) -> str:
    return str(GRADE_SUMMARIES[grade]) if grade else str(NO_GRADE_SUMMARY)


def _clean_refs(refs: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ref.strip() for ref in refs if ref and ref.strip()))


def _citation(ref: str, recommendation: Recommendation | None) -> Citation:
    if recommendation is None:
        return {
            "ref": ref,
            "grade": None,
            "grade_label": str(UNKNOWN_LABEL),
            "text": "",
            "url": "",
            "exists": False,
        }
    grade = recommendation.grade or None
    return {
        "ref": ref,
        "grade": grade,
        "grade_label": grade_label(grade),
        "text": plain_text(
            lead_in=recommendation.lead_in, text=recommendation.text, items=recommendation.items
        ),
        "url": reverse("recommendation-detail", kwargs={"ref": ref}),
        "exists": True,
    }


_CITATION_FIELDS = ("ref", "grade", "lead_in", "text", "items")


def citation_dicts(refs: Iterable[str]) -> list[Citation]:
    """One citation per distinct ref, in the order given, in one query.

    An unknown ref comes back with ``exists: False`` (and no grade, text or url), never an error.
    """
    wanted = _clean_refs(refs)
    if not wanted:
        return []
    found = {
        rec.ref: rec
        for rec in Recommendation.objects.filter(ref__in=wanted).only(*_CITATION_FIELDS)
    }
    return [_citation(ref, found.get(ref)) for ref in wanted]


class CitationCache:
    """Every recommendation loaded in one query on first use, for one request; each citation
    built when a page first asks for it.

    Pages render dozens of citations, one tag at a time; loading all 115 short rows once costs
    less than one query per citation, and keeps the count constant however many a page shows.
    Each citation (its link and plain text) is built for the refs the page cites only, not for
    all 115: 1.5 ms less on a page with a few citations, such as a score's result.
    """

    def __init__(self) -> None:
        self._rows: dict[str, Recommendation] | None = None
        self._citations: dict[str, Citation] = {}
        self._next_id = 0

    def _load(self) -> dict[str, Recommendation]:
        if self._rows is None:
            self._rows = {rec.ref: rec for rec in Recommendation.objects.only(*_CITATION_FIELDS)}
        return self._rows

    def get(self, ref: str) -> Citation:
        ref = ref.strip()
        if ref not in self._citations:
            self._citations[ref] = _citation(ref, self._load().get(ref))
        return self._citations[ref]

    def get_many(self, refs: Iterable[str]) -> list[Citation]:
        return [self.get(ref) for ref in _clean_refs(refs)]

    def next_id(self) -> int:
        """A number unique within the page, for the id of each citation's tooltip."""
        self._next_id += 1
        return self._next_id
