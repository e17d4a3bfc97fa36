"""Demo patients for the embedded default: a unit, the demo staff in it, three patients with
active episodes and intakes. Refuses to run with DEBUG off; running it again changes nothing.

Run after ``create_demo_users``. The national identity numbers are synthetic: they pass both
mod-11 checks, are computed here, and belong to no one we know of.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clinical.examples import NO_COMORBIDITY_OR_ACUTE_RISK
from clinical.identity import FIRST_CHECK_WEIGHTS, SECOND_CHECK_WEIGHTS, check_digit
from clinical.levels import evaluate_level, parse_level_input
from patients import services
from patients.models import Patient, Unit
from patients.selectors import episode_level_input

UNIT_CODE = "demo"
UNIT_NAME = "Avrusningsenheten (demo)"
STAFF = ("lege", "sykepleier")
CLINICIAN = "lege"


@dataclass(frozen=True)
class DemoPatient:
    given_name: str
    family_name: str
    birth_date: dt.date
    female: bool
    intake: dict[str, Any]
    substances: list[dict[str, Any]] = field(default_factory=list)
    decide: bool = True


_COMMON = {
    **NO_COMORBIDITY_OR_ACUTE_RISK,
    "in_custody": False,
    "oriented": True,
    "current_delirium": False,
    "wernicke_suspected": False,
    "acute_criteria": [],
    "earlier_failed_outpatient_detox": False,
    "head_injury": False,
}

DEMO_PATIENTS = (
    DemoPatient(
        "Arne",
        "Demo-Alkohol",
        dt.date(1968, 3, 14),
        female=False,
        intake={
            **_COMMON,
            "alcohol_units_per_day": 22,
            "previous_detox_count": 2,
            "previous_detox_notes": "Delirium tremens under avrusning i 2019.",
            "previous_withdrawal_complications": ["delirium_tremens"],
            "pregnant": False,
            "liver_failure": False,
            "patient_preference": "inpatient",
            "home_support": False,
            "outpatient_followup_available": True,
            "able_to_take_oral": True,
            "dehydration_or_electrolyte_disturbance_suspected": False,
            "in_lar": False,
            "breath_alcohol_permille": "0.8",
            "ciwa_ar": 12,
            "pulse": 104,
            "blood_pressure_systolic": 158,
            "blood_pressure_diastolic": 96,
        },
        substances=[
            {
                "substance": "alcohol",
                "description": "Brennevin og øl",
                "dependent": True,
                "age_at_start": 19,
                "last_month_frequency": "daily",
                "last_week_frequency": "daily",
                "last_week_amount": "1 flaske vodka daglig",
                "route": "oral",
                "injecting": False,
                "continuous_use_days": 40,
            }
        ],
    ),
    DemoPatient(
        "Bente",
        "Demo-Opioid",
        dt.date(1985, 9, 2),
        female=True,
        intake={
            **_COMMON,
            "overdose_count": 2,
            "overdose_notes": "To overdoser siste år, heroin.",
            "previous_withdrawal_complications": [],
            "pregnant": False,
            "last_menstruation": dt.date(2026, 11, 1),
            "patient_preference": "inpatient",
            "home_support": False,
            "outpatient_followup_available": False,
            "in_lar": False,
        },
        substances=[
            {
                "substance": "opioids",
                "description": "Heroin",
                "dependent": True,
                "age_at_start": 22,
                "last_week_frequency": "daily",
                "route": "injected",
                "injecting": True,
                "continuous_use_days": 300,
            }
        ],
    ),
    DemoPatient(
        "Cecilie",
        "Demo-Benzo",
        dt.date(1972, 5, 23),
        female=True,
        intake={
            **_COMMON,
            "previous_withdrawal_complications": [],
            "pregnant": False,
            "patient_preference": "outpatient",
            "home_support": True,
            "outpatient_followup_available": True,
            "in_lar": False,
            "regular_medicines": "Oksazepam 25 mg × 3 i 4 år",
        },
        substances=[
            {
                "substance": "benzodiazepines",
                "description": "Oksazepam (Sobril)",
                "dependent": True,
                "last_week_frequency": "daily",
                "last_week_amount": "75 mg daglig",
                "route": "oral",
                "injecting": False,
                "continuous_use_days": 1400,
            }
        ],
    ),
)


def synthetic_national_id(birth_date: dt.date, *, female: bool) -> str:
    """The first valid fødselsnummer for the date and sex, from individual number 100 on."""
    for individual in range(100, 500):
        if (individual % 2 == 0) != female:
            continue
        digits = [int(c) for c in f"{birth_date:%d%m%y}{individual:03d}"]
        first = check_digit(digits, FIRST_CHECK_WEIGHTS)
        second = None if first is None else check_digit([*digits, first], SECOND_CHECK_WEIGHTS)
        if first is not None and second is not None:
            return "".join(map(str, [*digits, first, second]))
    raise CommandError(f"No valid number for {birth_date}")


class Command(BaseCommand):
    help = "Create the demo unit, put the demo staff in it, and create demo patients (DEBUG only)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for the embedded default only: DEBUG is off.")
        users = {user.username: user for user in User.objects.filter(username__in=STAFF)}
        if set(users) != set(STAFF):
            raise CommandError("Run create_demo_users first: the demo staff are missing.")
        unit, _created = Unit.objects.get_or_create(code=UNIT_CODE, defaults={"name": UNIT_NAME})
        unit.staff.add(*users.values())
        clinician = users[CLINICIAN]
        for demo in DEMO_PATIENTS:
            number = synthetic_national_id(demo.birth_date, female=demo.female)
            if Patient.objects.filter(national_id=number).exists():
                self.stdout.write(f"  {demo.given_name} {demo.family_name}: already there")
                continue
            self._create(demo, number, unit, clinician)
            self.stdout.write(f"  {demo.given_name} {demo.family_name}: created ({number})")

    def _create(self, demo: DemoPatient, number: str, unit: Unit, clinician: User) -> None:
        patient = services.patient_create(
            unit=unit,
            national_id=number,
            given_name=demo.given_name,
            family_name=demo.family_name,
            user=clinician,
        )
        episode = services.episode_create(
            patient=patient, user=clinician, responsible_clinician=clinician
        )
        services.intake_save(
            episode=episode, user=clinician, fields=demo.intake, substances=demo.substances
        )
        level_input = episode_level_input(episode)
        proposal = evaluate_level(parse_level_input(level_input))
        if proposal.level is not None:
            services.level_decision_record(
                episode=episode,
                proposal=proposal,
                accepted=True,
                chosen_level=None,
                chosen_acute_referral=None,
                reason="",
                user=clinician,
                level_input=level_input,
            )
        services.episode_start(
            episode=episode, user=clinician, admitted_at=timezone.now() - dt.timedelta(hours=3)
        )
