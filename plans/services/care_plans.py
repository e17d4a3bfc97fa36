"""Care-plan PDFs: ``care_plan_request`` (web), then ``care_plan_generate`` / ``care_plan_fail``
(the worker, through ``plans.tasks.generate_care_plan``); ``care_plan_defer`` when the queue cannot
be reached and ``care_plans_requeue`` (the periodic sweep) to send such care plans again.

A request, a ready file and a failure are each an event on the episode's audit trail
(``patients.events.record_event``: the care plan's status before and after).

Tasks import services, never the reverse: ``care_plan_request`` is given the task to queue (the
caller passes ``plans.tasks.generate_care_plan``), so this module does not import the task module.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Final, Protocol

from celery.exceptions import Retry
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import OperationalError as DatabaseOperationalError
from django.db import transaction
from django.db.models import F, Max, Q
from django.http import HttpRequest
from django.utils import timezone
from kombu.exceptions import OperationalError as QueueUnreachable

from patients.events import record_event
from patients.models import AccessAction, Episode
from plans.care_plan import care_plan_document
from plans.models import CarePlan, CarePlanError, CarePlanStatus, PlanEventKind
from plans.selectors import guideline_edition_label
from plans.services._common import locked_episode, log_access

logger = logging.getLogger(__name__)

# A worker that claimed a care plan this long ago and has not finished is taken to have died
# (acks_late redelivers its message; this lets the redelivered task claim the row again).
CLAIM_TIMEOUT: Final = timedelta(minutes=10)
# A pending care plan that no worker has picked up this long after it was asked for is sent again
# (its message was lost: say, the broker restarted without saving its queue).
REQUEUE_AFTER: Final = timedelta(minutes=10)
# Tries of one care plan (claims: retries and redeliveries after a lost worker) before it fails.
CARE_PLAN_MAX_ATTEMPTS: Final = 10
TEST_DELAY_ENV: Final = "AVRUSNING_TEST_TASK_DELAY"
ERROR_DETAIL_MAX: Final = 500
# Errors worth retrying: the database or the file store did not answer (network, disk, restart).
TRANSIENT_ERRORS: Final = (DatabaseOperationalError, OSError)


class Enqueue(Protocol):
    """What ``care_plan_request`` needs of the task: Celery's ``delay``."""

    def delay(self, care_plan_id: int, /) -> object: ...


@transaction.atomic
def care_plan_request(
    *,
    episode: Episode,
    user: User,
    task: Enqueue,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> CarePlan:
    """A new care-plan version, pending; the task is queued once the transaction commits.

    Earlier versions are kept, and each request is a version of its own (a double click makes two
    identical, valid versions; the episode's row lock numbers them one after the other). If the
    queue cannot be reached the care plan stays pending, marked (``care_plan_defer``), and is sent
    again when the queue is back (``care_plans_requeue``): never a server error.
    """
    moment = now or timezone.now()
    locked = locked_episode(episode)
    latest = CarePlan.objects.filter(episode=locked).aggregate(latest=Max("version"))["latest"]
    care_plan = CarePlan.objects.create(
        episode=locked,
        version=(latest or 0) + 1,
        requested_by=user,
        requested_at=moment,
        guideline_edition=guideline_edition_label(),
    )
    record_event(
        locked,
        PlanEventKind.CARE_PLAN_REQUESTED,
        user,
        at=moment,
        subject=f"care_plan:{care_plan.pk}",
        new={"status": str(care_plan.status), "version": care_plan.version},
        details={"care_plan": care_plan.pk, "version": care_plan.version},
    )
    log_access(user, locked, AccessAction.EXPORT, "care plan requested", request)
    transaction.on_commit(partial(_enqueue, task, care_plan.pk))
    return care_plan


def _enqueue(task: Enqueue, care_plan_id: int) -> None:
    """Queue the task; it must never make the web request fail.

    It runs after the commit: the care plan is stored whatever happens here, so an error must not
    reach the user as a failure (they would ask again and get a second version). A broker that is
    down, or any other error in sending, leaves the care plan pending and marked, for
    ``care_plans_requeue`` to send again. On the embedded default the task runs here, in-process;
    a transient error there comes back as Celery's ``Retry`` (eager tasks cannot wait for a
    backoff) and marks the care plan failed instead of being retried while the user waits.
    """
    try:
        task.delay(care_plan_id)
    except QueueUnreachable as error:
        logger.warning("care plan %s: the queue is unreachable: %s", care_plan_id, error)
        care_plan_defer(care_plan_id=care_plan_id, detail=str(error))
    except Retry as retry:
        cause = retry.exc if isinstance(retry.exc, BaseException) else retry
        logger.warning("care plan %s: transient error in-process: %s", care_plan_id, cause)
        care_plan_fail(
            care_plan_id=care_plan_id,
            code=CarePlanError.TRANSIENT,
            detail=f"{type(cause).__name__}: {cause}",
            now=timezone.now(),
        )
    except Exception as error:
        logger.exception("care plan %s could not be queued", care_plan_id)
        care_plan_defer(care_plan_id=care_plan_id, detail=f"{type(error).__name__}: {error}")


def care_plan_defer(*, care_plan_id: int, detail: str) -> bool:
    """Keep a care plan whose queueing failed pending, marked ``queue_unreachable`` with the
    error, so that ``care_plans_requeue`` sends it again; False if it is no longer pending.

    Not an event in the plan's history: nothing about the plan changed, only its delivery (the
    log has the error). The mark is cleared when the care plan is sent again or made.
    """
    marked = CarePlan.objects.filter(pk=care_plan_id, status=CarePlanStatus.PENDING).update(
        error_code=CarePlanError.QUEUE_UNREACHABLE, error_detail=detail[:ERROR_DETAIL_MAX]
    )
    return marked == 1


@dataclass(frozen=True)
class Requeued:
    """What a sweep did: the care plans it sent, and those it could not send (queue down)."""

    sent: list[int]
    unreachable: list[int]


def care_plans_requeue(*, task: Enqueue, now: datetime) -> Requeued:
    """Send again every pending care plan that no live worker has; the periodic sweep.

    Those whose queueing failed (marked by ``care_plan_defer``) are sent at once; those nobody
    picked up within ``REQUEUE_AFTER`` (the broker lost its queue) and those whose claim is older
    than ``CLAIM_TIMEOUT`` (their worker died) are sent too. Sending one that is in fact still
    queued or being made is harmless: the claim lets one task make it and the others skip it.

    Not atomic: each care plan is sent and its mark cleared on its own. The sweep stops at the
    first care plan it cannot send (the queue is down for all of them) and leaves the rest marked
    or as they are for the next sweep.
    """
    waiting = (
        CarePlan.objects.filter(status=CarePlanStatus.PENDING)
        .filter(
            Q(error_code=CarePlanError.QUEUE_UNREACHABLE)
            | Q(claimed_by="", requested_at__lt=now - REQUEUE_AFTER)
            | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
        )
        .order_by("requested_at", "pk")
    )
    ids = list(waiting.values_list("pk", flat=True))
    sent: list[int] = []
    for index, care_plan_id in enumerate(ids):
        try:
            task.delay(care_plan_id)
        except Exception as error:  # the broker's many transport errors all mean "not sent"
            logger.warning(
                "care plans: the queue is unreachable, %d wait: %s", len(ids) - index, error
            )
            care_plan_defer(care_plan_id=care_plan_id, detail=f"{type(error).__name__}: {error}")
            return Requeued(sent=sent, unreachable=ids[index:])
        CarePlan.objects.filter(
            pk=care_plan_id,
            status=CarePlanStatus.PENDING,
            error_code=CarePlanError.QUEUE_UNREACHABLE,
        ).update(error_code="", error_detail="")
        sent.append(care_plan_id)
    if sent:
        logger.info("care plans sent again: %s", sent)
    return Requeued(sent=sent, unreachable=[])


def _test_delay() -> None:
    """Test-only: wait ``AVRUSNING_TEST_TASK_DELAY`` seconds after the claim, so that a test can
    kill the worker while it holds a care plan (tests/reliability). Unset, it does nothing."""
    seconds = os.environ.get(TEST_DELAY_ENV, "").strip()
    if seconds:
        logger.warning("%s is set: waiting %s s (a test hook)", TEST_DELAY_ENV, seconds)
        time.sleep(float(seconds))


def care_plan_claim(*, care_plan_id: int, token: str, now: datetime) -> bool:
    """Claim a pending care plan for the task ``token`` (its id): True if this call got it.

    A conditional UPDATE, so two workers cannot both take it: only a pending row that nobody
    holds, that this same task held before (a retry keeps the task id), or whose holder is
    presumed dead (``CLAIM_TIMEOUT``) is taken.
    """
    stale = now - CLAIM_TIMEOUT
    claimed = (
        CarePlan.objects.filter(pk=care_plan_id, status=CarePlanStatus.PENDING)
        .filter(Q(claimed_by="") | Q(claimed_by=token) | Q(claimed_at__lt=stale))
        .update(claimed_by=token, claimed_at=now, attempts=F("attempts") + 1)
    )
    return claimed == 1


def care_plan_generate(*, care_plan_id: int, token: str, now: datetime) -> CarePlanStatus | None:
    """Make the PDF of a pending care plan and store it: what the worker's task calls.

    Returns the new status, or None when another worker holds the care plan or it is no longer
    pending. A transient error (``TRANSIENT_ERRORS``) propagates for the task to retry, keeping
    the claim for the retry; any other error marks the care plan failed with a readable reason,
    as does a care plan tried more than ``CARE_PLAN_MAX_ATTEMPTS`` times.
    """
    if not care_plan_claim(care_plan_id=care_plan_id, token=token, now=now):
        return None
    attempts = CarePlan.objects.values_list("attempts", flat=True).get(pk=care_plan_id)
    if attempts > CARE_PLAN_MAX_ATTEMPTS:
        # Each redelivery after a lost worker counts; a care plan that keeps killing its worker
        # (say, out of memory) must stop coming back.
        care_plan_fail(
            care_plan_id=care_plan_id,
            code=CarePlanError.RENDER,
            detail=f"gave up after {attempts - 1} attempts",
            now=now,
        )
        return CarePlanStatus.FAILED
    _test_delay()
    try:
        care_plan = CarePlan.objects.select_related(
            "episode__patient", "episode__unit", "requested_by"
        ).get(pk=care_plan_id)
        pdf = care_plan_document(care_plan.episode, care_plan=care_plan, now=now)
        stored = care_plan_store(care_plan_id=care_plan_id, pdf=pdf, token=token, now=now)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        logger.exception("care plan %s could not be made", care_plan_id)
        care_plan_fail(
            care_plan_id=care_plan_id,
            code=CarePlanError.RENDER,
            detail=f"{type(error).__name__}: {error}",
            now=now,
        )
        return CarePlanStatus.FAILED
    return CarePlanStatus.READY if stored else None


@transaction.atomic
def care_plan_store(*, care_plan_id: int, pdf: bytes, token: str, now: datetime) -> bool:
    """Save the file and mark the care plan ready, if this task still holds the claim."""
    care_plan = CarePlan.objects.select_for_update().select_related("episode").get(pk=care_plan_id)
    if care_plan.status != CarePlanStatus.PENDING or care_plan.claimed_by != token:
        return False
    care_plan.file.save("care-plan.pdf", ContentFile(pdf), save=False)
    care_plan.status = CarePlanStatus.READY
    care_plan.generated_at = now
    care_plan.error_code, care_plan.error_detail = "", ""
    care_plan.save(update_fields=["file", "status", "generated_at", "error_code", "error_detail"])
    record_event(
        care_plan.episode,
        PlanEventKind.CARE_PLAN_READY,
        care_plan.requested_by,
        at=now,
        subject=f"care_plan:{care_plan.pk}",
        old={"status": str(CarePlanStatus.PENDING)},
        new={"status": str(CarePlanStatus.READY), "file": care_plan.file.name},
        details={"care_plan": care_plan.pk, "version": care_plan.version},
    )
    return True


@transaction.atomic
def care_plan_fail(*, care_plan_id: int, code: CarePlanError, detail: str, now: datetime) -> bool:
    """Mark a pending care plan failed with the reason; False if it was no longer pending."""
    care_plan = CarePlan.objects.select_for_update().select_related("episode").get(pk=care_plan_id)
    if care_plan.status != CarePlanStatus.PENDING:
        return False
    care_plan.status = CarePlanStatus.FAILED
    care_plan.error_code = code
    care_plan.error_detail = detail[:ERROR_DETAIL_MAX]
    care_plan.save(update_fields=["status", "error_code", "error_detail"])
    record_event(
        care_plan.episode,
        PlanEventKind.CARE_PLAN_FAILED,
        care_plan.requested_by,
        at=now,
        subject=f"care_plan:{care_plan.pk}",
        old={"status": str(CarePlanStatus.PENDING)},
        new={"status": str(CarePlanStatus.FAILED), "error": str(code)},
        reason=str(care_plan.get_error_code_display()),
        details={"care_plan": care_plan.pk, "version": care_plan.version, "code": code},
    )
    return True
