"""What each role may do with the guideline: everyone reads it, only administrators edit it."""

from __future__ import annotations

READ = ("guidelines.view_recommendation", "guidelines.view_detoxunit")

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "clinician": READ,
    "nurse": READ,
    "administrator": (*READ, "guidelines.change_recommendation"),
}
