"""Celery tasks: the infrastructure ping, the care-plan PDF and the sweep that sends waiting care
plans again; thin shells over services. The sweep's schedule is in ``detox/celery.py``."""

from __future__ import annotations

import os
import socket
from typing import Final

from celery import Task, shared_task
from django.utils import timezone

from detox.celery import REQUEUE_TASK
from plans import services
from plans.models import CarePlanError, CarePlanStatus
from plans.services import TRANSIENT_ERRORS

CARE_PLAN_MAX_RETRIES: Final = 5


@shared_task(name="detox.ping")
def ping(token: str) -> dict[str, str | int]:
    """Echo a token with the host that ran it: proves a worker consumed the message."""
    return {"token": token, "hostname": socket.gethostname(), "pid": os.getpid()}


@shared_task(
    bind=True,
    name="detox.generate_care_plan",
    # Acknowledged once it has finished, and given back if its worker process is lost: a crash
    # runs it again, and the care plan's claim keeps that from making a second file.
    acks_late=True,
    reject_on_worker_lost=True,
    # The care plan's row is the result. Not storing one also keeps the web process from waiting
    # on the result store when Redis is down (Celery would retry it for about 20 s, then raise).
    ignore_result=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=CARE_PLAN_MAX_RETRIES,
)
def generate_care_plan(self: Task[[int], str], care_plan_id: int) -> str:
    """Make and store the care-plan PDF for ``care_plan_id`` (a thin shell over the service).

    Transient errors (the database or the file store not answering) are retried with
    exponential backoff; on the last attempt they mark the care plan failed instead. Any other
    error is caught by the service, which marks the care plan failed with a readable reason.
    """
    token = str(self.request.id or f"care-plan-{care_plan_id}")
    try:
        status = services.care_plan_generate(
            care_plan_id=care_plan_id, token=token, now=timezone.now()
        )
    except TRANSIENT_ERRORS as error:
        if self.request.retries < CARE_PLAN_MAX_RETRIES:
            raise
        services.care_plan_fail(
            care_plan_id=care_plan_id,
            code=CarePlanError.TRANSIENT,
            detail=f"{type(error).__name__}: {error}",
            now=timezone.now(),
        )
        return CarePlanStatus.FAILED
    return status or "skipped"


@shared_task(name=REQUEUE_TASK, ignore_result=True)
def care_plans_requeue() -> dict[str, list[int]]:
    """Send again the care plans that wait for a worker (their queueing failed, their message was
    lost or their worker died); from beat every minute and when a worker starts."""
    done = services.care_plans_requeue(task=generate_care_plan, now=timezone.now())
    return {"sent": done.sent, "unreachable": done.unreachable}
