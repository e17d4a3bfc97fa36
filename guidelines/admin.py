"""The guideline in the Django admin, read-only: edits go through the guideline pages, which keep
the history (``guidelines/services.py``); the shipped data through ``load_guideline``."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from guidelines.models import DetoxUnit, Edition, Recommendation


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ("ref", "grade", "modal", "section", "version", "changed_at", "changed_by")
    list_filter = ("grade", "section__chapter")
    search_fields = ("ref", "search_text")
    list_select_related = ("section", "changed_by")


@admin.register(DetoxUnit)
class DetoxUnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "region", "outpatient_detox", "accepts_pregnant", "emergency_admission")
    list_filter = ("region", "outpatient_detox", "accepts_pregnant", "emergency_admission")
    search_fields = ("name", "address")


@admin.register(Edition)
class EditionAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "status", "date", "loaded_at")
