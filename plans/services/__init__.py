"""Every change to the episode's plan: one function each, atomic, writing its own audit record.

- Medication plan lines: ``medication_plan_line_accept`` / ``_adjust`` / ``_remove``; taper
  schedules: ``taper_schedule_accept`` (``plans.services.medication``). Each bumps the plan's
  version and stores the whole plan and its taper calendars as computed then
  (``MedicationPlanVersion``), so earlier versions stay readable exactly as they were.
- The discharge checklist: ``discharge_checklist_update`` (``plans.services.discharge``).
- Care-plan PDFs: ``care_plan_request`` (web), then ``care_plan_generate`` / ``care_plan_fail``
  (the worker); ``care_plan_defer`` and ``care_plans_requeue`` (``plans.services.care_plans``).

Each writes one event on the episode's one audit trail through ``patients.events.record_event``
(who, when, what, old → new, why; the history page shows it) and the access log
(``patients.access_log.access_log_record``). Bad input raises
``django.core.exceptions.ValidationError`` with a dict naming the field, before anything is
stored. Messages are translated in the active language.

Callers use ``from plans import services`` and ``services.<function>``: every public name of the
submodules is here.
"""

from __future__ import annotations

from plans.services.care_plans import (
    CARE_PLAN_MAX_ATTEMPTS,
    CLAIM_TIMEOUT,
    ERROR_DETAIL_MAX,
    REQUEUE_AFTER,
    TEST_DELAY_ENV,
    TRANSIENT_ERRORS,
    Enqueue,
    Requeued,
    care_plan_claim,
    care_plan_defer,
    care_plan_fail,
    care_plan_generate,
    care_plan_request,
    care_plan_store,
    care_plans_requeue,
)
from plans.services.discharge import discharge_checklist_update
from plans.services.medication import (
    ADJUSTABLE_FIELDS,
    line_state,
    medication_plan_line_accept,
    medication_plan_line_adjust,
    medication_plan_line_remove,
    plan_schedule,
    plan_snapshot,
    taper_errors,
    taper_schedule_accept,
    taper_state,
)

__all__ = [
    "ADJUSTABLE_FIELDS",
    "CARE_PLAN_MAX_ATTEMPTS",
    "CLAIM_TIMEOUT",
    "ERROR_DETAIL_MAX",
    "REQUEUE_AFTER",
    "TEST_DELAY_ENV",
    "TRANSIENT_ERRORS",
    "Enqueue",
    "Requeued",
    "care_plan_claim",
    "care_plan_defer",
    "care_plan_fail",
    "care_plan_generate",
    "care_plan_request",
    "care_plan_store",
    "care_plans_requeue",
    "discharge_checklist_update",
    "line_state",
    "medication_plan_line_accept",
    "medication_plan_line_adjust",
    "medication_plan_line_remove",
    "plan_schedule",
    "plan_snapshot",
    "taper_errors",
    "taper_schedule_accept",
    "taper_state",
]
