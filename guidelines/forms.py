"""Forms for browsing, filtering and editing the guideline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clinical.guideline.text import Item, ItemsFormatError, lines_to_items
from guidelines.models import UNGRADED, Chapter, DetoxUnit, Grade, Section
from guidelines.search import MAX_QUERY_LENGTH
from guidelines.services import MAX_REASON_LENGTH


def grade_filter_choices() -> list[tuple[str, Any]]:
    return [("", _("All grades")), *Grade.choices, (UNGRADED, _("No grade"))]


class BrowseForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=MAX_QUERY_LENGTH, required=False)
    grade = forms.ChoiceField(label=_("Grade"), required=False, choices=grade_filter_choices)
    chapter = forms.ChoiceField(label=_("Chapter"), required=False)
    section = forms.CharField(label=_("Section"), max_length=20, required=False)

    def __init__(self, *args: Any, chapters: list[Chapter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chapter_field = self.fields["chapter"]
        assert isinstance(chapter_field, forms.ChoiceField)  # noqa: S101 (narrowing for mypy)
        chapter_field.choices = [
            ("", _("All chapters")),
            *((c.number, f"{c.number} {c.display_title}") for c in chapters),
        ]

    def clean_section(self) -> str:
        number: str = self.cleaned_data["section"].strip()
        if number and not Section.objects.filter(number=number).exists():
            raise forms.ValidationError(
                _("Unknown section %(number)s. Use a section number such as 8.4.3."),
                params={"number": number},
            )
        return number


class RecommendationEditForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The recommendation as it should read."),
    )
    items = forms.CharField(
        label=_("Items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "true"}),
        help_text=_(
            "One bullet item per line. Indent a line by two spaces to make it a sub-item of the "
            "line above it. Empty lines are ignored."
        ),
    )
    grade = forms.ChoiceField(
        label=_("Grade"),
        required=False,
        choices=[("", _("No grade")), *Grade.choices],
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=True,
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the history, with your name and the time."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean_items(self) -> list[Item]:
        try:
            return lines_to_items(self.cleaned_data["items"])
        except ItemsFormatError as error:
            raise forms.ValidationError(
                _("Line %(line)s is indented deeper than the item above it allows."),
                params={"line": error.line},
            ) from None


class RestoreForm(forms.Form):
    history_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason for the change"), required=True, max_length=MAX_REASON_LENGTH
    )


class UnitFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Health region"), required=False)

    def __init__(self, *args: Any, regions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ChoiceField)  # noqa: S101 (narrowing for mypy)
        region_field.choices = [("", _("All regions")), *((r, r) for r in regions)]
        for name, label in DetoxUnit.capability_labels():
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def capability_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in DetoxUnit.CAPABILITIES]
