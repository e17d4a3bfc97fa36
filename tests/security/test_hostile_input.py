"""Hostile input the red team sent (issue 12): NUL bytes in paths and queries, JSON nested
100,000 levels deep, and patient searches of thousands of words. Each gets a clear 400 or 404,
never a 500, and costs no more than an ordinary request."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core.parsers import MAX_JSON_DEPTH, json_depth
from patients.models import AccessLogEntry
from patients.selectors import PATIENT_QUERY_MAX_LENGTH, PATIENT_QUERY_MAX_TERMS
from tests.factories import make_patient, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(clinician, nurse):
    return make_unit(name="Avrusningsenheten", staff=[clinician, nurse])


@pytest.fixture
def patient(unit, clinician):
    return make_patient(unit=unit, user=clinician, given_name="Kari", family_name="Nordmann")


@pytest.fixture
def api(clinician):
    client = APIClient()
    client.force_authenticate(clinician)
    return client


@pytest.fixture
def browser(client, clinician):
    client.force_login(clinician)
    client.raise_request_exception = False
    return client


# --- Item 7: NUL bytes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/guidelines/r/a%00b/", 404),
        ("/guidelines/r/a%00b/history/", 404),
        ("/api/v1/recommendations/a%00b/", 404),
        ("/api/v1/detox-units/a%00b/", 404),
        ("/guidelines/?q=a%00b", 400),
        ("/guidelines/units/?q=a%00b", 400),
        ("/api/v1/recommendations/?q=a%00b", 400),
        ("/patients/?q=a%00b", 400),
        ("/api/v1/patients/?q=a%00b", 400),
        ("/api/v1/detox-units/?region=a%00b", 400),
    ],
)
def test_a_nul_byte_in_a_path_or_query_is_400_or_404_never_500(browser, patient, path, status):
    """Issue 12, item 7: PostgreSQL refuses NUL in text, which ended in a 500."""
    response = browser.get(path)
    assert response.status_code == status
    if path.startswith("/api/"):
        body = response.json()
        if status == 400:
            parameter = re.search(r"\?(\w+)=", path)
            assert parameter is not None
            assert [e["field"] for e in body["errors"]] == [parameter[1]]  # names it
        else:
            assert "detail" in body


def test_a_nul_byte_in_a_query_names_the_parameter_on_a_page(browser, patient):
    response = browser.get("/patients/?q=Kari%00")
    assert response.status_code == 400
    assert "q" in response.content.decode()
    assert not AccessLogEntry.objects.exists()  # nothing was searched, nobody shown


# --- Item 8: deeply nested JSON ------------------------------------------------------------------


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_the_depth_is_counted_outside_strings():
    assert json_depth('{"a": [1, {"b": "[[[[{{"}], "c": "\\"]"}') == 3
    assert json_depth('"\\\\"[[]]') == 2
    assert json_depth(nested(100_000)) == 100_000
    assert json_depth("42") == 0


@pytest.mark.parametrize(
    "name", ["api-patient-list", "api-episode-list", "api-treatment-level", "api-tapers"]
)
def test_json_nested_100000_levels_is_400(api, unit, name):
    """Issue 12, item 8: Python's parser ran out of recursion and the request was a 500."""
    response = api.post(reverse(name), nested(100_000), content_type="application/json")
    assert response.status_code == 400
    [error] = response.json()["errors"]  # the one 400 body (core.exceptions)
    assert (error["field"], error["code"]) == ("non_field_errors", "parse_error")
    assert str(MAX_JSON_DEPTH) in error["message"]


def test_json_nested_100000_levels_is_never_a_server_error_on_any_api(api, unit):
    """Every operation of the schema that takes a body, with the path's record made up."""
    schema = api.get("/api/schema/", {"format": "json"}).json()
    body = nested(100_000)
    tried = 0
    for template, operations in schema["paths"].items():
        path = re.sub(r"\{code\}", "ciwa-ar", template)
        path = re.sub(r"\{[^}]+\}", "1", path)
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            response = api.generic(method.upper(), path, body, content_type="application/json")
            assert response.status_code in {400, 403, 404, 405}, (method, path)
            tried += 1
    assert tried >= 5


def test_json_nested_within_the_limit_is_parsed_as_before(api, unit):
    """A body nested exactly to the limit reaches the serializer (its own 400 names fields)."""
    response = api.post(
        reverse("api-patient-list"),
        '{"given_name": ' + nested(MAX_JSON_DEPTH - 1) + "}",  # the object is one level
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "detail" not in response.json()


# --- Item 6: search cost -------------------------------------------------------------------------


LONG_QUERY = " ".join(["kari"] * 1900)


def test_a_1900_word_search_is_400_naming_q_and_the_limits_in_the_api(api, patient):
    """Issue 12, item 6: a 1,900-word q took 8 s and stalled other requests."""
    with CaptureQueriesContext(connection) as queries:
        response = api.get(reverse("api-patient-list"), {"q": LONG_QUERY})
    assert response.status_code == 400
    [message] = [e["message"] for e in response.json()["errors"] if e["field"] == "q"]
    assert str(PATIENT_QUERY_MAX_LENGTH) in message
    assert str(PATIENT_QUERY_MAX_TERMS) in message
    assert not any("patients_patient" in q["sql"] for q in queries.captured_queries)


def test_a_1900_word_search_is_400_on_the_page(browser, patient):
    response = browser.get(reverse("patient-list"), {"q": LONG_QUERY})
    assert response.status_code == 400
    text = response.content.decode()
    assert f"{PATIENT_QUERY_MAX_LENGTH}" in text
    assert "Nordmann" not in text
    assert not AccessLogEntry.objects.exists()


def test_too_many_distinct_words_within_the_length_is_400(api, patient):
    words = " ".join(f"w{i}" for i in range(PATIENT_QUERY_MAX_TERMS + 1))
    assert len(words) <= PATIENT_QUERY_MAX_LENGTH
    response = api.get(reverse("api-patient-list"), {"q": words})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["q"]


def test_a_search_at_the_limits_still_works(api, patient):
    query = "Kari " + "nord " * (PATIENT_QUERY_MAX_TERMS - 1)
    query = (query + " " * PATIENT_QUERY_MAX_LENGTH)[:PATIENT_QUERY_MAX_LENGTH]
    response = api.get(reverse("api-patient-list"), {"q": query})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [patient.pk]


def patient_search_sql(api, query: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(reverse("api-patient-list"), {"q": query}).status_code == 200
    return [q["sql"] for q in queries.captured_queries if 'FROM "patients_patient"' in q["sql"]]


def test_repeating_a_word_costs_nothing_more(api, patient):
    """The same SQL whether a word is typed once or many times, in any case."""
    once = patient_search_sql(api, "kari nordmann")
    repeated = patient_search_sql(api, "Kari KARI kari nordmann Nordmann kari")
    assert once == repeated
