"""Citation template tags: ``{% load citations %}{% cite "8.3.3-1" %}``, ``{% cite_many refs %}``,
``{% grade_badge "B" %}``.

A citation is a link to the recommendation with its grade badge; its full text is a tooltip shown
on hover and on keyboard focus, and tied to the link with ``aria-describedby`` so screen readers
announce it. The data comes from one query per request however many citations a page has
(``guidelines.citations.CitationCache``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.context import Context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from guidelines.citations import Citation, CitationCache, grade_label, grade_summary

register = template.Library()

_CACHE_ATTRIBUTE = "_guideline_citation_cache"


def _cache(context: Context) -> CitationCache:
    # Kept on the request when there is one (shared by every template and include of the page),
    # otherwise on the render context (e.g. a PDF rendered without a request).
    request = context.get("request")
    holder: Any = request if request is not None else context.render_context
    cache = getattr(holder, _CACHE_ATTRIBUTE, None)
    if cache is None:
        cache = CitationCache()
        setattr(holder, _CACHE_ATTRIBUTE, cache)
    return cache


@register.simple_tag
def grade_badge(grade: str | None) -> SafeString:
    """The grade as a badge whose title explains it; ungraded shows a dash and says so."""
    if not grade:
        return format_html(
            '<span class="grade-badge grade-none" title="{}"><span aria-hidden="true">–</span>'
            '<span class="visually-hidden">{}</span></span>',
            grade_summary(None),
            grade_label(None),
        )
    return format_html(
        '<span class="grade-badge grade-{}" title="{}: {}"><span class="visually-hidden">{} '
        "</span>{}</span>",
        grade,
        grade_label(grade),
        grade_summary(grade),
        _("Grade"),
        grade,
    )


def _render(citation: Citation, tip_id: str) -> SafeString:
    if not citation["exists"]:
        return format_html(
            '<span class="citation citation-missing">{} <span class="citation-note">({})</span>'
            "</span>",
            citation["ref"],
            _("unknown reference"),
        )
    return format_html(
        '<span class="citation-wrap"><a class="citation" href="{}" aria-describedby="{}">{} {}'
        '</a><span class="citation-tip" role="tooltip" id="{}">{}</span></span>',
        citation["url"],
        tip_id,
        citation["ref"],
        grade_badge(citation["grade"]),
        tip_id,
        citation["text"],
    )


@register.simple_tag(takes_context=True)
def cite(context: Context, ref: str) -> SafeString:
    cache = _cache(context)
    return _render(cache.get(str(ref)), f"citation-tip-{cache.next_id()}")


@register.simple_tag(takes_context=True)
def cite_many(context: Context, refs: Iterable[str]) -> SafeString:
    """Several citations, separated by commas; a single string counts as one ref."""
    cache = _cache(context)
    refs = [refs] if isinstance(refs, str) else [str(ref) for ref in refs]
    rendered = [_render(c, f"citation-tip-{cache.next_id()}") for c in cache.get_many(refs)]
    return format_html(
        '<span class="citations">{}</span>',
        format_html_join(", ", "{}", ((html,) for html in rendered)),
    )
