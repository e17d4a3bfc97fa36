"""OpenAPI shapes of the treatment-level API (``patients/level_api.py``).

Validation itself is ``clinical.levels.parse_level_input``, the same parser the stored intakes go
through, so the rules for "unknown", ranges and allowed values live in one place; the request
serializer documents that input for the schema and is not used to parse.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinical import levels

_UNKNOWN = "Omitted or null: unknown (never taken as false)."


def _fact(help_text: str) -> serializers.BooleanField:
    return serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=f"{help_text} {_UNKNOWN}"
    )


class SubstanceUseInputSerializer(serializers.Serializer[Any]):
    substance = serializers.ChoiceField(choices=levels.SUBSTANCES)
    dependent = _fact("Dependent on the substance.")
    injecting = _fact("Injects the substance.")
    continuous_use_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=levels.MAX_CONTINUOUS_USE_DAYS
    )


class TreatmentLevelRequestSerializer(serializers.Serializer[Any]):
    """The intake facts the treatment level depends on; unknown keys are rejected."""

    substances = SubstanceUseInputSerializer(many=True, required=False, allow_null=True)
    previous_withdrawal_complications = serializers.ListField(
        child=serializers.ChoiceField(choices=levels.COMPLICATIONS),
        required=False,
        allow_null=True,
        help_text=(
            "Complications at earlier withdrawal; [] when asked and none, null when not asked."
        ),
    )
    somatic_comorbidity = _fact("Concurrent somatic health problems.")
    psychiatric_comorbidity = _fact("Concurrent mental health problems.")
    severe_mental_illness = _fact("Severe mental illness (4.1-1).")
    high_suicide_risk = _fact("High suicide risk (4.1-2).")
    acute_somatic_illness = _fact("Acute somatic illness (4.1-3).")
    unconscious = _fact("Cannot be woken (8.3.2-4).")
    pregnant = _fact("Pregnant (12-3).")
    home_support = _fact("Next of kin can follow the patient closely at home.")
    outpatient_followup_available = _fact("Medical follow-up is available as outpatient.")
    patient_preference = serializers.ChoiceField(
        choices=levels.PREFERENCES, required=False, allow_null=True
    )
    able_to_take_oral = _fact("Can take medicine, fluid and food by mouth (8.3.2-1).")
    dehydration_or_electrolyte_disturbance_suspected = _fact(
        "Severe dehydration or electrolyte disturbance suspected (8.3.2-1)."
    )
    ciwa_ar = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=levels.CIWA_AR_MAX
    )
    audit = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=levels.AUDIT_MAX
    )
    alcohol_units_per_day = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=levels.MAX_ALCOHOL_UNITS_PER_DAY
    )
    repeated_overdoses = _fact("Repeated overdoses (10.4.1).")
    in_custody = _fact("In custody or prison (3.4).")
    in_lar = _fact(
        "In opioid maintenance treatment (LAR). With opioids and another substance listed, the "
        "opioid row is taken as the LAR medication: only the side use is detoxed."
    )
    opioid_stabilised = _fact(
        "Opioid use pharmacologically stabilised before the detox (10.4.1-2); outpatient opioid "
        "detox needs it."
    )
    supervised_daily_dispensing = _fact(
        "Medicines handed out daily under the supervision of health personnel (10.4.1-2); "
        "outpatient opioid detox needs it."
    )
    earlier_failed_outpatient_detox = _fact("An earlier outpatient detox failed (3.2.1-3).")
    current_delirium = _fact("Delirium now (delirium tremens, 8.4.5-2): acute somatic referral.")
    wernicke_suspected = _fact(
        "Wernicke's encephalopathy suspected (8.4.1-2): acute somatic referral."
    )
    acute_criteria = serializers.ListField(
        child=serializers.ChoiceField(choices=levels.ACUTE_CRITERIA),
        required=False,
        allow_null=True,
        help_text=(
            "Criteria for acute intervention in substance use treatment (4.2-4..7); [] when "
            "assessed and none apply, null when not assessed. Any criterion gives the acute "
            "referral addiction_acute."
        ),
    )
    head_injury = _fact("Earlier head injury (caution with sedatives, 8.4.2).")
    age_years = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=levels.AGE_MAX,
        help_text="Age in whole years (65 or over: caution with sedatives; under 18: caution).",
    )


class CitationSerializer(serializers.Serializer[Any]):
    ref = serializers.CharField()
    grade = serializers.CharField(allow_null=True)
    text = serializers.CharField(help_text="The recommendation's current text.")
    url = serializers.CharField(help_text="The recommendation's page; empty for a section.")
    exists = serializers.BooleanField(
        help_text="False for a background section (e.g. 3.2) rather than a recommendation."
    )


class ReasonSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Stable identifier of the rule.")
    ref = serializers.CharField(help_text="The primary reference, e.g. 8.3.3-1.")
    refs = serializers.ListField(child=serializers.CharField())
    grade = serializers.CharField(allow_null=True, help_text="Grade of the primary reference.")
    text = serializers.CharField(help_text="The explanation, in the request's language.")
    recommendation_text = serializers.CharField(help_text="The cited recommendation's text.")
    pushes = serializers.CharField(
        allow_null=True,
        help_text="inpatient, outpatient, psychiatry, somatic, addiction_acute or null.",
    )
    background = serializers.BooleanField(
        help_text="Cites background text, not a numbered recommendation."
    )
    resolution = serializers.BooleanField(
        help_text="The application's resolution where the guideline is silent or ambiguous."
    )
    details = serializers.ListField(
        child=serializers.CharField(), help_text="What the reason lists (substances, facts)."
    )
    citations = CitationSerializer(many=True)


class MissingSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="The input field, e.g. substances[0].injecting.")
    message = serializers.CharField(help_text="The message id (English).")
    text = serializers.CharField(help_text="The message in the request's language.")
    refs = serializers.ListField(child=serializers.CharField())


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(outpatient|inpatient)$",
        "nullable": True,
        "description": "outpatient or inpatient; null when facts that decide it are missing "
        "(see missing).",
    }
)
class LevelField(serializers.CharField):
    """The proposed level, documented by a pattern: an enum here would be a second component
    with the same two values as ``patient_preference`` (drf-spectacular warns, and the deploy
    check fails on warnings)."""


class TreatmentLevelResponseSerializer(serializers.Serializer[Any]):
    level = LevelField(allow_null=True)
    acute_referral = serializers.ChoiceField(
        choices=levels.REFERRALS,
        allow_null=True,
        help_text="somatic before psychiatry before addiction_acute when several apply.",
    )
    reasons = ReasonSerializer(many=True)
    cautions = ReasonSerializer(many=True)
    missing = MissingSerializer(many=True)


class EpisodeTreatmentLevelSerializer(TreatmentLevelResponseSerializer):
    episode = serializers.IntegerField()
    input = serializers.DictField(help_text="The facts taken from the episode's intake.")
