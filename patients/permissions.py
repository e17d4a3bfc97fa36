"""What each role may do with patient records (synced to the role groups by ``sync_roles``).

Clinicians register patients, plan and run episodes, take the intake and decide the treatment
level. Nurses read their unit's patients and episodes (they record scores in ``scoring``).
Administrators see no patient records: they maintain units and read the access log, which nobody
can change (no add/change/delete permission on it exists for any role).

Which patients a nurse or clinician sees is decided by unit membership, in
``patients.selectors``; these permissions decide what they may do with them.
"""

from __future__ import annotations

from typing import Final

# Every permission of this app a role holds or a view, selector or API checks: named once, here.
VIEW_PATIENT: Final = "patients.view_patient"
ADD_PATIENT: Final = "patients.add_patient"
CHANGE_PATIENT: Final = "patients.change_patient"
VIEW_CONTACT_PERSON: Final = "patients.view_contactperson"
ADD_CONTACT_PERSON: Final = "patients.add_contactperson"
VIEW_EPISODE: Final = "patients.view_episode"
ADD_EPISODE: Final = "patients.add_episode"
CHANGE_EPISODE: Final = "patients.change_episode"
VIEW_EPISODE_EVENT: Final = "patients.view_episodeevent"
VIEW_INTAKE: Final = "patients.view_intake"
ADD_INTAKE: Final = "patients.add_intake"
CHANGE_INTAKE: Final = "patients.change_intake"
VIEW_SUBSTANCE_USE: Final = "patients.view_substanceuse"
VIEW_LEVEL_DECISION: Final = "patients.view_leveldecision"
ADD_LEVEL_DECISION: Final = "patients.add_leveldecision"
VIEW_ACCESS_LOG: Final = "patients.view_accesslogentry"
VIEW_UNIT: Final = "patients.view_unit"
ADD_UNIT: Final = "patients.add_unit"
CHANGE_UNIT: Final = "patients.change_unit"
# Nurses and clinicians of the unit move patients between rooms and beds (issue 14).
SET_ROOM_BED: Final = "patients.set_episode_room_bed"

_READ: tuple[str, ...] = (
    VIEW_PATIENT,
    VIEW_CONTACT_PERSON,
    VIEW_EPISODE,
    VIEW_EPISODE_EVENT,
    VIEW_INTAKE,
    VIEW_SUBSTANCE_USE,
    VIEW_LEVEL_DECISION,
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "nurse": (*_READ, SET_ROOM_BED),
    "clinician": (
        *_READ,
        ADD_PATIENT,
        CHANGE_PATIENT,
        ADD_CONTACT_PERSON,
        ADD_EPISODE,
        CHANGE_EPISODE,
        ADD_INTAKE,
        CHANGE_INTAKE,
        ADD_LEVEL_DECISION,
        SET_ROOM_BED,
    ),
    "administrator": (VIEW_ACCESS_LOG, VIEW_UNIT, ADD_UNIT, CHANGE_UNIT),
}
