"""CDS Hooks ``order-select``: the selected draft MedicationRequests, checked by the kernel.

The draft orders come in ``context.draftOrders`` (a FHIR Bundle, validated with
``fhir.resources``); ``context.selections`` names the ones to check (``MedicationRequest/<id>``).
Each order's drug is read from its ``medicationCodeableConcept`` or the contained Medication its
``medicationReference`` names (an ATC coding, else a known name in the text) and its dose from
the first ``dosageInstruction``'s ``doseQuantity`` in mg, with the daily dose when the timing
says how often. ``clinical.order_check`` decides; this module only reads the facts and shapes the
cards.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any, Final, Literal

from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationrequest import MedicationRequest
from pydantic import ValidationError

from clinical.order_check import (
    DraftOrder,
    OrderCheck,
    OrderFacts,
    Setting,
    check_order,
    drugs_named_in_text,
    identify_drug,
    unchecked_atc,
)
from clinical.schedule import OSLO
from clinical.tapers import CurrentUse
from core.messages import drug_name, render_message
from interop.cards import card
from interop.stateless import ExternalPatient
from patients.models import Episode, Patient
from patients.selectors import age_on
from plans.selectors import intake_facts, intake_use
from scoring.models import Assessment
from scoring.selectors import advice_facts

# What a check could not weigh, named for the clinician (``OrderCheck.not_evaluated``).
NOT_EVALUATED: Final[Mapping[str, Any]] = {
    "drowsy": gettext_lazy("drowsiness (no withdrawal score recorded)"),
    "pregnant": gettext_lazy("pregnancy (not recorded)"),
    "daily_dose": gettext_lazy("the daily dose (the order's dose or timing cannot be read)"),
    "current_use": gettext_lazy("the start-dose bound (no readable benzodiazepine use recorded)"),
    "setting": gettext_lazy("outpatient or inpatient (no episode)"),
    "opioid_dependent": gettext_lazy("opioid dependence (not recorded)"),
    "age": gettext_lazy("age (no birth date)"),
}
# A patient known from prefetch alone: what no prefetched resource says.
STATELESS_UNCHECKED: Final = (
    gettext_lazy("the patient's history and intake (the patient is not registered here)"),
)
_PER_DAY: Final[Mapping[str, Fraction]] = {"d": Fraction(1), "h": Fraction(24)}


class OrderInputError(ValueError):
    """``draftOrders`` or ``selections`` cannot be read."""


@dataclass(frozen=True)
class SelectedOrder:
    reference: str  # MedicationRequest/<id>
    text: str
    order: DraftOrder
    # False when the order names no medication this service can read at all (no code, no name):
    # it is then said not to be checked, never passed over in silence.
    readable: bool = True
    # The drugs its text names when it names more than one (none of them can be checked).
    several: tuple[str, ...] = ()
    # An ATC code of a benzodiazepine, z-drug or opioid group this service has no rules for.
    unknown_atc: str | None = None

    @property
    def label(self) -> str:
        return f"{self.reference} ({self.text})" if self.text else self.reference


def _doses_in_a_day(timing: Any) -> int | None:
    """The most doses of one dosage line that can fall on one calendar day, or None when the
    timing does not say. The most, not the average: "every other day" is a whole dose on the
    day it is given, and "1-4 times a day" (``frequencyMax``) or two times of day (``when``,
    ``timeOfDay``) is four and two; a total ``count`` caps it (an induction of at most 2 doses)."""
    repeat: Any = timing.repeat if timing is not None else None
    if repeat is None or repeat.periodUnit not in _PER_DAY:
        return None
    times = max(
        int(repeat.frequency or 0),
        int(repeat.frequencyMax or 0),
        len(repeat.when or ()),
        len(timing.repeat.timeOfDay or ()),
    )
    period = Fraction(str(repeat.period)) if repeat.period is not None else Fraction(1)
    if times <= 0 or period <= 0:
        return None
    doses = max(1, math.ceil(times * _PER_DAY[repeat.periodUnit] / period))
    if repeat.count:
        doses = min(doses, int(repeat.count))
    return doses


def _line_dose(dosage: Any) -> Fraction | Literal[False] | None:
    """One dosage line's single dose in mg (the top of a dose range); False for a dose in another
    unit; None when the line has no dose quantity (a rate, or text only)."""
    for rate in dosage.doseAndRate or []:
        quantity: Any = rate.doseQuantity or (rate.doseRange.high if rate.doseRange else None)
        if quantity is None or quantity.value is None:
            continue
        if (quantity.code or quantity.unit or "").lower() != "mg" or quantity.value <= 0:
            return False
        return Fraction(str(quantity.value))
    return None


def _dose(request: MedicationRequest) -> tuple[Fraction | None, Fraction | None]:
    """The largest single dose in mg, and the most one calendar day can hold if every dosage
    line says it (else None: "daily dose not evaluated").

    Lines with the same ``sequence`` are given together, so their days add up (16 mg in the
    morning and 16 mg at night are 32 mg); numbered sequences follow one another, so a day holds
    the most of any of them; a line without a sequence is counted with every one. A line with no
    dose quantity (a rate, text) makes the day unknown; a dose in another unit than mg reads as
    no dose at all."""
    singles: list[Fraction] = []
    days: dict[int | None, Fraction] = {}
    known = True
    dosage: Any
    for dosage in request.dosageInstruction or []:
        dose = _line_dose(dosage)
        if dose is False:
            return None, None
        if dose is None:
            known = False
            continue
        singles.append(dose)
        doses = _doses_in_a_day(dosage.timing)
        if doses is None:
            known = False
            continue
        days[dosage.sequence] = days.get(dosage.sequence, Fraction(0)) + dose * doses
    if not singles:
        return None, None
    if not known:
        return max(singles), None
    alongside = days.pop(None, Fraction(0))
    per_day = max([alongside + day for day in days.values()] or [alongside])
    return max(singles), per_day


def _medication_concept(order: MedicationRequest) -> Any:
    """The order's medication as a CodeableConcept: ``medicationCodeableConcept``, or the
    ``code`` of the contained Medication that ``medicationReference`` points to (``#id``), as
    many EHRs send it. A reference to anything else cannot be read here (no FHIR access)."""
    if order.medicationCodeableConcept is not None:
        return order.medicationCodeableConcept
    reference: Any = order.medicationReference
    target = (reference.reference or "") if reference is not None else ""
    if not target.startswith("#"):
        return None
    contained: Any
    for contained in order.contained or []:
        if contained.get_resource_type() == "Medication" and contained.id == target[1:]:
            return contained.code
    return None


def _selected(order: MedicationRequest) -> SelectedOrder:
    concept: Any = _medication_concept(order)
    found = list(concept.coding or []) if concept is not None else []
    codings = [(c.system, c.code) for c in found]
    text = (concept.text if concept is not None else None) or ""
    text = text or " ".join(str(c.display) for c in found if c.display)
    dose, per_day = _dose(order)
    drug = identify_drug(codings, text)
    readable = bool(text.strip()) or any(code for _system, code in codings)
    return SelectedOrder(
        f"MedicationRequest/{order.id}",
        text,
        DraftOrder(drug, dose, per_day),
        readable,
        tuple(drugs_named_in_text(codings, text)),
        unchecked_atc(codings) if drug is None else None,
    )


def selected_orders(context: Mapping[str, Any]) -> list[SelectedOrder]:
    """The draft MedicationRequests named in ``selections`` (``OrderInputError`` if unreadable)."""
    selections, bundle = context.get("selections"), context.get("draftOrders")
    if not isinstance(selections, list) or not all(isinstance(s, str) for s in selections):
        raise OrderInputError("context.selections must be a list of references.")
    if not isinstance(bundle, dict):
        raise OrderInputError("context.draftOrders must be a Bundle.")
    try:
        Bundle.model_validate(bundle)
        found = []
        for entry in bundle.get("entry") or []:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict) and resource.get("resourceType") == "MedicationRequest":
                found.append(MedicationRequest.model_validate(resource))
    except (ValidationError, ValueError) as error:
        raise OrderInputError(f"draftOrders: {str(error)[:300]}") from None
    wanted = set(selections)
    return [_selected(order) for order in found if f"MedicationRequest/{order.id}" in wanted]


def _latest_drowsy(episode: Episode) -> bool | None:
    latest = (
        Assessment.objects.current()
        .withdrawal()
        .filter(episode=episode)
        .order_by("-observed_at", "-pk")
        .values_list("drowsy", flat=True)
        .first()
    )
    return latest


def stored_facts(episode: Episode, now: datetime) -> OrderFacts:
    """The facts the app records for the open episode: intake, latest score, setting."""
    facts = advice_facts(episode, now)
    intake = intake_facts(episode)
    opioids = intake.rows.get("opioids")
    uses = intake_use(episode, facts=intake) or []
    setting: Setting | None = None
    if episode.setting == "inpatient":
        setting = "inpatient"
    elif episode.setting == "outpatient":
        setting = "outpatient"
    return OrderFacts(
        drowsy=_latest_drowsy(episode),
        pregnant=facts.pregnant,
        in_lar=facts.in_lar,
        opioid_dependent=opioids.dependent if opioids is not None else None,
        setting=setting,
        age_years=facts.age_years,
        head_injury=facts.head_injury,
        benzodiazepine_misuse=facts.benzodiazepine_misuse,
        current_use=tuple(CurrentUse(u["drug"], Fraction(str(u["mg_per_day"]))) for u in uses),
    )


def patient_facts(patient: Patient, now: datetime) -> OrderFacts:
    """A stored patient without an open episode: only the age and sex are known."""
    return OrderFacts(
        pregnant=False if patient.sex == "male" else None,
        age_years=age_on(patient.birth_date, now.astimezone(OSLO).date()),
    )


def external_facts(patient: ExternalPatient) -> OrderFacts:
    """A patient known from prefetch: age, sex, pregnancy; nothing the intake would record."""
    return OrderFacts(pregnant=patient.pregnant, age_years=patient.age_years)


def _check_cards(
    request: HttpRequest, selected: SelectedOrder, check: OrderCheck, unchecked: Sequence[Any]
) -> list[dict[str, Any]]:
    name = drug_name(check.drug) if check.drug else selected.text
    cards = []
    for finding in check.findings:
        text = render_message(finding.message, finding.params)
        cards.append(
            card(
                request,
                summary=f"{name}: {text}",
                indicator=finding.severity,
                text=f"{selected.label}: {text}",
                refs=finding.refs,
                sections=finding.sections,
            )
        )
    missing = [str(NOT_EVALUATED[code]) for code in check.not_evaluated]
    missing += [str(text) for text in unchecked]
    if missing:
        text = gettext("Not evaluated for this order: %(facts)s.") % {"facts": "; ".join(missing)}
        cards.append(
            card(
                request,
                summary=f"{name}: {text}",
                indicator="info",
                text=f"{selected.label}: {text}",
            )
        )
    return cards


def _not_checked(selected: SelectedOrder) -> tuple[str, str] | None:
    """Why an order cannot be checked, as (summary, text), or None when it can: its medication
    cannot be read, its text names more than one drug, or its ATC code has no rules here."""
    if not selected.readable:
        short = gettext("Not checked: the order's medication could not be read.")
        text = gettext(
            "The medication of this order could not be read (no medicationCodeableConcept with a "
            "code or name, and no medicationReference to a contained Medication with one), so the "
            "order was not checked."
        )
    elif selected.several:
        short = gettext("Not checked: the order names more than one drug.")
        text = gettext(
            "This order names more than one drug (%(drugs)s) and has no ATC code that says which, "
            "so it was not checked. Order each drug on its own to have it checked."
        ) % {"drugs": ", ".join(drug_name(drug) for drug in selected.several)}
    elif selected.unknown_atc:
        code = {"code": selected.unknown_atc}
        short = gettext("Not checked: ATC %(code)s has no rules here.") % code
        text = (
            gettext(
                "ATC %(code)s is a benzodiazepine, z-drug or opioid this service has no rules "
                "for, so the order was not checked against the taper and safety rules."
            )
            % code
        )
    else:
        return None
    return f"{selected.reference}: {short}", f"{selected.label}: {text}"


def order_cards(
    request: HttpRequest,
    orders: Sequence[SelectedOrder],
    facts: OrderFacts,
    *,
    unchecked: Sequence[Any] = (),
) -> list[dict[str, Any]]:
    """Cards for each selected benzodiazepine or opioid order; other drugs have none. An order
    whose medication cannot be read at all, or whose text names more than one drug, has a warning
    that it was not checked."""
    cards: list[dict[str, Any]] = []
    for selected in orders:
        refused = _not_checked(selected)
        if refused is not None:
            summary, text = refused
            cards.append(card(request, summary=summary, indicator="warning", text=text))
            continue
        check = check_order(selected.order, facts)
        if check.drug_class is not None:
            cards += _check_cards(request, selected, check, unchecked)
    return cards
