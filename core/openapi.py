"""Completes the OpenAPI schema with the answers every API view can give besides its own.

drf-spectacular documents what each view declares. Every API operation can also answer:

- 401 without credentials, 403 when the user's role may not do this (every endpoint needs a
  login, ``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]``);
- 404 when a record in the path does not exist or is not in the user's units, or a page number
  is past the end of a list;
- 400 when the request's body or query does not validate, including a body that is not JSON at
  all (``{"detail": ...}`` from DRF's parser, beside an operation's own error format).

Path parameters that Django's URL converters restrict (a slug) get the converter's pattern, so
that a request the schema allows always reaches the API view (and not Django's HTML 404 page).

Checked by the fuzzer in ``tests/security/test_api_fuzzing.py``.
"""

from __future__ import annotations

from typing import Any

DETAIL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# DRF's validation errors name each field: {"field": ["message", ...], ...}.
VALIDATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Each field at fault with its messages, or ``detail`` for unreadable input.",
}
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


def _with_detail(response: dict[str, Any]) -> None:
    """An operation's own 400 body, or DRF's ``{"detail": ...}`` for a body it cannot parse."""
    content = response.setdefault("content", {})
    media = content.setdefault("application/json", {})
    documented = media.get("schema")
    if documented is None:
        media["schema"] = VALIDATION_SCHEMA
    elif documented is not VALIDATION_SCHEMA and "anyOf" not in documented:
        media["schema"] = {"anyOf": [documented, DETAIL_SCHEMA]}


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
    if "requestBody" in operation or query_parameters:
        if "400" in responses:
            _with_detail(responses["400"])
        else:
            responses["400"] = _json(VALIDATION_SCHEMA, _DESCRIPTIONS["400"])


def complete_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "responses" in operation:
                _complete(operation)
    return result
