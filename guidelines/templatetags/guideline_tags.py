"""Template helpers for the guideline pages."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from clinical.guideline.text import highlight as split_hits

register = template.Library()


@register.filter
def highlight(text: str, terms: Sequence[str] | None) -> SafeString:
    """The text, escaped, with every word that matched the search wrapped in ``<mark>``."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<mark>{}</mark>", chunk) if hit else chunk,)
            for hit, chunk in split_hits(str(text), terms or ())
        ),
    )
