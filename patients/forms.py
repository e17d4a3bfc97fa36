"""Forms for the patient pages: they parse and check input; the services store it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.datetime_fields import LocalDateTimeField
from patients.concurrency import version_field
from patients.models import (
    PREFERENCE_CHOICES,
    AcuteCriterion,
    Intake,
    PregnancyTest,
    Referral,
    Sex,
    SubstanceKind,
    SubstanceUse,
    Unit,
    WithdrawalComplication,
)
from patients.names import validate_person_name

# django-stubs makes these generic; at runtime they are not subscriptable.
if TYPE_CHECKING:
    _IntakeModelForm = forms.ModelForm[Intake]
    _SubstanceModelForm = forms.ModelForm[SubstanceUse]
    _SubstanceBaseFormSet = forms.BaseFormSet["SubstanceRowForm"]
    _UserChoiceField = forms.ModelChoiceField[User]
else:
    _IntakeModelForm = _SubstanceModelForm = forms.ModelForm
    _SubstanceBaseFormSet = forms.BaseFormSet
    _UserChoiceField = forms.ModelChoiceField


class ClinicianChoiceField(_UserChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class TriStateRadio(forms.RadioSelect):
    """Yes / no / unknown as three radio buttons: unknown is a real answer, not "no"."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"class": "tristate", **(attrs or {})},
            choices=(("unknown", _("Unknown")), ("true", _("Yes")), ("false", _("No"))),
        )

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]
        return [{True: "true", False: "false"}.get(value, "unknown")]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool | None:
        return {"true": True, "false": False}.get(data.get(name))


def _tristate(model_field: Any, **kwargs: Any) -> forms.Field:
    return forms.NullBooleanField(
        widget=TriStateRadio, label=capfirst(model_field.verbose_name), required=False, **kwargs
    )


def _name_blank_choice(field: forms.Field) -> None:
    """Show an empty select as "not recorded" instead of Django's dashes."""
    if isinstance(field, forms.ChoiceField) and not isinstance(field.widget, forms.RadioSelect):
        choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
        if choices and choices[0][0] == "":
            field.choices = [("", _("not recorded")), *choices[1:]]


class NoColonMixin:
    """Labels without Django's trailing colon, as on the rest of the site."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _decimal_widget() -> forms.TextInput:
    # A text input, so a Norwegian decimal comma can be typed (type=number would refuse it).
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


def _number_widget() -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "numeric"})


# --- Patients and episodes --------------------------------------------------------------------


class PatientCreateForm(NoColonMixin, forms.Form):
    national_id = forms.CharField(
        label=_("National identity number"),
        max_length=20,
        help_text=_(
            "Fødselsnummer, D-number or H-number: 11 digits. Date of birth and sex are read "
            "from it."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    given_name = forms.CharField(
        label=_("Given name"), max_length=100, validators=[validate_person_name]
    )
    family_name = forms.CharField(
        label=_("Family name"), max_length=100, validators=[validate_person_name]
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_relation = forms.CharField(label=_("Relation"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    # Shown only when the person is registered at another unit: asking for access, with a reason.
    access_reason = forms.CharField(
        label=_("Reason for requesting access"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)  # noqa: S101
        unit_field.queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("contact_relation") or data.get("contact_phone")) and not data.get(
            "contact_name"
        ):
            self.add_error("contact_name", _("Give the contact person's name."))
        return data


class PatientCorrectionForm(NoColonMixin, forms.Form):
    """Correct a patient's details; the original is kept in the history with the reason."""

    national_id = forms.CharField(
        label=_("National identity number"),
        max_length=20,
        help_text=_("Date of birth and sex are read from it again."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    sex = forms.TypedChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        required=False,
        empty_value=None,
        help_text=_("Read from the identity number; change it only if the register is wrong."),
    )
    given_name = forms.CharField(
        label=_("Given name"), max_length=100, validators=[validate_person_name]
    )
    family_name = forms.CharField(
        label=_("Family name"), max_length=100, validators=[validate_person_name]
    )
    reason = forms.CharField(
        label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2})
    )
    # The version the editor started from: a save over a newer one is refused (lost updates).
    version = version_field(min_value=1)


class ContactPersonForm(NoColonMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    relation = forms.CharField(label=_("Relation"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class EpisodeCreateForm(NoColonMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)
    responsible_clinician = ClinicianChoiceField(
        label=_("Responsible clinician"), queryset=User.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, units: QuerySet[Unit], clinicians: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field, clinician_field = self.fields["unit"], self.fields["responsible_clinician"]
        assert isinstance(unit_field, forms.ModelChoiceField)  # noqa: S101
        assert isinstance(clinician_field, forms.ModelChoiceField)  # noqa: S101
        unit_field.queryset = units
        clinician_field.queryset = clinicians


class EpisodeTransitionForm(NoColonMixin, forms.Form):
    """Confirmation of start, discharge or interruption, with the time it happened."""

    at = LocalDateTimeField(label=_("Time"), required=False, help_text=_("Leave empty for now."))
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    override_reason = forms.CharField(
        label=_("Reason for letting the patient leave without these measures"),
        required=False,
        help_text=_(
            "Naloxone and the information on the loss of tolerance are not ticked on the "
            "discharge checklist. The reason is kept in the history and printed in the care plan."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, needs_reason: bool, needs_override_reason: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if needs_reason:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]
        if needs_override_reason:
            self.fields["override_reason"].required = True
        else:
            del self.fields["override_reason"]


# --- Intake -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeSection:
    slug: str
    title: Promise
    refs: tuple[str, ...]
    fields: tuple[str, ...]
    intro: Promise | None = None


INTAKE_SECTIONS: tuple[IntakeSection, ...] = (
    IntakeSection(
        "substances",
        _("Substance history"),
        ("7.2-2",),
        ("alcohol_units_per_day",),
        _("One row per substance. Tick “in use” for each substance the patient uses."),
    ),
    IntakeSection(
        "earlier",
        _("Earlier overdoses and detox episodes"),
        ("7.2-2", "3.2.2-1"),
        (
            "overdose_count",
            "overdose_notes",
            "previous_detox_count",
            "previous_detox_notes",
            "earlier_failed_outpatient_detox",
            "complications",
        ),
    ),
    IntakeSection(
        "somatic",
        _("Somatic health"),
        ("7.2-2", "12-1"),
        (
            "chronic_illness",
            "infections",
            "allergies",
            "regular_medicines",
            "gi_bleeding",
            "liver_failure",
            "somatic_comorbidity",
            "acute_somatic_illness",
            "head_injury",
            "pregnant",
            "last_menstruation",
        ),
    ),
    IntakeSection(
        "mental",
        _("Mental health"),
        ("7.2-2", "4.1-1", "4.1-2"),
        (
            "psychiatric_admissions",
            "suicide_attempts",
            "current_mental_symptoms",
            "psychiatric_comorbidity",
            "severe_mental_illness",
            "high_suicide_risk",
        ),
    ),
    IntakeSection(
        "acute",
        _("Acute assessment"),
        ("8.4.5-2", "8.4.1-2", "4.2-1"),
        ("current_delirium", "wernicke_suspected", "acute_criteria"),
        _(
            "Delirium now or suspected Wernicke's encephalopathy is an acute somatic referral; "
            "any criterion for acute intervention gives an acute admission in substance use "
            "treatment (TSB)."
        ),
    ),
    IntakeSection("sleep", _("Sleep"), ("7.2-2", "6.2.2-1"), ("sleep",)),
    IntakeSection(
        "psychosocial",
        _("Psychosocial situation"),
        ("7.2-2",),
        ("family", "children", "housing", "work", "economy", "violence", "in_lar", "in_custody"),
    ),
    IntakeSection(
        "examination",
        _("Examination"),
        ("7.2-1", "7.2-3"),
        (
            "oriented",
            "unconscious",
            "temperature_celsius",
            "pulse",
            "blood_pressure_systolic",
            "blood_pressure_diastolic",
            "pupils",
            "respiratory_rate",
            "weight_kg",
            "reflexes",
            "mental_signs",
            "somatic_signs",
            "dehydration_or_electrolyte_disturbance_suspected",
            "ciwa_ar",
        ),
    ),
    IntakeSection(
        "laboratory",
        _("Laboratory checklist"),
        ("7.2-4",),
        (
            "breath_alcohol_permille",
            "blood_tests_taken",
            "urine_test_taken",
            "drug_screen_taken",
            "pregnancy_test",
            "ecg_taken",
            "lab_notes",
        ),
    ),
    IntakeSection(
        "preference",
        _("Preference and conditions for outpatient detox"),
        ("3.2.1-2", "8.3.2-1", "10.4.1-2"),
        (
            "patient_preference",
            "home_support",
            "outpatient_followup_available",
            "able_to_take_oral",
            "opioid_stabilised",
            "supervised_daily_dispensing",
        ),
    ),
    IntakeSection("notes", _("Other notes"), (), ("notes",)),
)

COMPLICATIONS_NONE = "none"
ACUTE_CRITERIA_NONE = "none"


class IntakeForm(NoColonMixin, _IntakeModelForm):
    # The intake's version the editor started from (0: none saved yet); not a model field here.
    version = version_field(min_value=0)
    complications = forms.MultipleChoiceField(
        label=_("Complications at earlier withdrawal"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(COMPLICATIONS_NONE, _("none")), *WithdrawalComplication.choices],
        help_text=_(
            "Tick “none” if there were none; leave every box empty if not asked. For the "
            "treatment level, electrolyte disturbance counts with dehydration (8.3.2-1 names "
            "them together)."
        ),
    )
    acute_criteria = forms.MultipleChoiceField(
        label=_("Criteria for acute intervention"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(ACUTE_CRITERIA_NONE, _("none apply")), *AcuteCriterion.choices],
        help_text=_(
            "Guideline 4.2-4 to 4.2-7. Tick “none apply” if assessed and none apply; leave every "
            "box empty if not assessed."
        ),
    )

    class Meta:
        model = Intake
        fields = [
            name
            for section in INTAKE_SECTIONS
            for name in section.fields
            if name != "complications"
        ]
        widgets = {
            "last_menstruation": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "patient_preference": forms.RadioSelect,
            "pregnancy_test": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in list(self.fields.items()):
            if name == "version":
                continue
            model_field = Intake._meta.get_field(name) if name != "complications" else None
            if isinstance(field, forms.NullBooleanField):
                self.fields[name] = _tristate(model_field, help_text=field.help_text)
            elif isinstance(field, forms.DecimalField):
                # Accept the Norwegian decimal comma, and show one.
                field.localize = True
                field.widget = _decimal_widget()
                field.widget.is_localized = True
            elif isinstance(field, forms.IntegerField):
                field.widget = _number_widget()
            elif isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 2
            _name_blank_choice(field)
        preference = self.fields["patient_preference"]
        assert isinstance(preference, forms.ChoiceField)  # noqa: S101
        preference.choices = [("", _("not asked")), *PREFERENCE_CHOICES]
        pregnancy_test = self.fields["pregnancy_test"]
        assert isinstance(pregnancy_test, forms.ChoiceField)  # noqa: S101
        pregnancy_test.choices = PregnancyTest.choices
        if self.instance.pk:
            recorded = self.instance.previous_withdrawal_complications
            self.initial["complications"] = (
                [] if recorded is None else (recorded or [COMPLICATIONS_NONE])
            )
            criteria = self.instance.acute_criteria
            self.initial["acute_criteria"] = (
                [] if criteria is None else (criteria or [ACUTE_CRITERIA_NONE])
            )

    def clean_complications(self) -> list[str] | None:
        ticked: list[str] = self.cleaned_data["complications"]
        if not ticked:
            return None
        if COMPLICATIONS_NONE in ticked:
            if len(ticked) > 1:
                raise forms.ValidationError(
                    _("“None” cannot be ticked together with a complication.")
                )
            return []
        return ticked

    def clean_acute_criteria(self) -> list[str] | None:
        """``None``: not assessed; ``[]``: assessed, none apply; else the criteria."""
        ticked: list[str] = self.cleaned_data["acute_criteria"]
        if not ticked:
            return None
        if ACUTE_CRITERIA_NONE in ticked:
            if len(ticked) > 1:
                raise forms.ValidationError(
                    _("“None apply” cannot be ticked together with a criterion.")
                )
            return []
        return [code for code in AcuteCriterion.values if code in ticked]

    def intake_fields(self) -> dict[str, Any]:
        """The cleaned values by model field name, for ``intake_save``/``intake_amend``."""
        # A field left off the form (pregnancy for a man) keeps the stored value.
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        data["previous_withdrawal_complications"] = self.cleaned_data["complications"]
        return data


class SubstanceRowForm(NoColonMixin, _SubstanceModelForm):
    """One substance group of the substance history; the formset gives each row its substance."""

    in_use = forms.BooleanField(label=_("In use"), required=False)

    class Meta:
        model = SubstanceUse
        fields = [
            "description",
            "dependent",
            "age_at_start",
            "last_month_frequency",
            "last_month_amount",
            "last_week_frequency",
            "last_week_amount",
            "route",
            "injecting",
            "continuous_use_days",
            "last_intake_at",
        ]
        field_classes = {"last_intake_at": LocalDateTimeField}

    def __init__(self, *args: Any, substance: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.substance = substance
        self.substance_label = SubstanceKind(substance).label
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.NullBooleanField):
                self.fields[name] = _tristate(SubstanceUse._meta.get_field(name))
            elif isinstance(field, forms.IntegerField):
                field.widget = _number_widget()
            _name_blank_choice(field)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [name for name in self.Meta.fields if data.get(name) not in (None, "")]
        if filled and not data.get("in_use"):
            self.add_error(
                "in_use",
                _("Tick “in use” to record this substance, or clear its fields."),
            )
        if data.get("route") == "injected" and data.get("injecting") is False:
            self.add_error(
                "injecting", _("The route is injection: answer yes, or change the route.")
            )
        return data

    def substance_fields(self) -> dict[str, Any]:
        return {"substance": self.substance} | {
            name: self.cleaned_data[name] for name in self.Meta.fields
        }


class BaseSubstanceFormSet(_SubstanceBaseFormSet):
    """Exactly one row per substance group, in ``SubstanceKind`` order."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        codes = SubstanceKind.values
        kwargs["substance"] = codes[index if index is not None and index < len(codes) else 0]
        return kwargs

    def in_use(self) -> list[dict[str, Any]]:
        return [form.substance_fields() for form in self.forms if form.cleaned_data.get("in_use")]


SubstanceFormSet = forms.formset_factory(
    SubstanceRowForm,
    formset=BaseSubstanceFormSet,
    extra=0,
    min_num=len(SubstanceKind.values),
    max_num=len(SubstanceKind.values),
    validate_min=True,
    validate_max=True,
)


def substance_initial(rows: Sequence[SubstanceUse]) -> list[dict[str, Any]]:
    """Initial data for the formset: the stored rows, and empty rows for the other substances."""
    stored = {row.substance: row for row in rows}
    initial: list[dict[str, Any]] = []
    for code in SubstanceKind.values:
        row = stored.get(code)
        if row is None:
            initial.append({})
            continue
        initial.append(
            {"in_use": True} | {name: getattr(row, name) for name in SubstanceRowForm.Meta.fields}
        )
    return initial


class AmendmentReasonForm(NoColonMixin, forms.Form):
    change_reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The episode has started: the original is kept, with your reason."),
    )


# --- Treatment-level decision -----------------------------------------------------------------


class LevelDecisionForm(NoColonMixin, forms.Form):
    ACCEPT = "accept"
    OVERRIDE = "override"

    decision = forms.ChoiceField(
        choices=((ACCEPT, _("Accept")), (OVERRIDE, _("Override"))), widget=forms.HiddenInput
    )
    proposal_digest = forms.CharField(widget=forms.HiddenInput)
    chosen_level = forms.ChoiceField(
        label=_("Treatment level"),
        required=False,
        choices=(("outpatient", _("Outpatient detox")), ("inpatient", _("Inpatient detox"))),
        widget=forms.RadioSelect,
    )
    chosen_acute_referral = forms.ChoiceField(
        label=_("Acute referral"),
        required=False,
        choices=(("", _("No acute referral")), *Referral.choices),
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for overriding the proposal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The guideline (2.13) asks for a documented reason whenever you deviate from it."
        ),
    )


# --- Access log -------------------------------------------------------------------------------


class AccessLogFilterForm(NoColonMixin, forms.Form):
    user = forms.CharField(label=_("User name"), required=False)
    national_id = forms.CharField(
        label=_("Patient's national identity number"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
