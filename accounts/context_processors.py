"""The navigation skeleton: which areas the logged-in user's role may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
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


# (role, language, URL prefix, URLconf) → each visible item's label, path and URL name: the same
# for every request of that role in that language, so reversed and translated once per process.
_ITEMS: dict[tuple[str, str, str, str | None], tuple[tuple[str, str, str], ...]] = {}


def _items(role_code: str) -> tuple[tuple[str, str, str], ...]:
    key = (role_code, get_language() or "", get_script_prefix(), get_urlconf())
    items = _ITEMS.get(key)
    if items is None:
        items = _ITEMS[key] = tuple(
            (str(item.label), reverse(item.url_name), item.url_name)
            for item in NAVIGATION
            if role_code in item.roles
        )
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    role = user_role(request.user)
    if role is None:
        return {"current_role": None, "nav_items": []}
    items = [
        {"label": label, "url": url, "active": request.path == url, "url_name": url_name}
        for label, url, url_name in _items(role.code)
    ]
    return {"current_role": role, "nav_items": items}
