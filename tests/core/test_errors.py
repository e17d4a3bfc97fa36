"""One way to say "bad input" (issue 13): every API 400 is ``{"errors": [...]}`` (core.exceptions).

The handler turns the kernel's input errors, DRF's validation errors and unparseable bodies into
the same body, with messages in the request's language; other errors keep DRF's ``detail``.
Every POST of ``/api/v1/`` is sent odd JSON bodies: none may end in a 500.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import translation
from rest_framework import exceptions, serializers
from rest_framework.test import APIClient

from clinical.inputs import ClinicalInputError, FieldError
from clinical.levels import LevelInputError
from clinical.regimens.common import RegimenInputError
from clinical.scoring import ScoringError
from clinical.tapers import TaperInputError
from core.exceptions import (
    InputRejected,
    SerializerRejected,
    exception_handler,
    validated,
    validation_entries,
)
from core.messages import render_message
from tests.security.conftest import CLINICIAN_A, Cast, cast  # noqa: F401  (the fixture)

ODD_BODIES: list[Any] = [{"errors": 1}, [], [1, 2], "x", None, 0, 3.5, True, {"": None}]


def assert_unified(body: Any) -> None:
    """The one 400 body: only ``errors``, each entry with field, message and code as strings."""
    assert isinstance(body, dict)
    assert list(body) == ["errors"]
    assert body["errors"]
    for item in body["errors"]:
        assert (
            {"field", "message", "code"}
            <= set(item)
            <= {
                "field",
                "message",
                "code",
                "allowed",
                "refs",
            }
        )
        assert all(isinstance(item[key], str) for key in ("field", "message", "code"))
        assert isinstance(item.get("allowed", []), list)
        assert isinstance(item.get("refs", []), list)


# --- the handler ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error_class",
    [ClinicalInputError, LevelInputError, TaperInputError, RegimenInputError, ScoringError],
)
def test_every_kernel_input_error_is_the_one_400(error_class: type[ClinicalInputError]) -> None:
    error = error_class(
        [
            FieldError(
                "current_use[0].drug",
                "Unknown field. Allowed: %(allowed)s.",
                params={"allowed": "a, b"},
                allowed=("a", "b"),
                refs=("7.3-1",),
            ),
            FieldError("regimen", "This field is required.", code="required"),
        ]
    )
    response = exception_handler(error, {})
    assert response is not None
    assert response.status_code == 400
    assert_unified(response.data)
    first, second = response.data["errors"]
    assert first["field"] == "current_use[0].drug"
    assert first["allowed"] == ["a", "b"]
    assert first["refs"] == ["7.3-1"]
    assert (second["field"], second["code"]) == ("regimen", "required")
    assert "refs" not in second
    assert "allowed" not in second


@pytest.mark.parametrize("language", ["nb", "en"])
def test_kernel_messages_are_rendered_in_the_request_language(language: str) -> None:
    msgid, params = "Unknown field. Allowed: %(allowed)s.", {"allowed": "regimen"}
    with translation.override(language):
        response = exception_handler(ClinicalInputError([FieldError("x", msgid, params)]), {})
        expected = render_message(msgid, params)
    assert response is not None
    assert response.data["errors"][0]["message"] == expected
    if language == "en":
        assert expected == "Unknown field. Allowed: regimen."


def test_an_input_error_naming_nothing_is_still_a_400_about_the_body() -> None:
    response = exception_handler(ClinicalInputError([]), {})
    assert response is not None
    assert response.status_code == 400
    assert_unified(response.data)
    assert response.data["errors"][0]["field"] == "non_field_errors"


def test_already_rendered_problems_keep_their_allowed_values() -> None:
    rejected = InputRejected([{"field": "items.tremor", "message": "Nope.", "allowed": [0, 1]}])
    response = exception_handler(rejected, {})
    assert response is not None
    assert response.data == {
        "errors": [
            {"field": "items.tremor", "message": "Nope.", "code": "invalid", "allowed": [0, 1]}
        ]
    }


class _Dose(serializers.Serializer[Any]):
    drug = serializers.ChoiceField(choices=["diazepam", "oxazepam"])
    mg = serializers.DecimalField(max_digits=6, decimal_places=2)


class _History(serializers.Serializer[Any]):
    prior_seizures = serializers.BooleanField()


class _Envelope(serializers.Serializer[Any]):
    doses = _Dose(many=True)
    history = _History()
    tags = serializers.ListField(child=serializers.ChoiceField(choices=["a", "b"]))
    total = serializers.IntegerField()


def test_nested_serializer_errors_are_flattened_with_names_and_allowed_values() -> None:
    serializer = _Envelope(
        data={
            "doses": [{"drug": "diazepam", "mg": 5}, {"drug": "vodka", "mg": "x"}],
            "history": "yes",
            "tags": ["a", "z"],
        }
    )
    with pytest.raises(SerializerRejected) as caught:
        validated(serializer)
    with translation.override("en"):
        response = exception_handler(caught.value, {})
    assert response is not None
    assert response.status_code == 400
    assert_unified(response.data)
    by_field = {e["field"]: e for e in response.data["errors"]}
    assert set(by_field) == {"doses[1].drug", "doses[1].mg", "history", "tags[1]", "total"}
    assert by_field["doses[1].drug"]["allowed"] == ["diazepam", "oxazepam"]
    assert by_field["doses[1].drug"]["code"] == "invalid_choice"
    assert "diazepam, oxazepam" in by_field["doses[1].drug"]["message"]
    assert by_field["tags[1]"]["allowed"] == ["a", "b"]
    assert by_field["total"]["code"] == "required"
    assert "allowed" not in by_field["history"]  # the value as a whole, named by its field


def test_a_plain_validation_error_is_flattened_by_its_shape() -> None:
    detail: Any = {
        "doses": [{}, {"mg": ["Bad."]}],
        "tags": {1: ["Bad."]},
        "non_field_errors": ["X."],
    }
    assert [e["field"] for e in validation_entries(exceptions.ValidationError(detail).detail)] == [
        "doses[1].mg",
        "tags[1]",
        "non_field_errors",
    ]
    response = exception_handler(exceptions.ValidationError("Just wrong."), {})
    assert response is not None
    assert response.data["errors"][0]["field"] == "non_field_errors"


def test_a_body_that_is_not_json_is_the_one_400() -> None:
    response = exception_handler(exceptions.ParseError("JSON parse error"), {})
    assert response is not None
    assert response.status_code == 400
    assert response.data["errors"][0]["code"] == "parse_error"


@pytest.mark.parametrize(
    "error",
    [
        exceptions.NotAuthenticated(),
        exceptions.PermissionDenied(),
        exceptions.NotFound(),
        exceptions.MethodNotAllowed("PUT"),
        exceptions.UnsupportedMediaType("text/plain"),
        exceptions.Throttled(3),
    ],
)
def test_other_errors_keep_drfs_detail(error: exceptions.APIException) -> None:
    response = exception_handler(error, {"view": None, "request": None})
    assert response is not None
    assert response.status_code == error.status_code
    assert "detail" in response.data
    assert "errors" not in response.data


def test_anything_else_is_left_to_django() -> None:
    assert exception_handler(ValueError("a bug"), {"view": None, "request": None}) is None


# --- over HTTP -----------------------------------------------------------------------------------


@pytest.fixture
def api(cast: Cast, db: None) -> APIClient:  # noqa: F811  (the fixture imported above)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {cast.tokens[CLINICIAN_A]}")
    return client


def test_a_taper_with_an_unknown_key_named_errors_is_a_400_not_a_500(api: APIClient) -> None:
    """The old copy keyed each field beside ``errors`` and broke on a field named ``errors``."""
    response = api.post("/api/v1/tapers/", {"errors": 1}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert_unified(body)
    fields = [e["field"] for e in body["errors"]]
    assert fields[0] == "errors"
    assert "regimen" in fields


def _schema(api: APIClient) -> dict[str, Any]:
    schema: dict[str, Any] = api.get("/api/schema/", {"format": "json"}).json()
    return schema


def _post_paths(api: APIClient, cast: Cast) -> list[str]:  # noqa: F811
    """Every POST of /api/v1/ in the schema, with the cast's records in the path."""
    records: dict[str, dict[str, Any]] = {
        "/api/v1/patients/": {"pk": cast.patient.pk, "id": cast.patient.pk},
        "/api/v1/care-plans/": {"pk": cast.care_plan.pk, "id": cast.care_plan.pk},
    }
    paths = []
    for path, item in _schema(api)["paths"].items():
        if not path.startswith("/api/v1/") or "post" not in item:
            continue
        values: dict[str, Any] | None = next(
            (v for p, v in records.items() if path.startswith(p)), None
        ) or {
            "pk": cast.episode.pk,
            "id": cast.episode.pk,
            "episode_id": cast.episode.pk,
            "assessment_id": cast.assessment.pk,
            "administration_id": cast.administration.pk,
            "code": "ciwa-ar" if "scales" in path else "cows",
        }
        paths.append(path.format(**values))
    return paths


def test_every_post_endpoint_answers_odd_json_bodies_without_a_server_error(
    api: APIClient,
    cast: Cast,  # noqa: F811
) -> None:
    paths = _post_paths(api, cast)
    assert len(paths) >= 10  # the schema lists them all (tapers, scores, advice, records...)
    seen_400 = set()
    for path in paths:
        for body in ODD_BODIES:
            response = api.post(path, json.dumps(body), content_type="application/json")
            assert response.status_code < 500, (path, body, response.content[:300])
            if response.status_code == 400:
                seen_400.add(path)
                assert_unified(response.json())
            else:
                assert response.status_code in {200, 201, 202, 403, 404}, (path, body)
    # Every endpoint that reads a body refused at least one of them with the one body.
    assert "/api/v1/tapers/" in seen_400
    assert "/api/v1/treatment-level/" in seen_400
    assert len(seen_400) >= len(paths) - 1  # only the care-plan request reads no body


def test_a_body_that_is_not_json_is_the_one_400_at_every_post_endpoint(
    api: APIClient,
    cast: Cast,  # noqa: F811
) -> None:
    for path in _post_paths(api, cast):
        response = api.post(path, "{not json", content_type="application/json")
        if response.status_code == 400:
            assert_unified(response.json())
            assert response.json()["errors"][0]["code"] == "parse_error"


def test_the_schema_has_one_400_response_used_by_every_operation(api: APIClient) -> None:
    schema = _schema(api)
    component = schema["components"]["responses"]["BadRequest"]
    body = component["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/InputErrors"}
    assert schema["components"]["schemas"]["InputError"]["required"] == ["field", "message", "code"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            bad = operation["responses"].get("400")
            if "requestBody" in operation:
                assert bad is not None, (method, path)
            if bad is not None:
                assert bad == {"$ref": "#/components/responses/BadRequest"}, (method, path)
