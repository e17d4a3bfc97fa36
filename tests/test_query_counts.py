"""Every list page and API list makes as many queries for many rows as for few.

Each test renders its list with a few rows, adds many more, renders it again and asserts the
same number of queries (so no query is made per row: no N+1). The first request of each test
only warms the caches that belong to the user's session or client (permissions, content types);
the counted requests come after it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from guidelines.models import DetoxUnit, Recommendation
from guidelines.services import recommendation_update
from patients import access_log as patient_access_log
from patients import services as patient_services
from patients.models import AccessAction, Episode, EpisodeStatus, Unit
from plans import services as plan_services
from tests.factories import make_episode, make_patient, make_unit
from tests.scoring.factories import give, make_inpatient, score

pytestmark = pytest.mark.django_db

FEW = 3
MANY = 30
ADMITTED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def queries_of(request: Callable[[], Any]) -> int:
    """The number of queries one request makes; the request must succeed."""
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def assert_constant(
    request: Callable[[], Any], add_rows: Callable[[], object], *, shown: Callable[[], int]
) -> None:
    """``request`` makes the same number of queries before and after ``add_rows``, and shows
    more rows after (``shown`` counts them), so the comparison is between few and many."""
    request()
    few_rows = shown()
    few = queries_of(request)
    add_rows()
    assert shown() > few_rows
    assert queries_of(request) == few


def rows_in(response: Any, pattern: str) -> int:
    """How often the page shows ``pattern`` (a regular expression): one per row."""
    return len(re.findall(pattern, response.content.decode()))


def api_count(response: Any) -> int:
    return len(response.json()["results"])


# --- cast -----------------------------------------------------------------------------------------


@pytest.fixture
def unit(clinician: User, nurse: User) -> Unit:
    return make_unit(name="Avrusning Øst", staff=[clinician, nurse])


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def superuser(django_user_model: Any) -> User:
    user: User = django_user_model.objects.create_superuser(
        username="drift", password="not-used-here-123"
    )
    return user


def add_patients(unit: Unit, user: User, count: int, *, status: str = "planned") -> list[Episode]:
    return [
        make_episode(patient=make_patient(unit=unit, user=user), status=status, user=user)
        for _ in range(count)
    ]


def add_inpatients(unit: Unit, count: int) -> list[Episode]:
    return [make_inpatient(unit=unit, admitted_at=ADMITTED) for _ in range(count)]


def add_scores(episode: Episode, user: User, count: int, *, start: int = 0) -> None:
    for n in range(start, start + count):
        at = ADMITTED + dt.timedelta(hours=n + 1)
        assessment = score(episode, user=user, total=n % 25, observed_at=at)
        if n % 3 == 0:
            give(episode, user=user, given_at=at + dt.timedelta(minutes=5), assessment=assessment)


class NoQueue:
    """Care plans stay pending: these tests count the list's queries, not the PDF's."""

    def delay(self, care_plan_id: int) -> None:
        pass


def add_care_plans(episode: Episode, user: User, count: int) -> None:
    for _ in range(count):
        plan_services.care_plan_request(episode=episode, user=user, task=NoQueue())


# --- patients -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clinician", "nurse"])
def test_patient_list(client, unit, clinician, nurse, role):
    client.force_login(clinician if role == "clinician" else nurse)
    add_patients(unit, clinician, FEW)

    def page():
        return client.get(reverse("patient-list"))

    assert_constant(
        page,
        lambda: add_patients(unit, clinician, MANY),
        shown=lambda: rows_in(page(), r'href="/patients/\d+/"'),
    )


def test_patient_list_search(client, unit, clinician):
    client.force_login(clinician)
    add_patients(unit, clinician, FEW)

    def page():
        return client.get(reverse("patient-list"), {"q": "Nordmann"})

    assert_constant(
        page,
        lambda: add_patients(unit, clinician, MANY),
        shown=lambda: rows_in(page(), "Nordmann"),
    )


@pytest.mark.parametrize("status", ["open", "all", "discharged"])
def test_episode_list(client, unit, clinician, status):
    client.force_login(clinician)
    episode_status = EpisodeStatus.PLANNED if status == "open" else EpisodeStatus.DISCHARGED
    add_patients(unit, clinician, FEW, status=episode_status)

    def page():
        return client.get(reverse("episode-list"), {"status": status})

    assert_constant(
        page,
        lambda: add_patients(unit, clinician, MANY, status=episode_status),
        shown=lambda: rows_in(page(), r'href="/patients/episodes/\d+/"'),
    )


def test_patient_page_lists_episodes_and_contacts(client, unit, clinician):
    client.force_login(clinician)
    patient = make_patient(unit=unit, user=clinician)

    def add(count: int) -> None:
        for n in range(count):
            make_episode(
                patient=patient,
                status=EpisodeStatus.DISCHARGED,
                user=clinician,
                admitted_at=ADMITTED - dt.timedelta(days=10 * (n + 1)),
                discharged_at=ADMITTED - dt.timedelta(days=10 * n + 5),
                responsible_clinician=clinician,
            )
            patient_services.contact_person_add(
                patient=patient, user=clinician, name=f"Kontakt {n}", relation="", phone=""
            )

    add(FEW)

    def page():
        return client.get(reverse("patient-detail", args=[patient.pk]))

    assert_constant(
        page, lambda: add(MANY), shown=lambda: rows_in(page(), r'href="/patients/episodes/\d+/"')
    )


def test_episode_history(client, unit, clinician):
    client.force_login(clinician)
    episode = add_patients(unit, clinician, 1, status=EpisodeStatus.ACTIVE)[0]

    def amend(count: int) -> None:
        for n in range(count):
            patient_services.intake_amend(
                episode=episode,
                user=clinician,
                reason=f"Ny opplysning {n}",
                fields={"notes": f"Merknad {n}"},
                substances=[],
            )

    amend(FEW)

    def page():
        return client.get(reverse("episode-history", args=[episode.pk]))

    assert_constant(page, lambda: amend(MANY), shown=lambda: rows_in(page(), "Ny opplysning"))


def test_access_log(client, unit, clinician, administrator):
    client.force_login(administrator)
    patient = make_patient(unit=unit, user=clinician)

    def record(count: int) -> None:
        for n in range(count):
            patient_access_log.access_log_record(
                user=clinician, patient=patient, action=AccessAction.VIEW, what=f"patient {n}"
            )

    record(FEW)

    def page():
        return client.get(reverse("access-log"))

    assert_constant(page, lambda: record(MANY), shown=lambda: rows_in(page(), "<tr>") - 1)


@pytest.mark.parametrize("url_name", ["api-patient-list", "api-episode-list"])
def test_patient_and_episode_api_lists(api, unit, clinician, url_name):
    api.force_authenticate(clinician)
    add_patients(unit, clinician, FEW)

    def call():
        return api.get(reverse(url_name))

    assert_constant(
        call, lambda: add_patients(unit, clinician, MANY), shown=lambda: api_count(call())
    )


# --- the ward -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["ward-board", "ward-board-rows"])
def test_ward_board(client, unit, nurse, url_name):
    client.force_login(nurse)
    for episode in add_inpatients(unit, FEW):
        add_scores(episode, nurse, 2)

    def page():
        return client.get(reverse(url_name))

    def add() -> None:
        for episode in add_inpatients(unit, MANY):
            add_scores(episode, nurse, 2)

    assert_constant(page, add, shown=lambda: rows_in(page(), 'data-testid="board-row"'))


def test_episode_scores_page(client, unit, nurse):
    client.force_login(nurse)
    episode = add_inpatients(unit, 1)[0]
    add_scores(episode, nurse, FEW)

    def page():
        return client.get(reverse("episode-scores", args=[episode.pk]))

    assert_constant(
        page,
        lambda: add_scores(episode, nurse, MANY, start=FEW),
        shown=lambda: rows_in(page(), "/ward/assessments/"),
    )


@pytest.mark.parametrize("url_name", ["api-episode-assessments", "api-episode-medications"])
def test_episode_score_and_dose_api_lists(api, unit, nurse, url_name):
    api.force_authenticate(nurse)
    episode = add_inpatients(unit, 1)[0]
    add_scores(episode, nurse, FEW)

    def call():
        return api.get(reverse(url_name, kwargs={"episode_id": episode.pk}))

    assert_constant(
        call,
        lambda: add_scores(episode, nurse, MANY, start=FEW),
        shown=lambda: api_count(call()),
    )


def test_scale_list_api_reads_no_database(api, nurse, django_assert_num_queries):
    # The scales are the instruments module's data: the list has nothing to query, however long.
    api.force_authenticate(nurse)
    api.get(reverse("api-scale-list"))
    with django_assert_num_queries(0):
        body = api.get(reverse("api-scale-list")).json()
    assert body["count"] == 8


# --- care plans -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["care-plans", "care-plans-list"])
def test_care_plan_pages(client, unit, clinician, url_name):
    client.force_login(clinician)
    episode = add_patients(unit, clinician, 1, status=EpisodeStatus.ACTIVE)[0]
    add_care_plans(episode, clinician, FEW)

    def page():
        return client.get(reverse(url_name, args=[episode.pk]))

    assert_constant(
        page,
        lambda: add_care_plans(episode, clinician, MANY),
        shown=lambda: rows_in(page(), r'data-testid="care-plan-\d+"'),
    )


def test_care_plan_api_list(api, unit, clinician):
    api.force_authenticate(clinician)
    episode = add_patients(unit, clinician, 1, status=EpisodeStatus.ACTIVE)[0]
    add_care_plans(episode, clinician, FEW)

    def call():
        return api.get(reverse("api-episode-care-plans", args=[episode.pk]))

    assert_constant(
        call, lambda: add_care_plans(episode, clinician, MANY), shown=lambda: api_count(call())
    )


# --- the guideline --------------------------------------------------------------------------------
#
# The guideline's rows are shipped data: a narrow filter shows few, a wide one many.


Params = dict[str, str]


def guideline_queries(request: Callable[[Params], Any], few: Params, many: Params) -> None:
    """The same number of queries for the narrow filter's rows as for the wide one's."""
    request(few)
    counts = [queries_of(partial(request, params)) for params in (few, many)]
    assert counts[0] == counts[1]


def test_guideline_browse_by_chapter(client, nurse):
    client.force_login(nurse)
    url = reverse("guideline-home")
    assert rows_in(client.get(url, {"chapter": "12"}), 'id="rec-') < rows_in(
        client.get(url, {"chapter": "8"}), 'id="rec-'
    )
    guideline_queries(lambda p: client.get(url, p), {"chapter": "12"}, {"chapter": "8"})


def test_guideline_search(client, nurse):
    client.force_login(nurse)
    url = reverse("guideline-home")
    few, many = {"q": "valproinsyre"}, {"q": "alkohol"}
    assert rows_in(client.get(url, few), 'id="rec-') < rows_in(client.get(url, many), 'id="rec-')
    guideline_queries(lambda p: client.get(url, p), few, many)


def test_recommendation_api_list(api, nurse):
    api.force_authenticate(nurse)
    url = reverse("api-recommendation-list")
    few, many = {"chapter": "12"}, {"chapter": "8"}
    assert api.get(url, few).json()["count"] < api.get(url, many).json()["count"]
    guideline_queries(lambda p: api.get(url, p), few, many)


def test_recommendation_api_search(api, nurse):
    api.force_authenticate(nurse)
    url = reverse("api-recommendation-list")
    few, many = {"q": "valproinsyre"}, {"q": "alkohol"}
    assert api.get(url, few).json()["count"] < api.get(url, many).json()["count"]
    guideline_queries(lambda p: api.get(url, p), few, many)


def test_recommendation_history(client, administrator):
    client.force_login(administrator)
    recommendation = Recommendation.objects.get(ref="8.4.3-2")

    def edit(count: int) -> None:
        for n in range(count):
            current = Recommendation.objects.get(pk=recommendation.pk)
            recommendation_update(
                recommendation=current,
                text=f"{current.text.split(' [')[0]} [revisjon {n}]",
                items=current.items,
                grade=current.grade,
                user=administrator,
                reason=f"Revisjon {n}",
                now=timezone.now(),
            )

    edit(FEW)

    def page():
        return client.get(reverse("recommendation-history", args=[recommendation.ref]))

    assert_constant(page, lambda: edit(MANY - 10), shown=lambda: rows_in(page(), "Revisjon "))


def test_detox_unit_directory(client, nurse):
    client.force_login(nurse)
    url = reverse("detox-units")
    few: Params = {"region": "Helse Nord"}
    many: Params = {}
    assert DetoxUnit.objects.filter(region="Helse Nord").count() < DetoxUnit.objects.count()
    guideline_queries(lambda p: client.get(url, p), few, many)


def test_detox_unit_api_list(api, nurse):
    api.force_authenticate(nurse)
    url = reverse("api-detox-unit-list")
    few: Params = {"region": "Helse Nord"}
    many: Params = {}
    assert api.get(url, few).json()["count"] < api.get(url, many).json()["count"]
    guideline_queries(lambda p: api.get(url, p), few, many)


# --- the admin (the operations console) -----------------------------------------------------------


def test_admin_access_log(client, superuser, unit, clinician):
    client.force_login(superuser)
    patient = make_patient(unit=unit, user=clinician)

    def record(count: int) -> None:
        for n in range(count):
            patient_access_log.access_log_record(
                user=clinician, patient=patient, action=AccessAction.VIEW, what=f"patient {n}"
            )

    record(FEW)

    def page():
        return client.get(reverse("admin:patients_accesslogentry_changelist"))

    assert_constant(page, lambda: record(MANY), shown=lambda: rows_in(page(), 'class="field-at'))


def test_admin_units(client, superuser):
    client.force_login(superuser)
    for _ in range(FEW):
        make_unit()

    def page():
        return client.get(reverse("admin:patients_unit_changelist"))

    def add() -> None:
        for _ in range(MANY):
            make_unit()

    assert_constant(page, add, shown=lambda: rows_in(page(), "/change/"))


def test_admin_care_plans(client, superuser, unit, clinician):
    client.force_login(superuser)
    episode = add_patients(unit, clinician, 1, status=EpisodeStatus.ACTIVE)[0]
    add_care_plans(episode, clinician, FEW)

    def page():
        return client.get(reverse("admin:detox_careplan_changelist"))

    assert_constant(
        page,
        lambda: add_care_plans(episode, clinician, MANY),
        # One cell per row: the list links to no page per plan (issue 12, item 5).
        shown=lambda: rows_in(page(), 'class="field-pk"'),
    )


@pytest.mark.parametrize(
    ("url_name", "few", "many"),
    [
        ("admin:guidelines_recommendation_changelist", {"grade__exact": "A"}, {}),
        ("admin:guidelines_detoxunit_changelist", {"region": "Helse Nord"}, {}),
    ],
)
def test_admin_guideline_lists(client, superuser, url_name, few, many):
    client.force_login(superuser)
    url = reverse(url_name)
    guideline_queries(lambda p: client.get(url, p), few, many)
