"""What each role may do with the episode's plan (synced to the role groups by ``sync_roles``).

Clinicians build the medication plan and the taper, keep the discharge checklist and request
care-plan PDFs. Nurses read the plan (today's doses), read and download care plans, and keep the
discharge checklist too: they often hand out naloxone, train the patient and hold the discharge
conversation. Administrators see no patient records (their permissions are in ``accounts.roles``).
Which episodes a nurse or clinician sees is decided by unit membership (``patients.selectors``).
"""

from __future__ import annotations

from typing import Final

# Every permission of this app a role holds or a view, selector or API checks: named once, here.
# The app label is "detox" (the app's name before the project package was split out).
VIEW_PLAN: Final = "detox.view_medicationplan"
ADD_PLAN: Final = "detox.add_medicationplan"
CHANGE_PLAN: Final = "detox.change_medicationplan"
VIEW_PLAN_LINE: Final = "detox.view_planline"
ADD_PLAN_LINE: Final = "detox.add_planline"
CHANGE_PLAN_LINE: Final = "detox.change_planline"
VIEW_TAPER: Final = "detox.view_taperschedule"
ADD_TAPER: Final = "detox.add_taperschedule"
VIEW_PLAN_VERSION: Final = "detox.view_medicationplanversion"
VIEW_DISCHARGE: Final = "detox.view_dischargechecklist"
ADD_DISCHARGE: Final = "detox.add_dischargechecklist"
CHANGE_DISCHARGE: Final = "detox.change_dischargechecklist"
VIEW_DISCHARGE_ITEM: Final = "detox.view_dischargeitem"
VIEW_CARE_PLAN: Final = "detox.view_careplan"
ADD_CARE_PLAN: Final = "detox.add_careplan"

_READ: tuple[str, ...] = (
    VIEW_PLAN,
    VIEW_PLAN_LINE,
    VIEW_TAPER,
    VIEW_PLAN_VERSION,
    VIEW_DISCHARGE,
    VIEW_DISCHARGE_ITEM,
    VIEW_CARE_PLAN,
)
_DISCHARGE: tuple[str, ...] = (ADD_DISCHARGE, CHANGE_DISCHARGE)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "nurse": (*_READ, *_DISCHARGE),
    "clinician": (
        *_READ,
        *_DISCHARGE,
        ADD_PLAN,
        CHANGE_PLAN,
        ADD_PLAN_LINE,
        CHANGE_PLAN_LINE,
        ADD_TAPER,
        ADD_CARE_PLAN,
    ),
}
