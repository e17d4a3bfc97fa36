"""What each role may do with patient records (synced to the role groups by ``sync_roles``).

Clinicians register patients, plan and run episodes, take the intake and decide the treatment
level. Nurses read their unit's patients and episodes (they record scores in ``scoring``).
Administrators see no patient records: they maintain units and read the access log, which nobody
can change (no add/change/delete permission on it exists for any role).

Which patients a nurse or clinician sees is decided by unit membership, in
``patients.selectors``; these permissions decide what they may do with them.
"""

from __future__ import annotations

_READ: tuple[str, ...] = (
    "patients.view_patient",
    "patients.view_contactperson",
    "patients.view_episode",
    "patients.view_episodeevent",
    "patients.view_intake",
    "patients.view_substanceuse",
    "patients.view_leveldecision",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "nurse": _READ,
    "clinician": (
        *_READ,
        "patients.add_patient",
        "patients.change_patient",
        "patients.add_contactperson",
        "patients.add_episode",
        "patients.change_episode",
        "patients.add_intake",
        "patients.change_intake",
        "patients.add_leveldecision",
    ),
    "administrator": (
        "patients.view_accesslogentry",
        "patients.view_unit",
        "patients.add_unit",
        "patients.change_unit",
    ),
}
