"""Citing recommendations by reference from anywhere: grade, text and link, loaded in bulk.

Engines elsewhere cite by ``ref`` only (``"8.4.3-2"``); this attaches the current grade and text,
so an administrator's edit reaches every citation. ``citation_dicts`` is for APIs and plain Python;
the ``{% cite %}`` / ``{% cite_many %}`` template tags (``guidelines/templatetags/citations.py``)
build on ``CitationCache``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Final, TypedDict

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import generations
from clinical.guideline.text import plain_text
from guidelines.models import Grade, Recommendation

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
    """One citation per distinct ref, in the order given, from ``recommendations_by_ref`` (no
    query unless the guideline changed since this process last read it).

    An unknown ref comes back with ``exists: False`` (and no grade, text or url), never an error.
    """
    wanted = _clean_refs(refs)
    if not wanted:
        return []
    found = recommendations_by_ref()
    return [_citation(ref, found.get(ref)) for ref in wanted]


# The guideline's generation (accounts.generations): replaced by every change to a recommendation.
GUIDELINE_GENERATION: Final = "guideline"
# Read again at least this often even if the generation seems unchanged: a change made while the
# cache was unreachable could not replace it.
RELOAD_SECONDS: Final = 300
# (generation, when loaded (monotonic), every recommendation by ref), kept by each process.
_loaded: tuple[str, float, dict[str, Recommendation]] | None = None


def recommendations_by_ref() -> dict[str, Recommendation]:
    """Every recommendation's citable fields, read from the database once per guideline change.

    Each process keeps the 115 short rows between requests and reads them again when the
    guideline's generation has changed (an administrator's edit, a restore, ``load_guideline``),
    or ``RELOAD_SECONDS`` after it last read them: one cache read per page instead of a query and
    115 objects. The rows are shared; read them, never change them.
    """
    global _loaded
    generation = generations.current(GUIDELINE_GENERATION)
    loaded = _loaded
    now = time.monotonic()
    if loaded is None or loaded[0] != generation or now - loaded[1] > RELOAD_SECONDS:
        rows = {rec.ref: rec for rec in Recommendation.objects.only(*_CITATION_FIELDS)}
        loaded = _loaded = (generation, now, rows)
    return loaded[2]


def guideline_changed(**kwargs: object) -> None:
    """Every process reads the recommendations again (``post_save``/``post_delete``, loading)."""
    generations.replace(GUIDELINE_GENERATION)


class CitationCache:
    """Citations for one request: each built when the page first asks for it.

    Pages render dozens of citations, one tag at a time, from the rows of
    ``recommendations_by_ref`` (loaded once per guideline change, not per citation or per
    request), so the count of queries stays constant however many a page shows. Each citation
    (its link and plain text) is built for the refs the page cites only, not for all 115.
    """

    def __init__(self) -> None:
        self._rows: dict[str, Recommendation] | None = None
        self._citations: dict[str, Citation] = {}
        self._next_id = 0

    def _load(self) -> dict[str, Recommendation]:
        if self._rows is None:
            self._rows = recommendations_by_ref()
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
