"""Medication regimen proposals: alcohol (8.4), GHB (11.2), benzodiazepines (9.4), opioids
(10.5), pregnancy (12-5..7) and sleep (6.2.2, second block).

Pure rules (no ORM, no request, no clock) from the national detox guideline, cited by line in
``guidelines/data/source/retningslinje-avrusning-2014.txt`` ("G" below) and by recommendation
reference ``"<section>-<number>"``; ``docs/CLINICAL.md`` ("Medication") maps them. Section
6.2.2 has two blocks numbered from 1: the sleep-medication block is cited ``6.2.2-B1..B3``.

Each builder takes a frozen input dataclass and returns a ``RegimenProposal``: plan lines and
the facts left unknown that could add or change a line (``None`` in an input means "not
recorded", never "no"). A line is one of:

* ``give``: the guideline says to give it when the line's conditions hold;
* ``consider``: the guideline offers it as a choice or an alternative;
* ``avoid``: the guideline advises against it here;
* ``note``: something to do or tell that is not a drug order.

A dose appears only where the guideline gives it (``DoseSpec.mg`` / ``mg_range``); otherwise
``mg`` is ``None`` and the text says the guideline gives no dose. ``conditions`` are facts that
must hold when the line is carried out, each with ``met`` (``True``/``False``/``None`` = not
known now). ``resolution`` marks a line where the application resolved a gap in the source.
Messages, dose texts, schedules and condition texts are English msgids marked with
``gettext_noop``; render them as ``gettext(message) % params``.

The package: ``common`` (plan lines, proposals, the input error and the checks the inputs
share), then one module per area: ``alcohol``, ``sedatives`` (GHB and benzodiazepines),
``opioids`` and ``sleep``. Import from ``clinical.regimens``: every public name is re-exported
here.
"""

from __future__ import annotations

from clinical.regimens.alcohol import (
    AlcoholInput,
    alcohol_regimen,
    seizure_prophylaxis_reasons,
)
from clinical.regimens.common import (
    ANTIHISTAMINE_PERMILLE_ABOVE,
    CONTINUOUS_DRINKING_DAYS_ABOVE,
    DRUG_NAMES,
    MAX_DAYS,
    MAX_PERMILLE,
    POOR_SLEEP_NIGHTS_ABOVE,
    VALPROATE_START_PERMILLE_BELOW,
    Condition,
    DoseSpec,
    Kind,
    PlanLine,
    RegimenInputError,
    RegimenProposal,
    Setting,
)
from clinical.regimens.opioids import (
    OpioidInput,
    opioid_regimen,
)
from clinical.regimens.sedatives import (
    BenzodiazepineInput,
    GhbInput,
    benzodiazepine_regimen,
    ghb_regimen,
)
from clinical.regimens.sleep import (
    SleepInput,
    sleep_regimen,
)

__all__ = [
    "ANTIHISTAMINE_PERMILLE_ABOVE",
    "CONTINUOUS_DRINKING_DAYS_ABOVE",
    "DRUG_NAMES",
    "MAX_DAYS",
    "MAX_PERMILLE",
    "POOR_SLEEP_NIGHTS_ABOVE",
    "VALPROATE_START_PERMILLE_BELOW",
    "AlcoholInput",
    "BenzodiazepineInput",
    "Condition",
    "DoseSpec",
    "GhbInput",
    "Kind",
    "OpioidInput",
    "PlanLine",
    "RegimenInputError",
    "RegimenProposal",
    "Setting",
    "SleepInput",
    "alcohol_regimen",
    "benzodiazepine_regimen",
    "ghb_regimen",
    "opioid_regimen",
    "seizure_prophylaxis_reasons",
    "sleep_regimen",
]
