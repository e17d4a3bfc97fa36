"""The taper request: the validated input, the error that rejects one, and reading the
intake's free-text record of the use (``parse_intake_use``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Final

from clinical.inputs import ClinicalInputError
from clinical.tapers.constants import MAX_MG_PER_DAY, Regimen, Setting


@dataclass(frozen=True)
class CurrentUse:
    drug: str
    mg_per_day: Fraction


@dataclass(frozen=True)
class TaperRequest:
    """A validated request; build it with ``parse_taper_request``."""

    regimen: Regimen
    setting: Setting
    start_date: date
    taper_drug: str
    doses_per_day: int
    current_use: tuple[CurrentUse, ...] = ()
    weekly_reduction_percent: Fraction | None = None
    start_mg_per_day: Fraction | None = None
    days: int | None = None
    opioid_dependent: bool | None = None
    equivalence: Mapping[str, Fraction] = field(default_factory=dict)
    stay_days: int | None = None
    pregnant: bool | None = None
    override_reason: str | None = None
    dispensing_interval_days: int | None = None
    conversion_confirmed: bool | None = None
    intake_use: tuple[CurrentUse, ...] | None = None


class TaperInputError(ClinicalInputError):
    """The request was rejected; ``errors`` names each bad field, what is allowed and why."""


# --- The intake's record of the use ------------------------------------------------------------

# Norwegian spellings and the brand names on the Norwegian market, for reading the intake's
# free text (CLINICAL.md, tablet strengths; Felleskatalogen names).
_DRUG_WORDS: Final[Mapping[str, str]] = {
    "flunitrazepam": "flunitrazepam",
    "rohypnol": "flunitrazepam",
    "nitrazepam": "nitrazepam",
    "mogadon": "nitrazepam",
    "oxazepam": "oxazepam",
    "oksazepam": "oxazepam",
    "sobril": "oxazepam",
    "diazepam": "diazepam",
    "stesolid": "diazepam",
    "valium": "diazepam",
    "vival": "diazepam",
    "alprazolam": "alprazolam",
    "xanax": "alprazolam",
    "clonazepam": "clonazepam",
    "klonazepam": "clonazepam",
    "rivotril": "clonazepam",
    "zopiclone": "zopiclone",
    "zopiklon": "zopiclone",
    "imovane": "zopiclone",
    "zolpidem": "zolpidem",
    "stilnoct": "zolpidem",
}
_MG_PATTERN: Final = re.compile(r"(\d+(?:[.,]\d+)?)\s*mg(?:\s*(?:[x×*])\s*(\d+))?", re.IGNORECASE)
_WEEKLY_WORDS: Final = re.compile(r"\b(uke|uka|week|weekly|ukentlig|i alt|totalt)\b", re.IGNORECASE)


def parse_intake_use(description: str, amount: str, frequency: str) -> CurrentUse | None:
    """The daily dose the intake's benzodiazepine row states, where it can be read safely.

    Only a row used daily, naming exactly one drug of the equivalence table (by its name,
    Norwegian spelling or brand) and exactly one "N mg" (optionally "× M" doses a day), without
    a word that makes it a weekly or total amount; anything else is None (the form is then not
    pre-filled and the clinician types the dose).
    """
    if frequency != "daily":
        return None
    text = f"{description} {amount}".lower()
    drugs = {drug for word, drug in _DRUG_WORDS.items() if re.search(rf"\b{word}\b", text)}
    doses = _MG_PATTERN.findall(amount)
    if len(drugs) != 1 or len(doses) != 1 or _WEEKLY_WORDS.search(amount):
        return None
    number, times = doses[0]
    mg = Fraction(number.replace(",", ".")) * (int(times) if times else 1)
    if not 0 < mg <= MAX_MG_PER_DAY:
        return None
    return CurrentUse(drugs.pop(), mg)
