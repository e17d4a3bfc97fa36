import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

LIST = "/api/v1/recommendations/"
UNITS = "/api/v1/detox-units/"
FIELDS = {"ref", "chapter", "section", "section_title", "number", "grade", "modal", "text", "items"}


@pytest.fixture
def api(nurse):
    client = APIClient()
    client.force_authenticate(nurse)
    return client


def refs(response):
    return [row["ref"] for row in response.json()["results"]]


def test_anonymous_calls_get_401(guideline):
    client = APIClient()
    assert client.get(LIST).status_code == 401
    assert client.get(f"{LIST}8.4.3-2/").status_code == 401
    assert client.get(UNITS).status_code == 401


def test_a_user_without_a_role_gets_403(make_user, guideline):
    client = APIClient()
    client.force_authenticate(make_user(None))
    assert client.get(LIST).status_code == 403


def test_token_authentication_works(nurse, guideline):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=nurse).key}")
    assert client.get(LIST).status_code == 200


def test_the_list_is_paginated_in_guideline_order(api, guideline):
    body = api.get(LIST).json()
    assert body["count"] == 115
    assert len(body["results"]) == 50
    assert body["results"][0]["ref"] == "3.2.1-1"
    assert body["next"]
    second = api.get(LIST, {"page": 3}).json()
    assert len(second["results"]) == 15
    assert second["results"][-1]["ref"] == "13.1-10"


def test_each_recommendation_has_the_agreed_fields(api, guideline):
    row = api.get(f"{LIST}8.4.3-2/").json()
    assert set(row) >= FIELDS
    assert row["ref"] == "8.4.3-2"
    assert (row["chapter"], row["section"], row["section_title"]) == (
        "8",
        "8.4.3",
        "Krampeprofylakse",
    )
    assert (row["number"], row["grade"], row["modal"]) == (2, "A", "bør")
    assert row["text"].startswith("Det bør gis valproinsyre")
    assert row["items"] == []
    assert row["edition"] == "IS-2211"
    assert row["url"].endswith("/guidelines/r/8.4.3-2/")


def test_the_ungraded_recommendation_has_grade_null_and_nested_items(api, guideline):
    row = api.get(f"{LIST}8.4.6-3/").json()
    assert row["grade"] is None
    assert len(row["items"]) == 3
    nested = api.get(f"{LIST}4.2-4/").json()["items"][1]
    assert nested["items"][0] == {"text": "Alvorlige intoksikasjoner", "items": []}


def test_unknown_reference_is_404(api, guideline):
    assert api.get(f"{LIST}99.9-9/").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected_count"),
    [
        ({"grade": "A"}, 10),
        ({"grade": "D"}, 6),
        ({"grade": "none"}, 1),
        ({"chapter": "12"}, 7),
        ({"section": "8.4.3"}, 3),
        ({"grade": "A", "chapter": "8"}, None),
    ],
)
def test_filters(api, guideline, params, expected_count):
    body = api.get(LIST, params).json()
    if expected_count is not None:
        assert body["count"] == expected_count
    for row in body["results"]:
        if "grade" in params:
            assert row["grade"] == (None if params["grade"] == "none" else params["grade"])
        if "chapter" in params:
            assert row["chapter"] == params["chapter"]


def test_full_text_search(api, guideline):
    assert "8.4.3-2" in refs(api.get(LIST, {"q": "valproinsyre"}))


@pytest.mark.parametrize(
    ("params", "field"),
    [({"grade": "Z"}, "grade"), ({"chapter": "99"}, "chapter"), ({"section": "42.1"}, "section")],
)
def test_a_bad_filter_is_a_400_naming_the_field_and_allowed_values(api, guideline, params, field):
    response = api.get(LIST, params)
    assert response.status_code == 400
    [message] = [e["message"] for e in response.json()["errors"] if e["field"] == field]
    assert params[field] in message
    if field == "grade":
        assert "A, B, C, D, none" in message


def test_list_queries_do_not_grow_with_rows(api, guideline):
    api.get(LIST)  # the user's permissions are loaded once, then cached
    counts = []
    for params in ({"chapter": "12"}, {"chapter": "8"}, {}):
        with CaptureQueriesContext(connection) as queries:
            api.get(LIST, params)
        counts.append(len(queries))
    # 7 rows and 21 rows: the same; validating the chapter is the one extra query.
    assert counts[0] == counts[1] == counts[2] + 1


def test_detox_units_list_and_capability_filters(api, guideline):
    body = api.get(UNITS).json()
    assert body["count"] == 25
    unit = next(row for row in body["results"] if row["slug"] == "sigma-nord")
    assert unit["region"] == "Helse Nord"
    assert unit["accepts_pregnant"] is True
    assert unit["coercion_10_4"] is True
    pregnant = api.get(UNITS, {"accepts_pregnant": "true"}).json()
    assert 0 < pregnant["count"] < 25
    assert all(row["accepts_pregnant"] is True for row in pregnant["results"])
    both = api.get(UNITS, {"accepts_pregnant": "false", "region": "Helse Nord"}).json()
    assert all(row["region"] == "Helse Nord" for row in both["results"])


def test_detox_units_reject_a_bad_boolean_naming_the_field(api, guideline):
    response = api.get(UNITS, {"outpatient_detox": "maybe"})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "outpatient_detox"
    assert "true, false" in error["message"]


def test_the_schema_documents_the_endpoints_and_their_filters(api, guideline):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert "/api/v1/recommendations/" in paths
    assert "/api/v1/recommendations/{ref}/" in paths
    assert "/api/v1/detox-units/" in paths
    names = {p["name"] for p in paths["/api/v1/recommendations/"]["get"]["parameters"]}
    assert {"grade", "chapter", "section", "q", "page"} <= names
    unit_names = {p["name"] for p in paths["/api/v1/detox-units/"]["get"]["parameters"]}
    assert {"region", "accepts_pregnant", "coercion_10_4"} <= unit_names


def test_unit_list_queries_do_not_grow_with_rows(api, guideline):
    api.get(UNITS)
    counts = []
    for params in ({"region": "Helse Nord"}, {"accepts_alcohol": "true"}):
        with CaptureQueriesContext(connection) as queries:
            api.get(UNITS, params)
        counts.append(len(queries))
    assert counts[0] == counts[1]
