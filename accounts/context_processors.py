"""The navigation skeleton: which areas the logged-in user's role may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.access import user_role
from accounts.roles import ADMINISTRATOR, CLINICIAN, NURSE


@dataclass(frozen=True)
class NavItem:
    label: Promise
    url_name: str
    roles: tuple[str, ...]


NAVIGATION = (
    NavItem(_("Start"), "home", (CLINICIAN, NURSE, ADMINISTRATOR)),
    NavItem(_("Ward board"), "ward-board", (NURSE, CLINICIAN)),
    NavItem(_("Shift handover"), "ward-handover", (NURSE, CLINICIAN)),
    NavItem(_("Patients"), "patient-list", (CLINICIAN, NURSE)),
    NavItem(_("Guideline"), "guideline-home", (CLINICIAN, NURSE, ADMINISTRATOR)),
    NavItem(_("Detox units"), "detox-units", (CLINICIAN, NURSE, ADMINISTRATOR)),
    NavItem(_("Access log"), "access-log", (ADMINISTRATOR,)),
    NavItem(_("Administration"), "start-administrator", (ADMINISTRATOR,)),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    role = user_role(request.user)
    if role is None:
        return {"current_role": None, "nav_items": []}
    items = []
    for item in NAVIGATION:
        if role.code in item.roles:
            url = reverse(item.url_name)
            items.append(
                {
                    "label": item.label,
                    "url": url,
                    "active": request.path == url,
                    "url_name": item.url_name,
                }
            )
    return {"current_role": role, "nav_items": items}
