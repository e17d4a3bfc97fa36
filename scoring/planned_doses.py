"""Planned doses marked given or not given on the ward, and their corrections (issue 14).

The accepted plan (plans, through ``patients.extensions.planned_doses``) says what is due; a nurse
answers each due dose once (given, or not given with why), and changes an answer only by a
correction that keeps the original with who, when and why. Both write the access log and the
episode's audit trail. The shared checks live in ``scoring.checks``.

A dose marked given counts in the advice like a dose registered on the result page (the audit
found a planned night diazepam or valproic acid loading dose invisible to it): the record keeps
the drug's code and the mg given, the plan's single amount or, where the plan gives a range, the
amount the nurse enters (required then, for the drugs the advice counts).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext

from core.formatting import local_time
from patients import extensions
from patients.events import record_event
from patients.extensions import PlannedDose
from patients.models import AccessAction, Episode, EpisodeEventKind
from scoring.checks import (
    FieldProblem,
    InvalidInput,
    check_dose_mg,
    check_moment,
    default_observed_at,
    lock_for_correction,
    locked_episode,
    log_access,
    problem,
)
from scoring.models import Drug, PlannedDoseRecord

# The plan's drug codes (clinical.regimens, tapers) as the ward's ``Drug`` codes.
_PLAN_DRUG: Final = {"valproic_acid": Drug.VALPROATE}
# The drugs whose mg the advice counts (clinical.advice: diazepam, olanzapine, valproic acid;
# clinical.opioid_advice: buprenorphine, clonidine). Thiamine counts as given or not, whatever
# the amount (the guideline gives no dose), so its mg is never required.
COUNTED: Final = frozenset(
    {
        Drug.DIAZEPAM,
        Drug.OLANZAPINE,
        Drug.VALPROATE,
        Drug.BUPRENORPHINE,
        Drug.BUPRENORPHINE_NALOXONE,
        Drug.CLONIDINE,
    }
)
_SINGLE_AMOUNT: Final = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*mg\s*$")


def drug_code(drugs: tuple[str, ...]) -> str:
    """The ward's code for a planned dose of one drug; "" for a combination or an unknown drug."""
    if len(drugs) != 1:
        return ""
    code = _PLAN_DRUG.get(drugs[0], drugs[0])
    return code if code in Drug.values else ""


def _given_mg(
    *, code: str, plan_dose: str, given: object, entered: object, errors: list[FieldProblem]
) -> Decimal | None:
    """The mg given: what the nurse entered, else the plan's single amount; required for a drug
    the advice counts when the plan gives no single amount. None when not given."""
    if given is not True:
        return None
    if entered is not None and entered != "":
        return check_dose_mg(entered, errors)
    single = _SINGLE_AMOUNT.match(plan_dose)
    if single:
        return Decimal(single.group(1).replace(",", "."))
    if code in COUNTED:
        errors.append(
            problem(
                "dose_mg",
                gettext("Enter the dose given in mg: the plan gives %(dose)s.")
                % {"dose": plan_dose or "–"},
            )
        )
    return None


def _check_planned(
    *,
    episode: Episode,
    due_date: date,
    slot: str,
    given: object,
    reason: str,
    recorded_at: datetime,
    now: datetime,
    dose_mg: object = None,
) -> tuple[PlannedDose | None, str, Decimal | None, list[FieldProblem]]:
    """The planned dose answered (read from the accepted plan, never from the form), the reason,
    and every problem, each naming its field."""
    errors: list[FieldProblem] = []
    planned = {dose.slot: dose for dose in extensions.planned_doses(episode, due_date)}
    dose = planned.get(slot)
    if dose is None:
        errors.append(
            problem(
                "slot",
                gettext("The plan has no such dose due on %(date)s.")
                % {"date": formats.date_format(due_date, "SHORT_DATE_FORMAT")},
            )
        )
    reason = _check_answer(
        given=given,
        reason=reason,
        reason_field="reason",
        recorded_at=recorded_at,
        episode=episode,
        now=now,
        errors=errors,
    )
    mg = None
    if dose is not None:
        code = drug_code(dose.drugs)
        mg = _given_mg(code=code, plan_dose=dose.dose, given=given, entered=dose_mg, errors=errors)
    return dose, reason, mg, errors


def _check_answer(
    *,
    given: object,
    reason: str,
    reason_field: str,
    recorded_at: datetime,
    episode: Episode,
    now: datetime,
    errors: list[FieldProblem],
) -> str:
    """An answer's own checks (given or not, why not, when): problems go on ``errors``; returns
    the reason, stripped."""
    if not isinstance(given, bool):
        errors.append(problem("given", gettext("Say whether the dose was given.")))
    reason = (reason or "").strip()
    if given is False and not reason:
        errors.append(problem(reason_field, gettext("Give the reason the dose was not given.")))
    check_moment(
        field="recorded_at",
        moment=recorded_at,
        episode=episode,
        now=now,
        screening=False,
        errors=errors,
    )
    return reason


def _planned_values(
    dose: PlannedDose, given: bool, reason: str, at: datetime, mg: Decimal | None
) -> dict[str, Any]:
    return {
        "slot": dose.slot,
        "due_time": dose.time,
        "drug": dose.drug[:200],
        "dose": dose.dose[:200],
        "drug_code": drug_code(dose.drugs),
        "dose_mg": mg,
        "given": given,
        "reason_not_given": "" if given else reason,
        "recorded_at": at,
    }


@transaction.atomic
def planned_dose_record(
    *,
    episode: Episode,
    due_date: date,
    slot: str,
    given: bool,
    reason: str = "",
    recorded_at: datetime | None = None,
    dose_mg: Decimal | None = None,
    user: User,
    now: datetime,
) -> PlannedDoseRecord:
    """Record that a dose the accepted plan said was due on ``due_date`` was given, or was not
    (with the reason). The drug, dose and time are taken from the plan as it stands. A due dose
    is answered once: a second answer (a double submit, or another nurse) is refused with when it
    was answered; changing the answer is a correction (``planned_dose_correct``)."""
    episode = locked_episode(episode)
    at = recorded_at or default_observed_at(now)
    dose, reason, mg, errors = _check_planned(
        episode=episode,
        due_date=due_date,
        slot=slot,
        given=given,
        reason=reason,
        recorded_at=at,
        now=now,
        dose_mg=dose_mg,
    )
    if errors or dose is None:
        raise InvalidInput(errors)
    earlier = (
        PlannedDoseRecord.objects.filter(
            episode=episode, due_date=due_date, slot=slot, supersedes__isnull=True
        )
        .only("entered_at")
        .first()
    )
    if earlier is not None:
        clock = local_time(earlier.entered_at)
        raise InvalidInput(
            [
                problem(
                    "slot",
                    gettext("Already registered %(time)s.") % {"time": clock}
                    + " "
                    + gettext("Correct the registration to change it."),
                )
            ]
        )
    record = PlannedDoseRecord.objects.create(
        episode=episode,
        due_date=due_date,
        **_planned_values(dose, given, reason, at, mg),
        entered_by=user,
        entered_at=now,
    )
    state = "given" if given else "not given"
    log_access(
        user, episode, AccessAction.CREATE, f"planned dose {record.pk} ({record.slot}, {state})"
    )
    record_event(
        episode,
        EpisodeEventKind.PLANNED_DOSE_RECORDED,
        user,
        at=now,
        subject=f"planned_dose:{due_date.isoformat()}:{record.slot}",
        new=_planned_state(record),
        details={"record": record.pk},
    )
    return record


def _planned_state(record: PlannedDoseRecord) -> dict[str, Any]:
    return {
        "drug": record.drug,
        "dose": record.dose,
        "due_time": record.due_time,
        "given": record.given,
        "dose_mg": None if record.dose_mg is None else str(record.dose_mg),
        "reason_not_given": record.reason_not_given,
        "recorded_at": record.recorded_at.isoformat(),
    }


@transaction.atomic
def planned_dose_correct(
    *,
    original: PlannedDoseRecord,
    given: bool,
    reason_not_given: str = "",
    recorded_at: datetime,
    reason: str,
    dose_mg: Decimal | None = None,
    user: User,
    now: datetime,
) -> PlannedDoseRecord:
    """Store a corrected answer for a planned dose: given or not (with why not) and the mg given,
    with the reason for the correction. The original stays, with who entered it and when."""
    episode = locked_episode(original.episode)
    correction = lock_for_correction(original, reason)
    original, errors = correction.original, correction.errors
    reason_not_given = _check_answer(
        given=given,
        reason=reason_not_given,
        reason_field="reason_not_given",
        recorded_at=recorded_at,
        episode=episode,
        now=now,
        errors=errors,
    )
    mg = _given_mg(
        code=original.drug_code,
        plan_dose=original.dose,
        given=given,
        entered=dose_mg,
        errors=errors,
    )
    stored = correction.store(
        user,
        now,
        episode=episode,
        due_date=original.due_date,
        slot=original.slot,
        due_time=original.due_time,
        drug=original.drug,
        dose=original.dose,
        drug_code=original.drug_code,
        dose_mg=mg,
        given=given,
        reason_not_given="" if given else reason_not_given,
        recorded_at=recorded_at,
    )
    record_event(
        episode,
        EpisodeEventKind.PLANNED_DOSE_CORRECTED,
        user,
        at=now,
        subject=f"planned_dose:{original.due_date.isoformat()}:{original.slot}",
        old=_planned_state(original),
        new=_planned_state(stored),
        reason=correction.reason,
        details={"record": stored.pk, "corrects": original.pk},
    )
    return stored
