"""Full-text search over the recommendations, on PostgreSQL and on SQLite.

PostgreSQL: the ``norwegian`` text-search configuration (Snowball stemming, so "valproinsyren" finds
"valproinsyre"), every word also matching as a prefix ("valpro" finds it too). SQLite (the embedded
default) has no Norwegian stemmer: every word must occur in the case-folded ``search_text``.
Either way all words must match. A query shaped like a reference ("8.4.3", "8.4.3-2") finds the
recommendations whose reference starts with it, and anything that contains it literally.

The vector is computed per query rather than stored and indexed: 115 short rows take
well under a millisecond to scan, and a stored vector would be one more thing an edit must update.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import Q

if TYPE_CHECKING:
    from guidelines.models import RecommendationQuerySet

POSTGRES_CONFIG = "norwegian"
MAX_QUERY_LENGTH = 200
_REF_LIKE = re.compile(r"^\d+(?:\.\d+)+(?:-B?\d+)?$|^\d+-B?\d+$", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    words: tuple[str, ...]
    ref_like: bool

    @property
    def empty(self) -> bool:
        return not self.words and not self.ref_like


def parse_query(query: str) -> ParsedQuery:
    raw = " ".join(query.split())[:MAX_QUERY_LENGTH]
    words = tuple(dict.fromkeys(word.casefold() for word in _WORD.findall(raw)))
    return ParsedQuery(raw=raw, words=words, ref_like=bool(_REF_LIKE.match(raw)))


def _is_postgresql(queryset: RecommendationQuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _postgres_query(words: tuple[str, ...]) -> SearchQuery:
    # Each word is letters and digits only, so it cannot carry tsquery operators into the raw query.
    return SearchQuery(
        " & ".join(f"{word}:*" for word in words), config=POSTGRES_CONFIG, search_type="raw"
    )


def filter_recommendations(queryset: RecommendationQuerySet, query: str) -> RecommendationQuerySet:
    parsed = parse_query(query)
    if parsed.empty:
        return queryset.none()
    if parsed.ref_like:
        return queryset.filter(
            Q(ref__istartswith=parsed.raw) | Q(search_text__contains=parsed.raw.casefold())
        )
    if _is_postgresql(queryset):
        return queryset.annotate(
            document=SearchVector("search_text", config=POSTGRES_CONFIG)
        ).filter(document=_postgres_query(parsed.words))
    condition = Q()
    for word in parsed.words:
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition)


def highlight_terms(queryset: RecommendationQuerySet, query: str) -> list[str]:
    """What to mark in the hits: the words as typed and, on PostgreSQL, their stems."""
    parsed = parse_query(query)
    if parsed.ref_like:
        return [parsed.raw]
    terms = list(parsed.words)
    if terms and _is_postgresql(queryset):
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(
                "SELECT to_tsquery(%s::regconfig, %s)::text",
                [POSTGRES_CONFIG, " & ".join(f"{word}:*" for word in parsed.words)],
            )
            row = cursor.fetchone()
        terms.extend(re.findall(r"'([^']+)'", row[0] if row else ""))
    return list(dict.fromkeys(terms))
