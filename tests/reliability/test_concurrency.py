"""Requests for the same patient at the same moment, through the pages, on PostgreSQL: nothing a
user saved is lost, a double click stores a score once, and never a server error.

Each request runs in a thread of its own with its own database connection, released together,
as two web workers would serve two tablets. (The services' own races are in
tests/scoring/test_concurrency.py.)
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from patients import services as patient_services
from patients.concurrency import StaleEditError
from patients.models import EpisodeEvent, EpisodeStatus, Intake
from plans import services as detox_services
from plans.models import CarePlan, CarePlanStatus, DischargeChecklist
from plans.tasks import generate_care_plan
from scoring.models import Assessment
from tests.factories import make_episode, make_patient, make_unit
from tests.patients.conftest import ALCOHOL_DT_POST
from tests.plans.test_plan_cast import opioid_patient
from tests.reliability.support import postgres_only, race
from tests.scoring.factories import items_for, make_inpatient

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def same_browser(client, times):
    """``times`` clients sharing ``client``'s session: the requests of one tablet."""
    clients = [Client() for _ in range(times)]
    for other in clients:
        other.cookies.update(client.cookies)
    return clients


def post(client, url, data=None):
    return lambda: client.post(url, data or {}).status_code


@pytest.fixture
def olav(make_user):
    return make_user("clinician", username="olav", first_name="Olav", last_name="Lege")


@pytest.fixture
def nina(make_user):
    return make_user("nurse", username="nina", first_name="Nina", last_name="Sykepleier")


def test_two_clinicians_saving_the_same_intake_draft_at_once_one_wins_the_other_is_refused(
    clinician, olav
):
    """Issue 12, lost updates: both started from the empty intake (version 0); exactly one save
    is stored, the other is refused with what changed and writes nothing."""
    unit = make_unit(staff=[clinician, olav])
    episode = make_episode(
        patient=make_patient(unit=unit, user=clinician), status=EpisodeStatus.PLANNED
    )
    url = reverse("intake-edit", args=[episode.pk])
    lise_saves = {**ALCOHOL_DT_POST, "alcohol_units_per_day": "10", "save": ""}
    olav_saves = {**ALCOHOL_DT_POST, "alcohol_units_per_day": "20", "save": ""}

    statuses = race(
        post(logged_in(clinician), url, lise_saves), post(logged_in(olav), url, olav_saves)
    )

    assert sorted(statuses) == [302, 400]
    winner = "lise" if statuses[0] == 302 else "olav"
    intake = Intake.objects.get(episode=episode)
    assert intake.version == 1
    assert str(intake.alcohol_units_per_day) == ("10.0" if winner == "lise" else "20.0")
    assert [h.history_user.username for h in intake.history.all()] == [winner]
    events = EpisodeEvent.objects.filter(episode=episode, kind="intake_saved")
    assert [event.by.username for event in events] == [winner]


def test_two_saves_of_the_same_intake_version_at_once_store_one(clinician, olav):
    """An existing intake, both editors on version 1, the saves released together: one is stored
    (version 2), the other refused; the substance row of the refused one is not written either."""
    unit = make_unit(staff=[clinician, olav])
    episode = make_episode(
        patient=make_patient(unit=unit, user=clinician), status=EpisodeStatus.PLANNED
    )
    url = reverse("intake-edit", args=[episode.pk])
    assert logged_in(clinician).post(url, {**ALCOHOL_DT_POST, "save": ""}).status_code == 302
    lise_saves = {**ALCOHOL_DT_POST, "alcohol_units_per_day": "10", "version": "1"}
    olav_saves = {**ALCOHOL_DT_POST, "alcohol_units_per_day": "20", "version": "1"}

    statuses = race(
        post(logged_in(clinician), url, lise_saves), post(logged_in(olav), url, olav_saves)
    )

    assert sorted(statuses) == [302, 400]
    intake = Intake.objects.get(episode=episode)
    assert intake.version == 2
    assert intake.history.count() == 2
    expected = "10.0" if statuses[0] == 302 else "20.0"
    assert str(intake.alcohol_units_per_day) == expected


def test_two_nurses_scoring_the_same_patient_at_once_both_keep_their_scores(nurse, nina):
    episode = make_inpatient(unit=make_unit(staff=[nurse, nina]))
    url = reverse("assessment-create", args=[episode.pk, "ciwa-ar"])
    observed = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def score(total):
        return {
            **{k: str(v) for k, v in items_for("ciwa-ar", total).items()},
            "observed_at": observed,
        }

    statuses = race(post(logged_in(nurse), url, score(12)), post(logged_in(nina), url, score(17)))

    assert statuses == [302, 302]
    assert sorted(Assessment.objects.values_list("total", "entered_by__username")) == [
        (12, "siri"),
        (17, "nina"),
    ]


def test_a_double_tap_on_save_at_once_stores_the_score_once(nurse):
    episode = make_inpatient(unit=make_unit(staff=[nurse]))
    url = reverse("assessment-create", args=[episode.pk, "ciwa-ar"])
    data = {k: str(v) for k, v in items_for("ciwa-ar", 12).items()}
    data["observed_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    taps = same_browser(logged_in(nurse), 3)

    locations = race(*[lambda client=client: client.post(url, data)["Location"] for client in taps])

    assert Assessment.objects.count() == 1
    assert len(set(locations)) == 1


class RecordingTask:
    def __init__(self):
        self.sent = []

    def delay(self, care_plan_id):
        self.sent.append(care_plan_id)


def test_a_double_click_on_make_a_care_plan_makes_two_valid_versions(
    shipped_guideline, clinician, care_plan_episode, monkeypatch
):
    # Decided: each request is a version of its own, numbered one after the other under the
    # episode's row lock; nothing is merged, so nothing a clinician asked for is lost.
    task = RecordingTask()
    monkeypatch.setattr("plans.views.generate_care_plan", task)
    url = reverse("care-plans", args=[care_plan_episode.pk])

    statuses = race(*[post(client, url) for client in same_browser(logged_in(clinician), 2)])

    assert statuses == [302, 302]
    care_plans = list(CarePlan.objects.filter(episode=care_plan_episode).order_by("version"))
    assert [care_plan.version for care_plan in care_plans] == [1, 2]
    assert sorted(task.sent) == sorted(care_plan.pk for care_plan in care_plans)
    for care_plan in care_plans:
        generate_care_plan.apply(args=(care_plan.pk,))
        care_plan.refresh_from_db()
        assert care_plan.status == CarePlanStatus.READY
        with care_plan.file.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    assert care_plans[0].file.name != care_plans[1].file.name


def _saved_or_refused(call):
    def run():
        try:
            call()
        except StaleEditError:
            return "refused"
        return "saved"

    return run


def test_two_corrections_of_the_same_patient_version_at_once_store_one(clinician, olav):
    """Issue 12: the patient row is locked; the second correction sees the bumped version."""
    patient = make_patient(unit=make_unit(staff=[clinician, olav]), user=clinician)

    def correct(user, name):
        return _saved_or_refused(
            lambda: patient_services.patient_update(
                patient=patient, user=user, reason="Retting", given_name=name, base_version=1
            )
        )

    outcomes = race(correct(clinician, "Karianne"), correct(olav, "Kaja"))

    assert sorted(outcomes) == ["refused", "saved"]
    patient.refresh_from_db()
    assert patient.version == 2
    assert patient.given_name == ("Karianne" if outcomes[0] == "saved" else "Kaja")
    assert patient.history.count() == 2


def test_two_checklist_saves_of_the_same_version_at_once_store_one(clinician, nina):
    """Issue 12: both start from no checklist (version 0); one creates it, the other is refused."""
    episode = opioid_patient(unit=make_unit(staff=[clinician, nina]), clinician=clinician)

    def save(user, notes):
        return _saved_or_refused(
            lambda: detox_services.discharge_checklist_update(
                episode=episode, user=user, done={}, general_notes=notes, base_version=0
            )
        )

    outcomes = race(save(clinician, "Buss"), save(nina, "Taxi"))

    assert sorted(outcomes) == ["refused", "saved"]
    checklist = DischargeChecklist.objects.get(episode=episode)
    assert checklist.version == 1
    assert checklist.notes == ("Buss" if outcomes[0] == "saved" else "Taxi")
