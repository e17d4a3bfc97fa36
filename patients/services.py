"""Every change to patient records: one function each, atomic, writing its own audit record.

- Patients and contact persons keep their history (django-simple-history) with who and why.
- Episode transitions, intake saves and amendments, and treatment-level decisions write an
  ``EpisodeEvent``; the episode's history page reads those.
- ``access_log_record`` writes the access log (Normen); views and APIs call it for every read
  and write of a patient's records.

Bad input raises ``django.core.exceptions.ValidationError`` with a dict naming the field, before
anything is stored. Messages are translated in the active language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from clinical.identity import NationalIdError, parse_national_id
from clinical.levels import LevelProposal
from core.history import delete_with_history, save_with_history, state_at_version
from core.messages import render_message
from patients.access_log import access_log_record
from patients.concurrency import FieldChange, check_version, diff
from patients.events import record_event
from patients.extensions import overdose_set_open
from patients.models import (
    AccessAction,
    AccessRequest,
    ContactPerson,
    Episode,
    EpisodeEvent,
    EpisodeEventKind,
    EpisodeStatus,
    Intake,
    LevelDecision,
    Patient,
    Referral,
    SubstanceKind,
    SubstanceUse,
    Unit,
)
from patients.presentation import item_labels
from patients.selectors import (
    blank_intake_snapshot,
    intake_snapshot,
    intake_snapshot_of,
    substance_snapshot,
    units_of,
)

LEVELS: Final = ("outpatient", "inpatient")
PATIENT_FIELDS: Final = ("national_id", "given_name", "family_name")
SUBSTANCE_FIELDS: Final = tuple(
    f.name for f in SubstanceUse._meta.get_fields() if f.concrete and f.name not in {"id", "intake"}
)
INTAKE_FIELDS: Final = tuple(
    f.name
    for f in Intake._meta.get_fields()
    if f.concrete
    and f.name
    not in {"id", "episode", "created_at", "created_by", "updated_at", "updated_by", "version"}
)


# --- Patients ---------------------------------------------------------------------------------


def _national_id(value: str, *, today: date) -> tuple[str, str, date, str]:
    try:
        parsed = parse_national_id(value, today=today)
    except NationalIdError as error:
        message = render_message(error.message, error.params)
        raise ValidationError({"national_id": ValidationError(message, code=error.code)}) from None
    return parsed.number, parsed.kind, parsed.birth_date, parsed.sex


def _require_unique_national_id(number: str, *, exclude_pk: int | None = None) -> None:
    # The number identifies the person across units; the message does not say where.
    existing = Patient.objects.filter(national_id=number)
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    if existing.exists():
        message = gettext("A patient with this national identity number is already registered.")
        raise ValidationError({"national_id": ValidationError(message, code="duplicate")})


class RegistrationRefused(ValidationError):
    """The number belongs to a patient of a unit the user is not staff of (issue 12).

    The message says only that the person cannot be registered here: no name, birth date or
    unit. The attempt is on the patient's access log, and an access request if a reason was given.
    """


def patient_create(
    *,
    unit: Unit,
    national_id: str,
    given_name: str,
    family_name: str,
    user: User,
    today: date | None = None,
    access_reason: str = "",
    request: HttpRequest | None = None,
) -> Patient:
    """Register a patient; birth date and sex come from the national identity number.

    A number already registered in one of the user's units is a plain duplicate ("already
    registered"); one registered elsewhere raises ``RegistrationRefused`` after writing the
    attempt on that patient's access log (and ``access_reason``, if given, as an access request).
    Two registrations of one number at once: the second gets the same answer as if it had come
    after the first (the unique constraint decides), never a server error.
    """
    number, kind, birth_date, sex = _national_id(national_id, today=today or timezone.localdate())
    _refuse_registered(number, unit=unit, user=user, reason=access_reason, request=request)
    try:
        return _patient_insert(
            unit=unit,
            number=number,
            kind=kind,
            birth_date=birth_date,
            sex=sex,
            given_name=given_name,
            family_name=family_name,
            user=user,
        )
    except IntegrityError:
        # Another registration of the number committed between the check and the insert.
        if not Patient.objects.filter(national_id=number).exists():
            raise
        _refuse_registered(number, unit=unit, user=user, reason=access_reason, request=request)
        raise  # pragma: no cover - the check above always raises when the number exists


@transaction.atomic
def _patient_insert(
    *,
    unit: Unit,
    number: str,
    kind: str,
    birth_date: date,
    sex: str,
    given_name: str,
    family_name: str,
    user: User,
) -> Patient:
    patient = Patient(
        unit=unit,
        national_id=number,
        national_id_kind=kind,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        birth_date=birth_date,
        sex=sex,
        created_by=user,
    )
    patient.full_clean(validate_unique=False)  # the database's unique constraint decides
    save_with_history(patient, user=user)
    return patient


def _refuse_registered(
    number: str, *, unit: Unit, user: User, reason: str, request: HttpRequest | None
) -> None:
    existing = Patient.objects.filter(national_id=number).select_related("unit").first()
    if existing is None:
        return
    if units_of(user).filter(pk=existing.unit_id).exists():
        message = gettext("A patient with this national identity number is already registered.")
        error = ValidationError({"national_id": ValidationError(message, code="duplicate")})
        error.existing_patient = existing  # type: ignore[attr-defined]
        raise error
    # Committed in its own transaction: the refusal below must not take the record with it.
    _registration_attempt_record(
        patient=existing, unit=unit, user=user, reason=reason.strip(), request=request
    )
    message = gettext(
        "This person cannot be registered here. If you need their record, give a reason and "
        "request access; the request is logged and shown to the administrators."
    )
    raise RegistrationRefused(
        {"national_id": ValidationError(message, code="registered_elsewhere")}
    )


@transaction.atomic
def _registration_attempt_record(
    *, patient: Patient, unit: Unit, user: User, reason: str, request: HttpRequest | None
) -> None:
    access_log_record(
        user=user,
        patient=patient,
        action=AccessAction.REFUSED,
        what=f"registration attempt from unit {unit.code}",
        request=request,
    )
    if reason:
        AccessRequest.objects.create(
            patient=patient, requested_by=user, unit=unit, reason=reason[:1000]
        )
        access_log_record(
            user=user,
            patient=patient,
            action=AccessAction.REQUEST,
            what=f"access request from unit {unit.code}",
            request=request,
        )


@transaction.atomic
def patient_update(
    *,
    patient: Patient,
    user: User,
    reason: str,
    national_id: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
    sex: str | None = None,
    today: date | None = None,
    base_version: int | None = None,
) -> Patient:
    """Correct a patient's details; the history keeps the original with who, when and why.

    The sex is read from the identity number; ``sex`` different from the stored one overrides it
    (the register can be wrong), also over a corrected number.

    ``base_version`` is the version the editor started from: if someone saved since, nothing is
    written and ``StaleEditError`` says what changed (``None`` skips the check: scripts).
    """
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    _check_patient_version(patient, base_version)
    before_sex = patient.sex
    if not reason.strip():
        raise ValidationError({"reason": gettext("Give a reason for the correction.")})
    new_number = False
    if national_id is not None:
        number, kind, birth_date, number_sex = _national_id(
            national_id, today=today or timezone.localdate()
        )
        _require_unique_national_id(number, exclude_pk=patient.pk)
        new_number = number != patient.national_id
        patient.national_id, patient.national_id_kind = number, kind
        patient.birth_date = birth_date
        if new_number:
            patient.sex = number_sex
    # An explicit sex wins (the register can be wrong), unless it is just the old sex sent back
    # beside a corrected number, which brings its own.
    if sex is not None and not (new_number and sex == before_sex):
        patient.sex = sex
    if given_name is not None:
        patient.given_name = given_name.strip()
    if family_name is not None:
        patient.family_name = family_name.strip()
    patient.full_clean()
    patient.version += 1
    save_with_history(patient, user=user, reason=reason)
    if before_sex == "male" and patient.sex != "male":
        _ask_pregnancy_again(patient, user)
    return patient


def _ask_pregnancy_again(patient: Patient, user: User) -> None:
    """A man's intake records "not pregnant" without asking (the form does not ask a man). Once
    the sex is corrected, that answer was never given: the open episodes' intakes go back to
    "not recorded", so the form asks and the advice says pregnancy is not recorded (audit)."""
    for intake in Intake.objects.select_for_update().filter(
        episode__patient=patient,
        episode__status__in=(EpisodeStatus.PLANNED, EpisodeStatus.ACTIVE),
        pregnant=False,
    ):
        reason = gettext("Sex corrected: pregnancy is to be asked, not assumed.")
        intake.pregnant = None
        intake.version += 1
        intake.updated_by = user
        save_with_history(intake, user=user, reason=reason)
        _event(
            intake.episode,
            EpisodeEventKind.INTAKE_AMENDED,
            user,
            reason=reason,
            details={"changes": [{"field": "pregnant", "old": False, "new": None}], "first": False},
        )


def _check_patient_version(patient: Patient, base_version: int | None) -> None:
    def changes() -> list[FieldChange]:
        started = patient.history.filter(version=base_version).order_by("-history_date").first()
        before = {f: getattr(started, f) if started else None for f in PATIENT_FIELDS}
        return diff(before, {f: getattr(patient, f) for f in PATIENT_FIELDS})

    last = patient.history.order_by("-history_date").first()
    check_version(
        stored=patient.version,
        base=base_version,
        changes=changes,
        saved_by=last.history_user if last else None,
        saved_at=last.history_date if last else None,
    )


@transaction.atomic
def contact_person_add(
    *, patient: Patient, user: User, name: str, relation: str = "", phone: str = ""
) -> ContactPerson:
    contact = ContactPerson(
        patient=patient, name=name.strip(), relation=relation.strip(), phone=phone.strip()
    )
    contact.full_clean()
    save_with_history(contact, user=user)
    return contact


# --- Episodes ---------------------------------------------------------------------------------


def _event(
    episode: Episode,
    kind: EpisodeEventKind,
    user: User,
    *,
    reason: str = "",
    details: Mapping[str, Any] | None = None,
) -> EpisodeEvent:
    return record_event(episode, kind, user, reason=reason, details=details)


def _locked(episode: Episode) -> Episode:
    """The episode re-read under a row lock, so two requests cannot both make a transition."""
    return Episode.objects.select_for_update().select_related("patient").get(pk=episode.pk)


_REFUSALS: Final = {
    "start": gettext_noop("Only a planned episode can be started; this one is %(status)s."),
    "discharge": gettext_noop("Only an active episode can be discharged; this one is %(status)s."),
    "interrupt": gettext_noop(
        "Only a planned or active episode can be interrupted; this one is %(status)s."
    ),
    "decide": gettext_noop(
        "Only a planned or active episode gets a treatment-level decision; this one is %(status)s."
    ),
}


def _refuse_transition(episode: Episode, action: str) -> ValidationError:
    return ValidationError(
        gettext(_REFUSALS[action]) % {"status": episode.get_status_display()},
        code="invalid_transition",
    )


def _moment(value: datetime | None, field: str, *, now: datetime) -> datetime:
    if value is None:
        return now
    if timezone.is_naive(value):
        raise ValueError(f"{field} must be timezone-aware")
    if value > now:
        raise ValidationError({field: gettext("The time cannot be in the future.")})
    return value


@transaction.atomic
def episode_create(
    *,
    patient: Patient,
    user: User,
    unit: Unit | None = None,
    responsible_clinician: User | None = None,
) -> Episode:
    """Plan a new episode for the patient (status planned, setting not decided)."""
    episode = Episode.objects.create(
        patient=patient,
        unit=unit or patient.unit,
        responsible_clinician=responsible_clinician,
    )
    _event(episode, EpisodeEventKind.CREATED, user)
    return episode


@transaction.atomic
def episode_start(*, episode: Episode, user: User, admitted_at: datetime | None = None) -> Episode:
    """planned → active. A patient has at most one active episode."""
    locked = _locked(episode)
    if locked.status != EpisodeStatus.PLANNED:
        raise _refuse_transition(locked, "start")
    other_active = Episode.objects.filter(
        patient_id=locked.patient_id, status=EpisodeStatus.ACTIVE
    ).exclude(pk=locked.pk)
    if other_active.exists():
        raise ValidationError(
            gettext("The patient already has an active episode: discharge or interrupt it first."),
            code="one_active",
        )
    locked.admitted_at = _moment(admitted_at, "admitted_at", now=timezone.now())
    locked.status = EpisodeStatus.ACTIVE
    try:
        # The partial unique index is the last word when two starts race.
        with transaction.atomic():
            locked.save(update_fields=["status", "admitted_at"])
    except IntegrityError:
        raise ValidationError(
            gettext("The patient already has an active episode: discharge or interrupt it first."),
            code="one_active",
        ) from None
    _event(locked, EpisodeEventKind.STARTED, user, details={"at": locked.admitted_at.isoformat()})
    episode.refresh_from_db()
    return locked


_OPEN_SET_REFUSAL: Final = gettext_noop(
    "The overdose-prevention measures apply to this patient and are not done: %(missing)s. Hand "
    "them out before the patient leaves, or give the reason for discharging without them."
)


def _open_set(episode: Episode, override_reason: str) -> dict[str, Any]:
    """The overdose-set record for the event, or a refusal naming ``override_reason``.

    Naloxone and the information on the loss of tolerance (13.1-9, 10.3-2) not ticked for a
    patient the set applies to (opioid use, any injecting, or not known from the intake): the
    discharge, planned or not, needs a written reason; the event keeps it and what was open.
    """
    missing = overdose_set_open(episode)
    if not missing:
        return {}
    text = override_reason.strip()
    if not text:
        raise ValidationError(
            {"override_reason": gettext(_OPEN_SET_REFUSAL) % {"missing": item_labels(missing)}},
            code="overdose_set_open",
        )
    return {"overdose_set_open": {"missing": list(missing), "reason": text}}


@transaction.atomic
def episode_discharge(
    *,
    episode: Episode,
    user: User,
    discharged_at: datetime | None = None,
    override_reason: str = "",
) -> Episode:
    """active → discharged. With the overdose set open, only with ``override_reason``."""
    locked = _locked(episode)
    if locked.status != EpisodeStatus.ACTIVE:
        raise _refuse_transition(locked, "discharge")
    at = _moment(discharged_at, "discharged_at", now=timezone.now())
    assert locked.admitted_at is not None  # an active episode has been admitted  # noqa: S101
    if at < locked.admitted_at:
        raise ValidationError({"discharged_at": gettext("Discharge cannot be before admission.")})
    open_set = _open_set(locked, override_reason)
    locked.status, locked.discharged_at = EpisodeStatus.DISCHARGED, at
    locked.save(update_fields=["status", "discharged_at"])
    _event(locked, EpisodeEventKind.DISCHARGED, user, details={"at": at.isoformat(), **open_set})
    episode.refresh_from_db()
    return locked


@transaction.atomic
def episode_interrupt(
    *,
    episode: Episode,
    user: User,
    reason: str,
    at: datetime | None = None,
    override_reason: str = "",
) -> Episode:
    """planned or active → interrupted (the patient left, or the stay was called off).

    Interrupting an active episode is an unplanned discharge or dropout: with the overdose set
    open it needs ``override_reason`` as a discharge does. A planned episode called off before
    admission has had no detox (no tolerance lost in it) and needs none.
    """
    if not reason.strip():
        raise ValidationError({"reason": gettext("Give a reason for the interruption.")})
    locked = _locked(episode)
    if locked.status not in (EpisodeStatus.PLANNED, EpisodeStatus.ACTIVE):
        raise _refuse_transition(locked, "interrupt")
    moment = _moment(at, "at", now=timezone.now())
    open_set: dict[str, Any] = {}
    if locked.status == EpisodeStatus.ACTIVE:
        assert locked.admitted_at is not None  # noqa: S101
        if moment < locked.admitted_at:
            raise ValidationError({"at": gettext("The interruption cannot be before admission.")})
        open_set = _open_set(locked, override_reason)
        locked.discharged_at = moment
    locked.status = EpisodeStatus.INTERRUPTED
    locked.save(update_fields=["status", "discharged_at"])
    _event(
        locked,
        EpisodeEventKind.INTERRUPTED,
        user,
        reason=reason.strip(),
        details={"at": moment.isoformat(), **open_set},
    )
    episode.refresh_from_db()
    return locked


# --- Intake -----------------------------------------------------------------------------------


@transaction.atomic
def intake_save(
    *,
    episode: Episode,
    user: User,
    fields: Mapping[str, Any],
    substances: Sequence[Mapping[str, Any]],
    base_version: int | None = None,
) -> Intake:
    """Save the intake (a draft may be partial) while the episode is planned.

    ``base_version`` is the intake's version the editor started from (0: none yet); if someone
    saved since, nothing is written and ``StaleEditError`` says what changed, substance rows
    included (``None`` skips the check: scripts).
    """
    locked = _locked(episode)
    if locked.status != EpisodeStatus.PLANNED:
        raise ValidationError(
            gettext("The episode has started: amend the intake and give a reason."),
            code="amend_required",
        )
    return _intake_write(
        locked,
        user,
        fields,
        substances,
        reason="",
        kind=EpisodeEventKind.INTAKE_SAVED,
        base_version=base_version,
    )


@transaction.atomic
def intake_amend(
    *,
    episode: Episode,
    user: User,
    reason: str,
    fields: Mapping[str, Any],
    substances: Sequence[Mapping[str, Any]],
    base_version: int | None = None,
) -> Intake:
    """Change the intake once the episode has started; the history keeps the original.

    ``base_version`` as for ``intake_save``.
    """
    locked = _locked(episode)
    if locked.status != EpisodeStatus.PLANNED and not reason.strip():
        raise ValidationError({"reason": gettext("Give a reason for the amendment.")})
    return _intake_write(
        locked,
        user,
        fields,
        substances,
        reason=reason.strip(),
        kind=EpisodeEventKind.INTAKE_AMENDED,
        base_version=base_version,
    )


def _intake_write(
    episode: Episode,
    user: User,
    fields: Mapping[str, Any],
    substances: Sequence[Mapping[str, Any]],
    *,
    reason: str,
    kind: EpisodeEventKind,
    base_version: int | None,
) -> Intake:
    unknown = set(fields) - set(INTAKE_FIELDS)
    if unknown:
        raise ValueError(f"unknown intake fields: {sorted(unknown)}")
    intake = _check_intake_version(episode, base_version)
    before = intake_snapshot(intake) if intake is not None else None
    was_pregnant = intake.pregnant if intake is not None else None
    if intake is None:
        intake = Intake(episode=episode, created_by=user, version=0)
    intake.version += 1
    for name, value in fields.items():
        setattr(intake, name, value)
    intake.updated_by = user
    if intake.pregnant is None and episode.patient.sex == "male":
        # Not asked on the form for a man: recorded as not pregnant, not as unknown.
        intake.pregnant = False
    # A "pregnant" already on record (from before a sex correction) stays, and can be changed;
    # recording it anew for a man is refused.
    if intake.pregnant is True and was_pregnant is not True and episode.patient.sex == "male":
        # One place for the web form and the API: the sex comes from the identity number.
        raise ValidationError(
            {
                "pregnant": gettext(
                    "The patient is registered as male (from the national identity number): "
                    "pregnancy cannot be recorded unless the sex is corrected."
                )
            }
        )
    rows = _substance_rows(substances)
    intake.full_clean(exclude=["episode"] if intake.pk else None)
    save_with_history(intake, user=user, reason=reason)
    _sync_substances(intake, rows, user, reason)
    after = intake_snapshot(intake)
    changes = _changes(before or blank_intake_snapshot(), after)
    if before is None or changes:
        _event(
            episode,
            kind,
            user,
            reason=reason,
            details={"changes": changes, "first": before is None},
        )
    return intake


def _check_intake_version(episode: Episode, base_version: int | None) -> Intake | None:
    """The intake, its row locked; refused if it is no longer at ``base_version``."""
    intake = Intake.objects.select_for_update().filter(episode=episode).first()
    if intake is None:
        check_version(stored=None, base=base_version, changes=list, saved_by=None, saved_at=None)
        return None
    current = intake

    def changes() -> list[FieldChange]:
        return [
            FieldChange(c["field"], c["old"], c["new"])
            for c in _changes(_intake_at(current, base_version or 0), intake_snapshot(current))
        ]

    check_version(
        stored=intake.version,
        base=base_version,
        changes=changes,
        saved_by=intake.updated_by,
        saved_at=intake.updated_at,
    )
    return intake


def _intake_at(intake: Intake, version: int) -> dict[str, Any]:
    """The intake as it stood at ``version`` (from the history), substance rows included."""
    record, rows = state_at_version(intake, version, SubstanceUse.history, parent_field="intake")
    if record is None:
        return blank_intake_snapshot()
    snapshot = intake_snapshot_of(record.instance)
    order = list(SubstanceKind.values)
    kept = sorted((row.instance for row in rows), key=lambda row: order.index(row.substance))
    snapshot["substances"] = [substance_snapshot(row) for row in kept]
    return snapshot


def _substance_rows(substances: Sequence[Mapping[str, Any]]) -> dict[str, SubstanceUse]:
    """Validate every row before anything is written; errors name ``substances.<code>.<field>``."""
    rows: dict[str, SubstanceUse] = {}
    errors: dict[str, list[str]] = {}
    for data in substances:
        unknown = set(data) - set(SUBSTANCE_FIELDS)
        if unknown:
            raise ValueError(f"unknown substance fields: {sorted(unknown)}")
        code = data.get("substance")
        if code not in SubstanceKind.values:
            errors.setdefault("substances", []).append(
                gettext("Not an allowed substance. Allowed: %(allowed)s.")
                % {"allowed": ", ".join(SubstanceKind.values)}
            )
            continue
        if code in rows:
            errors.setdefault(f"substances.{code}", []).append(gettext("List each substance once."))
            continue
        row = SubstanceUse(**data)
        try:
            row.full_clean(exclude=["intake"], validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(f"substances.{code}.{name}", []).extend(messages)
        rows[str(code)] = row
    if errors:
        raise ValidationError(errors)
    return rows


def _sync_substances(
    intake: Intake, rows: Mapping[str, SubstanceUse], user: User, reason: str
) -> None:
    existing = {row.substance: row for row in intake.substances.all()}
    for code, row in existing.items():
        if code not in rows:
            delete_with_history(row, user=user, reason=reason)
    for code, new in rows.items():
        row = existing.get(code) or SubstanceUse(intake=intake, substance=code)
        values = {name: getattr(new, name) for name in SUBSTANCE_FIELDS}
        if row.pk and all(getattr(row, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(row, name, value)
        save_with_history(row, user=user, reason=reason)


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Field-by-field differences of two intake snapshots; substances per substance and field."""
    changes: list[dict[str, Any]] = []
    for name, new in after.items():
        if name == "substances":
            continue
        old = before.get(name)
        if old != new:
            changes.append({"field": name, "old": old, "new": new})
    old_rows = {row["substance"]: row for row in before.get("substances", [])}
    new_rows = {row["substance"]: row for row in after.get("substances", [])}
    for code in [c for c in SubstanceKind.values if c in old_rows or c in new_rows]:
        old_row, new_row = old_rows.get(code, {}), new_rows.get(code, {})
        if not old_row or not new_row:
            changes.append(
                {"field": f"substances.{code}", "old": bool(old_row), "new": bool(new_row)}
            )
            continue
        for name in SUBSTANCE_FIELDS:
            if old_row.get(name) != new_row.get(name):
                changes.append(
                    {
                        "field": f"substances.{code}.{name}",
                        "old": old_row.get(name),
                        "new": new_row.get(name),
                    }
                )
    return changes


# --- Treatment-level decision -----------------------------------------------------------------


@transaction.atomic
def level_decision_record(
    *,
    episode: Episode,
    proposal: LevelProposal,
    accepted: bool,
    chosen_level: str | None,
    chosen_acute_referral: str | None,
    reason: str,
    user: User,
    level_input: Mapping[str, Any] | None = None,
) -> LevelDecision:
    """Accept or override the proposed level; the decision sets the episode's setting.

    An override (anything but the proposal) needs a written reason (guideline 2.13). A proposal
    without a level (facts missing) cannot be accepted: the clinician chooses, with a reason.
    """
    locked = _locked(episode)
    if not locked.is_open:
        raise _refuse_transition(locked, "decide")
    proposed_referral = proposal.acute_referral or ""
    referral = chosen_acute_referral or ""
    if accepted:
        if proposal.level is None:
            raise ValidationError(
                gettext("The proposal has no level: choose one and give a reason."),
                code="no_level",
            )
        if (chosen_level or proposal.level) != proposal.level or (
            chosen_acute_referral is not None and referral != proposed_referral
        ):
            raise ValueError("an accepted decision chooses what was proposed")
        level: str = proposal.level
        referral = proposed_referral
    else:
        level = _override_choice(proposal, chosen_level, referral, reason)
    decision = LevelDecision.objects.create(
        episode=locked,
        proposal=proposal.to_dict(),
        level_input=dict(level_input or {}),
        proposed_level=proposal.level or "",
        proposed_acute_referral=proposed_referral,
        accepted=accepted,
        chosen_level=level,
        chosen_acute_referral=referral,
        reason=reason.strip(),
        decided_by=user,
    )
    locked.setting = level
    locked.save(update_fields=["setting"])
    _event(
        locked,
        EpisodeEventKind.LEVEL_DECIDED,
        user,
        reason=decision.reason,
        details={
            "decision": decision.pk,
            "accepted": accepted,
            "proposed_level": decision.proposed_level,
            "proposed_acute_referral": decision.proposed_acute_referral,
            "chosen_level": level,
            "chosen_acute_referral": referral,
        },
    )
    episode.refresh_from_db()
    return decision


def _override_choice(
    proposal: LevelProposal, chosen_level: str | None, referral: str, reason: str
) -> str:
    errors: dict[str, str] = {}
    if chosen_level not in LEVELS:
        errors["chosen_level"] = gettext("Choose a level. Allowed: %(allowed)s.") % {
            "allowed": ", ".join(LEVELS)
        }
    if referral and referral not in Referral.values:
        errors["chosen_acute_referral"] = gettext(
            "Not an allowed referral. Allowed: %(allowed)s, or none."
        ) % {"allowed": ", ".join(Referral.values)}
    if not reason.strip():
        errors["reason"] = gettext(
            "An override needs a written reason (the guideline, 2.13, asks for it)."
        )
    if errors:
        raise ValidationError(errors)
    if chosen_level == proposal.level and referral == (proposal.acute_referral or ""):
        raise ValidationError(
            {"chosen_level": gettext("This is what was proposed: accept the proposal instead.")}
        )
    assert chosen_level is not None  # noqa: S101
    return chosen_level


# --- Room and bed (issue 14) -------------------------------------------------------------------


@transaction.atomic
def episode_room_bed_set(
    *, episode: Episode, user: User, room_bed: str, base_version: int | None = None
) -> Episode:
    """Set where the patient lies on the ward; the episode's trail gets old → new, who and when.

    ``base_version`` is the room/bed version the editor started from: if someone saved since,
    nothing is written and ``StaleEditError`` names the value now saved (``None``: scripts).
    An unchanged value writes nothing.
    """
    locked = _locked(episode)
    value = " ".join(room_bed.split())

    def changes() -> list[FieldChange]:
        started = ""
        if base_version and base_version > 1:
            event = (
                EpisodeEvent.objects.filter(
                    episode=locked,
                    kind=EpisodeEventKind.ROOM_BED_SET,
                    details__version=base_version,
                )
                .order_by("-at", "-pk")
                .first()
            )
            started = str(event.new) if event and event.new is not None else ""
        return diff({"room_bed": started}, {"room_bed": locked.room_bed})

    last = (
        EpisodeEvent.objects.filter(episode=locked, kind=EpisodeEventKind.ROOM_BED_SET)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )
    check_version(
        stored=locked.room_bed_version,
        base=base_version,
        changes=changes,
        saved_by=last.by if last else None,
        saved_at=last.at if last else None,
    )
    max_length = Episode._meta.get_field("room_bed").max_length or 40
    if len(value) > max_length:
        raise ValidationError(
            {
                "room_bed": gettext("At most %(count)d characters.") % {"count": max_length},
            }
        )
    if value == locked.room_bed:
        return locked
    old = locked.room_bed
    locked.room_bed = value
    locked.room_bed_version += 1
    locked.save(update_fields=["room_bed", "room_bed_version"])
    record_event(
        locked,
        EpisodeEventKind.ROOM_BED_SET,
        user,
        subject="room_bed",
        old=old,
        new=value,
        details={"version": locked.room_bed_version},
    )
    return locked
