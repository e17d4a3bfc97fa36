"""Completes the OpenAPI schema with the answers every API view can give besides its own.

drf-spectacular documents what each view declares. Every API operation can also answer:

- 401 without credentials, 403 when the user's role may not do this (every endpoint needs a
  login, ``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]``);
- 404 when a record in the path does not exist or is not in the user's units, or a page number
  is past the end of a list;
- 400 when the request's body or query does not validate, including a body that is not JSON at
  all: always the one body of ``core.exceptions``, the response component ``BadRequest`` with
  the schema ``InputErrors`` (every operation's 400 refers to it).

Path parameters that Django's URL converters restrict (a slug) get the converter's pattern, so
that a request the schema allows always reaches the API view (and not Django's HTML 404 page).

Checked by the fuzzer in ``tests/security/test_api_fuzzing.py``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse

DETAIL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# The one 400 body (core.exceptions): {"errors": [{"field", "message", "code", ...}]}.
INPUT_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One input problem.",
    "properties": {
        "field": {
            "type": "string",
            "description": (
                "The input at fault: dotted for objects, indexed for lists (doses[0].mg); "
                "non_field_errors for the body as a whole."
            ),
        },
        "message": {"type": "string", "description": "In the request's language."},
        "code": {"type": "string", "description": "Machine-readable, e.g. required, invalid."},
        "allowed": {"type": "array", "items": {}, "description": "The values allowed here."},
        "refs": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The guideline recommendations behind a refusal.",
        },
    },
    "required": ["field", "message", "code"],
}
INPUT_ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every problem with the request's input; nothing was stored.",
    "properties": {
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/InputError"}}
    },
    "required": ["errors"],
}
BAD_REQUEST_REF: dict[str, Any] = {"$ref": "#/components/responses/BadRequest"}
# What a view declares for its 400 (``extend_schema(responses={400: BAD_REQUEST})``); the hook
# below puts the one component in its place.
BAD_REQUEST = OpenApiResponse(description="Invalid input; nothing stored.")
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
SLUG_PARAMETERS = frozenset({"code", "slug"})

_DESCRIPTIONS = {
    "400": "Invalid input; nothing stored.",
    "401": "No valid credentials (a token or a logged-in session).",
    "403": "The user's role may not do this.",
    "404": "No such record in the user's units, or no such page.",
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _parameters(operation: dict[str, Any], where: str) -> list[dict[str, Any]]:
    return [p for p in operation.get("parameters", []) if p.get("in") == where]


def _complete(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    path_parameters = _parameters(operation, "path")
    query_parameters = _parameters(operation, "query")
    for parameter in path_parameters:
        schema = parameter.setdefault("schema", {})
        if parameter["name"] in SLUG_PARAMETERS and schema.get("type") == "string":
            schema.setdefault("pattern", SLUG_PATTERN)
    for code in ("401", "403"):
        responses.setdefault(code, _json(DETAIL_SCHEMA, _DESCRIPTIONS[code]))
    if path_parameters or any(p["name"] == "page" for p in query_parameters):
        responses.setdefault("404", _json(DETAIL_SCHEMA, _DESCRIPTIONS["404"]))
    if "requestBody" in operation or query_parameters or "400" in responses:
        responses["400"] = BAD_REQUEST_REF


def complete_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "responses" in operation:
                _complete(operation)
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["InputError"] = INPUT_ERROR_SCHEMA
    schemas["InputErrors"] = INPUT_ERRORS_SCHEMA
    components.setdefault("responses", {})["BadRequest"] = _json(
        {"$ref": "#/components/schemas/InputErrors"}, _DESCRIPTIONS["400"]
    )
    return result
