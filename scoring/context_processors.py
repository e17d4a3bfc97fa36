"""The overdue badge in the navigation, on every page a ward user opens (issue 14).

At most one query per request, and only when a page actually shows the badge: the count is
lazy (a template that never reads it costs nothing), it is asked only for nurses and clinicians
(anonymous users, administrators and API requests, which render no template, pay nothing), and
a view that already counted (the board, the handover) leaves its count on the request to reuse.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from accounts.access import user_role
from accounts.roles import CLINICIAN, NURSE


def overdue_badge(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = user_role(user)
    if role is None or role.code not in (CLINICIAN, NURSE):
        return {}

    def count() -> int:
        known = getattr(request, "overdue_count", None)
        if known is None:
            from scoring.selectors import overdue_count

            known = overdue_count(user, now=timezone.now())
            request.overdue_count = known  # type: ignore[attr-defined]
        return int(known)

    # A callable: the template calls it only where it shows the badge.
    return {"overdue_badge": count}
