"""Stored scores, medication given, and which withdrawal scale an episode is monitored with.

Every row here is immutable once written. A correction is a new row that ``supersedes`` the one it
corrects and says why; the original stays, so nothing a nurse entered is ever lost. The *current*
version of a record is the one that nothing supersedes (``QuerySet.current()``). Rows are written
only by the functions in ``scoring/services.py``, which also write the access log.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinical.instruments import INSTRUMENTS, Band, Instrument
from patients.models import Episode

INSTRUMENT_CHOICES = [(code, instrument.name) for code, instrument in INSTRUMENTS.items()]
WITHDRAWAL_CHOICES = [
    (code, instrument.name)
    for code, instrument in INSTRUMENTS.items()
    if instrument.kind == "withdrawal"
]
CIWA_AR_CODE = "ciwa-ar"


class ImmutableRecord(models.Model):
    """A record of care that is written once: corrections are new rows, never updates.

    ``save`` refuses to update a stored row, so no code path (a form, the admin, a shell session)
    can overwrite what a nurse entered. ``QuerySet.update`` bypasses this; nothing here calls it.
    """

    # Who entered it, when, and which earlier version (with the reason) it corrects.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"))
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    correction_reason = models.TextField(_("reason for correction"), blank=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError(
                f"{type(self).__name__} rows are immutable: store a correction that supersedes "
                "this one (scoring.services) instead of changing it"
            )
        super().save(*args, **kwargs)

    def newer_version(self) -> ImmutableRecord | None:
        """The correction that replaced this row, or ``None`` while it is the current version."""
        try:
            newer: ImmutableRecord = self.superseded_by  # type: ignore[attr-defined]
        except ObjectDoesNotExist:
            return None
        return newer


class AssessmentKind(models.TextChoices):
    WITHDRAWAL = "withdrawal", _("withdrawal scale")
    SCREENING = "screening", _("screening")


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def current(self) -> AssessmentQuerySet:
        """Versions that no correction has replaced."""
        return self.filter(superseded_by__isnull=True)

    def withdrawal(self) -> AssessmentQuerySet:
        return self.filter(kind=AssessmentKind.WITHDRAWAL)

    def screening(self) -> AssessmentQuerySet:
        return self.filter(kind=AssessmentKind.SCREENING)


class Assessment(ImmutableRecord):
    """One completed rating scale for an episode: the items as entered, and what they scored.

    ``observed_at`` is when the patient was assessed; ``entered_at`` is when it was typed in. The
    total and band are stored as computed at entry by ``clinical.scoring.score`` so that a later
    change of the rules never rewrites what the nurse was shown.
    """

    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("episode")
    )
    instrument = models.CharField(_("instrument"), max_length=16, choices=INSTRUMENT_CHOICES)
    kind = models.CharField(_("kind"), max_length=12, choices=AssessmentKind.choices)
    items = models.JSONField(_("item values"))
    total = models.PositiveSmallIntegerField(_("total"))
    band = models.CharField(_("band"), max_length=32)
    # Screening instruments only: the instrument's positive rule; None for withdrawal scales.
    positive = models.BooleanField(_("positive screen"), null=True, blank=True)
    # The sex the cut-offs were read for (AUDIT, DUDIT); empty where the instrument needs none.
    sex = models.CharField(_("sex"), max_length=6, blank=True)
    observed_at = models.DateTimeField(_("observed at"))
    # 8.4.6 (G 4191–4195): read a CIWA-Ar score against the (falling) alcohol level.
    breath_alcohol_permille = models.DecimalField(
        _("breath alcohol (‰)"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    # 8.3.1: avoid sedatives for a drowsy patient; the advice needs to know.
    drowsy = models.BooleanField(_("drowsy or sedated"), default=False)
    # 8.4.5-2: delirium tremens now gets the DT protocol, never the hourly CIWA-Ar rows.
    current_delirium = models.BooleanField(_("delirium tremens now"), default=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_at", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        permissions = [("add_screening", _("Can record screening instruments at intake"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(breath_alcohol_permille__isnull=True) | Q(instrument=CIWA_AR_CODE),
                name="assessment_breath_alcohol_only_with_ciwa",
            ),
            models.CheckConstraint(
                condition=Q(breath_alcohol_permille__isnull=True)
                | Q(breath_alcohol_permille__gte=0),
                name="assessment_breath_alcohol_not_negative",
            ),
            # A correction always says why; an original never claims to be one.
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True, correction_reason="")
                | (Q(supersedes__isnull=False) & ~Q(correction_reason="")),
                name="assessment_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(observed_at__lte=F("entered_at")),
                name="assessment_not_observed_in_future",
            ),
        ]
        indexes = [
            # The ward board's "latest current score of the monitored scale per episode" and the
            # double-submit check both walk this index backwards from the newest observation.
            models.Index(
                fields=["episode", "instrument", "-observed_at"],
                name="assessment_episode_instr_idx",
            ),
            models.Index(fields=["episode", "-observed_at"], name="assessment_episode_obs_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.total} ({self.observed_at:%Y-%m-%d %H:%M})"

    @property
    def is_correction(self) -> bool:
        return self.supersedes_id is not None

    @property
    def instrument_definition(self) -> Instrument:
        return INSTRUMENTS[self.instrument]

    @property
    def band_definition(self) -> Band:
        """The band as the instrument defines it (DUDIT's differ by the sex scored for)."""
        for band in self.instrument_definition.bands:
            if band.code == self.band and (band.sex is None or band.sex == self.sex):
                return band
        raise LookupError(f"{self.instrument} has no band {self.band!r}")

    @property
    def band_label(self) -> str:
        """The band's name in the active language."""
        return gettext(self.band_definition.label_en)


class Drug(models.TextChoices):
    DIAZEPAM = "diazepam", _("diazepam")
    OLANZAPINE = "olanzapine", _("olanzapine")
    OXAZEPAM = "oxazepam", _("oxazepam")
    VALPROATE = "valproate", _("valproate (valproic acid)")
    THIAMINE = "thiamine", _("thiamine (vitamin B1)")
    ANTIHISTAMINE = "antihistamine", _("antihistamine")
    ZOPICLONE = "zopiclone", _("zopiclone")
    # Opioid withdrawal (10.5-1): buprenorphine with naloxone first, clonidine second.
    BUPRENORPHINE = "buprenorphine", _("buprenorphine")
    BUPRENORPHINE_NALOXONE = "buprenorphine_naloxone", _("buprenorphine with naloxone")
    CLONIDINE = "clonidine", _("clonidine")
    OTHER = "other", _("other")


class Route(models.TextChoices):
    ORAL = "oral", _("by mouth (oral)")
    IM = "im", _("intramuscular (IM)")
    IV = "iv", _("intravenous (IV)")


class AdministrationQuerySet(models.QuerySet["MedicationAdministration"]):
    def current(self) -> AdministrationQuerySet:
        return self.filter(superseded_by__isnull=True)

    def given(self) -> AdministrationQuerySet:
        """Current versions that were actually given (not corrected to 'entered in error')."""
        return self.current().filter(entered_in_error=False)


class MedicationAdministration(ImmutableRecord):
    """A dose given to the patient, optionally linked to the score it answered."""

    episode = models.ForeignKey(
        Episode,
        on_delete=models.PROTECT,
        related_name="administrations",
        verbose_name=_("episode"),
    )
    drug = models.CharField(_("drug"), max_length=24, choices=Drug.choices)
    drug_other = models.CharField(_("other drug"), max_length=100, blank=True)
    dose_mg = models.DecimalField(_("dose (mg)"), max_digits=6, decimal_places=2)
    route = models.CharField(_("route"), max_length=4, choices=Route.choices)
    given_at = models.DateTimeField(_("given at"))
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administrations",
        verbose_name=_("linked score"),
    )
    # A correction may state that the dose was never given (wrong patient, double entry).
    entered_in_error = models.BooleanField(_("entered in error"), default=False)
    # The one-time key of the form that stored this dose (issue 14): a form sent twice (double
    # tap, back and resend) carries the same key and is refused as already registered.
    submission_key = models.CharField(_("form key"), max_length=64, blank=True, default="")

    objects = AdministrationQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("medication administration")
        verbose_name_plural = _("medication administrations")
        constraints = [
            models.CheckConstraint(condition=Q(dose_mg__gt=0), name="administration_dose_positive"),
            models.CheckConstraint(
                condition=~Q(drug="other") | ~Q(drug_other=""),
                name="administration_other_drug_named",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True, correction_reason="")
                | (Q(supersedes__isnull=False) & ~Q(correction_reason="")),
                name="administration_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(given_at__lte=F("entered_at")),
                name="administration_not_given_in_future",
            ),
            models.CheckConstraint(
                condition=Q(entered_in_error=False) | Q(supersedes__isnull=False),
                name="administration_error_only_as_correction",
            ),
            models.UniqueConstraint(
                fields=["episode", "submission_key"],
                condition=~Q(submission_key=""),
                name="administration_form_sent_once",
            ),
        ]
        indexes = [
            # Uses index: the advice's cumulative dose per drug since a moment, per episode.
            models.Index(fields=["episode", "drug", "given_at"], name="administration_drug_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.drug_label} {self.dose_mg} mg ({self.given_at:%Y-%m-%d %H:%M})"

    @property
    def drug_label(self) -> str:
        return self.drug_other if self.drug == Drug.OTHER else str(self.get_drug_display())

    @property
    def is_correction(self) -> bool:
        return self.supersedes_id is not None


class PlannedDoseQuerySet(models.QuerySet["PlannedDoseRecord"]):
    def current(self) -> PlannedDoseQuerySet:
        return self.filter(superseded_by__isnull=True)


class PlannedDoseRecord(ImmutableRecord):
    """Whether a dose the accepted plan said was due on a day was given, or why not (issue 14).

    The plan (plans app) says what is due; this row is the nurse's answer for one due dose,
    matched by ``due_date`` and ``slot`` (the taper and its time, or the plan line). The drug,
    dose and time are kept as the plan read when it was answered, so a later change of plan
    does not rewrite what was given. Immutable like every record of care: a correction is a new
    row that supersedes it and says why.
    """

    episode = models.ForeignKey(
        Episode,
        on_delete=models.PROTECT,
        related_name="planned_dose_records",
        verbose_name=_("episode"),
    )
    due_date = models.DateField(_("due date"))
    slot = models.CharField(_("planned dose"), max_length=120)
    due_time = models.CharField(_("due time"), max_length=5, blank=True)
    drug = models.CharField(_("drug"), max_length=200)
    dose = models.CharField(_("dose"), max_length=200, blank=True)
    given = models.BooleanField(_("given"))
    reason_not_given = models.TextField(_("reason not given"), blank=True)
    recorded_at = models.DateTimeField(_("given or decided at"))
    # What the advice counts (issue 14 audit): the drug as a ``Drug`` code when the plan's dose
    # names one drug, and the mg given (the plan's single amount, or what the nurse entered
    # where the plan gives a range). Empty / None for doses the advice does not count.
    drug_code = models.CharField(_("drug code"), max_length=40, blank=True)
    dose_mg = models.DecimalField(
        _("dose given (mg)"), max_digits=7, decimal_places=2, null=True, blank=True
    )

    objects = PlannedDoseQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "due_time", "id"]
        verbose_name = _("planned dose record")
        verbose_name_plural = _("planned dose records")
        constraints = [
            models.CheckConstraint(
                condition=Q(given=True) | ~Q(reason_not_given=""),
                name="planned_dose_not_given_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True, correction_reason="")
                | (Q(supersedes__isnull=False) & ~Q(correction_reason="")),
                name="planned_dose_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(recorded_at__lte=F("entered_at")),
                name="planned_dose_not_in_future",
            ),
            # One first answer per due dose; later answers are corrections of it.
            models.UniqueConstraint(
                fields=["episode", "due_date", "slot"],
                condition=Q(supersedes__isnull=True),
                name="planned_dose_answered_once",
            ),
        ]
        indexes = [models.Index(fields=["episode", "due_date"], name="planned_dose_day_idx")]

    def __str__(self) -> str:
        state = "given" if self.given else "not given"
        return f"{self.drug} {self.dose} {self.due_date} {self.due_time} ({state})"

    @property
    def is_correction(self) -> bool:
        return self.supersedes_id is not None


class MonitoringChoice(models.Model):
    """Which withdrawal scale an episode is scored with from ``chosen_at`` on (latest row wins).

    Appended, never edited: the history shows who switched a patient from, say, COWS to SOWS.
    """

    episode = models.ForeignKey(
        Episode,
        on_delete=models.PROTECT,
        related_name="monitoring_choices",
        verbose_name=_("episode"),
    )
    instrument = models.CharField(_("instrument"), max_length=16, choices=WITHDRAWAL_CHOICES)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chosen by"),
    )
    chosen_at = models.DateTimeField(_("chosen at"))

    class Meta:
        ordering = ["-chosen_at", "-id"]
        verbose_name = _("monitoring choice")
        verbose_name_plural = _("monitoring choices")
        indexes = [
            models.Index(fields=["episode", "-chosen_at"], name="monitoring_episode_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.episode_id}: {self.get_instrument_display()}"
