"""What every plan service shares: the episode under a row lock, the checks, the access log."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext

from patients.access_log import access_log_record
from patients.models import AccessAction, Episode


def log_access(
    user: User, episode: Episode, action: AccessAction, what: str, request: HttpRequest | None
) -> None:
    access_log_record(user=user, patient=episode.patient, action=action, what=what, request=request)


def locked_episode(episode: Episode) -> Episode:
    """The episode under a row lock: plan changes to one episode happen one at a time."""
    return Episode.objects.select_for_update().select_related("patient").get(pk=episode.pk)


def require_open(episode: Episode) -> None:
    if not episode.is_open:
        raise ValidationError(
            gettext("The episode is closed (%(status)s): its medication plan cannot change.")
            % {"status": episode.get_status_display()},
            code="closed",
        )


def required_reason(reason: str, message: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": message})
    return text
