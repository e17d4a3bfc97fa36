"""Patients, their detox episodes, the units that treat them, and the access log.

A patient has many episodes (one detox stay or outpatient course each) and at most one active
episode at a time (a partial unique constraint). Staff see the patients of their own unit(s) only.
State changes go through the functions in ``patients/services.py``, which write the audit trail.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
    # "Time i hånden": an appointment in the first days after discharge (O 4627–4633). The
    # strategy says "de første dagene"; the number of days is a local resolution, per unit.
    followup_within_days = models.PositiveSmallIntegerField(
        _("follow-up appointment within (days after discharge)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_(
            "Local choice: the overdose strategy says the first days after discharge; a later "
            "appointment is shown as a warning."
        ),
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


class NationalIdKind(models.TextChoices):
    FNR = "fnr", _("fødselsnummer")
    DNR = "dnr", _("D-number")
    HNR = "hnr", _("H-number")


class Patient(models.Model):
    national_id = models.CharField(
        _("national identity number"),
        max_length=11,
        unique=True,
        help_text=_("Fødselsnummer or D-number, 11 digits."),
    )
    national_id_kind = models.CharField(
        _("kind of number"),
        max_length=3,
        choices=NationalIdKind.choices,
        default=NationalIdKind.FNR,
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
    # Corrections keep the original: who, when and why (``patient_update`` gives the reason).
    # Optimistic concurrency: every saved edit bumps it; a form or request that started from
    # an older version is refused with what changed (issue 12, lost updates).
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["created_at", "created_by"])

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
    history = HistoricalRecords()

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
    # Where the patient lies on the ward, as the ward writes it ("4B", "Rom 12 seng 2"): free
    # text, shown on the board and the handover. Its own version: a stale save is refused.
    room_bed = models.CharField(_("room/bed"), max_length=40, blank=True)
    room_bed_version = models.PositiveIntegerField(_("room/bed version"), default=1)

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
        permissions = [("set_episode_room_bed", _("Can set the room/bed of an episode"))]

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
    # Another unit tried to register this person (issue 12): the attempt is on the record.
    REFUSED = "refused", _("registration refused")
    REQUEST = "request", _("access request")
    # An authenticated caller asked for this patient and was refused (outside its units): the
    # attempt is on the record, though nothing was shown.
    DENIED = "denied", _("access denied")


class AccessLogEntry(models.Model):
    """Who read or wrote which patient's record, when and from where (Normen: access log).

    Written only by ``patients.access_log.access_log_record``; never edited or deleted in the app.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    patient = models.ForeignKey(
        Patient,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("patient"),
        # accesslog_patient_at_idx (patient, -at) serves lookups by patient; a second index on
        # the patient alone would only cost every write (20 rows each time the board opens).
        db_index=False,
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


class AccessRequest(models.Model):
    """Staff of another unit ask for a patient's record, with a reason (issue 12).

    Written by ``patients.services.patient_create`` when a registration is refused because the
    person belongs to another unit; shown to administrators on the access log page. It grants
    nothing by itself: an administrator decides.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="access_requests", verbose_name=_("patient")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("requesting unit")
    )
    reason = models.TextField(_("reason"), max_length=1000)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.requested_by} ({self.unit.code})"


# --- Episode history --------------------------------------------------------------------------


class EpisodeEventKind(models.TextChoices):
    """Every kind of change on the episode's one audit trail: the episode's own and its plan's."""

    CREATED = "created", _("episode created")
    STARTED = "started", _("episode started")
    DISCHARGED = "discharged", _("patient discharged")
    INTERRUPTED = "interrupted", _("episode interrupted")
    INTAKE_SAVED = "intake_saved", _("intake saved")
    INTAKE_AMENDED = "intake_amended", _("intake amended")
    LEVEL_DECIDED = "level_decided", _("treatment level decided")
    # The episode's plan (``plans.services``).
    LINE_ACCEPTED = "line_accepted", _("medication accepted")
    LINE_ADJUSTED = "line_adjusted", _("medication adjusted")
    LINE_REMOVED = "line_removed", _("medication removed")
    TAPER_ACCEPTED = "taper_accepted", _("taper accepted")
    DISCHARGE_UPDATED = "discharge_updated", _("discharge checklist updated")
    CARE_PLAN_REQUESTED = "care_plan_requested", _("care plan requested")
    CARE_PLAN_READY = "care_plan_ready", _("care plan ready")
    CARE_PLAN_FAILED = "care_plan_failed", _("care plan failed")
    # A planned dose marked given or not given on the ward, and its corrections (scoring).
    PLANNED_DOSE_RECORDED = "planned_dose_recorded", _("planned dose registered")
    PLANNED_DOSE_CORRECTED = "planned_dose_corrected", _("planned dose registration corrected")
    ROOM_BED_SET = "room_bed_set", _("room/bed changed")


# The kinds written by the plan's services: shown as plan changes on the history page.
PLAN_EVENT_KINDS: Final = frozenset(
    {
        EpisodeEventKind.LINE_ACCEPTED,
        EpisodeEventKind.LINE_ADJUSTED,
        EpisodeEventKind.LINE_REMOVED,
        EpisodeEventKind.TAPER_ACCEPTED,
        EpisodeEventKind.DISCHARGE_UPDATED,
        EpisodeEventKind.CARE_PLAN_REQUESTED,
        EpisodeEventKind.CARE_PLAN_READY,
        EpisodeEventKind.CARE_PLAN_FAILED,
    }
)


class EpisodeEvent(models.Model):
    """The episode's one audit trail: one row per change, written by the service that made it,
    through ``patients.events.record_event`` only (the episode's services and the plan's alike).

    Who (``by``), when (``at``), what (``kind``, and ``subject``: the thing changed, e.g.
    ``plan_line:<code>``, ``care_plan:<id>``, ``discharge_checklist``), ``old`` and ``new`` (the
    values before and after, JSON; ``None`` for a thing that did not exist before), and why
    (``reason``). ``details`` holds what the kind needs beyond that: the changed fields of an
    intake (``{"changes": [{"field", "old", "new"}]}``), the decision's id, the times given, the
    plan version a change made. Rows are never changed or deleted.

    The plan's events were a table of their own (``detox.PlanEvent``) until issue 13; its rows
    were moved here by ``plans/migrations/0006``.
    """

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=24, choices=EpisodeEventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    subject = models.CharField(_("what"), max_length=120, blank=True)
    old = models.JSONField(_("before"), null=True, blank=True)
    new = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("episode event")
        verbose_name_plural = _("episode events")
        indexes = [models.Index(fields=["episode", "-at"], name="episodeevent_episode_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    @property
    def is_plan_change(self) -> bool:
        return self.kind in PLAN_EVENT_KINDS


# --- Intake (guideline 7.2 and chapter 12) ----------------------------------------------------


class SubstanceKind(models.TextChoices):
    """The substance groups of the intake; the codes are the treatment-level engine's."""

    ALCOHOL = "alcohol", _("alcohol")
    BENZODIAZEPINES = "benzodiazepines", _("benzodiazepines and z-drugs")
    OPIOIDS = "opioids", _("opioids")
    GHB = "ghb", _("GHB")
    STIMULANTS = "stimulants", _("stimulants")
    CANNABIS = "cannabis", _("cannabis")
    OTHER = "other", _("other substances")


class UseFrequency(models.TextChoices):
    DAILY = "daily", _("daily")
    MOST_DAYS = "most_days", _("4–6 days a week")
    WEEKLY = "weekly", _("1–3 days a week")
    LESS = "less", _("less than weekly")
    NONE = "none", _("not used")


class Route(models.TextChoices):
    ORAL = "oral", _("by mouth")
    SMOKED = "smoked", _("smoked or inhaled")
    SNORTED = "snorted", _("snorted")
    INJECTED = "injected", _("injected")
    OTHER = "other", _("other route")


class WithdrawalComplication(models.TextChoices):
    """Complications at earlier withdrawal (7.2-2, 3.2.1-2); ``electrolyte_disturbance`` is
    recorded on its own although the level engine counts it with dehydration (8.3.2-1 names
    them together)."""

    SEIZURES = "seizures", _("seizures")
    DELIRIUM_TREMENS = "delirium_tremens", _("delirium tremens")
    HALLUCINATIONS = "hallucinations", _("hallucinations")
    PSYCHOSIS = "psychosis", _("psychosis")
    DEHYDRATION = "dehydration", _("dehydration")
    ELECTROLYTE_DISTURBANCE = "electrolyte_disturbance", _("electrolyte disturbance")


class AcuteCriterion(models.TextChoices):
    """Criteria for an acute intervention in addiction treatment (4.2-4..7, lead-in G 1429)."""

    DANGER_TO_LIFE = (
        "danger_to_life",
        _("the substance use is an immediate danger to life and health"),
    )
    RISK_OF_SEVERE_WITHDRAWAL = "risk_of_severe_withdrawal", _("risk of severe withdrawal")
    DANGEROUS_BEHAVIOUR = "dangerous_behaviour", _("dangerous behaviour towards others")
    SERIOUS_SOCIAL_LOSS = "serious_social_loss", _("risk of serious social loss")


class PregnancyTest(models.TextChoices):
    NOT_TAKEN = "", _("not taken")
    NEGATIVE = "negative", _("negative")
    POSITIVE = "positive", _("positive")
    NOT_RELEVANT = "not_relevant", _("not relevant")


# Outpatient or inpatient: the patient's preference and the decided level.
PREFERENCE_CHOICES = [
    (Setting.OUTPATIENT, Setting.OUTPATIENT.label),
    (Setting.INPATIENT, Setting.INPATIENT.label),
]


class Intake(models.Model):
    """The clinician's intake at admission, one per episode (guideline 7.2 and chapter 12).

    Every yes/no fact is nullable: ``None`` means not recorded, never "no". Free while the episode
    is planned; after that every change is an amendment with a reason, kept by the history.
    Validation of the complication list lives in ``clean`` so that the services' ``full_clean``
    rejects a bad value before anything is stored.
    """

    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="intake")

    # Substance history, beside the per-substance rows.
    alcohol_units_per_day = models.DecimalField(
        _("alcohol units a day"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(200))],
        help_text=_(
            "One unit is 12 g of alcohol: a small beer, a glass of wine, a shot of spirits."
        ),
    )
    overdose_count = models.PositiveSmallIntegerField(
        _("earlier overdoses"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(999)],
        help_text=_(
            "How many times; 0 if none. Leave empty if not asked. For the treatment level, two "
            "or more count as repeated overdoses (a local resolution)."
        ),
    )
    overdose_notes = models.TextField(_("overdoses: when and what"), blank=True)
    previous_detox_count = models.PositiveSmallIntegerField(
        _("earlier detox episodes"), null=True, blank=True, validators=[MaxValueValidator(999)]
    )
    previous_detox_notes = models.TextField(_("earlier detox episodes: how they went"), blank=True)
    earlier_failed_outpatient_detox = models.BooleanField(
        _("an earlier outpatient detox failed"), null=True, blank=True
    )
    # None: not asked; []: asked, none; else the WithdrawalComplication codes.
    previous_withdrawal_complications = models.JSONField(
        _("complications at earlier withdrawal"), null=True, blank=True
    )

    # Somatic health.
    chronic_illness = models.TextField(_("chronic illness"), blank=True)
    infections = models.TextField(_("infections (hepatitis, HIV, abscesses)"), blank=True)
    allergies = models.TextField(_("allergies"), blank=True)
    regular_medicines = models.TextField(_("regular medicines"), blank=True)
    gi_bleeding = models.BooleanField(_("gastrointestinal bleeding"), null=True, blank=True)
    liver_failure = models.BooleanField(_("liver failure"), null=True, blank=True)
    somatic_comorbidity = models.BooleanField(
        _("concurrent somatic health problems"), null=True, blank=True
    )
    acute_somatic_illness = models.BooleanField(
        _("acute somatic illness needing treatment now"), null=True, blank=True
    )
    pregnant = models.BooleanField(_("pregnant"), null=True, blank=True)
    head_injury = models.BooleanField(_("earlier head injury"), null=True, blank=True)
    wernicke_suspected = models.BooleanField(
        _("Wernicke's encephalopathy suspected"), null=True, blank=True
    )
    last_menstruation = models.DateField(_("last menstruation"), null=True, blank=True)

    # Mental health.
    psychiatric_admissions = models.TextField(_("earlier psychiatric admissions"), blank=True)
    suicide_attempts = models.TextField(_("earlier suicide attempts"), blank=True)
    current_mental_symptoms = models.TextField(_("current mental symptoms"), blank=True)
    psychiatric_comorbidity = models.BooleanField(
        _("concurrent mental health problems"), null=True, blank=True
    )
    severe_mental_illness = models.BooleanField(_("severe mental illness"), null=True, blank=True)
    high_suicide_risk = models.BooleanField(_("high suicide risk"), null=True, blank=True)
    current_delirium = models.BooleanField(
        _("delirium now (delirium tremens)"), null=True, blank=True
    )
    # None: not assessed; []: assessed, none apply; else AcuteCriterion codes (4.2-4..7).
    acute_criteria = models.JSONField(_("criteria for acute intervention"), null=True, blank=True)

    # Sleep and psychosocial situation.
    sleep = models.TextField(_("sleep, at earlier detox and the last week"), blank=True)
    family = models.TextField(_("family and network"), blank=True)
    children = models.TextField(_("children (ages, care)"), blank=True)
    housing = models.TextField(_("housing"), blank=True)
    work = models.TextField(_("work or education"), blank=True)
    economy = models.TextField(_("economy"), blank=True)
    violence = models.TextField(_("violence (exposed to or used)"), blank=True)
    in_lar = models.BooleanField(_("in opioid maintenance treatment (LAR)"), null=True, blank=True)
    in_custody = models.BooleanField(_("in custody or prison"), null=True, blank=True)
    # 10.4.1-2 (G 5021–5023): outpatient opioid detox only when specially arranged.
    opioid_stabilised = models.BooleanField(
        _("opioid use pharmacologically stabilised before the detox"), null=True, blank=True
    )
    supervised_daily_dispensing = models.BooleanField(
        _("medicines dispensed daily under supervision of health personnel"),
        null=True,
        blank=True,
    )

    # Examination (7.2-3).
    oriented = models.BooleanField(_("oriented to time and place"), null=True, blank=True)
    unconscious = models.BooleanField(_("cannot be woken"), null=True, blank=True)
    temperature_celsius = models.DecimalField(
        _("temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(25)), MaxValueValidator(Decimal(45))],
    )
    pulse = models.PositiveSmallIntegerField(
        _("pulse (per minute)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(20), MaxValueValidator(250)],
    )
    blood_pressure_systolic = models.PositiveSmallIntegerField(
        _("blood pressure, systolic (mmHg)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(40), MaxValueValidator(300)],
    )
    blood_pressure_diastolic = models.PositiveSmallIntegerField(
        _("blood pressure, diastolic (mmHg)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(20), MaxValueValidator(200)],
    )
    pupils = models.CharField(_("pupils"), max_length=200, blank=True)
    respiratory_rate = models.PositiveSmallIntegerField(
        _("respiration (per minute)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(80)],
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(20)), MaxValueValidator(Decimal(400))],
    )
    reflexes = models.CharField(_("reflexes"), max_length=200, blank=True)
    mental_signs = models.TextField(
        _("mental signs (hallucinations, anxiety, aggression)"), blank=True
    )
    somatic_signs = models.TextField(
        _("somatic signs (nutrition, signs of liver failure, injection marks, wounds)"),
        blank=True,
    )
    dehydration_or_electrolyte_disturbance_suspected = models.BooleanField(
        _("severe dehydration or electrolyte disturbance suspected"), null=True, blank=True
    )
    ciwa_ar = models.PositiveSmallIntegerField(
        _("CIWA-Ar at admission"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(67)],
        help_text=_("0–67. Later scores are entered on the ward board."),
    )

    # Laboratory checklist (7.2-4).
    breath_alcohol_permille = models.DecimalField(
        _("breath alcohol (‰)"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("9.99"))],
    )
    blood_tests_taken = models.BooleanField(
        _("blood tests (electrolytes, glucose, liver and kidney function)"), default=False
    )
    urine_test_taken = models.BooleanField(_("urine, ordinary examination"), default=False)
    drug_screen_taken = models.BooleanField(
        _("urine or saliva test for substances and habit-forming drugs"), default=False
    )
    pregnancy_test = models.CharField(
        _("pregnancy test"), max_length=12, choices=PregnancyTest.choices, blank=True
    )
    ecg_taken = models.BooleanField(_("ECG"), default=False)
    lab_notes = models.TextField(_("laboratory results and notes"), blank=True)

    # The patient's preference and the conditions for outpatient detox (3.2.1-2, 8.3.2-1).
    patient_preference = models.CharField(
        _("the patient's own preference"),
        max_length=12,
        choices=PREFERENCE_CHOICES,
        blank=True,
    )
    home_support = models.BooleanField(
        _("next of kin can follow the patient closely at home"), null=True, blank=True
    )
    outpatient_followup_available = models.BooleanField(
        _("medical follow-up available as outpatient"), null=True, blank=True
    )
    able_to_take_oral = models.BooleanField(
        _("can take medicine, fluid and food by mouth"), null=True, blank=True
    )

    notes = models.TextField(_("other notes"), blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic concurrency, as on the patient.
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")

    def __str__(self) -> str:
        return f"{self.episode}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name, allowed, message in (
            (
                "previous_withdrawal_complications",
                WithdrawalComplication.values,
                gettext("List each complication once, from: %(allowed)s."),
            ),
            (
                "acute_criteria",
                AcuteCriterion.values,
                gettext("List each criterion once, from: %(allowed)s."),
            ),
        ):
            value = getattr(self, name)
            if value is None:
                continue
            if (
                not isinstance(value, list)
                or any(item not in allowed for item in value)
                or len(set(value)) != len(value)
            ):
                errors[name] = message % {"allowed": ", ".join(allowed)}
        if errors:
            raise ValidationError(errors)


class SubstanceUse(models.Model):
    """One substance in the intake's substance history (7.2-2): one row per substance group."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="substances")
    substance = models.CharField(_("substance"), max_length=20, choices=SubstanceKind.choices)
    description = models.CharField(
        _("type or preparation"),
        max_length=200,
        blank=True,
        help_text=_("E.g. spirits, oxazepam, heroin, amphetamine."),
    )
    dependent = models.BooleanField(_("dependent"), null=True, blank=True)
    age_at_start = models.PositiveSmallIntegerField(
        _("age at start"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    last_month_frequency = models.CharField(
        _("use last month"), max_length=10, choices=UseFrequency.choices, blank=True
    )
    last_month_amount = models.CharField(_("amount last month"), max_length=200, blank=True)
    last_week_frequency = models.CharField(
        _("use last week"), max_length=10, choices=UseFrequency.choices, blank=True
    )
    last_week_amount = models.CharField(_("amount last week"), max_length=200, blank=True)
    route = models.CharField(
        _("route of use"),
        max_length=10,
        choices=Route.choices,
        blank=True,
        help_text=_("“Injected” counts as injecting use when that question is unanswered."),
    )
    injecting = models.BooleanField(_("injecting"), null=True, blank=True)
    continuous_use_days = models.PositiveIntegerField(
        _("days of continuous use"), null=True, blank=True, validators=[MaxValueValidator(36_500)]
    )
    last_intake_at = models.DateTimeField(_("last intake"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["intake", "pk"]
        verbose_name = _("substance use")
        verbose_name_plural = _("substance use")
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "substance"], name="one_row_per_substance_per_intake"
            )
        ]

    def __str__(self) -> str:
        return self.get_substance_display()


# --- Treatment-level decision -----------------------------------------------------------------


class Referral(models.TextChoices):
    PSYCHIATRY = "psychiatry", _("mental health care")
    SOMATIC = "somatic", _("somatic care")
    # 4.2-4..7: acute intervention (øyeblikkelig hjelp) in substance use treatment (TSB).
    ADDICTION_ACUTE = "addiction_acute", _("acute admission in substance use treatment (TSB)")


class LevelDecision(models.Model):
    """The clinician's decision on the treatment level: the proposal accepted or overridden.

    The proposal is kept as the engine returned it (refs and message ids), with the facts it was
    made from, so the decision can be read later exactly as it was made. An override carries the
    written reason the guideline asks for (2.13).
    """

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="level_decisions")
    proposal = models.JSONField(_("proposal"))
    level_input = models.JSONField(_("facts the proposal was made from"), default=dict)
    proposed_level = models.CharField(_("proposed level"), max_length=12, blank=True)
    proposed_acute_referral = models.CharField(
        _("proposed acute referral"), max_length=20, blank=True
    )
    accepted = models.BooleanField(_("proposal accepted"))
    chosen_level = models.CharField(
        _("chosen level"),
        max_length=12,
        choices=PREFERENCE_CHOICES,
    )
    chosen_acute_referral = models.CharField(
        _("chosen acute referral"), max_length=20, choices=Referral.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("treatment-level decision")
        verbose_name_plural = _("treatment-level decisions")
        constraints = [
            # The guideline (2.13) requires a documented reason for every deviation.
            models.CheckConstraint(
                condition=Q(accepted=True) | ~Q(reason=""), name="override_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.episode}: {self.chosen_level}"
