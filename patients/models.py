"""Patients, their detox episodes, the units that treat them, and the access log.

A patient has many episodes (one detox stay or outpatient course each) and at most one active
episode at a time (a partial unique constraint). Staff see the patients of their own unit(s) only.
State changes go through the functions in ``patients/services.py``, which write the audit trail.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """A detox unit (avrusningsenhet) where staff work and episodes take place."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="units", blank=True, verbose_name=_("staff")
    )
    # The guideline gives no COWS/SOWS interval (CLINICAL.md): a local choice, per unit.
    opioid_scale_interval_hours = models.PositiveSmallIntegerField(
        _("COWS/SOWS interval (hours)"),
        default=4,
        help_text=_("Local choice: the guideline gives no interval for COWS and SOWS."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Patient(models.Model):
    national_id = models.CharField(
        _("national identity number"),
        max_length=11,
        unique=True,
        help_text=_("Fødselsnummer or D-number, 11 digits."),
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="patients", verbose_name=_("unit")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class ContactPerson(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name


class Setting(models.TextChoices):
    UNDECIDED = "undecided", _("not decided")
    OUTPATIENT = "outpatient", _("outpatient")
    INPATIENT = "inpatient", _("inpatient")


class EpisodeStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ACTIVE = "active", _("active")
    DISCHARGED = "discharged", _("discharged")
    INTERRUPTED = "interrupted", _("interrupted")


class Episode(models.Model):
    """One detox stay or outpatient course, from admission to discharge."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="episodes")
    setting = models.CharField(
        _("setting"), max_length=12, choices=Setting.choices, default=Setting.UNDECIDED
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EpisodeStatus.choices, default=EpisodeStatus.PLANNED
    )
    admitted_at = models.DateTimeField(_("admitted at"), null=True, blank=True)
    discharged_at = models.DateTimeField(_("discharged at"), null=True, blank=True)
    responsible_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="responsible_episodes",
        null=True,
        blank=True,
        verbose_name=_("responsible clinician"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    TERMINAL: ClassVar[frozenset[str]] = frozenset(
        {EpisodeStatus.DISCHARGED, EpisodeStatus.INTERRUPTED}
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        constraints = [
            # A patient is in at most one active detox at a time.
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="active"),
                name="one_active_episode_per_patient",
            ),
            models.CheckConstraint(
                condition=Q(discharged_at__isnull=True)
                | Q(admitted_at__isnull=False, discharged_at__gte=models.F("admitted_at")),
                name="discharge_after_admission",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="episode_unit_status_idx")]

    def __str__(self) -> str:
        return f"{self.patient} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status not in self.TERMINAL


class AccessAction(models.TextChoices):
    VIEW = "view", _("view")
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    EXPORT = "export", _("export")


class AccessLogEntry(models.Model):
    """Who read or wrote which patient's record, when and from where (Normen: access log).

    Written only by ``patients.services.access_log_record``; never edited or deleted in the app.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("patient")
    )
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    what = models.CharField(_("what"), max_length=200)
    path = models.CharField(_("path"), max_length=500, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["patient", "-at"], name="accesslog_patient_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.what}"
