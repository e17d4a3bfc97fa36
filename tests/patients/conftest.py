"""A small cast for the patient tests: the Lise/Siri/Frode users of tests/conftest.py, their unit,
another unit with its own clinician, and a patient with a planned episode."""

from __future__ import annotations

from typing import Any

import pytest

from patients.models import EpisodeStatus
from tests.factories import make_episode, make_patient, make_unit


@pytest.fixture
def unit(clinician: Any, nurse: Any) -> Any:
    return make_unit(name="Avrusningsenheten", staff=[clinician, nurse])


@pytest.fixture
def other_clinician(make_user: Any) -> Any:
    return make_user("clinician", username="olav", first_name="Olav", last_name="Annenlege")


@pytest.fixture
def other_unit(other_clinician: Any) -> Any:
    return make_unit(name="Annen enhet", staff=[other_clinician])


@pytest.fixture
def patient(unit: Any, clinician: Any) -> Any:
    return make_patient(unit=unit, user=clinician, given_name="Kari", family_name="Nordmann")


@pytest.fixture
def planned_episode(patient: Any, clinician: Any) -> Any:
    return make_episode(patient=patient, status=EpisodeStatus.PLANNED, user=clinician)


@pytest.fixture
def other_patient(other_unit: Any, other_clinician: Any) -> Any:
    return make_patient(
        unit=other_unit, user=other_clinician, given_name="Per", family_name="Annen"
    )


@pytest.fixture
def other_episode(other_patient: Any, other_clinician: Any) -> Any:
    return make_episode(patient=other_patient, status=EpisodeStatus.ACTIVE, user=other_clinician)


# An alcohol-only patient with earlier delirium tremens: every fact the level needs recorded.
ALCOHOL_DT_FIELDS: dict[str, Any] = {
    "previous_withdrawal_complications": ["delirium_tremens"],
    "somatic_comorbidity": False,
    "psychiatric_comorbidity": False,
    "severe_mental_illness": False,
    "high_suicide_risk": False,
    "acute_somatic_illness": False,
    "unconscious": False,
    "pregnant": False,
    "home_support": True,
    "outpatient_followup_available": True,
    "patient_preference": "outpatient",
    "able_to_take_oral": True,
    "dehydration_or_electrolyte_disturbance_suspected": False,
    "in_custody": False,
    "in_lar": False,
}
ALCOHOL_ROW: dict[str, Any] = {
    "substance": "alcohol",
    "dependent": True,
    "injecting": False,
    "route": "oral",
    "continuous_use_days": 30,
}


@pytest.fixture
def alcohol_intake(planned_episode: Any, clinician: Any) -> Any:
    from patients import services

    return services.intake_save(
        episode=planned_episode,
        user=clinician,
        fields=ALCOHOL_DT_FIELDS,
        substances=[ALCOHOL_ROW],
    )


SUBSTANCE_CODES = (
    "alcohol",
    "benzodiazepines",
    "opioids",
    "ghb",
    "stimulants",
    "cannabis",
    "other",
)


def intake_post(
    fields: dict[str, Any] | None = None,
    rows: dict[str, dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """POST data for the intake page: intake fields, one formset row per substance code; the
    version the editor started from is 0 (no intake yet) unless ``version=`` is given."""
    data: dict[str, Any] = {
        "version": "0",
        "substances-TOTAL_FORMS": "7",
        "substances-INITIAL_FORMS": "7",
        "substances-MIN_NUM_FORMS": "7",
        "substances-MAX_NUM_FORMS": "7",
    }
    for name, value in (fields or {}).items():
        data[name] = _form_value(value)
    for index, code in enumerate(SUBSTANCE_CODES):
        for name, value in (rows or {}).get(code, {}).items():
            data[f"substances-{index}-{name}"] = _form_value(value)
    data.update(extra)
    return data


def _form_value(value: Any) -> Any:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "unknown"
    return value


# The alcohol-and-DT intake as the intake page posts it.
ALCOHOL_DT_POST = intake_post(
    {
        **{k: v for k, v in ALCOHOL_DT_FIELDS.items() if k != "previous_withdrawal_complications"},
        "complications": ["delirium_tremens"],
    },
    {
        "alcohol": {
            "in_use": "on",
            "dependent": True,
            "injecting": False,
            "route": "oral",
            "continuous_use_days": "30",
        }
    },
)
