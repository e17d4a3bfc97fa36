"""Optimistic concurrency for edits of the patient, the intake and the discharge checklist.

Every edit form carries the ``version`` of the record it was opened on; the service locks the
row (``select_for_update``), refuses the save with ``StaleEditError`` if the stored version is
no longer that one, and otherwise bumps the version in the same transaction. The error carries
what changed since (field, the value the editor started from, the value now saved) and who
saved last and when; ``conflict_messages`` words it with the labels the form shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_Form = TypeVar("_Form", bound=BaseForm)


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between the version the editor started from and the saved one."""

    field: str
    started: Any
    saved: Any


class StaleEditError(ValidationError):
    """Someone saved the record since the editor opened the form: nothing was written."""

    def __init__(
        self,
        *,
        changes: Sequence[FieldChange],
        saved_by: User | None,
        saved_at: datetime | None,
        version: int,
    ) -> None:
        super().__init__(
            {
                "version": gettext(
                    "Someone else saved this record while you were editing it; nothing of yours "
                    "is saved."
                )
            },
            code="stale",
        )
        self.changes = list(changes)
        self.saved_by = saved_by
        self.saved_at = saved_at
        self.version = version

    def as_json(self) -> dict[str, Any]:
        """For an API answer (409)."""
        return {
            "version": self.version,
            "saved_by": self.saved_by.get_username() if self.saved_by else None,
            "saved_at": self.saved_at.isoformat() if self.saved_at else None,
            "changes": [
                {"field": c.field, "started": _json(c.started), "saved": _json(c.saved)}
                for c in self.changes
            ],
        }


def check_version(
    *,
    stored: int | None,
    base: int | None,
    changes: Callable[[], Sequence[FieldChange]],
    saved_by: User | None,
    saved_at: datetime | None,
) -> None:
    """Refuse when the stored version (``None``: no record yet, version 0) is not ``base``.

    ``base`` ``None`` skips the check (scripts and fixtures, which have no concurrent editor).
    """
    if base is None or (stored or 0) == base:
        return
    raise StaleEditError(
        changes=changes(), saved_by=saved_by, saved_at=saved_at, version=stored or 0
    )


def diff(started: Mapping[str, Any], saved: Mapping[str, Any]) -> list[FieldChange]:
    return [
        FieldChange(name, started.get(name), value)
        for name, value in saved.items()
        if started.get(name) != value
    ]


def _json(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def display(value: Any, choices: Mapping[str, str] | None = None) -> str:
    """A stored value as the page would show it."""
    if value is None or value == "" or value == []:
        return gettext("(empty)")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(display(item, choices) for item in value)
    if isinstance(value, str) and "T" in value and (moment := parse_datetime(value)):
        value = moment
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if choices and str(value) in choices:
        return str(choices[str(value)])
    return str(value)


def conflict_messages(
    error: StaleEditError, label: Callable[[str], tuple[str, Mapping[str, str] | None]]
) -> list[str]:
    """The refusal, then one line per changed field: its label as the form shows it, the value
    the editor started from and the value now saved. ``label`` maps a field key to the label
    and the choices (code → text) used to show its values."""
    who = error.saved_by.get_full_name() or error.saved_by.get_username() if error.saved_by else ""
    when = (
        formats.date_format(timezone.localtime(error.saved_at), "SHORT_DATETIME_FORMAT")
        if error.saved_at
        else ""
    )
    lines = [
        gettext(
            "%(who)s saved this record at %(when)s while you were editing it. Nothing of yours "
            "is saved: your input is kept below. Check what changed, then save again to apply "
            "your input on top of it."
        )
        % {"who": who or gettext("Someone"), "when": when or "?"}
    ]
    for change in error.changes:
        text, choices = label(change.field)
        lines.append(
            gettext("%(field)s: you started from “%(started)s”; now saved: “%(saved)s”.")
            % {
                "field": text,
                "started": display(change.started, choices),
                "saved": display(change.saved, choices),
            }
        )
    if not error.changes:
        lines.append(gettext("No field differs from what you started from."))
    return lines


def rebased(data: QueryDict, version: int) -> QueryDict:
    """The editor's input, kept, now based on the version saved meanwhile: saving it again
    applies it on top of that version (which stays in the history)."""
    copy = data.copy()
    copy["version"] = str(version)
    return copy


def stale_form(
    form_class: Callable[[QueryDict], _Form],
    data: QueryDict,
    error: StaleEditError,
    labels: Callable[[_Form], Callable[[str], tuple[str, Mapping[str, str] | None]]] | None = None,
) -> _Form:
    """The refused editor's form again: their input kept (``rebased`` on the version saved
    meanwhile) and, on top, the refusal with what changed field by field (``conflict_messages``;
    ``labels`` names the fields, ``form_labels`` by default)."""
    form = form_class(rebased(data, error.version))
    form.is_valid()
    for line in conflict_messages(error, (labels or form_labels)(form)):
        form.add_error(None, line)
    return form


def form_labels(form: BaseForm) -> Callable[[str], tuple[str, Mapping[str, str] | None]]:
    """A field key → its label as ``form`` shows it, with its choices (code → text) if any."""

    def label(name: str) -> tuple[str, Mapping[str, str] | None]:
        field = form.fields.get(name)
        if field is None:
            return name, None
        choices = getattr(field, "choices", None)
        mapping = {str(code): str(text) for code, text in choices} if choices else None
        return str(field.label or name), mapping

    return label


def version_field(*, min_value: int) -> forms.IntegerField:
    """The hidden field carrying the version the editor started from; a form without it (or with
    a value that is no version) is refused, naming it."""
    message = _(
        "The form does not say which version of the record you started from (field "
        "“version”). Reload the page and enter your changes again."
    )
    return forms.IntegerField(
        label=_("Version"),
        widget=forms.HiddenInput,
        min_value=min_value,
        error_messages={"required": message, "invalid": message, "min_value": message},
    )
