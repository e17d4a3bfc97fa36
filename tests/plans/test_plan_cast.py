"""The cast for the plan, discharge and care-plan tests, built through the production services.

Helpers, not fixtures, so that each test module states its own fixtures: ``fixed_case`` is the
benzodiazepine-dependent outpatient on alprazolam 2 mg a day of the issue, with fixed names and
times (the golden image of the care plan depends on them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from clinical.levels import evaluate_level, parse_level_input
from patients import services as patient_services
from patients.models import Episode, EpisodeStatus, Sex, Unit
from patients.selectors import episode_level_input
from plans import services as plan_services
from tests.factories import make_episode, make_patient, national_id

ADMITTED_AT = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
FIXED_NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
FIXED_NATIONAL_ID = national_id(dt.date(1970, 5, 17), sex=Sex.FEMALE)

ALPRAZOLAM_TAPER: dict[str, Any] = {
    "regimen": "benzodiazepine",
    "current_use": [{"drug": "alprazolam", "mg_per_day": 2}],
    "taper_drug": "oxazepam",
    "setting": "outpatient",
    "start_date": "2026-12-01",
    "weekly_reduction_percent": 10,
    "doses_per_day": 3,
    "start_mg_per_day": None,
    "days": None,
}

BENZODIAZEPINE_ROW: dict[str, Any] = {
    "substance": "benzodiazepines",
    "description": "alprazolam",
    "dependent": True,
    "route": "oral",
    "injecting": False,
    "last_week_frequency": "daily",
    "last_week_amount": "2 mg alprazolam daglig",
    "continuous_use_days": 400,
}


def benzodiazepine_outpatient(
    *,
    unit: Unit,
    clinician: Any,
    substances: list[dict[str, Any]] | None = None,
    national_id_number: str | None = None,
    given_name: str = "Kari",
    family_name: str = "Nordmann",
    start: bool = True,
) -> Episode:
    """A patient with an intake (benzodiazepines by default), the level decided as outpatient."""
    patient = make_patient(
        unit=unit,
        user=clinician,
        national_id=national_id_number or FIXED_NATIONAL_ID,
        given_name=given_name,
        family_name=family_name,
    )
    episode = make_episode(
        patient=patient,
        status=EpisodeStatus.PLANNED,
        user=clinician,
        responsible_clinician=clinician,
    )
    patient_services.intake_save(
        episode=episode,
        user=clinician,
        fields={
            "previous_withdrawal_complications": [],
            "pregnant": False,
            "in_lar": False,
            "somatic_comorbidity": False,
            "psychiatric_comorbidity": False,
            "severe_mental_illness": False,
            "high_suicide_risk": False,
            "acute_somatic_illness": False,
            "unconscious": False,
            "in_custody": False,
            "current_delirium": False,
            "acute_criteria": [],
            "patient_preference": "outpatient",
            "home_support": True,
            "outpatient_followup_available": True,
            "overdose_count": 0,
            "allergies": "Ingen kjente",
        },
        substances=substances if substances is not None else [BENZODIAZEPINE_ROW],
    )
    level_input = episode_level_input(episode)
    proposal = evaluate_level(parse_level_input(level_input))
    accepted = proposal.level == "outpatient" and proposal.acute_referral is None
    patient_services.level_decision_record(
        episode=episode,
        proposal=proposal,
        accepted=accepted,
        chosen_level=None if accepted else "outpatient",
        chosen_acute_referral=None if accepted else "",
        reason="" if accepted else "Stabil dose, god motivasjon (testoppsett)",
        user=clinician,
        level_input=level_input,
    )
    if start:
        patient_services.episode_start(episode=episode, user=clinician, admitted_at=ADMITTED_AT)
    episode.refresh_from_db()
    return episode


def accept_alprazolam_taper(episode: Episode, clinician: Any, **changes: Any) -> Any:
    return plan_services.taper_schedule_accept(
        episode=episode,
        request_data={**ALPRAZOLAM_TAPER, **changes},
        user=clinician,
        now=FIXED_NOW,
    )


def opioid_patient(*, unit: Unit, clinician: Any, injecting: bool | None = True) -> Episode:
    patient = make_patient(unit=unit, user=clinician, given_name="Ola", family_name="Opioid")
    episode = make_episode(patient=patient, status=EpisodeStatus.ACTIVE, user=clinician)
    patient_services.intake_amend(
        episode=episode,
        user=clinician,
        reason="test set-up",
        fields={"previous_withdrawal_complications": []},
        substances=[
            {
                "substance": "opioids",
                "description": "heroin",
                "dependent": True,
                "injecting": injecting,
            }
        ],
    )
    return episode


def test_the_fixed_case_is_an_outpatient_with_a_benzodiazepine_intake(db, clinician):
    from tests.factories import make_unit

    unit = make_unit(name="Avrusning Vest", staff=[clinician])
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    assert episode.setting == "outpatient"
    assert episode.status == EpisodeStatus.ACTIVE
    assert episode.intake.substances.get().description == "alprazolam"
