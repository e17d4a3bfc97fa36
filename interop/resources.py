"""FHIR R4 resources built from the records and the instrument definitions.

Every resource is built as a ``fhir.resources`` R4B model (``model_validate``), so nothing leaves
the server that the library would not accept. The canonical base is the server's own
``/fhir/R4/`` address (``base``), passed in by the view.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from django.utils import translation
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.medicationadministration import (
    MedicationAdministration as FhirAdministration,
)
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from clinical.instruments import INSTRUMENTS, Instrument, Item
from interop.bedside import (
    BREATH_ALCOHOL_DECIMALS,
    BREATH_ALCOHOL_MAX,
    BREATH_ALCOHOL_MIN,
    BedsideItem,
    bedside_items,
)
from patients.models import Episode, EpisodeStatus, NationalIdKind, Patient
from plans.models import PlanLine
from scoring.models import Assessment, MedicationAdministration, PlannedDoseRecord

if TYPE_CHECKING:
    from interop.taper_doses import TaperDose

FHIR_VERSION: Final = "4.0.1"
TRANSLATION: Final = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL_VALUE: Final = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE: Final = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE: Final = "http://hl7.org/fhir/StructureDefinition/maxValue"
MAX_DECIMAL_PLACES: Final = "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces"
QUESTIONNAIRE_UNIT: Final = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
PER_MILLE: Final = {"system": "http://unitsofmeasure.org", "code": "[ppth]", "display": "‰"}
# The national identifiers (Direktoratet for e-helse's OIDs, as no-basis-Patient's FNR and DNR
# slices). ``…4.1.4.3`` is *not* our H-number: it is the felles hjelpenummer (FHN), a national
# number Norsk helsenett issues (first digit 8 or 9); the H-number (month + 40) is assigned
# locally, and no-basis-Patient's HNR slice gives it the system "HNR", the type HNR in Volven
# 8327 and a mandatory assigner (docs/interoperability.md, "Profiles followed").
IDENTIFIER_SYSTEMS: Final[dict[str, str]] = {
    NationalIdKind.FNR: "urn:oid:2.16.578.1.12.4.1.4.1",
    NationalIdKind.DNR: "urn:oid:2.16.578.1.12.4.1.4.2",
}
LOCAL_H_NUMBER_SYSTEM: Final = "HNR"
LOCAL_H_NUMBER_TYPE: Final = {"system": "urn:oid:2.16.578.1.12.4.1.1.8327", "code": "HNR"}
NO_BASIS_PATIENT: Final = "http://hl7.no/fhir/StructureDefinition/no-basis-Patient"
CATEGORY_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
ENCOUNTER_CLASS_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def _translated(nb: str, en: str) -> dict[str, Any]:
    """The ``_text`` element carrying the English translation of a bokmål string."""
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [
                    {"url": "lang", "valueCode": "en"},
                    {"url": "content", "valueString": en},
                ],
            }
        ]
    }


def questionnaire_version(instrument: Instrument) -> str:
    """A version that changes whenever the instrument's definition changes, or the bedside
    questions asked with it (their items as sent, texts included)."""
    definition = repr(instrument)
    extra = [_bedside_item(item) for item in bedside_items(instrument)]
    if extra:
        definition += repr(extra)
    return hashlib.sha256(definition.encode()).hexdigest()[:12]


def questionnaire_url(base: str, instrument: Instrument) -> str:
    return f"{base}Questionnaire/{instrument.code}"


def instrument_system(base: str) -> str:
    """The code system of this server's instruments (Observation.code)."""
    return f"{base}CodeSystem/instrument"


def band_system(base: str, instrument: Instrument) -> str:
    return f"{base}CodeSystem/{instrument.code}-band"


def _item(item: Item) -> dict[str, Any]:
    options = []
    for option in item.options:
        coding: dict[str, Any] = {"code": str(option.value)}
        if option.anchor_nb:
            coding["display"] = option.anchor_nb
            if option.anchor_en:
                coding["_display"] = _translated(option.anchor_nb, option.anchor_en)
        options.append(
            {
                "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.value}],
                "valueCoding": coding,
            }
        )
    return {
        "linkId": item.key,
        "prefix": str(item.number),
        "text": item.label_nb,
        "_text": _translated(item.label_nb, item.label_en),
        "type": "choice",
        "required": True,
        "answerOption": options,
    }


def _bedside_item(item: BedsideItem) -> dict[str, Any]:
    """A bedside question the ward form asks with the scale: not scored (no answerOption, no
    ordinal value), in bokmål with the English translation (``interop.bedside``)."""
    with translation.override("nb"):
        nb = translation.gettext(item.label)
    with translation.override("en"):
        en = translation.gettext(item.label)
    built: dict[str, Any] = {
        "linkId": item.link_id,
        "text": nb,
        "_text": _translated(nb, en),
        "type": item.type,
        "required": item.required,
    }
    if item.type == "decimal":
        built["extension"] = [
            {"url": MIN_VALUE, "valueDecimal": BREATH_ALCOHOL_MIN},
            {"url": MAX_VALUE, "valueDecimal": BREATH_ALCOHOL_MAX},
            {"url": MAX_DECIMAL_PLACES, "valueInteger": BREATH_ALCOHOL_DECIMALS},
            {"url": QUESTIONNAIRE_UNIT, "valueCoding": PER_MILLE},
        ]
    return built


def questionnaire(base: str, instrument: Instrument) -> Questionnaire:
    return Questionnaire.model_validate(
        {
            "resourceType": "Questionnaire",
            "id": instrument.code,
            "url": questionnaire_url(base, instrument),
            "version": questionnaire_version(instrument),
            "name": instrument.name.replace("-", "").replace(" ", ""),
            "title": instrument.full_name,
            "status": "active",
            "subjectType": ["Patient"],
            "language": "nb",
            "code": [{"system": instrument_system(base), "code": instrument.code}],
            "item": [
                *(_item(item) for item in instrument.items),
                *(_bedside_item(item) for item in bedside_items(instrument)),
            ],
        }
    )


def _ref(kind: str, pk: int) -> dict[str, str]:
    return {"reference": f"{kind}/{pk}"}


def questionnaire_response(base: str, assessment: Assessment) -> QuestionnaireResponse:
    instrument = INSTRUMENTS[assessment.instrument]
    return QuestionnaireResponse.model_validate(
        {
            "resourceType": "QuestionnaireResponse",
            "id": str(assessment.pk),
            "questionnaire": questionnaire_url(base, instrument),
            "status": "amended" if assessment.supersedes_id else "completed",
            "subject": _ref("Patient", assessment.episode.patient_id),
            "encounter": _ref("Encounter", assessment.episode_id),
            "authored": assessment.observed_at.isoformat(),
            "item": [
                {
                    "linkId": key,
                    "answer": [{"valueCoding": {"code": str(value)}}],
                }
                for key, value in assessment.items.items()
            ]
            + _bedside_answers(assessment, instrument),
        }
    )


def _bedside_answers(assessment: Assessment, instrument: Instrument) -> list[dict[str, Any]]:
    answers = []
    for item in bedside_items(instrument):
        value = getattr(assessment, item.field)
        if value is None:
            continue  # breath alcohol not measured
        answer = (
            {"valueBoolean": bool(value)} if item.type == "boolean" else {"valueDecimal": value}
        )
        answers.append({"linkId": item.link_id, "answer": [answer]})
    return answers


def observation(base: str, assessment: Assessment, band_label: str) -> Observation:
    instrument = INSTRUMENTS[assessment.instrument]
    status = "final"
    if assessment.supersedes_id:
        status = "corrected"
    if getattr(assessment, "superseded_by", None) is not None:
        status = "amended"
    return Observation.model_validate(
        {
            "resourceType": "Observation",
            "id": str(assessment.pk),
            "status": status,
            "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": "survey"}]}],
            "code": {
                "coding": [
                    {
                        "system": instrument_system(base),
                        "code": instrument.code,
                        "display": instrument.name,
                    }
                ],
                "text": f"{instrument.name} total",
            },
            "subject": _ref("Patient", assessment.episode.patient_id),
            "encounter": _ref("Encounter", assessment.episode_id),
            "effectiveDateTime": assessment.observed_at.isoformat(),
            "issued": assessment.entered_at.isoformat(),
            "valueInteger": assessment.total,
            "interpretation": [
                {
                    "coding": [
                        {
                            "system": band_system(base, instrument),
                            "code": assessment.band,
                            "display": band_label,
                        }
                    ],
                    "text": band_label,
                }
            ],
            "derivedFrom": [_ref("QuestionnaireResponse", assessment.pk)],
        }
    )


def _identifier(record: Patient) -> dict[str, Any]:
    if record.national_id_kind in IDENTIFIER_SYSTEMS:
        return {"system": IDENTIFIER_SYSTEMS[record.national_id_kind], "value": record.national_id}
    # A locally assigned H-number: no-basis-Patient's HNR slice (the unit assigned it here).
    return {
        "type": {"coding": [LOCAL_H_NUMBER_TYPE]},
        "system": LOCAL_H_NUMBER_SYSTEM,
        "value": record.national_id,
        "assigner": {"display": record.unit.name},
    }


def patient(record: Patient) -> FhirPatient:
    return FhirPatient.model_validate(
        {
            "resourceType": "Patient",
            "id": str(record.pk),
            "meta": {"profile": [NO_BASIS_PATIENT]},
            "identifier": [_identifier(record)],
            "name": [{"family": record.family_name, "given": [record.given_name]}],
            "gender": record.sex,
            "birthDate": record.birth_date.isoformat(),
        }
    )


_ENCOUNTER_STATUS: Final[dict[str, str]] = {
    EpisodeStatus.PLANNED: "planned",
    EpisodeStatus.ACTIVE: "in-progress",
    EpisodeStatus.DISCHARGED: "finished",
    EpisodeStatus.INTERRUPTED: "cancelled",
}


def encounter(record: Episode) -> Encounter:
    klass = "IMP" if record.setting == "inpatient" else "AMB"
    data: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": str(record.pk),
        "status": _ENCOUNTER_STATUS.get(record.status, "unknown"),
        "class": {"system": ENCOUNTER_CLASS_SYSTEM, "code": klass},
        "subject": _ref("Patient", record.patient_id),
        "serviceProvider": {"display": record.unit.name},
    }
    period = {}
    if record.admitted_at:
        period["start"] = record.admitted_at.isoformat()
    if record.discharged_at:
        period["end"] = record.discharged_at.isoformat()
    if period:
        data["period"] = period
    return Encounter.model_validate(data)


def medication_administration(record: MedicationAdministration, drug: str) -> FhirAdministration:
    """A given dose; a dose marked entered in error keeps its record with that status."""
    data: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": str(record.pk),
        "status": "entered-in-error" if record.entered_in_error else "completed",
        "medicationCodeableConcept": {"text": drug},
        "subject": _ref("Patient", record.episode.patient_id),
        "context": _ref("Encounter", record.episode_id),
        "effectiveDateTime": record.given_at.isoformat(),
        "dosage": {
            "route": {"text": record.route},
            "dose": {
                "value": float(record.dose_mg),
                "unit": "mg",
                "system": "http://unitsofmeasure.org",
                "code": "mg",
            },
        },
    }
    if record.assessment_id:
        data["supportingInformation"] = [_ref("Observation", record.assessment_id)]
    return FhirAdministration.model_validate(data)


PLANNED_PREFIX: Final = "planned-"


def planned_dose_administration(record: PlannedDoseRecord) -> FhirAdministration:
    """A dose the plan said was due, answered on the medication view: given (``completed``, with
    the mg where known, else the plan's dose as text) or not given (``not-done``, with why)."""
    dosage: dict[str, Any] = {
        "text": " ".join(part for part in (record.dose, record.due_time) if part)
    }
    if record.given and record.dose_mg is not None:
        dosage["dose"] = {
            "value": float(record.dose_mg),
            "unit": "mg",
            "system": "http://unitsofmeasure.org",
            "code": "mg",
        }
    # A corrected answer: its correction is the record; this one was entered in error.
    replaced = getattr(record, "superseded_by", None)
    status = "completed" if record.given else "not-done"
    data: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": f"{PLANNED_PREFIX}{record.pk}",
        "status": "entered-in-error" if replaced is not None else status,
        "medicationCodeableConcept": {"text": record.drug},
        "subject": _ref("Patient", record.episode.patient_id),
        "context": _ref("Encounter", record.episode_id),
        "effectiveDateTime": record.recorded_at.isoformat(),
    }
    if dosage["text"] or "dose" in dosage:
        data["dosage"] = {key: value for key, value in dosage.items() if value}
    if not record.given:
        data["statusReason"] = [{"text": record.reason_not_given}]
    notes = []
    if record.supersedes_id:
        notes.append({"text": f"Correction: {record.correction_reason}"})
    if replaced is not None:
        notes.append(
            {"text": f"Corrected by MedicationAdministration/{PLANNED_PREFIX}{replaced.pk}"}
        )
    if notes:
        data["note"] = notes
    return FhirAdministration.model_validate(data)


def medication_request(line: PlanLine, drug: str, instruction: str) -> MedicationRequest:
    """An accepted (or adjusted) line of the medication plan, as decided, with its references."""
    episode = line.plan.episode
    data: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": str(line.pk),
        "status": "active",
        "intent": "plan",
        "medicationCodeableConcept": {"text": drug},
        "subject": _ref("Patient", episode.patient_id),
        "encounter": _ref("Encounter", episode.pk),
        "authoredOn": line.decided_at.isoformat(),
        "reasonCode": [{"text": f"Guideline {ref}"} for ref in line.refs],
    }
    if instruction:
        data["dosageInstruction"] = [{"text": instruction}]
    if line.reason:
        data["note"] = [{"text": line.reason}]
    return MedicationRequest.model_validate(data)


# The taper drugs' WHO ATC codes (buprenorphine is given with naloxone, 10.5-1).
TAPER_DRUG_ATC: Final[dict[str, str]] = {
    "oxazepam": "N05BA04",
    "diazepam": "N05BA01",
    "buprenorphine": "N07BC51",
}
ATC_SYSTEM: Final = "http://www.whocc.no/atc"


def taper_dose_request(
    base: str, dose: TaperDose, drug: str, instruction: str
) -> MedicationRequest:
    """One dose of an accepted taper: when, how much (the tablets in the text), part of the
    schedule (``groupIdentifier``) and of its plan line (``basedOn``), with the taper's refs."""
    schedule = dose.schedule
    episode = schedule.line.plan.episode
    concept: dict[str, Any] = {"text": drug}
    if schedule.taper_drug in TAPER_DRUG_ATC:
        concept["coding"] = [{"system": ATC_SYSTEM, "code": TAPER_DRUG_ATC[schedule.taper_drug]}]
    mg = int(dose.mg) if dose.mg.denominator == 1 else float(dose.mg)
    return MedicationRequest.model_validate(
        {
            "resourceType": "MedicationRequest",
            "id": dose.id,
            "status": "active",
            "intent": "plan",
            "medicationCodeableConcept": concept,
            "subject": _ref("Patient", episode.patient_id),
            "encounter": _ref("Encounter", episode.pk),
            "authoredOn": schedule.accepted_at.isoformat(),
            "basedOn": [_ref("MedicationRequest", schedule.line_id)],
            "groupIdentifier": {"system": f"{base}taper-schedule", "value": str(schedule.pk)},
            "reasonCode": [
                {"text": f"Guideline {ref}"} for ref in schedule.computed.get("refs", [])
            ],
            "dosageInstruction": [
                {
                    "sequence": dose.number,
                    "text": instruction,
                    "timing": {"event": [dose.at.isoformat()]},
                    "doseAndRate": [
                        {
                            "doseQuantity": {
                                "value": mg,
                                "unit": "mg",
                                "system": "http://unitsofmeasure.org",
                                "code": "mg",
                            }
                        }
                    ],
                }
            ],
        }
    )


def operation_outcome(
    issues: list[tuple[str, str, str | None]], *, severity: str = "error"
) -> OperationOutcome:
    """``issues``: (code, diagnostics, expression or None)."""
    return OperationOutcome.model_validate(
        {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": severity,
                    "code": code,
                    "diagnostics": text,
                    **({"expression": [expression]} if expression else {}),
                }
                for code, text, expression in issues
            ],
        }
    )


def searchset(
    resources: Sequence[Resource], *, total: int, self_url: str, next_url: str | None, base: str
) -> Bundle:
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": total,
            "link": links,
            "entry": [
                {
                    "fullUrl": f"{base}{resource.get_resource_type()}/{resource.id}",
                    "resource": resource.model_dump(by_alias=True, exclude_none=True),
                    "search": {"mode": "match"},
                }
                for resource in resources
            ],
        }
    )


# What the server supports, per resource type: (interactions, search parameters with types).
SUPPORTED: Final[dict[str, tuple[tuple[str, ...], dict[str, str]]]] = {
    "Questionnaire": (("read", "search-type"), {"url": "uri"}),
    "QuestionnaireResponse": (("read", "create"), {}),
    "Observation": (
        ("read", "search-type"),
        {"subject": "reference", "encounter": "reference", "code": "token", "date": "date"},
    ),
    "Patient": (("read", "search-type"), {"identifier": "token"}),
    "Encounter": (("read", "search-type"), {"subject": "reference", "patient": "reference"}),
    "MedicationRequest": (
        ("read", "search-type"),
        {"subject": "reference", "patient": "reference", "encounter": "reference"},
    ),
    "MedicationAdministration": (
        ("read", "search-type"),
        {"subject": "reference", "patient": "reference", "context": "reference"},
    ),
}
PAGING_PARAMS: Final = ("_count", "_page")


def capability_statement(base: str, now: datetime) -> CapabilityStatement:
    resources = []
    for kind, (interactions, params) in SUPPORTED.items():
        entry: dict[str, Any] = {
            "type": kind,
            "interaction": [{"code": code} for code in interactions],
        }
        if kind == "Patient":
            entry["supportedProfile"] = [NO_BASIS_PATIENT]
        if params:
            entry["searchParam"] = [{"name": n, "type": t} for n, t in params.items()]
        resources.append(entry)
    return CapabilityStatement.model_validate(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": now.isoformat(),
            "kind": "instance",
            "fhirVersion": FHIR_VERSION,
            "format": ["application/fhir+json"],
            "implementation": {"description": "Avrusning", "url": base},
            "rest": [
                {
                    "mode": "server",
                    "security": {
                        "description": (
                            "API token (Authorization: Token ...) or a signed-in session, "
                            "as the REST API; unit-scoped like the pages."
                        )
                    },
                    "resource": resources,
                }
            ],
        }
    )
