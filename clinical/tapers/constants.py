"""The taper engine's vocabulary and bounds: regimens, settings, taper drugs, the weekly
reduction, start-dose bounds, dose times and the data files in ``clinical/data/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Final, Literal, get_args

Regimen = Literal["benzodiazepine", "buprenorphine"]
Setting = Literal["outpatient", "inpatient"]
EquivalenceSource = Literal["table", "default", "clinician"]

REGIMENS: Final[tuple[Regimen, ...]] = get_args(Regimen)
SETTINGS: Final[tuple[Setting, ...]] = get_args(Setting)
# 9.4-1 (G 4686-4690): "Oksazepam anbefales som førstevalg, men diazepam kan også benyttes."
BENZODIAZEPINE_TAPER_DRUGS: Final = ("oxazepam", "diazepam")
BUPRENORPHINE: Final = "buprenorphine"
TAPER_DRUGS: Final = (*BENZODIAZEPINE_TAPER_DRUGS, BUPRENORPHINE)
DEFAULT_TAPER_DRUG: Final[Mapping[Regimen, str]] = {
    "benzodiazepine": "oxazepam",
    "buprenorphine": BUPRENORPHINE,
}
# G 4515-4517: weekly reduction "omkring 10 - 20 prosent av opprinnelig dose"; the default is
# the slower end, the safer one when nothing else is known. The same lines give the taper a
# length of one to six months, and 12-6 asks for a slow taper for pregnant women: a slower
# weekly reduction (down to 4 %, about 25 weeks, inside six months) is accepted as a
# deliberate choice and shown as one (a local resolution: the guideline names no lower bound).
MIN_WEEKLY_REDUCTION_PERCENT: Final = 4
GUIDELINE_MIN_WEEKLY_REDUCTION_PERCENT: Final = 10
MAX_WEEKLY_REDUCTION_PERCENT: Final = 20
DEFAULT_WEEKLY_REDUCTION_PERCENT: Final = 10
# Bounds on a start dose the clinician sets (issue 11; the guideline gives no maximum, so both
# are local resolutions): a benzodiazepine start dose above 1.5 times the converted dose at the
# range's upper end, and buprenorphine above 24 mg a day (the highest daily dose in the
# product information of buprenorphine with naloxone), need an ``override_reason``.
START_DOSE_BOUND_FACTOR: Final = Fraction(3, 2)
MAX_BUPRENORPHINE_START_MG: Final = 24
# "Practically an abrupt stop" (9.3.1-1, G 4576; 10.5 background, G 5093-5095 "reduseres
# gradvis til null"): buprenorphine from 16 mg a day or more to zero in fewer than 5 days, or an
# outpatient benzodiazepine taper shorter than four weeks (local resolutions).
ABRUPT_BUPRENORPHINE_FROM_MG: Final = 16
ABRUPT_BUPRENORPHINE_DAYS_BELOW: Final = 5
ABRUPT_BENZODIAZEPINE_DAYS_BELOW: Final = 28
# High-potency short-acting drugs: the table's range is wide (0.25-0.5 mg per 5 mg diazepam, a
# factor of two), so the default point is shown and has to be confirmed by the clinician.
CONFIRM_CONVERSION_DRUGS: Final = ("alprazolam", "clonazepam", "flunitrazepam")
# Prescriptions and the pharmacy hand out the tablets for a period: weekly by default (a local
# resolution; the guideline names none), from 1 to 28 days.
DEFAULT_DISPENSING_INTERVAL_DAYS: Final = 7
MAX_DISPENSING_INTERVAL_DAYS: Final = 28
# A dose of at most three tablets where the strengths allow it (easier to take, fewer errors).
MAX_TABLETS_PER_DOSE: Final = 3
MAX_OVERRIDE_REASON_CHARS: Final = 2000
# G 4515: "Anbefalt varighet av nedtrappingen varierer mellom en og seks måneder."
OUTPATIENT_MIN_MONTHS: Final = 1
OUTPATIENT_MAX_MONTHS: Final = 6
# G 4562-4566: tapering should last longer "enn to til tre uker, som er vanlig varighet av et
# avrusningsopphold". Without a planned stay we take the upper end (a resolution).
USUAL_STAY_DAYS: Final = 21
DAYS_PER_WEEK: Final = 7
# Local wall-clock dose times (a unit convention, not the guideline's).
DOSE_TIMES: Final[Mapping[int, tuple[str, ...]]] = {
    1: ("08:00",),
    2: ("08:00", "20:00"),
    3: ("08:00", "14:00", "20:00"),
    4: ("08:00", "14:00", "20:00", "22:00"),
}
# One dosing day and then nothing would be a stop, not a taper (G 5093-5095: the dose is
# "reduseres gradvis til null").
MIN_BUPRENORPHINE_DAYS: Final = 2
# Upper bounds only catch typing errors (as in clinical.levels); they are not clinical limits.
MAX_MG_PER_DAY: Final = 10_000
MAX_BUPRENORPHINE_DAYS: Final = 366
MAX_STAY_DAYS: Final = 366

DATA_DIR: Final = Path(__file__).resolve().parent.parent / "data"
TABLET_STRENGTHS_FILE: Final = DATA_DIR / "tablet_strengths.json"
EQUIPOTENCY_FILE: Final = DATA_DIR / "equipotency.json"
