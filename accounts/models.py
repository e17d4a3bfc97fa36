"""The administration log and one-time passwords (issue 12, item 3).

These models were created in the plans app (app label ``detox``) and moved here with the code that
writes them (``accounts.admin_audit``); their tables keep their names, so no row moved
(``accounts/migrations/0001_admin_log_from_plans.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminAuditAction(models.TextChoices):
    USER_ADDED = "user_added", _("account created")
    USER_CHANGED = "user_changed", _("account changed")
    USER_DELETED = "user_deleted", _("account deleted")
    PASSWORD_SET = "password_set", _("one-time password set")
    PASSWORD_CHANGED = "password_changed", _("password changed by its holder")
    UNIT_STAFF_CHANGED = "unit_staff_changed", _("unit staff changed")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")


class AdminAuditEntry(models.Model):
    """Who changed which account, role, password, unit staff or API token, and how (issue 12).

    Written by ``accounts.admin_audit.record`` only, append-only: no role holds an add, change or
    delete permission, the admin refuses all three even to a superuser, and there is no foreign
    key (an account or unit deleted later leaves its entries as they were, with the names then).
    """

    at = models.DateTimeField(_("at"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=24, choices=AdminAuditAction.choices)
    subject_id = models.BigIntegerField(_("subject id"), null=True, blank=True)
    subject = models.CharField(_("account or unit"), max_length=150)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        # The table keeps the name it was created with in the plans app (label "detox").
        db_table = "detox_adminauditentry"
        ordering = ["-at", "-pk"]
        verbose_name = _("administration log entry")
        verbose_name_plural = _("administration log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.subject}"


class PasswordChangeRequired(models.Model):
    """The account's password was set by someone else (a one-time password): its holder must
    choose a new one before doing anything else (``accounts.middleware``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="password_change_required",
        verbose_name=_("user"),
    )
    set_at = models.DateTimeField(_("set at"))
    set_by = models.CharField(_("set by"), max_length=150)

    class Meta:
        db_table = "detox_passwordchangerequired"
        verbose_name = _("password change required")
        verbose_name_plural = _("password changes required")

    def __str__(self) -> str:
        return f"{self.user_id} ({self.set_at:%Y-%m-%d %H:%M})"
