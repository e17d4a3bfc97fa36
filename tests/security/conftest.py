"""The security tests' cast: two units, their staff in every role, and unit A's patient with a
record of every kind a URL can name (episode, intake, decision, score, dose, plan version, care
plan), all made through the production services.

The cast is built once per test module inside a transaction that is rolled back after the
module; each test runs in its own savepoint on top (pytest-django's ``db``), so whatever a test
changes is undone before the next one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.roles import ADMINISTRATOR, CLINICIAN, NURSE, sync_roles
from clinical.levels import evaluate_level, parse_level_input
from patients import services as patient_services
from patients.extensions import planned_doses
from patients.models import Episode, EpisodeStatus, Patient, Unit
from patients.selectors import episode_level_input
from plans import services as plan_services
from plans.models import CarePlan
from scoring.models import Assessment, MedicationAdministration, PlannedDoseRecord
from scoring.planned_doses import planned_dose_record
from tests.factories import make_episode, make_patient, make_unit
from tests.scoring.factories import give, score

ANONYMOUS = "anonymous"
NURSE_A = "nurse"
CLINICIAN_A = "clinician"
ADMINISTRATOR_A = "administrator"
NURSE_B = "nurse_b"
CLINICIAN_B = "clinician_b"
# Everyone who asks: no login, the three roles of unit A, and unit B's nurse and clinician, who
# ask for unit A's records.
ACTORS = (ANONYMOUS, NURSE_A, CLINICIAN_A, ADMINISTRATOR_A, NURSE_B, CLINICIAN_B)
OTHER_UNIT = (NURSE_B, CLINICIAN_B)

_ROLES = {
    NURSE_A: NURSE,
    CLINICIAN_A: CLINICIAN,
    ADMINISTRATOR_A: ADMINISTRATOR,
    NURSE_B: NURSE,
    CLINICIAN_B: CLINICIAN,
}

# Unit A's patient, by strings that appear nowhere else: a page or an API answer that shows them
# to unit B's staff leaks the record.
PATIENT_GIVEN_NAME = "Solveig"
PATIENT_FAMILY_NAME = "Lekkasjeprøve"

BENZODIAZEPINE_TAPER: dict[str, Any] = {
    "regimen": "benzodiazepine",
    "current_use": [{"drug": "alprazolam", "mg_per_day": 2}],
    "taper_drug": "oxazepam",
    "setting": "outpatient",
    "start_date": None,  # build_cast starts it on the local day the cast is built
    "weekly_reduction_percent": 10,
    "doses_per_day": 3,
    "start_mg_per_day": None,
    "days": None,
}


@dataclass(frozen=True)
class Cast:
    users: dict[str, User]
    tokens: dict[str, str]
    unit_a: Unit
    unit_b: Unit
    patient: Patient
    episode: Episode
    assessment: Assessment
    administration: MedicationAdministration
    planned_dose: PlannedDoseRecord
    care_plan: CarePlan
    plan_version: int
    other_patient: Patient
    other_episode: Episode


class _NoQueue:
    """A task that queues nothing: the cast's care plan is made here, not by a worker."""

    def delay(self, care_plan_id: int, /) -> None:
        return None


def _user(actor: str) -> User:
    user = User.objects.create_user(
        username=f"sec-{actor}",
        password="security-cast-password",
        first_name=actor.replace("_", " ").title(),
        is_staff=_ROLES[actor] == ADMINISTRATOR,
    )
    user.groups.add(Group.objects.get(name=_ROLES[actor]))
    return user


def _intake_and_level(episode: Episode, clinician: User) -> None:
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
            "patient_preference": "outpatient",
            "home_support": True,
            "outpatient_followup_available": True,
            "overdose_count": 0,
        },
        substances=[
            {
                "substance": "benzodiazepines",
                "description": "alprazolam",
                "dependent": True,
                "route": "oral",
                "injecting": False,
                "continuous_use_days": 400,
            }
        ],
    )
    level_input = episode_level_input(episode)
    proposal = evaluate_level(parse_level_input(level_input))
    # Inpatient, so that the patient is on the ward board.
    accepted = proposal.level == "inpatient" and proposal.acute_referral is None
    patient_services.level_decision_record(
        episode=episode,
        proposal=proposal,
        accepted=accepted,
        chosen_level=None if accepted else "inpatient",
        chosen_acute_referral=None if accepted else "",
        reason="" if accepted else "Security cast: on the ward board",
        user=clinician,
        level_input=level_input,
    )


def _ready_care_plan(episode: Episode, clinician: User, now: dt.datetime) -> CarePlan:
    care_plan = plan_services.care_plan_request(
        episode=episode, user=clinician, task=_NoQueue(), now=now
    )
    assert plan_services.care_plan_claim(care_plan_id=care_plan.pk, token="cast", now=now)
    assert plan_services.care_plan_store(
        care_plan_id=care_plan.pk, pdf=b"%PDF-1.4\n% security cast\n", token="cast", now=now
    )
    care_plan.refresh_from_db()
    return care_plan


def build_cast() -> Cast:
    sync_roles()
    now = timezone.now().replace(second=0, microsecond=0)
    users = {actor: _user(actor) for actor in _ROLES}
    nurse, clinician = users[NURSE_A], users[CLINICIAN_A]
    unit_a = make_unit(name="Enhet A", staff=[nurse, clinician, users[ADMINISTRATOR_A]])
    unit_b = make_unit(name="Enhet B", staff=[users[NURSE_B], users[CLINICIAN_B]])

    patient = make_patient(
        unit=unit_a,
        user=clinician,
        given_name=PATIENT_GIVEN_NAME,
        family_name=PATIENT_FAMILY_NAME,
    )
    episode = make_episode(
        patient=patient,
        status=EpisodeStatus.PLANNED,
        user=clinician,
        responsible_clinician=clinician,
    )
    _intake_and_level(episode, clinician)
    patient_services.episode_start(
        episode=episode, user=clinician, admitted_at=now - dt.timedelta(days=2)
    )
    episode.refresh_from_db()
    assessment = score(
        episode, user=nurse, total=12, observed_at=now - dt.timedelta(hours=1), now=now
    )
    administration = give(
        episode, user=nurse, given_at=now - dt.timedelta(minutes=50), assessment=assessment
    )
    today = timezone.localdate(now)
    # The planned dose below is today's: a taper started on a fixed day (2026-12-01) had no dose
    # left to plan by 2027-03-28, and every test on the cast errored.
    plan_services.taper_schedule_accept(
        episode=episode,
        request_data={**BENZODIAZEPINE_TAPER, "start_date": today.isoformat()},
        user=clinician,
        now=now,
    )
    planned_dose = planned_dose_record(
        episode=episode,
        due_date=today,
        slot=planned_doses(episode, today)[0].slot,
        given=True,
        user=nurse,
        now=now,
    )
    care_plan = _ready_care_plan(episode, clinician, now)

    other_patient = make_patient(
        unit=unit_b, user=users[CLINICIAN_B], given_name="Berit", family_name="Bsen"
    )
    other_episode = make_episode(patient=other_patient, user=users[CLINICIAN_B])
    return Cast(
        users=users,
        tokens={actor: Token.objects.create(user=user).key for actor, user in users.items()},
        unit_a=unit_a,
        unit_b=unit_b,
        patient=patient,
        episode=episode,
        assessment=assessment,
        administration=administration,
        planned_dose=planned_dose,
        care_plan=care_plan,
        plan_version=1,
        other_patient=other_patient,
        other_episode=other_episode,
    )


@pytest.fixture(scope="module")
def cast(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Cast]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_cast()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
