"""API shapes: scale definitions, stateless scoring, stored scores, doses, corrections.

Input serializers only parse the envelope (types, required keys); what is clinically valid is the
services' and ``clinical.scoring``'s call, and their errors come back naming the field. Output
serializers are plain, read-only views of the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinical.instruments import INSTRUMENTS, Instrument
from guidelines.serializers import CitationSerializer
from scoring.models import Assessment, Drug, ImmutableRecord, MedicationAdministration, Route


@extend_schema_field(OpenApiTypes.INT)
class AnyValueField(serializers.Field[Any, Any, Any, Any]):
    """Passes a JSON value through untouched; ``scoring.score`` judges it and names the item."""

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class ItemsField(serializers.DictField):
    child = AnyValueField()


# --- scale definitions ---------------------------------------------------------------------------


class ScaleOptionSerializer(serializers.Serializer[Any]):
    value = serializers.IntegerField()
    anchor_nb = serializers.CharField(allow_null=True)
    anchor_en = serializers.CharField(allow_null=True)


class ScaleItemSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    key = serializers.CharField()
    label_nb = serializers.CharField()
    label_en = serializers.CharField()
    allowed = serializers.ListField(child=serializers.IntegerField())
    rated = serializers.ChoiceField(choices=["observed", "asked", "observed_and_asked"])
    instructions_nb = serializers.CharField()
    instructions_en = serializers.CharField()
    options = ScaleOptionSerializer(many=True)


class ScaleBandSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label_nb = serializers.CharField()
    label_en = serializers.CharField()
    lower = serializers.IntegerField()
    upper = serializers.IntegerField(allow_null=True)
    sex = serializers.CharField(allow_null=True)
    derived = serializers.BooleanField(help_text="Named by this application; no source labels it.")
    source = serializers.CharField()  # type: ignore[assignment]


class ScaleRemarkSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    text_nb = serializers.CharField()
    text_en = serializers.CharField()
    resolution = serializers.BooleanField()


class ScaleSummarySerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    full_name = serializers.CharField()
    # Plain strings, not enums: "kind" is a field name other apps use with other values.
    kind = serializers.CharField(help_text="withdrawal | screening")
    max_total = serializers.IntegerField()
    requires_sex = serializers.BooleanField()
    url = serializers.CharField()


class ScaleSerializer(ScaleSummarySerializer):
    items = ScaleItemSerializer(many=True)
    bands = ScaleBandSerializer(many=True)
    positive_rule = serializers.DictField(allow_null=True)
    skip_rules = serializers.ListField(child=serializers.DictField())
    remarks = ScaleRemarkSerializer(many=True)
    sources = serializers.ListField(child=serializers.CharField())
    guideline_refs = serializers.ListField(child=serializers.CharField())
    guideline_sections = serializers.ListField(child=serializers.CharField())


def scale_summary(instrument: Instrument, url: str) -> dict[str, Any]:
    return {
        "code": instrument.code,
        "name": instrument.name,
        "full_name": instrument.full_name,
        "kind": instrument.kind,
        "max_total": instrument.max_total,
        "requires_sex": instrument.requires_sex,
        "url": url,
    }


def scale_definition(instrument: Instrument, url: str) -> dict[str, Any]:
    rule = instrument.positive_rule
    return {
        **scale_summary(instrument, url),
        "items": [
            {
                "number": item.number,
                "key": item.key,
                "label_nb": item.label_nb,
                "label_en": item.label_en,
                "allowed": list(item.allowed),
                "rated": item.rated,
                "instructions_nb": item.instructions_nb,
                "instructions_en": item.instructions_en,
                "options": [
                    {"value": o.value, "anchor_nb": o.anchor_nb, "anchor_en": o.anchor_en}
                    for o in item.options
                ],
            }
            for item in instrument.items
        ],
        "bands": [
            {
                "code": b.code,
                "label_nb": b.label_nb,
                "label_en": b.label_en,
                "lower": b.lower,
                "upper": b.upper,
                "sex": b.sex,
                "derived": b.derived,
                "source": b.source,
            }
            for b in instrument.bands
        ],
        "positive_rule": (
            {
                "kind": rule.kind,
                "cutoff": rule.cutoff,
                "cutoff_by_sex": dict(rule.cutoff_by_sex),
                "stage_item": rule.stage_item,
                "description_nb": rule.description_nb,
                "description_en": rule.description_en,
                "source": rule.source,
            }
            if rule
            else None
        ),
        "skip_rules": [
            {
                "when": {key: sorted(values) for key, values in s.when.items()},
                "skip": list(s.skip),
                "description_nb": s.description_nb,
                "description_en": s.description_en,
            }
            for s in instrument.skip_rules
        ],
        "remarks": [
            {
                "code": r.code,
                "text_nb": r.text_nb,
                "text_en": r.text_en,
                "resolution": r.resolution,
            }
            for r in instrument.remarks
        ],
        "sources": list(instrument.sources),
        "guideline_refs": list(instrument.guideline_refs),
        "guideline_sections": list(instrument.guideline_sections),
    }


# --- stateless scoring ---------------------------------------------------------------------------


class ScoreRequestSerializer(serializers.Serializer[Any]):
    items = ItemsField(help_text="Item key → integer value from the item's allowed set.")
    sex = serializers.ChoiceField(
        choices=["male", "female"],
        required=False,
        allow_null=True,
        help_text="Only for instruments with sex-specific cut-offs (AUDIT, DUDIT).",
    )
    local_interval_hours = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="COWS/SOWS: the unit's scoring interval (default 4); the guideline gives none.",
    )
    # CIWA-Ar only: what the dosing advice (8.4.6-3) takes into account when given.
    prior_withdrawal_seizures = serializers.BooleanField(required=False, allow_null=True)
    prior_delirium_tremens = serializers.BooleanField(required=False, allow_null=True)
    breath_alcohol_permille = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    drowsy = serializers.BooleanField(required=False, allow_null=True)


class AdviceCitationSerializer(CitationSerializer):
    pass  # named per API so the OpenAPI components keep their names


class AdviceLineSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    text = serializers.CharField(help_text="In the request's language (bokmål unless English).")
    kind = serializers.CharField(help_text="escalate | warning | dose | info")
    refs = serializers.ListField(child=serializers.CharField())
    sections = serializers.ListField(child=serializers.CharField())
    resolution = serializers.BooleanField(
        help_text="True where the application resolves a gap in the guideline."
    )
    citations = AdviceCitationSerializer(many=True)
    drug = serializers.CharField(allow_null=True, help_text="Drug code (see the dose list).")
    mg = serializers.FloatField(
        allow_null=True, help_text="The single dose in mg, where the guideline states one."
    )


class ScoreBandSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    lower = serializers.IntegerField()
    upper = serializers.IntegerField(allow_null=True)
    derived = serializers.BooleanField()


class ScoreResponseSerializer(serializers.Serializer[Any]):
    instrument = serializers.CharField()
    total = serializers.IntegerField()
    max_total = serializers.IntegerField()
    band = ScoreBandSerializer()
    positive = serializers.BooleanField(allow_null=True, help_text="Screening instruments only.")
    monitoring_interval_hours = serializers.IntegerField(
        allow_null=True, help_text="Withdrawal scales only."
    )
    monitoring_interval_local_choice = serializers.BooleanField()
    treatment_tier = serializers.CharField(allow_null=True, help_text="CIWA-Ar only (8.4.6-3).")
    skipped_items = serializers.ListField(child=serializers.CharField())
    advice = AdviceLineSerializer(many=True)


# --- stored records ------------------------------------------------------------------------------


class _VersionFields:
    """``superseded_by`` and ``is_current`` of a record corrected by new rows (scores, doses)."""

    def get_superseded_by(self, obj: ImmutableRecord) -> int | None:
        newer = obj.newer_version()
        return newer.pk if newer else None

    def get_is_current(self, obj: ImmutableRecord) -> bool:
        return obj.newer_version() is None


class AssessmentSerializer(_VersionFields, serializers.ModelSerializer[Assessment]):
    kind = serializers.CharField(read_only=True, help_text="withdrawal | screening")
    entered_by = serializers.CharField(source="entered_by.get_username", read_only=True)
    band_label = serializers.CharField(read_only=True)
    supersedes = serializers.PrimaryKeyRelatedField[Assessment](read_only=True, allow_null=True)
    superseded_by = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "episode",
            "instrument",
            "kind",
            "items",
            "total",
            "band",
            "band_label",
            "positive",
            "sex",
            "observed_at",
            "breath_alcohol_permille",
            "drowsy",
            "current_delirium",
            "entered_by",
            "entered_at",
            "supersedes",
            "correction_reason",
            "superseded_by",
            "is_current",
        ]
        read_only_fields = fields


class AssessmentCreateSerializer(serializers.Serializer[Any]):
    instrument = serializers.ChoiceField(choices=list(INSTRUMENTS))
    items = ItemsField()
    observed_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Default: now. Never in the future."
    )
    breath_alcohol_permille = serializers.DecimalField(
        max_digits=3, decimal_places=2, required=False, allow_null=True, help_text="CIWA-Ar only."
    )
    drowsy = serializers.BooleanField(required=False, default=False)
    current_delirium = serializers.BooleanField(
        required=False, default=False, help_text="CIWA-Ar only: delirium tremens now (8.4.5-2)."
    )


class AssessmentCorrectionSerializer(serializers.Serializer[Any]):
    items = ItemsField()
    observed_at = serializers.DateTimeField(
        required=False, help_text="Default: the original's observation time."
    )
    reason = serializers.CharField(max_length=1000)
    breath_alcohol_permille = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Default: the original's value.",
    )
    drowsy = serializers.BooleanField(required=False, allow_null=True, default=None)
    current_delirium = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Default: the original's value."
    )


class AdministrationSerializer(
    _VersionFields, serializers.ModelSerializer[MedicationAdministration]
):
    entered_by = serializers.CharField(source="entered_by.get_username", read_only=True)
    superseded_by = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = MedicationAdministration
        fields = [
            "id",
            "episode",
            "drug",
            "drug_other",
            "dose_mg",
            "route",
            "given_at",
            "assessment",
            "entered_in_error",
            "entered_by",
            "entered_at",
            "supersedes",
            "correction_reason",
            "superseded_by",
            "is_current",
        ]
        read_only_fields = fields


class AdministrationCreateSerializer(serializers.Serializer[Any]):
    drug = serializers.ChoiceField(choices=Drug.choices)
    drug_other = serializers.CharField(required=False, allow_blank=True, default="")
    dose_mg = serializers.DecimalField(max_digits=6, decimal_places=2)
    route = serializers.ChoiceField(choices=Route.choices)
    given_at = serializers.DateTimeField(required=False, allow_null=True)
    assessment = serializers.IntegerField(required=False, allow_null=True)


class AdministrationCorrectionSerializer(serializers.Serializer[Any]):
    drug = serializers.ChoiceField(choices=Drug.choices)
    drug_other = serializers.CharField(required=False, allow_blank=True, default="")
    dose_mg = serializers.DecimalField(max_digits=6, decimal_places=2)
    route = serializers.ChoiceField(choices=Route.choices)
    given_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=1000)
    entered_in_error = serializers.BooleanField(required=False, default=False)


# --- stateless bedside advice (issue 11) ---------------------------------------------------------


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses keys it does not know, naming each (a typo must not silently drop a fact)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                allowed = ", ".join(self.fields)
                raise serializers.ValidationError(
                    {
                        key: [
                            gettext("Unknown field. Allowed fields are %(allowed)s.")
                            % {"allowed": allowed}
                        ]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with a UTC offset or Z; a naive time is refused, never read as local time."""

    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "naive": _("Give the time with its time zone, e.g. 2026-03-10T13:00:00+01:00 or …Z."),
    }

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # well formed but impossible (minute 61): DRF's own message
                self.fail("invalid", format="ISO 8601")
            if parsed is not None and (parsed.tzinfo is None or parsed.utcoffset() is None):
                self.fail("naive")
        return super().to_internal_value(value)


class StrictBooleanField(serializers.BooleanField):
    """JSON true, false or null only: "true", "yes", 1 and 0 are not facts a nurse entered."""

    default_error_messages = {
        "invalid": _("Must be true or false (a JSON boolean), or null when not recorded."),
    }

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON whole number only: "12", 12.5 and true are refused, not coerced."""

    default_error_messages = {
        **serializers.IntegerField.default_error_messages,
        "invalid": _("Must be a whole number (a JSON number without decimals)."),
    }

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


def _flag(help_text: str) -> serializers.BooleanField:
    return StrictBooleanField(required=False, allow_null=True, default=None, help_text=help_text)


ADVICE_DRUGS = [code for code in Drug.values if code != Drug.OTHER]


class AdviceHistorySerializer(StrictSerializer):
    prior_seizures = _flag("Earlier alcohol withdrawal seizures (8.4.6-3). null: not recorded.")
    prior_delirium_tremens = _flag("Earlier delirium tremens (8.4.6-3, 8.4.5-1).")
    prior_severe_withdrawal = _flag("Earlier severe withdrawal other than seizures/DT (G 4219).")


class AdviceStateSerializer(StrictSerializer):
    drowsy = _flag("Drowsy or very tired now (G 3771–3773): no sedative dose at all.")
    current_delirium = _flag("Delirium tremens now: the DT protocol of 8.4.5-2.")
    breath_alcohol_permille = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True
    )
    delirium_risk = _flag("The clinician judges a risk of delirium (6.2.2, no zopiclone).")


class AdviceScoreSerializer(StrictSerializer):
    total = StrictIntegerField(min_value=0, max_value=67)
    observed_at = AwareDateTimeField()


class AdviceDoseSerializer(StrictSerializer):
    drug = serializers.ChoiceField(choices=ADVICE_DRUGS)
    mg = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    given_at = AwareDateTimeField()
    route = serializers.ChoiceField(choices=Route.choices)


class _AdviceRequestBase(StrictSerializer):
    items = ItemsField(required=False, help_text="Item values; give these or `total`, not both.")
    observed_at = AwareDateTimeField(
        required=False, help_text="When the score was taken; default now. Never in the future."
    )
    age_years = StrictIntegerField(required=False, allow_null=True, min_value=0, max_value=130)
    head_injury = _flag("Earlier head injury: caution with sedatives (G 3994–3998).")
    benzodiazepine_misuse = _flag("Earlier benzodiazepine use or misuse (G 3994–3998).")
    pregnant = _flag("Pregnant (12-5, 12-7).")
    doses = AdviceDoseSerializer(many=True, required=False, help_text="Doses given this episode.")


class CiwaAdviceRequestSerializer(_AdviceRequestBase):
    total = StrictIntegerField(
        required=False, min_value=0, max_value=67, help_text="0–67; or give `items`."
    )
    history = AdviceHistorySerializer(required=False)
    state = AdviceStateSerializer(required=False)
    thiamine_given = _flag("Thiamine given this episode (also read from `doses`).")
    wernicke_suspected = _flag("Wernicke's encephalopathy suspected (8.4.1-2).")
    liver_failure = _flag("Liver failure: no valproic acid (8.4.3-3).")
    previous_scores = AdviceScoreSerializer(
        many=True, required=False, help_text="Earlier CIWA-Ar totals in this episode."
    )


class OpioidAdviceStateSerializer(StrictSerializer):
    drowsy = _flag("Drowsy or very tired now: no sedating drug (G 3771–3773, local resolution).")


class OpioidAdviceRequestSerializer(_AdviceRequestBase):
    total = StrictIntegerField(required=False, min_value=0, help_text="Or give `items`.")
    state = OpioidAdviceStateSerializer(required=False)
    in_lar = _flag("In opioid maintenance treatment (LAR): LAR medication is not tapered.")


class AdviceResponseLineSerializer(AdviceLineSerializer):
    """An advice line: ``kind`` escalate | warning | dose | info, with ``drug`` and ``mg``."""


class CiwaAdviceResponseSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    tier = serializers.CharField(
        help_text="none | diazepam_qid_if_prior_seizure_or_dt | diazepam_hourly (8.4.6-3)"
    )
    band = serializers.CharField(help_text="mild | moderate | severe")
    protocol = serializers.CharField(help_text="ciwa | delirium_tremens | hold")
    cumulative_diazepam_mg = serializers.FloatField()
    hourly_diazepam_mg = serializers.FloatField(
        help_text="Diazepam given under the hourly regimen; what '50 mg' counts (local resolution)."
    )
    olanzapine_given_mg = serializers.FloatField()
    hourly_escalation = serializers.BooleanField()
    monitoring_interval_hours = serializers.IntegerField()
    next_score_due = serializers.DateTimeField()
    lines = AdviceResponseLineSerializer(many=True)


class OpioidAdviceResponseSerializer(serializers.Serializer[Any]):
    instrument = serializers.CharField()
    total = serializers.IntegerField()
    band = serializers.CharField(allow_null=True)
    protocol = serializers.CharField(help_text="detox | pregnant_stabilise | lar | hold")
    buprenorphine_given_mg = serializers.FloatField()
    clonidine_given_mg = serializers.FloatField()
    lines = AdviceResponseLineSerializer(many=True)
