"""The detox-unit directory's yes/no capabilities, in the order pages and filters show them.

One list for the model, the loader of the shipped data and the API; with it, the facts about a
unit that both the loader and the API carry.
"""

from __future__ import annotations

from typing import Final

CAPABILITIES: Final = (
    "outpatient_detox",
    "accepts_alcohol",
    "accepts_illegal_drugs",
    "accepts_medication_dependence",
    "accepts_pregnant",
    "emergency_admission",
    "coercion_10_2_10_3",
    "coercion_10_4",
)

# A unit's facts after its name and region, shared by the loader of the shipped data and the API.
UNIT_FACTS: Final = (
    "health_trust",
    "owner",
    "address",
    "phone",
    "email",
    "web",
    *CAPABILITIES,
    "main_substances",
    "department_types",
    "beds",
    "notes",
    "line_start",
    "line_end",
)
