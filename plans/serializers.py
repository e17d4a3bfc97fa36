"""OpenAPI shapes of the plan API (``plans/api.py``): tapers and care plans.

The taper request is validated by ``clinical.tapers.parse_taper_request`` (the same parser the
medication-plan page goes through), so its rules live in one place; the request serializer
documents that input for the schema and is not used to parse.
"""

from __future__ import annotations

from typing import Any, Final

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from clinical import tapers
from guidelines.serializers import CitationSerializer
from plans.models import CARE_PLAN_MISSING, CarePlan, CarePlanStatus

# ``drug``, ``setting`` and ``status`` are plain strings here, their values in the help text:
# as enums they would share a name with the other apps' enums of other values in the schema.
_DRUGS = ", ".join(tapers.default_equipotency().ranges)


class TaperCurrentUseSerializer(serializers.Serializer[Any]):
    drug = serializers.CharField(help_text=f"A drug in the equivalence table: {_DRUGS}.")
    mg_per_day = serializers.FloatField(min_value=0, help_text="Greater than 0.")


class TaperRequestSerializer(serializers.Serializer[Any]):
    """A taper request; unknown keys, values out of range and unsafe requests are rejected."""

    regimen = serializers.ChoiceField(choices=list(tapers.REGIMENS))
    current_use = TaperCurrentUseSerializer(
        many=True, required=False, help_text="Benzodiazepine taper: what the patient uses now."
    )
    taper_drug = serializers.ChoiceField(
        choices=list(tapers.TAPER_DRUGS),
        required=False,
        allow_null=True,
        help_text="Default: oxazepam (benzodiazepine, 9.4-1) or buprenorphine (10.5-1).",
    )
    setting = serializers.CharField(help_text="outpatient or inpatient.")
    start_date = serializers.DateField(
        help_text="YYYY-MM-DD, from a year ago to a year ahead of today (Oslo date)."
    )
    weekly_reduction_percent = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=tapers.MIN_WEEKLY_REDUCTION_PERCENT,
        max_value=tapers.MAX_WEEKLY_REDUCTION_PERCENT,
        help_text=(
            "Benzodiazepine taper: 4-20 % of the start dose a week (default 10). The guideline "
            "says about 10-20 %; below 10 % is a deliberate slower taper and is noted as such."
        ),
    )
    doses_per_day = serializers.IntegerField(min_value=1, max_value=4)
    start_mg_per_day = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="A dispensable start dose; required for buprenorphine (2 and 8 mg tablets).",
    )
    days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=tapers.MIN_BUPRENORPHINE_DAYS,
        max_value=tapers.MAX_BUPRENORPHINE_DAYS,
        help_text="Buprenorphine taper: dosing days.",
    )
    opioid_dependent = serializers.BooleanField(
        required=False, allow_null=True, help_text="Buprenorphine taper: must be true."
    )
    equivalence = serializers.DictField(
        child=serializers.FloatField(),
        required=False,
        allow_null=True,
        help_text="mg equal to 5 mg diazepam, per drug, within the table's range.",
    )
    stay_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=tapers.MAX_STAY_DAYS
    )
    pregnant = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Buprenorphine taper with pregnant true: 400 (12-7) unless override_reason.",
    )
    override_reason = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=tapers.MAX_OVERRIDE_REASON_CHARS,
        help_text=(
            "Why the plan departs from a recommendation or a local bound: a pregnant woman's "
            "opioid taper (12-7), a benzodiazepine start dose above 1.5 x the dose converted at "
            "the range's upper end, buprenorphine above 24 mg a day. Kept with the plan."
        ),
    )
    dispensing_interval_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=tapers.MAX_DISPENSING_INTERVAL_DAYS,
        help_text="Days of tablets per prescription or pharmacy hand-out (default 7).",
    )
    conversion_confirmed = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="The clinician confirms the default conversion point of alprazolam, "
        "clonazepam or flunitrazepam.",
    )
    intake_use = TaperCurrentUseSerializer(
        many=True,
        required=False,
        help_text="Benzodiazepine taper: what the intake records; a warning when it differs.",
    )


class TaperTabletSerializer(serializers.Serializer[Any]):
    strength_mg = serializers.FloatField()
    count = serializers.IntegerField()


class TaperDoseSerializer(serializers.Serializer[Any]):
    time = serializers.CharField(help_text="Local wall-clock time, HH:MM.")
    mg = serializers.FloatField()
    tablets = TaperTabletSerializer(many=True)


class TaperDaySerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    total_mg = serializers.FloatField()
    doses = TaperDoseSerializer(many=True)


# "source" and "errors" are attributes of DRF's serializers, so these two are built inline.
ConversionSerializer = inline_serializer(
    "TaperConversion",
    fields={
        "drug": serializers.CharField(),
        "mg_per_day": serializers.FloatField(),
        "equivalent_range_mg": serializers.ListField(child=serializers.FloatField()),
        "equivalent_used_mg": serializers.FloatField(),
        "diazepam_equivalent_mg_per_day": serializers.FloatField(),
        "taper_drug_mg_per_day": serializers.FloatField(),
        "is_range": serializers.BooleanField(),
        "source": serializers.ChoiceField(
            choices=["table", "default", "clinician"],
            help_text="table: one value; default: the range's end giving the lower dose (a "
            "local resolution); clinician: chosen within the range.",
        ),
    },
    many=True,
)


# "from" is a Python keyword, so this one is built inline too.
TaperDispensingSerializer = inline_serializer(
    "TaperDispensing",
    fields={
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "days": serializers.IntegerField(),
        "tablets": TaperTabletSerializer(many=True),
    },
    many=True,
    help_text="Tablets of each strength per dispensing interval.",
)


class TaperWarningSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField(help_text="The message id (English).")
    text = serializers.CharField(help_text="The message in the request's language.")
    params = serializers.DictField()
    refs = serializers.ListField(child=serializers.CharField())
    resolution = serializers.BooleanField(help_text="A local resolution of a gap in the source.")


class TaperCitationSerializer(CitationSerializer):
    pass  # named per API so the OpenAPI components keep their names


class TaperResponseSerializer(serializers.Serializer[Any]):
    regimen = serializers.CharField()
    setting = serializers.CharField()
    taper_drug = serializers.CharField()
    start_mg_per_day = serializers.FloatField()
    converted_mg_per_day = serializers.FloatField(allow_null=True)
    weekly_reduction_percent = serializers.FloatField(allow_null=True)
    conversion = ConversionSerializer
    days = TaperDaySerializer(
        many=True, help_text="Every day; the last (0 mg) is the first day without."
    )
    duration_days = serializers.IntegerField(help_text="Dosing days.")
    stop_date = serializers.DateField()
    refs = serializers.ListField(child=serializers.CharField())
    warnings = TaperWarningSerializer(many=True)
    citations = TaperCitationSerializer(
        many=True, help_text="Every ref cited, with grade and text."
    )
    tablets_total = TaperTabletSerializer(
        many=True, help_text="Tablets of each strength for the whole taper."
    )
    dispensing_interval_days = serializers.IntegerField()
    dispensing = TaperDispensingSerializer
    override_reason = serializers.CharField(allow_null=True)
    conversion_needs_confirmation = serializers.BooleanField(
        help_text="A high-potency drug was converted at the default point: confirm it."
    )


class CarePlanCreatedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.CharField(
        help_text=(
            "pending, ready or failed: pending while a worker makes it (ready at once on the "
            "embedded default, where tasks run in-process; failed at once if the job queue "
            "cannot be reached)."
        )
    )
    status_url = serializers.CharField()


# The stored statuses and ``missing`` (shown when a ready care plan's file is not in the store).
CARE_PLAN_STATUSES: Final = (
    *CarePlanStatus.choices,
    (CARE_PLAN_MISSING, _("PDF file missing")),
)


def missing_message(care_plan: CarePlan) -> str:
    return gettext(
        "The PDF file of care plan version %(version)s is missing from the file store. "
        "Make a new version of the care plan."
    ) % {"version": care_plan.version}


class CarePlanSerializer(serializers.ModelSerializer[CarePlan]):
    status = serializers.ChoiceField(
        choices=CARE_PLAN_STATUSES,
        source="shown_status",
        read_only=True,
        help_text="`missing`: it was made, but its PDF is no longer in the file store.",
    )
    error = serializers.SerializerMethodField(
        help_text="Why it failed or why its file cannot be had (readable), else null."
    )
    requested_by = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField(help_text="Set once the care plan is ready.")

    class Meta:
        model = CarePlan
        fields = [
            "id",
            "episode",
            "version",
            "status",
            "error",
            "error_code",
            "requested_by",
            "requested_at",
            "generated_at",
            "guideline_edition",
            "status_url",
            "pdf_url",
        ]

    def get_error(self, care_plan: CarePlan) -> str | None:
        if care_plan.file_missing:
            return missing_message(care_plan)
        if care_plan.status != CarePlanStatus.FAILED:
            return None
        return str(care_plan.get_error_code_display())

    def get_requested_by(self, care_plan: CarePlan) -> str:
        user = care_plan.requested_by
        return user.get_full_name() or user.get_username()

    def get_status_url(self, care_plan: CarePlan) -> str:
        return self._url("api-care-plan-detail", care_plan)

    def get_pdf_url(self, care_plan: CarePlan) -> str | None:
        if care_plan.status != CarePlanStatus.READY or care_plan.file_missing:
            return None
        return self._url("api-care-plan-pdf", care_plan)

    def _url(self, name: str, care_plan: CarePlan) -> str:
        path = reverse(name, kwargs={"pk": care_plan.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
