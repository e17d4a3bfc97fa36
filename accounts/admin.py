"""The administration log in the admin: read by administrators and superusers, changed by nobody.

(The user, group and API-token admins are registered by ``accounts.user_admin``.)
"""

from __future__ import annotations

from django.contrib import admin

from accounts.models import AdminAuditEntry
from core.admin import ReadOnlyAdmin


@admin.register(AdminAuditEntry)
class AdminAuditEntryAdmin(ReadOnlyAdmin):
    """The administration log (``accounts.admin_audit``): read by administrators and superusers;
    nobody adds, changes or deletes an entry, whatever their permissions."""

    list_display = ("at", "actor", "action", "subject", "details")
    list_filter = ("action", "at")
    search_fields = ("actor", "subject")
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AdminAuditEntry._meta.fields]
