"""Forms for the ward pages: a scale's items, a dose given, a correction, the monitoring scale.

The forms collect and parse input (times in Oslo local time, Norwegian decimal commas); the
services decide what is valid, and their errors are put back on the named fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clinical.instruments import INSTRUMENTS, Instrument
from core.datetime_fields import LocalDateTimeField
from core.widgets import (
    PythonRenderedHiddenInput,
    PythonRenderedSelect,
    PythonRenderedTextInput,
)
from scoring.checks import DOSE_MAX_MG, FieldProblem
from scoring.models import CIWA_AR_CODE, Drug, Route
from scoring.services import BREATH_ALCOHOL_MAX


def _local_datetime_field(label: Any, *, required: bool) -> LocalDateTimeField:
    return LocalDateTimeField(label=label, required=required)


class ServiceErrorsMixin:
    """Put a service's ``InvalidInput`` errors on the form, by field name."""

    #: service field name → form field name
    field_map: Mapping[str, str] = {}

    def add_service_errors(self, errors: list[FieldProblem]) -> None:
        form: Any = self
        for problem in errors:
            name = problem["field"]
            name = self.field_map.get(name, name.removeprefix("items."))
            form.add_error(name if name in form.fields else None, problem["message"])


class AssessmentForm(ServiceErrorsMixin, forms.Form):
    """One field per item of the instrument (named by the item key), plus the time observed.

    CIWA-Ar adds breath alcohol (8.4.6: read the score against a falling alcohol level) and
    delirium tremens now (8.4.5-2); every withdrawal scale asks whether the patient is drowsy
    (8.3.1: no sedatives).
    """

    observed_at = _local_datetime_field(_("Observed at"), required=False)

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            # Not required here: the scoring module names a missing item with its allowed
            # values, and knows which items the AUDIT/FAST administration skip lets go.
            self.fields[item.key] = forms.TypedChoiceField(
                label=item.label_en,
                choices=[(option.value, str(option.value)) for option in item.options],
                coerce=int,
                widget=forms.RadioSelect,
                required=False,
            )
        if instrument.code == CIWA_AR_CODE:
            self.fields["breath_alcohol_permille"] = forms.DecimalField(
                label=_("Breath alcohol (‰)"),
                required=False,
                min_value=0,
                max_value=BREATH_ALCOHOL_MAX,
                decimal_places=2,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
            # 8.4.5-2: delirium tremens now gets the DT protocol, not the CIWA-Ar table.
            self.fields["current_delirium"] = forms.BooleanField(
                label=_("The patient has delirium tremens now"), required=False
            )
        if instrument.kind == "withdrawal":
            # 8.3.1 (G 3771–3773): no sedative for a drowsy or very tired patient, any scale.
            self.fields["drowsy"] = forms.BooleanField(
                label=_("The patient is drowsy or sedated"), required=False
            )

    def item_values(self) -> dict[str, int]:
        return {item.key: self.cleaned_data[item.key] for item in self.instrument.items}


class CorrectionReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


class AssessmentCorrectionForm(AssessmentForm, CorrectionReasonMixin):
    observed_at = _local_datetime_field(_("Observed at"), required=True)


class AdministrationForm(ServiceErrorsMixin, forms.Form):
    # Rendered in Python (core/widgets.py): the form is on every score's result page.
    drug = forms.ChoiceField(label=_("Drug"), choices=Drug.choices, widget=PythonRenderedSelect)
    drug_other = forms.CharField(
        label=_("Other drug: name"),
        required=False,
        max_length=100,
        widget=PythonRenderedTextInput,
    )
    dose_mg = forms.DecimalField(
        label=_("Dose (mg)"),
        min_value=0,
        max_value=DOSE_MAX_MG,
        decimal_places=2,
        localize=True,
        widget=PythonRenderedTextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    route = forms.ChoiceField(
        label=_("Route"), choices=Route.choices, initial=Route.ORAL, widget=PythonRenderedSelect
    )
    given_at = _local_datetime_field(_("Given at"), required=False)
    assessment = forms.IntegerField(required=False, widget=PythonRenderedHiddenInput)
    # One-time key per rendered form: the same form sent twice is "already registered".
    submission_key = forms.CharField(
        required=False, max_length=64, widget=PythonRenderedHiddenInput
    )


def new_submission_key() -> str:
    return uuid.uuid4().hex


class AdministrationCorrectionForm(AdministrationForm, CorrectionReasonMixin):
    given_at = _local_datetime_field(_("Given at"), required=True)
    entered_in_error = forms.BooleanField(
        label=_("This dose was never given (entered in error)"), required=False
    )


class MonitoringForm(ServiceErrorsMixin, forms.Form):
    instrument = forms.ChoiceField(
        label=_("Withdrawal scale"),
        choices=[
            (code, instrument.name)
            for code, instrument in INSTRUMENTS.items()
            if instrument.kind == "withdrawal"
        ],
    )


GIVEN_CHOICES = [("yes", _("Given")), ("no", _("Not given"))]


class PlannedDoseForm(ServiceErrorsMixin, forms.Form):
    """The nurse's answer for one planned dose: given, or not given with the reason."""

    field_map = {"reason": "reason_not_given"}

    slot = forms.CharField(max_length=120, widget=forms.HiddenInput)
    given = forms.ChoiceField(label=_("Given?"), choices=GIVEN_CHOICES, widget=forms.RadioSelect)
    reason_not_given = forms.CharField(label=_("Reason not given"), required=False, max_length=500)
    dose_mg = forms.DecimalField(
        label=_("Dose given (mg)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=DOSE_MAX_MG,
        decimal_places=2,
        help_text=_("Where the plan gives a range or no amount."),
    )


class PlannedDoseCorrectionForm(ServiceErrorsMixin, forms.Form):
    given = forms.ChoiceField(label=_("Given?"), choices=GIVEN_CHOICES, widget=forms.RadioSelect)
    reason_not_given = forms.CharField(label=_("Reason not given"), required=False, max_length=500)
    dose_mg = PlannedDoseForm.base_fields["dose_mg"]
    recorded_at = _local_datetime_field(_("Given or decided at"), required=True)
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea)
