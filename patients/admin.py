"""The admin as an ops console: units and their staff, and the access log (read-only for all).

Patient records are not in the admin: administrators do not read them, and every change to them
goes through the services, which write the audit trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.user_admin import UnitStaffGuard
from core.admin import ReadOnlyAdmin
from patients.models import AccessLogEntry, Unit

if TYPE_CHECKING:
    _UnitAdmin = admin.ModelAdmin[Unit]
else:
    _UnitAdmin = admin.ModelAdmin


@admin.register(Unit)
class UnitAdmin(UnitStaffGuard, _UnitAdmin):  # staff: not oneself, and logged (issue 12)
    """Units, their staff and their local resolutions (administrators: ``change_unit``)."""

    list_display = ("name", "code", "opioid_scale_interval_hours", "followup_within_days")
    search_fields = ("name", "code")
    filter_horizontal = ("staff",)
    fieldsets = (
        (None, {"fields": ("name", "code", "staff")}),
        (
            _("Local resolutions"),
            {
                "description": _(
                    "The guideline and the overdose strategy give no number here: each unit "
                    "chooses, and the pages show the choice as a local resolution."
                ),
                "fields": ("opioid_scale_interval_hours", "followup_within_days"),
            },
        ),
    )


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    """Nobody adds, changes or deletes log entries, whatever their permissions."""

    list_display = ("at", "user", "patient", "action", "what", "ip_address")
    list_filter = ("action", "at")
    search_fields = ("user__username", "patient__national_id", "what")
    list_select_related = ("user", "patient")
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AccessLogEntry._meta.fields]
