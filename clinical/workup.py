"""The examinations the guideline asks for at intake, as plain rules (no Django).

One rule, used by the intake page, the episode's intake summary and the care plan alike.
"""

from __future__ import annotations

from typing import Final

# 7.2-4 (G 3203): "EKG hos alle over 50 år" — an ECG for everyone over 50.
ECG_AGE_ABOVE: Final = 50


def ecg_recommended(age_years: int) -> bool:
    """Whether the guideline recommends an ECG for a patient of this age (7.2-4: over 50)."""
    return age_years > ECG_AGE_ABOVE


def ecg_outstanding(age_years: int, *, ecg_taken: bool) -> bool:
    """An ECG is recommended for the patient (7.2-4) and the intake does not record one taken."""
    return ecg_recommended(age_years) and not ecg_taken
