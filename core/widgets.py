"""Form widgets rendered in Python, with exactly the HTML of Django's own widget templates.

Django renders a widget through its template engine: a ``<select>`` renders one template per
option, and each of those another for the option's attributes. The dose form on the result page
(two selects, fourteen options, four inputs) spent more time there than in the page's own
template (docs/benchmarks.md, issue 15). These widgets take the same context from Django
(``get_context``: names, ids, values, ``aria-invalid``, ``aria-describedby``, ``selected``) and
write the same markup with ``format_html``, which escapes every value; tests/core/test_widgets.py
holds the output equal to Django's templates for unbound, bound, invalid and hostile input.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """django/forms/widgets/attrs.html: in order, False leaves the attribute out, True writes its
    name alone, anything else (None too) ``name="value"``, escaped."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(format_html(" {}", name))
        else:
            parts.append(format_html(' {}="{}"', name, str(value)))
    return mark_safe("".join(parts))  # noqa: S308 - every part is format_html's


class PythonRenderedSelect(forms.Select):
    """``forms.Select`` (no ``multiple``), written without the template engine."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [
            format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    str(option["value"]),
                    _attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part above is format_html's


class PythonRenderedInputMixin:
    """For ``forms.Input`` subclasses: django/forms/widgets/input.html, without the engine."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        if widget["value"] is None:
            return format_html(
                '<input type="{}" name="{}"{}>',
                widget["type"],
                widget["name"],
                _attrs(widget["attrs"]),
            )
        return format_html(
            '<input type="{}" name="{}" value="{}"{}>',
            widget["type"],
            widget["name"],
            str(widget["value"]),
            _attrs(widget["attrs"]),
        )


class PythonRenderedTextInput(PythonRenderedInputMixin, forms.TextInput):
    pass


class PythonRenderedHiddenInput(PythonRenderedInputMixin, forms.HiddenInput):
    pass
