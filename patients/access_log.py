"""The access log: every read or write of a patient's records, who, when, what, from where.

Written by the views, the API and the services through these two functions only; the entries are
never changed (``patients.models.AccessLogEntry``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from patients.models import AccessAction, AccessLogEntry, Patient


def _request_origin(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    # REMOTE_ADDR is what the server saw; behind a proxy, the proxy sets it (gunicorn
    # --forwarded-allow-ips), so a client-supplied X-Forwarded-For is never trusted here.
    return {
        "path": request.get_full_path()[:500],
        "method": (request.method or "")[:10],
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


@transaction.atomic
def access_log_record(
    *,
    user: User,
    patient: Patient | None,
    action: AccessAction | str,
    what: str,
    request: HttpRequest | None = None,
) -> AccessLogEntry:
    """Record one read or write of a patient's records: who, when, what, from where."""
    return AccessLogEntry.objects.create(
        user=user, patient=patient, action=action, what=what[:200], **_request_origin(request)
    )


@transaction.atomic
def access_log_record_many(
    *,
    user: User,
    patients: Iterable[Patient],
    action: AccessAction | str,
    what: str,
    request: HttpRequest | None = None,
) -> list[AccessLogEntry]:
    """One entry per patient shown (a list page shows names and numbers), in one query."""
    origin = _request_origin(request)
    # By id: the board writes 20 of these on every view, and the related-object setters cost
    # more than the rest of building an entry.
    entries = [
        AccessLogEntry(
            user_id=user.pk, patient_id=patient.pk, action=action, what=what[:200], **origin
        )
        for patient in patients
    ]
    return AccessLogEntry.objects.bulk_create(entries)
