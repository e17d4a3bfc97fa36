"""The cards of CDS Hooks ``patient-view``, from the same engines and selectors as the pages.

For a stored patient's open episode: the proposed treatment level with its reasons (the
decision page's engine), scoring overdue (the ward board's interval), the latest CIWA-Ar or
COWS/SOWS advice (the result page's), and the discharge checklist's items that apply and are not
done, the overdose-prevention set on a card of its own (the checklist page's). For a patient
known only from prefetch (``interop.stateless``): the advice on the prefetched score, and a card
saying what could not be evaluated.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from clinical.advice import AdviceContext, AdviceLine, ciwa_advice
from clinical.levels import LevelInputError, evaluate_level, parse_level_input
from clinical.opioid_advice import OpioidAdviceContext, opioid_advice
from interop.cards import Indicator, card
from interop.stateless import ExternalPatient
from patients.level_presentation import present_proposal
from patients.models import Episode
from patients.selectors import episode_level_input
from plans.presentation import ItemView
from plans.selectors import discharge_view
from scoring import selectors
from scoring.models import Assessment
from scoring.presentation import advice_lines

CRITICAL_KINDS: Final = frozenset({"escalate", "warning"})
OVERDOSE_GROUPS: Final = frozenset({"overdose_prevention", "opioids"})


def advice_cards(
    request: HttpRequest, lines: Sequence[AdviceLine], *, source_url: str | None
) -> list[dict[str, Any]]:
    """One card per advice line: escalations and warnings are critical."""
    return [
        card(
            request,
            summary=shown.text,
            indicator="critical" if raw.kind in CRITICAL_KINDS else "info",
            text=shown.text,
            refs=shown.refs,
            sections=shown.sections,
            source_url=source_url,
        )
        for raw, shown in zip(lines, advice_lines(lines), strict=True)
    ]


def _score_cards(request: HttpRequest, episode: Episode, now: datetime) -> list[dict[str, Any]]:
    latest = (
        Assessment.objects.filter(episode=episode, kind="withdrawal", superseded_by__isnull=True)
        .select_related("episode__unit", "episode__patient")
        .order_by("-observed_at", "-pk")
        .first()
    )
    if latest is None:
        return []
    source = reverse("assessment-detail", args=[latest.pk])
    cards: list[dict[str, Any]] = []
    due, hours, _local = selectors.next_due_after(latest)
    if due < now:
        cards.append(
            card(
                request,
                summary=gettext("Scoring is overdue (every %(hours)s h).") % {"hours": hours},
                indicator="warning",
                text=gettext("The next score was due %(due)s.")
                % {"due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")},
                source_url=source,
            )
        )
    # The latest score's advice as its result page shows it (the current version, no newer
    # score): at now, counting every dose given since the score, and with no dose line once the
    # score is older than its interval (8.4.6-2). As it stood at the score it would still propose
    # a dose already given, or a dose on a stale score.
    if latest.instrument == "ciwa-ar":
        lines = selectors.ciwa_advice_for(latest, at=now).lines
    else:
        lines = selectors.opioid_advice_for(latest, at=now).lines
    return cards + advice_cards(request, lines, source_url=source)


def level_card(request: HttpRequest, episode: Episode) -> list[dict[str, Any]]:
    """The treatment-level proposal for the episode's intake, with its reasons and cautions."""
    try:
        inp = parse_level_input(episode_level_input(episode))
    except LevelInputError:
        return []
    shown = present_proposal(
        evaluate_level(inp).to_dict(), substances=[use.substance for use in inp.substances]
    )
    summary = gettext("Proposed treatment level: %(level)s") % {"level": shown["level_label"]}
    if shown["acute_referral"]:
        summary += f"; {shown['acute_referral_label']}"
    lines = [f"- {item['text']}" for item in shown["reasons"]]
    lines += [f"- {gettext('Caution')}: {item['text']}" for item in shown["cautions"]]
    lines += [f"- {gettext('Not recorded')}: {item['label']}" for item in shown["missing"]]
    refs = [ref for item in shown["reasons"] + shown["cautions"] for ref in item["refs"]]
    indicator: Indicator = "critical" if shown["acute_referral"] else "info"
    return [
        card(
            request,
            summary=summary,
            indicator=indicator,
            text="\n".join([summary, *lines]),
            refs=refs,
            source_url=reverse("episode-decision", args=[episode.pk]),
        )
    ]


def discharge_cards(request: HttpRequest, episode: Episode, now: datetime) -> list[dict[str, Any]]:
    """The checklist items that apply and are not done: the overdose set, then the others."""
    view = discharge_view(episode, now=now)
    source = reverse("discharge-checklist", args=[episode.pk])
    open_items = [item for item in view.items if not item.done]
    overdose = [item for item in open_items if item.group in OVERDOSE_GROUPS]
    others = [item for item in open_items if item.group not in OVERDOSE_GROUPS]
    cards = []
    if overdose:
        title = gettext("Overdose prevention not done: %(items)s")
        cards.append(_items_card(request, overdose, "warning", title, source))
    if others:
        title = gettext("Discharge checklist not done: %(items)s")
        cards.append(_items_card(request, others, "info", title, source))
    return cards


def _items_card(
    request: HttpRequest, items: Sequence[ItemView], indicator: Indicator, title: str, source: str
) -> dict[str, Any]:
    summary = title % {"items": ", ".join(item.label for item in items)}
    return card(
        request,
        summary=summary,
        indicator=indicator,
        text="\n".join([summary, *(f"- {item.label}: {item.help}" for item in items)]),
        refs=[ref for item in items for ref in item.refs],
        source_url=source,
    )


def patient_view_cards(request: HttpRequest, episode: Episode) -> list[dict[str, Any]]:
    now = timezone.now()
    return (
        level_card(request, episode)
        + _score_cards(request, episode, now)
        + discharge_cards(request, episode, now)
    )


# --- stateless ----------------------------------------------------------------------------------


def _external_advice(patient: ExternalPatient) -> Sequence[AdviceLine]:
    score = patient.score
    if score is None:
        return ()
    if score.instrument == "ciwa-ar":
        context = AdviceContext(
            score=score.total,
            now=score.observed_at,
            pregnant=patient.pregnant,
            age_years=patient.age_years,
        )
        return ciwa_advice(context).lines
    return opioid_advice(
        OpioidAdviceContext(
            instrument=score.instrument,
            score=score.total,
            now=score.observed_at,
            pregnant=patient.pregnant,
            age_years=patient.age_years,
        )
    ).lines


def not_evaluated_card(request: HttpRequest, what: Sequence[str]) -> dict[str, Any]:
    text = gettext(
        "Answered from the data the record sent alone (the patient is not registered here). "
        "Not evaluated: %(facts)s."
    ) % {"facts": "; ".join(what)}
    return card(request, summary=text, indicator="info", text=text)


def stateless_cards(request: HttpRequest, patient: ExternalPatient) -> list[dict[str, Any]]:
    """Cards from prefetch alone; the advice is as at the score's time, history unknown."""
    cards = advice_cards(request, _external_advice(patient), source_url=None)
    missing = [
        gettext("the treatment level, overdue scoring and the discharge checklist (no episode)"),
        gettext("withdrawal history, doses given, drowsiness and breath alcohol"),
    ]
    if patient.score is None:
        missing.append(gettext("the withdrawal advice (no withdrawal score in prefetch)"))
    if patient.pregnant is None:
        missing.append(gettext("pregnancy (not in prefetch)"))
    return [*cards, not_evaluated_card(request, missing)]
