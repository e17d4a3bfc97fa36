"""Forms of the plan pages: a decision on a proposal, the taper, the discharge checklist.

The forms parse what the browser sends; the rules are the engines' and the services'. The taper
form turns its fields into the taper API's request (``TaperForm.request_data``) and puts the
engine's errors back on the fields they name (``TaperForm.add_engine_errors``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinical import discharge, tapers
from core.datetime_fields import LocalDateTimeField
from core.formatting import clock_time
from core.messages import drug_name
from patients.concurrency import version_field
from plans.taper_dates import start_date_error

CURRENT_USE_ROWS: Final = 3
ACCEPT, ADJUST, REMOVE = "accept", "adjust", "remove"
BOOL_CHOICES: Final = [("", _("not recorded")), ("true", _("yes")), ("false", _("no"))]


def _json_number(value: Decimal | int | None) -> int | float | None:
    """A form number as a JSON number: an int when whole (2, not 2.0), else a float."""
    if value is None:
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _nullable_bool(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


class LineDecisionForm(forms.Form):
    """Accept, adjust (with a reason) or remove (with a reason) one proposal."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=64)
    action = forms.ChoiceField(
        choices=[(ACCEPT, _("Accept")), (ADJUST, _("Adjust")), (REMOVE, _("Remove"))]
    )
    dose = forms.CharField(label=_("Dose"), required=False, max_length=200)
    schedule = forms.CharField(label=_("When"), required=False, max_length=200)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _dose_time_choices() -> list[tuple[int, str]]:
    """The doses a day with their times, in the page's language (08.00, 20.00 / 08:00, 20:00):
    a callable, so each page's form shows them in its own language."""
    return [
        (n, ", ".join(clock_time(time) for time in times)) for n, times in tapers.DOSE_TIMES.items()
    ]


class TaperForm(forms.Form):
    """The taper request, as on the taper API (``POST /api/v1/tapers/``)."""

    regimen = forms.ChoiceField(
        label=_("Taper"),
        choices=[("benzodiazepine", _("Benzodiazepines")), ("buprenorphine", _("Opioids"))],
    )
    taper_drug = forms.ChoiceField(
        label=_("Taper drug"),
        choices=[
            ("oxazepam", _("oxazepam (first choice)")),
            ("diazepam", _("diazepam")),
            ("buprenorphine", _("buprenorphine with naloxone")),
        ],
    )
    setting = forms.ChoiceField(
        label=_("Setting"),
        choices=[("outpatient", _("outpatient")), ("inpatient", _("inpatient"))],
    )
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_start_date(self) -> date:
        value: date = self.cleaned_data["start_date"]
        error = start_date_error(value, today=timezone.localdate())
        if error:
            raise forms.ValidationError(error, code="out_of_range")
        return value

    weekly_reduction_percent = forms.DecimalField(
        label=_("Weekly reduction (% of the start dose)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_(
            "4–20 %; the guideline says about 10–20 % of the original dose a week. Below 10 % "
            "is a deliberate slower taper (e.g. in pregnancy) and is shown as such."
        ),
        widget=forms.NumberInput(
            attrs={
                "min": tapers.MIN_WEEKLY_REDUCTION_PERCENT,
                "max": tapers.MAX_WEEKLY_REDUCTION_PERCENT,
                "step": "any",
            }
        ),
    )
    doses_per_day = forms.TypedChoiceField(
        label=_("Doses a day"),
        coerce=int,
        choices=_dose_time_choices,
    )
    start_mg_per_day = forms.DecimalField(
        label=_("Start dose of your own (mg a day)"),
        required=False,
        max_digits=8,
        decimal_places=3,
        help_text=_(
            "Leave empty to start from the converted dose. Buprenorphine: required (2 and 8 mg "
            "tablets)."
        ),
    )
    days = forms.IntegerField(
        label=_("Days of buprenorphine taper"), required=False, min_value=1, max_value=366
    )
    opioid_dependent = forms.ChoiceField(
        label=_("Opioid-dependent"), choices=BOOL_CHOICES, required=False
    )
    stay_days = forms.IntegerField(
        label=_("Planned stay (days, inpatient)"), required=False, min_value=1, max_value=366
    )
    pregnant = forms.ChoiceField(label=_("Pregnant"), choices=BOOL_CHOICES, required=False)
    taper_equivalence = forms.DecimalField(
        label=_("Taper drug: mg equal to 5 mg diazepam"),
        required=False,
        max_digits=8,
        decimal_places=3,
        help_text=_("Only to change the table's value, within its range."),
    )
    reason = forms.CharField(
        label=_("Reason for a start dose or equivalence of your own"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    conversion_confirmed = forms.BooleanField(
        label=_(
            "I have checked the conversion point for alprazolam, clonazepam or flunitrazepam "
            "(the table gives a range)"
        ),
        required=False,
    )
    dispensing_interval_days = forms.IntegerField(
        label=_("Dispensing interval (days of tablets per hand-out)"),
        required=False,
        min_value=1,
        max_value=tapers.MAX_DISPENSING_INTERVAL_DAYS,
        initial=tapers.DEFAULT_DISPENSING_INTERVAL_DAYS,
        help_text=_("Weekly by default (a local choice)."),
    )
    override_reason = forms.CharField(
        label=_("Reason to depart from the recommendation or the dose bound"),
        required=False,
        max_length=tapers.MAX_OVERRIDE_REASON_CHARS,
        help_text=_(
            "Needed for an opioid taper for a pregnant woman (12-7: stabilise on buprenorphine) "
            "and for a start dose above the bound. Kept with the plan and printed in the care "
            "plan."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, intake_use: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.intake_use = intake_use
        drugs = [("", "–")] + [
            (drug, drug_name(drug)) for drug in tapers.default_equipotency().ranges
        ]
        for index in range(CURRENT_USE_ROWS):
            self.fields[f"drug_{index}"] = forms.ChoiceField(
                label=_("Drug the patient uses"), choices=drugs, required=False
            )
            self.fields[f"mg_{index}"] = forms.DecimalField(
                label=_("mg a day"), required=False, max_digits=8, decimal_places=3
            )
            self.fields[f"equivalence_{index}"] = forms.DecimalField(
                label=_("mg equal to 5 mg diazepam"),
                required=False,
                max_digits=8,
                decimal_places=3,
                help_text=_("Only to change the table's value, within its range."),
            )

    def use_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"drug_{i}"], self[f"mg_{i}"], self[f"equivalence_{i}"])
            for i in range(CURRENT_USE_ROWS)
        ]

    def request_data(self) -> dict[str, Any]:
        """The taper API's request for the cleaned fields (JSON-ready)."""
        data = self.cleaned_data
        regimen = data["regimen"]
        request: dict[str, Any] = {
            "regimen": regimen,
            "taper_drug": data["taper_drug"],
            "setting": data["setting"],
            "start_date": data["start_date"].isoformat(),
            "doses_per_day": data["doses_per_day"],
            "start_mg_per_day": _json_number(data.get("start_mg_per_day")),
        }
        if data.get("pregnant"):
            request["pregnant"] = _nullable_bool(data["pregnant"])
        if (data.get("override_reason") or "").strip():
            request["override_reason"] = data["override_reason"].strip()
        if data.get("dispensing_interval_days") is not None:
            request["dispensing_interval_days"] = data["dispensing_interval_days"]
        if regimen == "buprenorphine":
            request["days"] = data.get("days")
            request["opioid_dependent"] = _nullable_bool(data.get("opioid_dependent") or "")
            return request
        uses, equivalence = [], {}
        for index in range(CURRENT_USE_ROWS):
            drug, mg = data.get(f"drug_{index}"), data.get(f"mg_{index}")
            if not drug and mg is None:
                continue
            uses.append({"drug": drug or None, "mg_per_day": _json_number(mg)})
            if drug and data.get(f"equivalence_{index}") is not None:
                equivalence[drug] = _json_number(data[f"equivalence_{index}"])
        if data.get("taper_equivalence") is not None:
            equivalence[data["taper_drug"]] = _json_number(data["taper_equivalence"])
        request["current_use"] = uses
        request["weekly_reduction_percent"] = _json_number(data.get("weekly_reduction_percent"))
        if equivalence:
            request["equivalence"] = equivalence
        if data.get("stay_days") is not None:
            request["stay_days"] = data["stay_days"]
        if data.get("conversion_confirmed"):
            request["conversion_confirmed"] = True
        if self.intake_use is not None:
            request["intake_use"] = self.intake_use
        return request

    def field_for(self, name: str) -> str | None:
        """The form field for an engine field name (``current_use[1].mg_per_day`` → ``mg_1``)."""
        if name.startswith("current_use["):
            row, _sep, rest = name[len("current_use[") :].partition("]")
            suffix = {".drug": "drug", ".mg_per_day": "mg"}.get(rest, "drug")
            return f"{suffix}_{row}"
        if name == "current_use":
            return "drug_0"
        if name.startswith("equivalence."):
            drug = name.split(".", 1)[1]
            if drug == self.cleaned_data.get("taper_drug"):
                return "taper_equivalence"
            for index in range(CURRENT_USE_ROWS):
                if self.cleaned_data.get(f"drug_{index}") == drug:
                    return f"equivalence_{index}"
            return None
        return name if name in self.fields else None

    def add_engine_errors(self, error: ValidationError) -> None:
        """Put the engine's (or the service's) errors on the fields they name."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            field = self.field_for(name)
            if field is None:
                self.add_error(None, [f"{name}: {message}" for message in messages])
            else:
                self.add_error(field, messages)
        # The engine names its API field; on the page the reason goes in this form's field.
        needs_reason = any(
            "override_reason" in message
            for name in ("pregnant", "start_mg_per_day")
            for message in error.message_dict.get(name, [])
        )
        if needs_reason and "override_reason" not in self.errors:
            self.add_error(
                "override_reason", _("Give the reason here to plan the taper all the same.")
            )


class DischargeForm(forms.Form):
    """The checklist: each item done or not with a note; the appointment; unplanned discharge."""

    planned_discharge_at = LocalDateTimeField(
        label=_("Planned discharge"),
        required=False,
        help_text=_("The first appointment is counted from it until the discharge is recorded."),
    )
    appointment_at = LocalDateTimeField(label=_("Time of the first appointment"), required=False)
    appointment_contact = forms.CharField(
        label=_("Named contact the patient will meet"), required=False, max_length=200
    )
    appointment_place = forms.CharField(label=_("Place"), required=False, max_length=200)
    unplanned_discharge = forms.BooleanField(
        label=_("Unplanned discharge or dropout"), required=False
    )
    notes = forms.CharField(
        label=_("Other notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("Reason for a correction"),
        required=False,
        help_text=_("Needed when you undo an item or change an appointment already recorded."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The checklist's version the editor started from (0: none saved yet): lost updates.
    version = version_field(min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in discharge.ITEMS:
            self.fields[f"done_{item.code}"] = forms.BooleanField(
                label=_(item.label), required=False
            )
            self.fields[f"note_{item.code}"] = forms.CharField(
                label=_("Note"), required=False, max_length=1000
            )

    def done(self) -> dict[str, bool]:
        return {code: bool(self.cleaned_data.get(f"done_{code}")) for code in discharge.ITEM_CODES}

    def notes_by_item(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"note_{code}") or "" for code in discharge.ITEM_CODES}

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def discharge_initial(
    items: Mapping[str, tuple[bool, str]], checklist: Any | None
) -> dict[str, Any]:
    """The form's starting values from the stored checklist."""
    initial: dict[str, Any] = {"version": checklist.version if checklist is not None else 0}
    for code, (done, note) in items.items():
        initial[f"done_{code}"] = done
        initial[f"note_{code}"] = note
    if checklist is not None:
        initial.update(
            planned_discharge_at=checklist.planned_discharge_at,
            appointment_at=checklist.appointment_at,
            appointment_contact=checklist.appointment_contact,
            appointment_place=checklist.appointment_place,
            unplanned_discharge=checklist.unplanned_discharge,
            notes=checklist.notes,
        )
    return initial
