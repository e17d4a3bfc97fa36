"""With the broker down (REDIS_URL set, Redis stopped) everything but the making of care-plan
PDFs works; a care plan asked for waits, pending, to be made when the broker is back. Never a
server error, and no request waits on the broker for long."""

import socket
import threading
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import EpisodeStatus, Intake
from plans.models import CarePlan, CarePlanError, CarePlanStatus
from scoring.models import Assessment
from tests.factories import make_episode, make_patient, make_unit
from tests.patients.conftest import ALCOHOL_DT_POST
from tests.reliability.support import celery_pointed_at
from tests.scoring.factories import items_for, make_inpatient

# No request may wait on a broker that is down for longer than this (seconds).
BOUND = 5.0

pytestmark = pytest.mark.usefixtures("broker_down")


class Timer:
    def __enter__(self):
        self.start = time.monotonic()
        return self

    def __exit__(self, *exc_info):
        self.seconds = time.monotonic() - self.start


@pytest.fixture
def ward(clinician, nurse):
    return make_unit(name="Avrusning Nord", staff=[clinician, nurse])


def test_a_nurse_saves_a_score(client, nurse, ward, django_capture_on_commit_callbacks):
    episode = make_inpatient(unit=ward)
    data = {key: str(value) for key, value in items_for("ciwa-ar", 12).items()}
    data["observed_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    client.force_login(nurse)
    with Timer() as timer, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment-create", args=[episode.pk, "ciwa-ar"]), data)
    assert response.status_code == 302
    assert Assessment.objects.get(episode=episode).total == 12
    assert timer.seconds < BOUND


def test_a_clinician_saves_the_intake(client, clinician, ward, django_capture_on_commit_callbacks):
    patient = make_patient(unit=ward, user=clinician)
    episode = make_episode(patient=patient, status=EpisodeStatus.PLANNED, user=clinician)
    client.force_login(clinician)
    with Timer() as timer, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("intake-edit", args=[episode.pk]), {**ALCOHOL_DT_POST, "save": ""}
        )
    assert response.status_code == 302
    assert Intake.objects.get(episode=episode).previous_withdrawal_complications == [
        "delirium_tremens"
    ]
    assert timer.seconds < BOUND


def test_the_ward_board_opens(client, nurse, ward):
    make_inpatient(unit=ward, given_name="Kari", family_name="Hansen")
    client.force_login(nurse)
    with Timer() as timer:
        response = client.get(reverse("ward-board"))
    assert response.status_code == 200
    assert "Kari Hansen" in response.content.decode()
    assert timer.seconds < BOUND


def test_the_guideline_opens(client, nurse):
    client.force_login(nurse)
    with Timer() as timer:
        home = client.get(reverse("guideline-home"))
        recommendation = client.get(reverse("recommendation-detail", args=["8.4.3-2"]))
    assert (home.status_code, recommendation.status_code) == (200, 200)
    assert timer.seconds < BOUND


def test_logging_in_checking_a_role_and_logging_out_need_no_cache(client, nurse, ward):
    from django.contrib.auth.models import Group

    from accounts.roles import NURSE
    from tests.conftest import TEST_PASSWORD

    with Timer() as timer:
        login = client.post(reverse("login"), {"username": "siri", "password": TEST_PASSWORD})
        board = client.get(reverse("ward-board"))
        nurse.groups.remove(Group.objects.get(name=NURSE))  # nothing cached to go stale
        refused = client.get(reverse("ward-board"))
        client.post(reverse("logout"))
        after = client.get(reverse("ward-board"))
    assert (login.status_code, board.status_code, refused.status_code) == (302, 200, 403)
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))
    assert timer.seconds < BOUND


def test_the_health_check_answers_200_and_says_the_broker_is_unreachable(client, db):
    with Timer() as timer:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "unreachable"}
    assert timer.seconds < BOUND


def test_asking_for_a_care_plan_on_its_page_says_it_waits_for_the_queue(
    transactional_db, client, clinician, care_plan_episode
):
    # Committed for real, as in production: the task is sent when the service's transaction
    # commits, before the page writes its message.
    client.force_login(clinician)
    url = reverse("care-plans", args=[care_plan_episode.pk])
    with Timer() as timer:
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == url
    assert timer.seconds < BOUND
    page = client.get(url).content.decode()
    assert "Behandlingsplan versjon 1 venter: jobbkøen kan ikke nås akkurat nå." in page
    assert "lages av seg selv når køen er tilbake" in page
    assert 'data-testid="care-plan-waiting"' in page


def test_a_care_plan_asked_for_while_the_queue_is_down_stays_pending_and_marked(
    client, clinician, care_plan_episode, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("care-plans", args=[care_plan_episode.pk]))
    care_plan = CarePlan.objects.get(episode=care_plan_episode)
    assert care_plan.status == CarePlanStatus.PENDING
    assert care_plan.error_code == CarePlanError.QUEUE_UNREACHABLE
    assert "Connection refused" in care_plan.error_detail
    assert care_plan.claimed_by == ""


def test_asking_for_a_care_plan_over_the_api_answers_202_pending(
    client, clinician, care_plan_episode, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    with Timer() as timer, django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/episodes/{care_plan_episode.pk}/care-plans/")
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert timer.seconds < BOUND
    status = client.get(response.json()["status_url"]).json()
    assert (status["status"], status["error_code"]) == ("pending", "queue_unreachable")


@pytest.fixture
def silent_broker(broker_down):
    """A broker that accepts connections and never answers: a Redis that hangs, or a firewall
    that drops its replies. The request can only give up on its socket timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    with celery_pointed_at(f"redis://127.0.0.1:{server.getsockname()[1]}/0"):
        yield
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.usefixtures("silent_broker")
def test_a_broker_that_never_answers_holds_a_request_no_longer_than_its_socket_timeout(
    client, clinician, care_plan_episode, settings, django_capture_on_commit_callbacks
):
    socket_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"]
    client.force_login(clinician)
    with Timer() as timer, django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/episodes/{care_plan_episode.pk}/care-plans/")
    assert response.status_code == 202
    assert CarePlan.objects.get().error_code == CarePlanError.QUEUE_UNREACHABLE
    assert timer.seconds < socket_timeout + 2
