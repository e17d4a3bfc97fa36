"""The episode's plan: medication plan lines and taper schedules, the discharge checklist, the
care-plan documents. (The plan's events are on the episode's one audit trail.)

Rows are written only by ``plans.services``, one named function per change, which also writes
the event on the episode's one audit trail (``patients.models.EpisodeEvent``, through
``patients.events.record_event``) and the access log. The medication plan is versioned: every
change bumps ``MedicationPlan.version`` and stores a ``MedicationPlanVersion`` snapshot of the
whole plan and its taper calendars as computed then, so an earlier version can be read exactly as
it was. Nothing a user entered is lost: a line that is
adjusted or removed keeps the proposal it came from, and the versions keep every earlier state.
"""

from __future__ import annotations

from functools import cached_property
from typing import Final

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patients.models import PLAN_EVENT_KINDS, Episode, EpisodeEventKind


class PlanLineKind(models.TextChoices):
    REGIMEN = "regimen", _("medication")
    TAPER = "taper", _("taper")


class PlanLineStatus(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    ADJUSTED = "adjusted", _("adjusted")
    REMOVED = "removed", _("removed")


# The plan's events are on the episode's one audit trail (``patients.models.EpisodeEvent``);
# the kinds are that trail's. ``PlanEventKind`` is kept as the name the plan's code uses.
PlanEventKind = EpisodeEventKind
PLAN_EVENT_CHOICES: Final = [
    (kind.value, kind.label) for kind in EpisodeEventKind if kind in PLAN_EVENT_KINDS
]


class MedicationPlan(models.Model):
    """One per episode; ``version`` counts the changes (0 before the first)."""

    episode = models.OneToOneField(
        Episode, on_delete=models.PROTECT, related_name="medication_plan", verbose_name=_("episode")
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("medication plan")
        verbose_name_plural = _("medication plans")

    def __str__(self) -> str:
        return f"{self.episode} v{self.version}"


class PlanLine(models.Model):
    """A proposal the clinician decided on: accepted as proposed, adjusted, or removed.

    ``source`` is the proposal as the engine gave it (``clinical.regimens.PlanLine.to_dict()``, or
    a taper's summary), kept unchanged; ``adjusted`` holds what the clinician changed. Adjusting
    or removing needs a reason (guideline 2.13: a deviation is documented).
    """

    plan = models.ForeignKey(
        MedicationPlan, on_delete=models.PROTECT, related_name="lines", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PlanLineKind.choices)
    code = models.CharField(_("proposal code"), max_length=64)
    source = models.JSONField(_("proposal"))
    status = models.CharField(_("status"), max_length=8, choices=PlanLineStatus.choices)
    adjusted = models.JSONField(_("adjusted values"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    refs = models.JSONField(_("guideline references"), default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        ordering = ["plan", "kind", "pk"]
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="one_line_per_proposal"),
            models.CheckConstraint(
                condition=Q(status="accepted") | ~Q(reason=""),
                name="plan_line_deviation_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="adjusted") | Q(adjusted__isnull=False),
                name="plan_line_adjusted_has_values",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.status})"

    @property
    def in_plan(self) -> bool:
        return self.status != PlanLineStatus.REMOVED


class TaperSchedule(models.Model):
    """An accepted taper: the request as given and the schedule the engine computed from it.

    ``computed`` keeps the calendar exactly as the clinician saw it on accepting; each plan version
    stores it too (``MedicationPlanVersion.schedule``). A new schedule for the same
    line replaces the earlier one (``replaced_at``), which stays for the record.
    """

    line = models.ForeignKey(
        PlanLine, on_delete=models.PROTECT, related_name="tapers", verbose_name=_("plan line")
    )
    regimen = models.CharField(_("regimen"), max_length=16)
    taper_drug = models.CharField(_("taper drug"), max_length=16)
    start_date = models.DateField(_("start date"))
    request = models.JSONField(_("taper request"))
    computed = models.JSONField(_("computed schedule"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"))
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at", "-pk"]
        verbose_name = _("taper schedule")
        verbose_name_plural = _("taper schedules")
        constraints = [
            models.UniqueConstraint(
                fields=["line"], condition=Q(replaced_at__isnull=True), name="one_current_taper"
            )
        ]

    def __str__(self) -> str:
        return f"{self.taper_drug} from {self.start_date:%Y-%m-%d}"


class MedicationPlanVersion(models.Model):
    """The whole plan as it stood after one change: who made it, when and why.

    ``snapshot`` holds the lines as decided and the current tapers' requests; ``schedule`` the
    taper calendars exactly as computed when the version was made (``TaperPlan.to_dict()`` of
    each current taper, with its line and doses a day). The version page and every printout read
    ``schedule``; nothing recomputes an earlier version with today's tables. Versions made before
    issue 13 were backfilled by ``plans/migrations/0005`` (see there).
    """

    plan = models.ForeignKey(
        MedicationPlan, on_delete=models.PROTECT, related_name="versions", verbose_name=_("plan")
    )
    version = models.PositiveIntegerField(_("version"))
    change = models.CharField(_("change"), max_length=32, choices=PLAN_EVENT_CHOICES)
    line_code = models.CharField(_("proposal code"), max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    snapshot = models.JSONField(_("plan"))
    schedule = models.JSONField(_("taper calendars as accepted"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    created_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["plan", "-version"]
        verbose_name = _("medication plan version")
        verbose_name_plural = _("medication plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="one_row_per_plan_version")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.version}"


class DischargeChecklist(models.Model):
    """The discharge checklist of an episode (6.4.1, 10.3-2, 10.4.2-2, 13.1-9, 13.1-10).

    Each item is a ``DischargeItem`` row (done, who, when, note); the appointment ("time i
    hånden") and whether the discharge was unplanned live here. Which items apply is decided by
    ``clinical.discharge``; the history keeps every earlier state with who changed it and why.
    """

    episode = models.OneToOneField(
        Episode,
        on_delete=models.PROTECT,
        related_name="discharge_checklist",
        verbose_name=_("episode"),
    )
    # The planned discharge: "time i hånden" is counted from it until the discharge is recorded.
    planned_discharge_at = models.DateTimeField(_("planned discharge"), null=True, blank=True)
    appointment_at = models.DateTimeField(
        _("first appointment after discharge"), null=True, blank=True
    )
    appointment_contact = models.CharField(_("named contact"), max_length=200, blank=True)
    appointment_place = models.CharField(_("place"), max_length=200, blank=True)
    unplanned_discharge = models.BooleanField(_("unplanned discharge or dropout"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    # Optimistic concurrency, as on the intake.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("discharge checklist")
        verbose_name_plural = _("discharge checklists")

    def __str__(self) -> str:
        return f"{self.episode}"


class DischargeItem(models.Model):
    """One item of the checklist: done or not, by whom and when, with a free-text note."""

    checklist = models.ForeignKey(
        DischargeChecklist,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("checklist"),
    )
    code = models.CharField(_("item"), max_length=40)
    done = models.BooleanField(_("done"), default=False)
    note = models.TextField(_("note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("done by"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["checklist", "pk"]
        verbose_name = _("discharge checklist item")
        verbose_name_plural = _("discharge checklist items")
        constraints = [
            models.UniqueConstraint(fields=["checklist", "code"], name="one_row_per_item"),
            models.CheckConstraint(
                condition=Q(done=False) | Q(done_by__isnull=False, done_at__isnull=False),
                name="discharge_item_done_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.done}"


class CarePlanStatus(models.TextChoices):
    PENDING = "pending", _("being made")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


# Not a stored status: shown instead of "ready" when the care plan's PDF is not in the file store.
CARE_PLAN_MISSING: Final = "missing"


class CarePlanError(models.TextChoices):
    """Why a care plan failed; the page and the API show the text in the reader's language."""

    QUEUE_UNREACHABLE = "queue_unreachable", _("The job queue could not be reached.")
    TRANSIENT = "transient", _("The database or the file store did not answer, after retries.")
    RENDER = "render", _("The document could not be made.")


def care_plan_path(instance: CarePlan, filename: str) -> str:
    # No name or number of the patient in the path: only the care plan's own id and version.
    return f"care-plans/{instance.episode_id}/care-plan-{instance.pk}-v{instance.version}.pdf"


class CarePlan(models.Model):
    """A generated care-plan PDF; each request is a new version, earlier ones are kept.

    ``claimed_by`` (the task id) and ``claimed_at`` are set by the worker that is making the
    file (a conditional UPDATE, so that two workers cannot both make it); a retry of the same task
    keeps the claim, and a claim older than ``plans.services.CLAIM_TIMEOUT`` is taken to belong to
    a worker that died.
    """

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="care_plans", verbose_name=_("episode")
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=8, choices=CarePlanStatus.choices, default=CarePlanStatus.PENDING
    )
    error_code = models.CharField(
        _("error"), max_length=20, choices=CarePlanError.choices, blank=True
    )
    error_detail = models.TextField(_("error detail"), blank=True)
    file = models.FileField(_("file"), upload_to=care_plan_path, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    claimed_by = models.CharField(_("claimed by task"), max_length=64, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    guideline_edition = models.CharField(_("guideline edition"), max_length=100, blank=True)

    class Meta:
        ordering = ["episode", "-version"]
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        constraints = [
            models.UniqueConstraint(fields=["episode", "version"], name="one_care_plan_version"),
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(file="") & Q(generated_at__isnull=False)),
                name="ready_care_plan_has_file",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error_code=""),
                name="failed_care_plan_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.episode} care plan v{self.version} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == CarePlanStatus.READY

    @cached_property
    def file_missing(self) -> bool:
        """Ready, but its PDF is not in the file store (deleted by hand, lost in a restore)."""
        if self.status != CarePlanStatus.READY:
            return False
        return not self.file.name or not self.file.storage.exists(self.file.name)

    @property
    def shown_status(self) -> str:
        """The status the page and the API show: ``missing`` when a ready plan's file is gone."""
        return CARE_PLAN_MISSING if self.file_missing else str(self.status)
