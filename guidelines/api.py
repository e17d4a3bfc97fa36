"""Read-only API over the guideline: recommendations by reference and the detox-unit directory."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.views import APIView

from guidelines.directory import UNIT_FACTS
from guidelines.models import UNGRADED, Chapter, DetoxUnit, Grade, Recommendation, Section
from guidelines.search import MAX_QUERY_LENGTH
from guidelines.selectors import VIEW_PERMISSION, VIEW_UNITS_PERMISSION

ITEMS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "The bullet items in order; each item's sub-items have the same shape.",
    "items": {
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "items": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["text", "items"],
    },
}


class HasModelPermission(permissions.BasePermission):
    """The user must hold the view's ``required_permission`` (all three roles do)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.has_perm(view.required_permission))  # type: ignore[attr-defined]


@extend_schema_field(ITEMS_SCHEMA)
class ItemsField(serializers.JSONField):
    pass


class RecommendationSerializer(serializers.ModelSerializer[Recommendation]):
    chapter = serializers.CharField(source="section.chapter.number", read_only=True)
    chapter_title = serializers.CharField(source="section.chapter.title", read_only=True)
    section = serializers.CharField(source="section.number", read_only=True)
    section_title = serializers.CharField(source="section.title", read_only=True)
    grade = serializers.SerializerMethodField(help_text="A, B, C, D, or null when ungraded.")
    modal = serializers.SerializerMethodField(help_text="skal, bør, kan, må, or null.")
    lead_in = serializers.SerializerMethodField(
        help_text="The sentence the recommendation completes (4.2 items 3-7), or null."
    )
    items = ItemsField(read_only=True)
    edition = serializers.CharField(source="edition.code", read_only=True)
    edited = serializers.BooleanField(source="is_edited", read_only=True)
    url = serializers.SerializerMethodField(help_text="The recommendation's page.")

    class Meta:
        model = Recommendation
        fields = (
            "ref",
            "chapter",
            "chapter_title",
            "section",
            "section_title",
            "block",
            "number",
            "grade",
            "modal",
            "lead_in",
            "text",
            "items",
            "line_start",
            "line_end",
            "edition",
            "edited",
            "version",
            "changed_at",
            "url",
        )
        read_only_fields = fields

    def get_grade(self, obj: Recommendation) -> str | None:
        return obj.grade or None

    def get_modal(self, obj: Recommendation) -> str | None:
        return obj.modal or None

    def get_lead_in(self, obj: Recommendation) -> str | None:
        return obj.lead_in or None

    def get_url(self, obj: Recommendation) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class RecommendationFilterSerializer(serializers.Serializer[Any]):
    grade = serializers.ChoiceField(
        choices=[*Grade.values, UNGRADED],
        required=False,
        help_text="A, B, C, D, or none (ungraded).",
        error_messages={
            "invalid_choice": _('"{input}" is not a grade. Allowed: A, B, C, D, none.')
        },
    )
    chapter = serializers.CharField(
        required=False, max_length=10, help_text="Chapter number, e.g. 8."
    )
    section = serializers.CharField(
        required=False,
        max_length=20,
        help_text="Section number, e.g. 8.4 (includes its subsections) or 8.4.3.",
    )
    q = serializers.CharField(
        required=False, max_length=MAX_QUERY_LENGTH, help_text="Full-text search (Norwegian)."
    )

    def validate_chapter(self, value: str) -> str:
        if not Chapter.objects.filter(number=value).exists():
            allowed = ", ".join(Chapter.objects.values_list("number", flat=True))
            raise serializers.ValidationError(
                _("Unknown chapter %(value)s. Allowed: %(allowed)s.")
                % {"value": value, "allowed": allowed}
            )
        return value

    def validate_section(self, value: str) -> str:
        if not Section.objects.filter(Q(number=value) | Q(number__startswith=f"{value}.")).exists():
            raise serializers.ValidationError(
                _("Unknown section %(value)s. Use a section number such as 8.4.3.")
                % {"value": value}
            )
        return value


@extend_schema_view(
    list=extend_schema(
        summary="Guideline recommendations",
        description="Every numbered recommendation, in the guideline's order; filter by grade, "
        "chapter, section, or full-text search. A bad filter value gets 400 naming the field.",
        parameters=[RecommendationFilterSerializer],
    ),
    retrieve=extend_schema(summary="One recommendation by reference, e.g. 8.4.3-2"),
)
class RecommendationViewSet(viewsets.ReadOnlyModelViewSet[Recommendation]):
    serializer_class = RecommendationSerializer
    permission_classes = [permissions.IsAuthenticated, HasModelPermission]
    required_permission = VIEW_PERMISSION
    lookup_field = "ref"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[Recommendation]:
        queryset = Recommendation.objects.for_listing()
        if self.action != "list":
            return queryset
        filters = RecommendationFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        return queryset.browse(**filters.validated_data)


class DetoxUnitSerializer(serializers.ModelSerializer[DetoxUnit]):
    class Meta:
        model = DetoxUnit
        fields = ("slug", "name", "region", *UNIT_FACTS)
        read_only_fields = fields


_BOOLEAN_ERRORS: dict[str, Any] = {
    "invalid": _('"{input}" is not a yes/no value. Allowed: true, false.')
}


class DetoxUnitFilterSerializer(serializers.Serializer[Any]):
    region = serializers.CharField(required=False, max_length=100, help_text="e.g. Helse Nord.")

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for name in DetoxUnit.CAPABILITIES:
            fields[name] = serializers.BooleanField(
                required=False,
                help_text="true: only units that do; false: only units that do not. Units whose "
                "profile does not say are left out of either.",
                error_messages=_BOOLEAN_ERRORS,
            )
        return fields


@extend_schema_view(
    list=extend_schema(
        summary="Detox units (guideline appendix 14.1, data from 2011–2014)",
        description="The directory of detox units with contact data and capabilities, as "
        "published in the guideline (collected 2011–2012, updated January 2014). A capability "
        "is null where the unit's profile does not say.",
        parameters=[DetoxUnitFilterSerializer],
    ),
    retrieve=extend_schema(summary="One detox unit by slug"),
)
class DetoxUnitViewSet(viewsets.ReadOnlyModelViewSet[DetoxUnit]):
    serializer_class = DetoxUnitSerializer
    permission_classes = [permissions.IsAuthenticated, HasModelPermission]
    required_permission = VIEW_UNITS_PERMISSION
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[DetoxUnit]:
        queryset = DetoxUnit.objects.all()
        if self.action != "list":
            return queryset
        filters = DetoxUnitFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        return queryset.filter(**filters.validated_data)
