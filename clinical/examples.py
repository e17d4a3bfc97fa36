"""Canonical example inputs shared by the demo data, the load benchmarks and the API examples.

Plain data with no imports beyond the standard library, so ``benchmarks/locustfile.py`` can load
it under Locust without Django. The mappings are read-only; copy one (``{**EXAMPLE}``) to build
a request body or an intake from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

# The treatment-level facts of a patient with no comorbidity and no acute risk (all "no").
NO_COMORBIDITY_OR_ACUTE_RISK: Final[Mapping[str, bool]] = MappingProxyType(
    {
        "somatic_comorbidity": False,
        "psychiatric_comorbidity": False,
        "severe_mental_illness": False,
        "high_suicide_risk": False,
        "acute_somatic_illness": False,
        "unconscious": False,
    }
)

# A taper request: alprazolam 2 mg a day moved to oxazepam, outpatient, 10 % a week.
BENZODIAZEPINE_TAPER_EXAMPLE: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "regimen": "benzodiazepine",
        "current_use": [{"drug": "alprazolam", "mg_per_day": 2}],
        "taper_drug": "oxazepam",
        "setting": "outpatient",
        "start_date": "2026-12-01",
        "weekly_reduction_percent": 10,
        "doses_per_day": 3,
    }
)
