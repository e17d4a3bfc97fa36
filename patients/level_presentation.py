"""The treatment-level proposal as people and API clients read it.

The engine (``clinical.levels``) returns refs and message ids; this attaches, in the active
language, each reason's text, the cited recommendation's grade and text (from the guideline data,
so an administrator's edit shows everywhere), labels for the facts a reason lists, and the detox
units from the directory that fit an inpatient proposal. Used by the decision page and the API.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinical.levels import CIWA_AR_SEVERE_FROM, LevelInput
from core.messages import render_message
from guidelines.citations import Citation, citation_dicts
from guidelines.models import DetoxUnit, Section
from patients.models import Intake, SubstanceKind, SubstanceUse, WithdrawalComplication

LEVEL_LABELS: Final[Mapping[str, Promise]] = {
    "outpatient": _("Outpatient detox"),
    "inpatient": _("Inpatient detox"),
}
REFERRAL_LABELS: Final[Mapping[str, Promise]] = {
    "psychiatry": _("Acute referral to mental health care"),
    "somatic": _("Acute referral to somatic care"),
    "addiction_acute": _("Acute admission in substance use treatment (TSB)"),
}
NO_LEVEL_LABEL: Final = _("No proposal: facts are missing")
# Values that reasons list in their params (substances, complications, facts, situations).
_EXTRA_VALUE_LABELS: Final[Mapping[str, Promise]] = {
    "several_substances": _("dependence on several substances"),
    "elderly": _("elderly"),
}


def level_label(level: str | None) -> str:
    return str(LEVEL_LABELS.get(level or "", NO_LEVEL_LABEL))


def referral_label(referral: str | None) -> str:
    label = REFERRAL_LABELS.get(referral or "")
    return str(label) if label is not None else ""


def value_label(value: Any) -> str:
    """A readable label for a code a reason lists: a substance, complication or intake fact."""
    code = str(value)
    if code in SubstanceKind.values:
        return str(SubstanceKind(code).label)
    if code in WithdrawalComplication.values:
        return str(WithdrawalComplication(code).label)
    if code in _EXTRA_VALUE_LABELS:
        return str(_EXTRA_VALUE_LABELS[code])
    try:
        return str(Intake._meta.get_field(code).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return code


def field_label(field: str, substances: Sequence[str] = ()) -> str:
    """The label of an engine input field: ``substances[0].dependent`` → "alcohol: dependent"."""
    base, _sep, rest = field.partition(".")
    if base.startswith("substances[") and base.endswith("]"):
        index = int(base[len("substances[") : -1])
        substance = value_label(substances[index]) if index < len(substances) else base
        if not rest:
            return substance
        try:
            name = SubstanceUse._meta.get_field(rest).verbose_name  # type: ignore[union-attr]
        except FieldDoesNotExist:
            name = rest
        return f"{substance}: {name}"
    if field == "audit":
        return gettext("AUDIT score")
    if field == "substances":
        return gettext("Substance history")
    return value_label(field)


def translated(message: str, params: Mapping[str, Any]) -> str:
    """The engine's msgid in the active language; list params are shown beside, not inside."""
    scalars = {key: value for key, value in params.items() if not isinstance(value, list)}
    return render_message(message, scalars)


@dataclass(frozen=True)
class _Sources:
    citations: Mapping[str, Citation]
    sections: Mapping[str, str]


def _sources(proposal: Mapping[str, Any]) -> _Sources:
    refs: list[str] = []
    for item in [*proposal["reasons"], *proposal["cautions"], *proposal["missing"]]:
        refs.extend(item["refs"])
    citations = {c["ref"]: c for c in citation_dicts(refs)}
    unknown = [ref for ref, c in citations.items() if not c["exists"]]
    sections = {
        section.number: section.display_title
        for section in Section.objects.filter(number__in=unknown).only("number", "title")
    }
    return _Sources(citations, sections)


def _cited(ref: str, sources: _Sources) -> dict[str, Any]:
    citation = dict(sources.citations[ref])
    # Background text cites a section rather than a numbered recommendation (e.g. "3.2").
    citation["section_title"] = sources.sections.get(ref, "")
    citation["is_section"] = not citation["exists"] and ref in sources.sections
    return citation


def _item(item: Mapping[str, Any], sources: _Sources) -> dict[str, Any]:
    params = item.get("params", {})
    primary = _cited(item["ref"], sources)
    details = [
        value_label(v) for value in params.values() if isinstance(value, list) for v in value
    ]
    return {
        "code": item["code"],
        "ref": item["ref"],
        "refs": list(item["refs"]),
        "grade": primary["grade"],
        "grade_label": primary["grade_label"],
        "text": translated(item["message"], params),
        "recommendation_text": primary["text"] or primary["section_title"],
        "url": primary["url"],
        "pushes": item["pushes"],
        "background": bool(item.get("background")),
        "resolution": bool(item.get("resolution")),
        "details": details,
        "citations": [_cited(ref, sources) for ref in item["refs"]],
    }


def _missing(
    item: Mapping[str, Any], substances: Sequence[str], sources: _Sources
) -> dict[str, Any]:
    return {
        "field": item["field"],
        "label": field_label(item["field"], substances),
        "message": item["message"],
        "text": gettext(item["message"]),
        "refs": list(item["refs"]),
        "citations": [_cited(ref, sources) for ref in item["refs"]],
    }


def present_proposal(
    proposal: Mapping[str, Any], *, substances: Sequence[str] = ()
) -> dict[str, Any]:
    """``LevelProposal.to_dict()`` with texts, grades and labels; ``substances`` are the input's
    substance codes in order, to name fields such as ``substances[0].injecting``."""
    sources = _sources(proposal)
    return {
        "level": proposal["level"],
        "level_label": level_label(proposal["level"]),
        "acute_referral": proposal["acute_referral"],
        "acute_referral_label": referral_label(proposal["acute_referral"]),
        "reasons": [_item(item, sources) for item in proposal["reasons"]],
        "cautions": [_item(item, sources) for item in proposal["cautions"]],
        "missing": [_missing(item, substances, sources) for item in proposal["missing"]],
    }


def proposal_digest(proposal: Mapping[str, Any]) -> str:
    """A fingerprint of the proposal, so a decision is refused if the proposal changed while
    the clinician was reading it (the intake was amended in another tab, say)."""
    canonical = json.dumps(proposal, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- Detox units ------------------------------------------------------------------------------

# Which directory capability each substance needs (appendix 14.1 asks per substance group).
_SUBSTANCE_CAPABILITY: Final[Mapping[str, str]] = {
    "alcohol": "accepts_alcohol",
    "benzodiazepines": "accepts_medication_dependence",
    "opioids": "accepts_illegal_drugs",
    "ghb": "accepts_illegal_drugs",
    "stimulants": "accepts_illegal_drugs",
    "cannabis": "accepts_illegal_drugs",
    "other": "accepts_illegal_drugs",
}
CAPABILITY_LABELS: Final[Mapping[str, Promise]] = {
    "accepts_alcohol": _("takes alcohol detox"),
    "accepts_medication_dependence": _("takes dependence on medicines"),
    "accepts_illegal_drugs": _("takes illegal drugs"),
    "accepts_pregnant": _("takes pregnant patients"),
    "emergency_admission": _("takes emergency admissions"),
}


def detox_unit_requirements(inp: LevelInput, *, acute_referral: str | None) -> list[str]:
    """The directory capabilities a unit needs for this patient, in a stable order."""
    needed = [_SUBSTANCE_CAPABILITY[use.substance] for use in inp.substances]
    if inp.pregnant:
        needed.append("accepts_pregnant")
    if (
        acute_referral
        or inp.unconscious
        or (inp.ciwa_ar is not None and inp.ciwa_ar >= CIWA_AR_SEVERE_FROM)
    ):
        needed.append("emergency_admission")
    order = list(CAPABILITY_LABELS)
    return sorted(set(needed), key=order.index)


def suitable_detox_units(requirements: Iterable[str]) -> QuerySet[DetoxUnit]:
    """Units whose profile says yes to every requirement (unknown is not yes)."""
    return DetoxUnit.objects.filter(**dict.fromkeys(requirements, True)).order_by("region", "name")
