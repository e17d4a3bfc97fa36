"""The checks and bookkeeping every scoring service shares: field problems, the time window a
record may be dated in, the episode lock, corrections, and the access-log entry.

Public so that the planned-dose services (``scoring/planned_doses.py``) and the score and dose
services (``scoring/services.py``) use one definition of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Generic, TypedDict, TypeVar

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from core.exceptions import InputRejected
from core.formatting import local_datetime
from patients.access_log import access_log_record
from patients.models import AccessAction, Episode
from scoring.models import Assessment, MedicationAdministration, PlannedDoseRecord


class FieldProblem(TypedDict, total=False):
    field: str
    message: str
    allowed: list[Any]


class InvalidInput(InputRejected):
    """Bad input; ``errors`` names every field at fault. Nothing was stored.

    The API answers it with the one 400 body (``core.exceptions``)."""

    errors: list[FieldProblem]


def problem(field: str, message: str, allowed: list[Any] | None = None) -> FieldProblem:
    problem = FieldProblem(field=field, message=message)
    if allowed is not None:
        problem["allowed"] = allowed
    return problem


def earliest_moment(episode: Episode, *, screening: bool) -> datetime | None:
    """The earliest moment a record of this episode may be dated.

    Withdrawal scores and doses belong to the stay: from admission on. Screening belongs to the
    intake, which may come before admission is registered: from the episode's creation (or its
    admission, if that was registered as earlier).
    """
    if not screening:
        return episode.admitted_at
    if episode.admitted_at is None:
        return episode.created_at
    return min(episode.admitted_at, episode.created_at)


def check_moment(
    *,
    field: str,
    moment: datetime,
    episode: Episode,
    now: datetime,
    screening: bool,
    errors: list[FieldProblem],
) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        errors.append(problem(field, gettext("The time must include a time zone.")))
        return
    if moment > now:
        errors.append(
            problem(
                field,
                gettext("The time cannot be in the future (now: %(now)s).")
                % {"now": local_datetime(now)},
            )
        )
        return
    earliest = earliest_moment(episode, screening=screening)
    if earliest is None:
        errors.append(
            problem(
                field,
                gettext("The episode has no admission time yet; register the admission first."),
            )
        )
        return
    # Compare at the form's precision (whole minutes): a score typed as 08:34 in an episode
    # admitted at 08:34:40 belongs to the stay, so the start counts from its minute.
    if moment < earliest.replace(second=0, microsecond=0):
        errors.append(
            problem(
                field,
                gettext("The time cannot be before the episode began (%(start)s).")
                % {"start": local_datetime(earliest)},
            )
        )
    if episode.discharged_at is not None and moment > episode.discharged_at:
        errors.append(
            problem(
                field,
                gettext("The time cannot be after the discharge (%(end)s).")
                % {"end": local_datetime(episode.discharged_at)},
            )
        )


def default_observed_at(now: datetime) -> datetime:
    # Whole minutes: what a nurse reads off a clock, and what a resent form carries again.
    return now.replace(second=0, microsecond=0)


def locked_episode(episode: Episode) -> Episode:
    """The episode row, locked for this transaction.

    Every write for one episode takes this lock first, so two requests for the same patient are
    serialised: the second sees the first's row when it looks for a double submit. (PostgreSQL
    honours the lock; SQLite serialises writers anyway.)
    """
    return Episode.objects.select_for_update().select_related("patient", "unit").get(pk=episode.pk)


Record = TypeVar("Record", Assessment, MedicationAdministration, PlannedDoseRecord)


# What a correction of a record that was corrected meanwhile is told, per kind of record.
ALREADY_CORRECTED: Final[dict[type[Any], str]] = {
    Assessment: gettext_noop("This score has already been corrected; correct its newest version."),
    MedicationAdministration: gettext_noop(
        "This dose has already been corrected; correct its newest version."
    ),
    PlannedDoseRecord: gettext_noop(
        "This registration has already been corrected; correct its newest version."
    ),
}


def already_corrected(original: Record) -> FieldProblem:
    return problem("original", gettext(ALREADY_CORRECTED[type(original)]))


@dataclass
class Correction(Generic[Record]):
    """A correction under way: the locked original, the reason, and the problems found so far;
    ``store`` refuses with every problem, or stores the corrected version."""

    original: Record
    reason: str
    errors: list[FieldProblem]

    def store(self, user: User, now: datetime, /, **values: Any) -> Record:
        if self.errors:
            raise InvalidInput(self.errors)
        return store_correction(self.original, reason=self.reason, user=user, now=now, **values)


def lock_for_correction(original: Record, reason: str | None) -> Correction[Record]:
    """Lock the row to correct and check what every correction needs: it is the newest version
    (a correction of a correction goes on the chain's end), and a reason is given."""
    model = type(original)
    locked = model.objects.select_for_update().get(pk=original.pk)
    errors: list[FieldProblem] = []
    if model.objects.filter(supersedes=locked).exists():
        errors.append(already_corrected(locked))
    reason = (reason or "").strip()
    if not reason:
        errors.append(problem("reason", gettext("Give the reason for the correction.")))
    return Correction(locked, reason, errors)


def store_correction(
    original: Record,
    *,
    reason: str,
    user: User,
    now: datetime,
    **values: Any,
) -> Record:
    """Store the correction of ``original`` and log it; a concurrent correction that won the race
    on the unique ``supersedes`` is refused as already corrected."""
    model = type(original)
    try:
        with transaction.atomic():
            correction = model.objects.create(
                **values,
                entered_by=user,
                entered_at=now,
                supersedes=original,
                correction_reason=reason,
            )
    except IntegrityError:
        raise InvalidInput([already_corrected(original)]) from None
    noun = {
        Assessment: "assessment",
        MedicationAdministration: "medication administration",
        PlannedDoseRecord: "planned dose",
    }[model]
    what = f"{noun} {original.pk} corrected by {correction.pk}"
    log_access(user, original.episode, AccessAction.UPDATE, what)
    return correction


def log_access(user: User, episode: Episode, action: str, what: str) -> None:
    access_log_record(user=user, patient=episode.patient, action=action, what=what)


DOSE_MAX_MG: Final = Decimal("9999.99")


def check_dose_mg(value: object, errors: list[FieldProblem]) -> Decimal | None:
    """A dose in mg, above 0 and at most ``DOSE_MAX_MG``, to two decimals; a problem on
    ``dose_mg`` (and None) otherwise."""
    try:
        dose = Decimal(str(value)) if not isinstance(value, bool) else None
    except InvalidOperation:
        dose = None
    if dose is None or not dose.is_finite() or not Decimal(0) < dose <= DOSE_MAX_MG:
        errors.append(
            problem(
                "dose_mg",
                gettext("The dose must be a number of milligrams above 0 and at most %(max)s.")
                % {"max": DOSE_MAX_MG},
            )
        )
        return None
    return dose.quantize(Decimal("0.01"))
