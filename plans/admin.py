"""The admin as an ops console for care-plan jobs: which are stuck or failed, and why.

Read-only: care plans are made by the worker through ``plans.services``; nobody edits them here.
Only superusers see the care-plan list, and it names no patient (issue 12, items 3 and 5).
The plan's clinical content (medication plans, checklists) is not in the admin, as patient
records are not (see ``patients/admin.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from plans.models import CarePlan, CarePlanStatus
from plans.services import CLAIM_TIMEOUT


def stuck_before(now: datetime) -> datetime:
    """A pending care plan requested before this is stuck (no worker finished it in time)."""
    return now - CLAIM_TIMEOUT


class StuckFilter(admin.SimpleListFilter):
    title = _("stuck")
    parameter_name = "stuck"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("pending longer than the claim timeout"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(
                status=CarePlanStatus.PENDING, requested_at__lt=stuck_before(timezone.now())
            )
        return queryset


@admin.register(CarePlan)
class CarePlanAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "episode_id",
        "version",
        "status",
        "error_code",
        "attempts",
        "requested_at",
        "generated_at",
    )
    list_filter = ("status", StuckFilter, "error_code")
    date_hierarchy = "requested_at"
    readonly_fields = [field.name for field in CarePlan._meta.fields]
    # No page per care plan: its title would be the patient's name (the episode's). The list
    # names no patient, so it needs no access-log entry (issue 12, item 5).
    list_display_links = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Superusers only, and only the list: ``is_staff`` and the clinical roles' permission to
        view care plans (on their unit's pages) give no view of every unit's plans here."""
        return request.user.is_superuser and obj is None
