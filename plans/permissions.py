"""What each role may do with the episode's plan (synced to the role groups by ``sync_roles``).

Clinicians build the medication plan and the taper, keep the discharge checklist and request
care-plan PDFs. Nurses read the plan (today's doses), read and download care plans, and keep the
discharge checklist too: they often hand out naloxone, train the patient and hold the discharge
conversation. Administrators see no patient records; they read the administration log and may
revoke API tokens. Which episodes a
nurse or clinician sees is decided by unit membership (``patients.selectors``).
"""

from __future__ import annotations

_READ: tuple[str, ...] = (
    "detox.view_medicationplan",
    "detox.view_planline",
    "detox.view_taperschedule",
    "detox.view_medicationplanversion",
    "detox.view_dischargechecklist",
    "detox.view_dischargeitem",
    "detox.view_careplan",
    "detox.view_planevent",
)
_DISCHARGE: tuple[str, ...] = (
    "detox.add_dischargechecklist",
    "detox.change_dischargechecklist",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "nurse": (*_READ, *_DISCHARGE),
    "clinician": (
        *_READ,
        *_DISCHARGE,
        "detox.add_medicationplan",
        "detox.change_medicationplan",
        "detox.add_planline",
        "detox.change_planline",
        "detox.add_taperschedule",
        "detox.add_careplan",
    ),
    # The administration log (read-only for everyone) and revoking API tokens (issue 12).
    "administrator": (
        "detox.view_adminauditentry",
        "authtoken.view_tokenproxy",
        "authtoken.delete_tokenproxy",
    ),
}
