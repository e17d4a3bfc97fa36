"""What each role may do with scores, doses and monitoring choices (synced by ``sync_roles``).

Nurses and clinicians record and read withdrawal scores and doses for their own unit's patients;
screening at intake (AUDIT, DUDIT, FAST, CAGE, TWEAK) is the clinician's. Administrators maintain
guideline text, not patient records, so they get nothing here.
"""

from __future__ import annotations

from typing import Final

# Every permission of this app a role holds or a view, selector or API checks: named once, here.
VIEW_ASSESSMENT: Final = "scoring.view_assessment"
ADD_ASSESSMENT: Final = "scoring.add_assessment"
ADD_SCREENING: Final = "scoring.add_screening"
VIEW_ADMINISTRATION: Final = "scoring.view_medicationadministration"
ADD_ADMINISTRATION: Final = "scoring.add_medicationadministration"
VIEW_PLANNED_DOSE: Final = "scoring.view_planneddoserecord"
ADD_PLANNED_DOSE: Final = "scoring.add_planneddoserecord"
VIEW_MONITORING_CHOICE: Final = "scoring.view_monitoringchoice"
ADD_MONITORING_CHOICE: Final = "scoring.add_monitoringchoice"

_WARD: tuple[str, ...] = (
    ADD_ASSESSMENT,
    VIEW_ASSESSMENT,
    ADD_ADMINISTRATION,
    VIEW_ADMINISTRATION,
    ADD_PLANNED_DOSE,
    VIEW_PLANNED_DOSE,
    ADD_MONITORING_CHOICE,
    VIEW_MONITORING_CHOICE,
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "nurse": _WARD,
    "clinician": (*_WARD, ADD_SCREENING),
}
