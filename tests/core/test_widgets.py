"""The Python-rendered widgets write exactly what Django's widget templates write (issue 15):
same attributes in the same order, same escaping, for unbound, initial, bound, invalid and
hostile values."""

import re

import pytest
import time_machine
from django import forms
from django.utils import timezone

from core.widgets import PythonRenderedHiddenInput, PythonRenderedSelect, PythonRenderedTextInput

HOSTILE = '"><script>alert(1)</script>&amp;'


def _markup(html: str) -> str:
    # Django's select template puts newlines and indentation between the options.
    return re.sub(r">\s+<", "><", str(html)).strip()


def _forms():
    choices = [("a", "Alfa"), ("b", HOSTILE), ("Group", [("c", "Charlie"), (HOSTILE, "Delta")])]

    class Django(forms.Form):
        drug = forms.ChoiceField(choices=choices)
        route = forms.ChoiceField(choices=choices, required=False, initial="b")
        dose = forms.DecimalField(
            localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal", "x": None})
        )
        key = forms.CharField(required=False, widget=forms.HiddenInput)

    class Ours(forms.Form):
        drug = forms.ChoiceField(choices=choices, widget=PythonRenderedSelect)
        route = forms.ChoiceField(
            choices=choices, required=False, initial="b", widget=PythonRenderedSelect
        )
        dose = forms.DecimalField(
            localize=True,
            widget=PythonRenderedTextInput(attrs={"inputmode": "decimal", "x": None}),
        )
        key = forms.CharField(required=False, widget=PythonRenderedHiddenInput)

    return Django, Ours


@pytest.mark.parametrize(
    "build",
    [
        lambda form: form(),
        lambda form: form(initial={"drug": "c", "dose": "10,5", "key": HOSTILE}),
        lambda form: form(data={"drug": HOSTILE, "route": "", "dose": HOSTILE, "key": "k"}),
        lambda form: form(data={"drug": "a", "route": "b", "dose": "2,5", "key": ""}),
        lambda form: form(data={}),
    ],
    ids=["unbound", "initial", "invalid and hostile", "valid", "empty"],
)
def test_the_same_markup_as_django_s_templates(build):
    django_form, our_form = (build(form) for form in _forms())
    django_form.is_valid()
    our_form.is_valid()
    for name in ("drug", "route", "dose", "key"):
        assert _markup(our_form[name]) == _markup(django_form[name]), name


def test_hostile_values_are_escaped():
    _django, ours = _forms()
    form = ours(data={"drug": "a", "dose": HOSTILE, "key": HOSTILE})
    form.is_valid()
    html = str(form["dose"]) + str(form["key"]) + str(form["drug"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_the_local_date_time_input_writes_what_django_s_date_time_input_writes():
    """Django's markup for the visible input, then the hidden UTC offset of the time it shows
    (core/datetime_fields.py): a moment's own offset, now's when there is none."""
    import datetime as dt

    from core.datetime_fields import DATETIME_LOCAL_FORMAT, LocalDateTimeInput

    class DjangoInput(forms.DateTimeInput):
        input_type = "datetime-local"

    # Oslo, the autumn night: 02:30 twice, at +02:00 and then at +01:00.
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
    hidden = '<input type="hidden" name="observed_at_utc_offset" value="{}">'
    for value, offset in ((first, "+02:00"), (second, "+01:00")):
        ours = LocalDateTimeInput().render("observed_at", value, {"id": "id_observed_at"})
        django = DjangoInput(format=DATETIME_LOCAL_FORMAT).render(
            "observed_at", timezone.localtime(value), {"id": "id_observed_at"}
        )
        assert 'value="2026-10-25T02:30"' in django
        assert ours == django + hidden.format(offset)
    with time_machine.travel(dt.datetime(2026, 12, 5, 11, 30, tzinfo=dt.UTC), tick=False):
        for blank in (None, HOSTILE):
            ours = LocalDateTimeInput().render("observed_at", blank, {"id": "id_observed_at"})
            django = DjangoInput(format=DATETIME_LOCAL_FORMAT).render(
                "observed_at", blank, {"id": "id_observed_at"}
            )
            assert ours == django + hidden.format("+01:00")
