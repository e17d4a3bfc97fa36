"""What every app's form views share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's errors on the form: a field's error on the field, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
