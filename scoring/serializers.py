"""API shapes: scale definitions, stateless scoring, stored scores, doses, corrections.

Input serializers only parse the envelope (types, required keys); what is clinically valid is the
services' and ``scoring.scoring``'s call, and their errors come back naming the field. Output
serializers are plain, read-only views of the rows.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scoring.instruments import INSTRUMENTS, Instrument
from scoring.models import Assessment, Drug, MedicationAdministration, Route


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


class AdviceCitationSerializer(serializers.Serializer[Any]):
    ref = serializers.CharField()
    grade = serializers.CharField(allow_null=True)
    grade_label = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField()
    exists = serializers.BooleanField()


class AdviceLineSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    text = serializers.CharField(help_text="In the request's language (bokmål unless English).")
    kind = serializers.CharField(help_text="dose | warning | info")
    refs = serializers.ListField(child=serializers.CharField())
    sections = serializers.ListField(child=serializers.CharField())
    resolution = serializers.BooleanField(
        help_text="True where the application resolves a gap in the guideline."
    )
    citations = AdviceCitationSerializer(many=True)


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


class ScoringFieldErrorSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="e.g. items.tremor")
    message = serializers.CharField()
    allowed = serializers.ListField(child=serializers.JSONField(), required=False)


class ScoringErrorsSerializer(serializers.Serializer[Any]):
    errors = ScoringFieldErrorSerializer(many=True)  # type: ignore[assignment]


# --- stored records ------------------------------------------------------------------------------


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
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
            "entered_by",
            "entered_at",
            "supersedes",
            "correction_reason",
            "superseded_by",
            "is_current",
        ]
        read_only_fields = fields

    def _newer(self, obj: Assessment) -> Assessment | None:
        try:
            return obj.superseded_by
        except Assessment.DoesNotExist:
            return None

    def get_superseded_by(self, obj: Assessment) -> int | None:
        newer = self._newer(obj)
        return newer.pk if newer else None

    def get_is_current(self, obj: Assessment) -> bool:
        return self._newer(obj) is None


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


class AdministrationSerializer(serializers.ModelSerializer[MedicationAdministration]):
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

    def _newer(self, obj: MedicationAdministration) -> MedicationAdministration | None:
        try:
            return obj.superseded_by
        except MedicationAdministration.DoesNotExist:
            return None

    def get_superseded_by(self, obj: MedicationAdministration) -> int | None:
        newer = self._newer(obj)
        return newer.pk if newer else None

    def get_is_current(self, obj: MedicationAdministration) -> bool:
        return self._newer(obj) is None


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
