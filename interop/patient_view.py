"""The cards of CDS Hooks ``patient-view``, from the same engines and selectors as the pages.

For a stored patient's open episode: the proposed treatment level with its reasons (the
decision page's engine), scoring overdue (the ward board's interval), the latest CIWA-Ar or
COWS/SOWS advice (the result page's), and the discharge checklist's items that apply and are not
done, the overdose-prevention set on a card of its own (the checklist page's). For a patient
known only from prefetch (``interop.stateless``): the prefetched score with its band and when to
score again, a warning that no dose is proposed (drowsiness and doses given are not in the
prefetch), and a card saying what could not be evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from clinical.advice import AdviceLine
from clinical.instruments import INSTRUMENTS
from clinical.levels import LevelInputError, evaluate_level, parse_level_input
from clinical.schedule import format_oslo, next_due
from clinical.scoring import DEFAULT_LOCAL_INTERVAL_HOURS, ciwa_interval_hours
from core.formatting import local_datetime
from interop.cards import Indicator, card
from interop.stateless import ExternalPatient, WithdrawalScore
from patients.level_presentation import present_proposal
from patients.models import Episode, EpisodeStatus, Setting
from patients.selectors import episode_level_input
from plans.presentation import ItemView
from plans.selectors import discharge_view
from scoring import selectors
from scoring.models import CIWA_AR_CODE, Assessment
from scoring.presentation import advice_lines, band_label, interval_words

CRITICAL_KINDS: Final = frozenset({"escalate", "warning"})
OVERDOSE_GROUPS: Final = frozenset({"overdose_prevention", "opioids"})


def advice_cards(
    request: HttpRequest, lines: Sequence[AdviceLine], *, app_url: str | None
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
            app_url=app_url,
        )
        for raw, shown in zip(lines, advice_lines(lines), strict=True)
    ]


def _score_cards(request: HttpRequest, episode: Episode, now: datetime) -> list[dict[str, Any]]:
    # The scale the ward monitors the episode with (the board's: the latest choice, else the one
    # the intake suggests); a score on a scale no longer monitored would ask for a score nobody
    # takes. With no scale known, the latest withdrawal score of any scale.
    scale, _suggested = selectors.monitored_scale(episode)
    scores = Assessment.objects.filter(
        episode=episode, kind="withdrawal", superseded_by__isnull=True
    )
    if scale is not None:
        scores = scores.filter(instrument=scale)
    latest = (
        scores.select_related("episode__unit", "episode__patient")
        .order_by("-observed_at", "-pk")
        .first()
    )
    if latest is None:
        return _never_scored_card(request, episode, now)
    source = reverse("assessment-detail", args=[latest.pk])
    cards: list[dict[str, Any]] = []
    due, hours, _local = selectors.next_due_after(latest)
    if due < now:
        cards.append(
            card(
                request,
                summary=gettext("Scoring is overdue (every %(hours)s h).") % {"hours": hours},
                indicator="warning",
                text=gettext("The next score was due %(due)s.") % {"due": local_datetime(due)},
                app_url=source,
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
    return cards + advice_cards(request, lines, app_url=source)


def _never_scored_card(
    request: HttpRequest, episode: Episode, now: datetime
) -> list[dict[str, Any]]:
    """The ward board's rule for a stay with no score on its scale: an inpatient (or one whose
    level is not decided yet) is due from admission, so one admitted before now is overdue."""
    on_ward = episode.status == EpisodeStatus.ACTIVE and episode.setting != Setting.OUTPATIENT
    if not on_ward or episode.admitted_at is None or episode.admitted_at >= now:
        return []
    summary = gettext("Scoring is overdue: no score on the monitored scale since admission.")
    return [
        card(
            request,
            summary=summary,
            indicator="warning",
            text=gettext("Due from admission, %(at)s.")
            % {"at": local_datetime(episode.admitted_at)},
            app_url=reverse("episode-scores", args=[episode.pk]),
        )
    ]


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
            app_url=reverse("episode-decision", args=[episode.pk]),
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
        # Open from admission until done, so a warning; critical once a discharge is planned,
        # as the set must be done before the patient leaves (13.1-9) (docs/interoperability.md).
        planned = view.checklist.planned_discharge_at if view.checklist else None
        if planned is None:
            title = gettext("Overdose prevention not done: %(items)s")
            cards.append(_items_card(request, overdose, "warning", title, source))
        else:
            title = gettext(
                "Overdose prevention not done before the planned discharge %(at)s: %(items)s"
            )
            at = {"at": local_datetime(planned)}
            cards.append(_items_card(request, overdose, "critical", title, source, at))
    if others:
        title = gettext("Discharge checklist not done: %(items)s")
        cards.append(_items_card(request, others, "info", title, source))
    return cards


def _items_card(
    request: HttpRequest,
    items: Sequence[ItemView],
    indicator: Indicator,
    title: str,
    source: str,
    params: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    summary = title % {**(params or {}), "items": ", ".join(item.label for item in items)}
    return card(
        request,
        summary=summary,
        indicator=indicator,
        text="\n".join([summary, *(f"- {item.label}: {item.help}" for item in items)]),
        refs=[ref for item in items for ref in item.refs],
        app_url=source,
    )


def patient_view_cards(request: HttpRequest, episode: Episode) -> list[dict[str, Any]]:
    now = timezone.now()
    return (
        level_card(request, episode)
        + _score_cards(request, episode, now)
        + discharge_cards(request, episode, now)
    )


# --- stateless ----------------------------------------------------------------------------------


def _external_score_card(
    request: HttpRequest, score: WithdrawalScore, now: datetime
) -> dict[str, Any]:
    """The prefetched score with its band and when to score again (8.4.6-2 for CIWA-Ar; COWS and
    SOWS have no interval in the guideline, so the ward's default local interval)."""
    instrument = INSTRUMENTS[score.instrument]
    band = next(band for band in instrument.bands_for(None) if band.contains(score.total))
    refs: tuple[str, ...]
    if score.instrument == CIWA_AR_CODE:
        hours, refs = ciwa_interval_hours(score.total), ("8.4.6-2",)
    else:
        hours, refs = DEFAULT_LOCAL_INTERVAL_HOURS, ()
    due = next_due(score.observed_at, hours)
    overdue = due < now
    summary = gettext("%(instrument)s %(total)s (%(band)s), scored %(at)s.") % {
        "instrument": instrument.name,
        "total": score.total,
        "band": band_label(band),
        "at": format_oslo(score.observed_at),
    }
    rescore = gettext("Score again %(interval)s: next score due %(due)s.") % {
        "interval": interval_words(hours),
        "due": format_oslo(due),
    }
    lines = [summary, rescore]
    if overdue:
        lines.append(gettext("Scoring is overdue (every %(hours)s h).") % {"hours": hours})
    elif score.instrument != CIWA_AR_CODE:
        lines.append(
            gettext(
                "The guideline gives no interval for %(instrument)s: the ward's default is used."
            )
            % {"instrument": instrument.name}
        )
    return card(
        request,
        summary=summary,
        indicator="warning" if overdue else "info",
        text="\n".join(lines),
        refs=refs,
    )


def _no_dose_card(request: HttpRequest, score: WithdrawalScore) -> dict[str, Any]:
    """No dose for a patient known only from prefetch: whether to give one, and how much, depends
    on drowsiness (8.3.1: no sedative for a drowsy patient) and on the doses already given (the
    hourly regimen and its maxima, 8.4.6-3; chapter 10 for opioids), which the prefetch does not
    carry; advising on them as unknown could repeat a dose or sedate a drowsy patient."""
    text = gettext(
        "No dose is proposed: a dose depends on whether the patient is drowsy or sedated and on "
        "the doses already given, which the record's data do not carry. Check both before any "
        "dose."
    )
    refs = ("8.4.6-3", "8.4.6-2") if score.instrument == CIWA_AR_CODE else ("10.5-1",)
    return card(
        request, summary=text, indicator="warning", text=text, refs=refs, sections=("8.3.1",)
    )


def not_evaluated_card(request: HttpRequest, what: Sequence[str]) -> dict[str, Any]:
    text = gettext(
        "Answered from the data the record sent alone (the patient is not registered here). "
        "Not evaluated: %(facts)s."
    ) % {"facts": "; ".join(what)}
    return card(request, summary=text, indicator="info", text=text)


def stateless_cards(request: HttpRequest, patient: ExternalPatient) -> list[dict[str, Any]]:
    """Cards from prefetch alone: the score, its band and when to score again, and a warning that
    no dose is proposed (drowsiness and doses given are unknown)."""
    cards = []
    if patient.score is not None:
        cards = [
            _external_score_card(request, patient.score, timezone.now()),
            _no_dose_card(request, patient.score),
        ]
    missing = [
        gettext("the treatment level, overdue scoring and the discharge checklist (no episode)"),
        gettext("withdrawal history, doses given, drowsiness and breath alcohol"),
    ]
    if patient.score is None:
        missing.append(gettext("the withdrawal advice (no withdrawal score in prefetch)"))
    if patient.pregnant is None:
        missing.append(gettext("pregnancy (not in prefetch)"))
    return [*cards, not_evaluated_card(request, missing)]
