"""Ward pages of issue 14: an episode's room/bed, and the shift handover.

Thin adapters like ``scoring.views``: fetch and authorize (404 outside the user's unit, 403
without the permission), parse, call one service, render; every read is in the access log.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors
from patients.access_log import access_log_record, access_log_record_many
from patients.concurrency import (
    StaleEditError,
    stale_form,
    version_field,
)
from patients.models import AccessAction, Episode
from patients.permissions import SET_ROOM_BED
from patients.selectors import get_episode_for_user
from patients.services import episode_room_bed_set
from scoring import permissions, selectors
from scoring.handover import handover_lines
from scoring.views import _require


class RoomBedForm(forms.Form):
    room_bed = forms.CharField(
        label=_("Room/bed"),
        max_length=Episode._meta.get_field("room_bed").max_length,
        required=False,
        help_text=_("As the ward writes it, for example “4B” or “Room 12, bed 2”. Empty: none."),
    )
    version = version_field(min_value=1)


@require_http_methods(["GET", "POST"])
def episode_room_bed(request: HttpRequest, episode_id: int) -> HttpResponseBase:
    """Where the patient lies: one short text, versioned; the change goes on the episode trail."""
    user = _require(request, SET_ROOM_BED)
    episode = get_episode_for_user(user, episode_id)
    stale = False
    if request.method == "POST":
        form = RoomBedForm(request.POST)
        if form.is_valid():
            try:
                episode_room_bed_set(
                    episode=episode,
                    user=user,
                    room_bed=form.cleaned_data["room_bed"],
                    base_version=form.cleaned_data["version"],
                )
            except StaleEditError as error:
                stale = True
                form = stale_form(RoomBedForm, request.POST, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                access_log_record(
                    user=user,
                    patient=episode.patient,
                    action=AccessAction.UPDATE,
                    what="room/bed",
                    request=request,
                )
                messages.success(request, gettext("Room/bed is saved."))
                return redirect("ward-board")
    else:
        form = RoomBedForm(
            initial={"room_bed": episode.room_bed, "version": episode.room_bed_version}
        )
        access_log_record(
            user=user,
            patient=episode.patient,
            action=AccessAction.VIEW,
            what="room/bed",
            request=request,
        )
    return render(
        request,
        "scoring/room_bed_form.html",
        {"form": form, "episode": episode, "patient": episode.patient},
        # A refused save answers 400 (409 when someone saved meanwhile), like the ward's forms.
        status=409 if stale else 400 if form.is_bound else 200,
    )


@require_GET
def ward_handover(request: HttpRequest) -> HttpResponse:
    """The shift handover: every inpatient of the unit on one page, printable on A4."""
    user = _require(request, permissions.VIEW_ASSESSMENT)
    now = timezone.now()
    rows = selectors.handover(user, now=now)
    access_log_record_many(
        user=user,
        patients=[row.board.episode.patient for row in rows],
        action=AccessAction.VIEW,
        what="shift handover",
        request=request,
    )
    request.overdue_count = sum(1 for row in rows if row.board.status == "overdue")  # type: ignore[attr-defined]
    lines, shift = handover_lines(rows, now=now)
    return render(
        request,
        "scoring/handover.html",
        {"lines": lines, "now": now, "shift": shift},
    )
