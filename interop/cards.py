"""CDS Hooks cards: one builder, so every card cites the guideline the same way.

A card's ``detail`` (CDS Hooks markdown) is the engine's text followed by each reference with
its grade and the recommendation's current text (``guidelines.citations``), and each section
the engine cites. ``source`` is the page of the first recommendation the card cites (the
guideline's front page for a card that cites none); ``links`` are the page in this app the card
comes from (the result page, the decision page, the checklist), then every recommendation cited.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Final, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from guidelines.citations import citation_dicts

Indicator = Literal["info", "warning", "critical"]
SOURCE_LABEL: Final = "Avrusning"
SUMMARY_MAX: Final = 140  # CDS Hooks: "<140-character summary"
_MARKDOWN_SPECIAL: Final = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]<>()#+!|"})


def plain(text: str) -> str:
    """Text (a guideline's, a patient's) shown as itself in the EHR's markdown, never as markup."""
    return text.translate(_MARKDOWN_SPECIAL)


def summary_text(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) < SUMMARY_MAX else text[: SUMMARY_MAX - 2] + "…"


def card(
    request: HttpRequest,
    *,
    summary: str,
    indicator: Indicator,
    text: str,
    refs: Sequence[str] = (),
    sections: Sequence[str] = (),
    app_url: str | None = None,
) -> dict[str, Any]:
    every = citation_dicts(refs)
    citations = [c for c in every if c["exists"]]
    lines = [plain(text)]
    cited = [
        f"- {c['ref']} ({c['grade_label']}): {plain(summary_text(c['text']))}"
        if c["exists"]
        else f"- {c['ref']}"
        for c in every
    ]
    cited += [f"- {gettext('Guideline section')} {plain(s)}" for s in sections]
    if cited:
        lines += ["", f"{gettext('Guideline')}:", *cited]
    links = [
        {
            "label": f"{gettext('Recommendation')} {c['ref']}",
            "url": request.build_absolute_uri(c["url"]),
            "type": "absolute",
        }
        for c in citations
    ]
    if citations:
        first = citations[0]
        source = {
            "label": f"{SOURCE_LABEL}: {gettext('Recommendation')} {first['ref']}",
            "url": request.build_absolute_uri(first["url"]),
        }
    else:
        source = {
            "label": SOURCE_LABEL,
            "url": request.build_absolute_uri(reverse("guideline-home")),
        }
    if app_url is not None:
        links.insert(
            0,
            {
                "label": gettext("Open in Avrusning"),
                "url": request.build_absolute_uri(app_url),
                "type": "absolute",
            },
        )
    built: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "summary": summary_text(summary),
        "indicator": indicator,
        "detail": "\n".join(lines),
        "source": source,
    }
    if links:
        built["links"] = links
    return built
