"""What each role may do with the guideline: everyone reads it, only administrators edit it."""

from __future__ import annotations

from typing import Final

# Every permission of this app a role holds or a view, selector or API checks: named once, here.
VIEW_RECOMMENDATION: Final = "guidelines.view_recommendation"
CHANGE_RECOMMENDATION: Final = "guidelines.change_recommendation"
VIEW_DETOX_UNIT: Final = "guidelines.view_detoxunit"

READ = (VIEW_RECOMMENDATION, VIEW_DETOX_UNIT)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "clinician": READ,
    "nurse": READ,
    "administrator": (*READ, CHANGE_RECOMMENDATION),
}
