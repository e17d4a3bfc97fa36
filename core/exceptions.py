"""One way for the API to say "bad input": every 400 has the same body.

``REST_FRAMEWORK["EXCEPTION_HANDLER"]`` is ``exception_handler`` below. It answers a kernel input
error (``clinical.inputs.ClinicalInputError`` and the engines' subclasses), a DRF
``ValidationError`` (a serializer or a view refusing input), a body that is not JSON, and a web
layer's ``InputRejected`` with::

    {"errors": [{"field": "doses[0].mg", "message": "...", "code": "invalid",
                 "allowed": [...], "refs": ["8.4.3-2"]}]}

- ``field`` names the input at fault: dotted for objects, indexed for lists (``doses[0].mg``);
  ``non_field_errors`` for the body as a whole (a list where an object belongs). A problem with
  a nested value as a whole names that value (``history``), not DRF's ``non_field_errors``.
- ``message`` is in the request's language (kernel msgids through ``core.messages``).
- ``code`` is machine-readable (DRF's error codes, the kernel's ``FieldError.code``).
- ``allowed`` (the values a choice takes) and ``refs`` (the guideline recommendations behind a
  refusal) only where there are some.

Every other error (401, 403, 404, 405, 406, 415, 429, ...) keeps DRF's own ``{"detail": ...}``.
Views let these exceptions through; none of them builds a 400 body itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from clinical.inputs import ClinicalInputError, FieldError
from core.messages import render_message

BODY = api_settings.NON_FIELD_ERRORS_KEY  # the field name for the request body as a whole


class InputRejected(ValueError):
    """Input a view or service refuses, with entries already in the reader's language.

    ``errors`` is a list of ``{"field", "message"}`` mappings, with ``code``, ``allowed`` and
    ``refs`` where known: the body's entries as they are to be sent.
    """

    def __init__(self, errors: Sequence[Mapping[str, Any]]) -> None:
        self.errors: list[Any] = list(errors)
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in self.errors))


class SerializerRejected(exceptions.ValidationError):
    """A serializer's ``ValidationError`` that keeps the serializer, for allowed values."""

    def __init__(self, serializer: serializers.BaseSerializer[Any]) -> None:
        super().__init__(serializer.errors)  # type: ignore[arg-type]  # a ReturnDict
        self.serializer = serializer


def validated(serializer: serializers.BaseSerializer[Any]) -> Any:
    """``serializer.validated_data``, or raise ``SerializerRejected`` for the handler to answer."""
    if not serializer.is_valid():
        raise SerializerRejected(serializer)
    return serializer.validated_data


def entry(
    field: str,
    message: str,
    *,
    code: str = "invalid",
    allowed: Iterable[Any] | None = None,
    refs: Iterable[str] = (),
) -> dict[str, Any]:
    """One entry of the 400 body; ``message`` already in the reader's language."""
    body: dict[str, Any] = {"field": field, "message": message, "code": code}
    if allowed is not None:
        body["allowed"] = list(allowed)
    refs = list(refs)
    if refs:
        body["refs"] = refs
    return body


def field_error_entry(error: FieldError) -> dict[str, Any]:
    """A kernel ``FieldError`` rendered in the request's language."""
    return entry(
        error.field,
        render_message(error.message, error.params),
        code=error.code,
        allowed=error.allowed,
        refs=error.refs,
    )


def _allowed_entry(field: str, message: Any, choices: Iterable[Any]) -> dict[str, Any]:
    allowed = [str(choice) for choice in choices]
    text = gettext("%(message)s Allowed values are %(allowed)s.") % {
        "message": message,
        "allowed": ", ".join(allowed),
    }
    return entry(field, text, code=getattr(message, "code", None) or "invalid", allowed=allowed)


def validation_entries(detail: Any, serializer: Any = None) -> list[dict[str, Any]]:
    """DRF's nested errors as a flat list, one entry per message.

    With the serializer, a ChoiceField's entries name its allowed values and list items are
    named by the field's structure; without it, by the errors' shape alone.
    """
    entries: list[dict[str, Any]] = []

    def walk(prefix: str, errors: Any, field: Any) -> None:
        if isinstance(errors, Mapping):
            is_list = isinstance(field, serializers.ListSerializer | serializers.ListField)
            for name, nested in errors.items():
                if name == BODY:
                    # The value as a whole is wrong (a string where an object belongs): name
                    # the field that holds it, not DRF's ``non_field_errors``.
                    walk(prefix, nested, field)
                elif is_list or (field is None and isinstance(name, int)):
                    # An item of a list (ListField errors are keyed by index): doses[0].
                    walk(f"{prefix}[{name}]", nested, getattr(field, "child", None))
                else:
                    child = field.fields.get(name) if hasattr(field, "fields") else None
                    walk(f"{prefix}.{name}" if prefix else str(name), nested, child)
            return
        if isinstance(errors, list) and any(isinstance(e, Mapping) for e in errors):
            # A list of objects (``doses``): one error object per item, empty where it is fine.
            child = getattr(field, "child", None)
            for index, nested in enumerate(errors):
                if nested:
                    walk(f"{prefix}[{index}]", nested, child)
            return
        for message in errors if isinstance(errors, list) else [errors]:
            name = prefix or BODY
            if isinstance(field, serializers.ChoiceField) and not isinstance(
                field, serializers.MultipleChoiceField
            ):
                entries.append(_allowed_entry(name, message, field.choices))
            else:
                code = getattr(message, "code", None) or "invalid"
                entries.append(entry(name, str(message), code=code))

    walk("", detail, serializer)
    return entries


def input_error_entries(exc: BaseException) -> list[dict[str, Any]] | None:
    """The 400 body's entries for an input error, or ``None`` for any other exception."""
    if isinstance(exc, ClinicalInputError):
        return [field_error_entry(error) for error in exc.field_errors]
    if isinstance(exc, InputRejected):
        return [
            entry(
                str(e["field"]),
                str(e["message"]),
                code=e.get("code") or "invalid",
                allowed=e.get("allowed"),
                refs=e.get("refs") or (),
            )
            for e in exc.errors
        ]
    if isinstance(exc, SerializerRejected):
        return validation_entries(exc.detail, exc.serializer)
    if isinstance(exc, exceptions.ValidationError):
        return validation_entries(exc.detail)
    if isinstance(exc, exceptions.ParseError):  # not JSON, or nested too deep (core.parsers)
        return [entry(BODY, str(exc.detail), code=str(exc.get_codes()))]
    return None


def errors_response(entries: list[dict[str, Any]]) -> Response:
    return Response({"errors": entries}, status=status.HTTP_400_BAD_REQUEST)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, with every input error answered by the one 400 body."""
    entries = input_error_entries(exc)
    if entries is None:
        return drf_exception_handler(exc, context)
    if not entries:  # an input error that names nothing: still a 400, with the body at fault
        entries = [entry(BODY, str(exceptions.ValidationError.default_detail))]
    return errors_response(entries)
