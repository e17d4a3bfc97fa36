"""The one way onto the episode's audit trail (``EpisodeEvent``): every service that changes an
episode or its plan writes its event through ``record_event`` (issue 13, "one audit trail").

Who, when, what (the kind and the subject), old → new, and why; ``details`` for what a kind
needs beyond that. The values must be JSON-ready (ISO dates, plain numbers as strings or ints).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from patients.models import Episode, EpisodeEvent, EpisodeEventKind


def record_event(
    episode: Episode,
    kind: EpisodeEventKind | str,
    by: User,
    *,
    at: datetime | None = None,
    subject: str = "",
    old: Any = None,
    new: Any = None,
    reason: str = "",
    details: Mapping[str, Any] | None = None,
) -> EpisodeEvent:
    """Append one event to the episode's trail; ``at`` defaults to now."""
    if kind not in EpisodeEventKind.values:
        raise ValueError(f"unknown event kind: {kind}")
    return EpisodeEvent.objects.create(
        episode=episode,
        kind=kind,
        at=at or timezone.now(),
        by=by,
        subject=subject,
        old=old,
        new=new,
        reason=reason,
        details=dict(details or {}),
    )
