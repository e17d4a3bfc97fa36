"""What each role may do with scores, doses and monitoring choices (synced by ``sync_roles``).

Nurses and clinicians record and read withdrawal scores and doses for their own unit's patients;
screening at intake (AUDIT, DUDIT, FAST, CAGE, TWEAK) is the clinician's. Administrators maintain
guideline text, not patient records, so they get nothing here.
"""

from __future__ import annotations

_WARD: tuple[str, ...] = (
    "scoring.add_assessment",
    "scoring.view_assessment",
    "scoring.add_medicationadministration",
    "scoring.view_medicationadministration",
    "scoring.add_monitoringchoice",
    "scoring.view_monitoringchoice",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "nurse": _WARD,
    "clinician": (*_WARD, "scoring.add_screening"),
}

# The permissions the views and the API check, by name.
VIEW_ASSESSMENT = "scoring.view_assessment"
ADD_ASSESSMENT = "scoring.add_assessment"
ADD_SCREENING = "scoring.add_screening"
VIEW_ADMINISTRATION = "scoring.view_medicationadministration"
ADD_ADMINISTRATION = "scoring.add_medicationadministration"
ADD_MONITORING_CHOICE = "scoring.add_monitoringchoice"
