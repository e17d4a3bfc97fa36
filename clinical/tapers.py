"""Taper schedules: benzodiazepines / z-drugs (chapter 9) and buprenorphine-naloxone (10.5).

Pure rules (no ORM, no request, no clock: ``start_date`` is an argument) from the national detox
guideline, cited by line in ``guidelines/data/source/retningslinje-avrusning-2014.txt`` ("G"
below) and by recommendation reference ``"<section>-<number>"``. ``docs/CLINICAL.md``
("Medication") gives the equipotency table and the tablet strengths; both ship as editable data
in ``clinical/data/``. Entry points: ``parse_taper_request(data)`` (strict validation, raising
``TaperInputError``), ``build_taper(request)`` and ``taper_plan(data)`` (both steps).

How a benzodiazepine taper is built (9.3, 9.4):

1. Conversion. Each drug in ``current_use`` is converted to diazepam equivalents and then to the
   taper drug, oxazepam by default (first choice, 9.4-1, G 4686-4690) or diazepam, with the
   Helsedirektoratet table ("dose equal to 5 mg diazepam"). Where the table gives a range the
   default is the end that gives the *lower* taper-drug dose: the upper end for the drug the
   patient uses (more mg of it per 5 mg diazepam) and the lower end for the taper drug. Why:
   over-dosing is the harm that cannot be undone (sedation, and in this population opioids,
   alcohol or z-drugs on top, overdose: CLINICAL.md "Combinations that raise overdose risk"),
   self-reported doses of illegally acquired drugs are uncertain (G 4523-4529), whereas too low
   a dose shows itself as withdrawal symptoms that can be seen and treated by raising the dose
   within the range. This is a local resolution, not the guideline's word: the plan says so in
   a warning (``resolution=True``) and the clinician can choose any value within the range
   (``equivalence``). A drug tapered with itself converts one to one (one value per drug).
2. Start dose. The sum of the converted doses is rounded *down* to the nearest daily dose whole
   tablets can make up (tablet strengths from ``tablet_strengths.json``; halved tablets are not
   modelled, because whether a tablet may be split depends on the product). The clinician may
   set ``start_mg_per_day`` instead; it must be dispensable. A converted dose below the smallest
   tablet would stop at once and is rejected (9.3.1-1, "bør ikke bråseponeres", G 4576).
3. Weekly steps. The dose follows the straight line from the start dose to zero at
   ``weekly_reduction_percent`` of the start dose a week (G 4515-4517, "omkring 10 - 20 prosent
   av opprinnelig dose"; 4-20 accepted, default 10; below 10 a note marks a deliberate slower
   taper, 12-6 for pregnant women): week k takes the smallest dispensable dose on or above the
   line, so the taper keeps the chosen pace (5 % a week: 20 weeks), the dose is never below the
   line and never rises, and a single step exceeds the week's share by less than one smallest
   tablet. When tablets cannot make a step, the dose is held a week and the plan says so. The
   last step goes from the smallest tablet to zero.
4. The day list. Every day is listed; a dose changes on the weekday the taper started. The list
   ends with one day of 0 mg: the first day without the drug. ``duration_days`` counts the
   dosing days (every day but that last one).
5. Doses per day (1-4) are given at fixed times (``DOSE_TIMES``: 08:00; 08:00 and 20:00;
   08:00, 14:00, 20:00; 08:00, 14:00, 20:00, 22:00), local wall-clock times that a scheduling
   layer turns into aware datetimes. The day's dose is split as evenly as whole tablets allow;
   any larger part goes to the later doses and, when the day's dose is too small to share, the
   earliest doses are dropped, so the evening and night stay covered (a local choice; the
   guideline gives no rule). Each dose lists its tablets: the fewest whole tablets, largest
   strength first.
6. Tablets: each dose with the fewest tablets, at most three a dose where the strengths allow;
   ``tablets_total`` per strength for the whole taper and ``dispensing`` per interval of
   ``dispensing_interval_days`` (default 7, a local resolution): what prescription and pharmacy
   need.
7. Bounds and overrides: a clinician's start dose above 1.5 x the dose converted at the
   range's upper end is refused unless ``override_reason`` is given (a local bound), and so is
   a buprenorphine start above 24 mg a day, and any buprenorphine taper for a pregnant woman
   (12-7, 10.3-1). The reason travels with the plan (``override_reason``) and a warning says
   what it overrode. High-potency short-acting drugs converted at the default point carry a
   line asking the clinician to confirm it (``conversion_confirmed``). ``intake_use`` (what the
   intake records) gives a warning when the taper starts from something else.
8. Warnings: outpatient taper outside one to six months (G 4515, 9.3.1-2, calendar months from
   ``start_date``); inpatient taper longer than the stay (``stay_days``, else a usual stay of two
   to three weeks, G 4562-4566, taken as 21 days and marked a resolution) -> plan to continue
   after discharge (11.5-2, G 4558-4561); close outpatient follow-up (9.3.1-3); pregnancy
   (12-3, 12-6); an outpatient taper under four weeks, or buprenorphine from 16 mg a day or more
   to zero in under five days, is practically an abrupt stop (``abrupt_stop_warning``, local
   thresholds).

A buprenorphine taper (10.5) starts from the clinician's ``start_mg_per_day`` (a dispensable
dose: 2 mg and 8 mg tablets, so an even number) and falls on a straight line to zero over
``days`` dosing days, each day rounded *up* to a dispensable dose so that no day is skipped
and the schedule never rises. Buprenorphine with naloxone is the first choice (10.5-1,
G 5206-5208); a taper is only for a patient recorded as opioid-dependent (G 5192-5196, cited
as 10.5-1, the recommendation for "opioidavhengige pasienter"); methadone is refused for
outpatients (10.5-2, G 5212) and not planned here otherwise; clonidine and lofexidine are the
second choice and are not tapers (see ``clinical.regimens``); detox under anaesthesia or heavy
sedation is never offered (10.5-3, G 5216; ``clinical.regimens``).

Warnings and errors carry refs only; a presentation layer attaches grade and text. Each
``message`` is an English msgid marked with ``gettext_noop``: render it as
``gettext(message) % params``. Quantities are exact ``Fraction`` values; ``to_dict`` turns
them into JSON numbers (an int when whole, else a float rounded to 3 decimals).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cache, cached_property
from itertools import combinations_with_replacement, pairwise
from pathlib import Path
from typing import Any, Final, Literal, TypeVar, get_args

from django.utils.translation import gettext_noop

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
# Upper bounds only catch typing errors (as in clinical/levels.py); they are not clinical limits.
MAX_MG_PER_DAY: Final = 10_000
MAX_BUPRENORPHINE_DAYS: Final = 366
MAX_STAY_DAYS: Final = 366

DATA_DIR: Final = Path(__file__).resolve().parent / "data"
TABLET_STRENGTHS_FILE: Final = DATA_DIR / "tablet_strengths.json"
EQUIPOTENCY_FILE: Final = DATA_DIR / "equipotency.json"

_FIELDS: Final = (
    "regimen",
    "current_use",
    "taper_drug",
    "setting",
    "start_date",
    "weekly_reduction_percent",
    "doses_per_day",
    "start_mg_per_day",
    "days",
    "opioid_dependent",
    "equivalence",
    "stay_days",
    "pregnant",
    "override_reason",
    "dispensing_interval_days",
    "conversion_confirmed",
    "intake_use",
)
_USE_FIELDS: Final = ("drug", "mg_per_day")

# --- Messages ---------------------------------------------------------------------------------

_E_OBJECT = gettext_noop("Expected an object with the fields: %(allowed)s.")
_E_UNKNOWN = gettext_noop("Unknown field. Allowed: %(allowed)s.")
_E_REQUIRED = gettext_noop("This field is required.")
_E_CHOICE = gettext_noop("Not an allowed value. Allowed: %(allowed)s.")
_E_BOOLEAN = gettext_noop("Must be true, false or null.")
_E_DATE = gettext_noop("Must be a date written YYYY-MM-DD.")
_E_LIST = gettext_noop("Must be a list.")
_E_POSITIVE = gettext_noop("Must be a number greater than 0 and at most %(max)s.")
_E_RANGE = gettext_noop("Must be a number from %(min)s to %(max)s.")
_E_INTEGER = gettext_noop("Must be a whole number from %(min)s to %(max)s.")
_E_NO_DRUGS = gettext_noop("List at least one drug the patient uses.")
_E_DUPLICATE = gettext_noop("Duplicate drug: list each drug once.")
_E_NOT_FOR_BENZODIAZEPINE = gettext_noop(
    "Does not apply to a benzodiazepine taper: leave it out or null."
)
_E_NOT_FOR_BUPRENORPHINE = gettext_noop(
    "Does not apply to a buprenorphine taper: leave it out or null."
)
_E_INPATIENT_ONLY = gettext_noop("Applies to inpatient tapers only: leave it out or null.")
_E_EQUIVALENCE_RANGE = gettext_noop(
    "Must lie within the table's range for %(drug)s: %(low)s to %(high)s mg equal to 5 mg diazepam."
)
_E_EQUIVALENCE_UNUSED = gettext_noop(
    "Not used by this request: give an equivalence only for a drug in current_use or for the "
    "taper drug."
)
_E_NOT_DISPENSABLE = gettext_noop(
    "Whole tablets of %(drug)s (%(strengths)s mg) cannot make up this dose. Nearest doses that "
    "can: %(nearest)s mg."
)
_E_STOPS_AT_ONCE = gettext_noop(
    "The converted dose, %(converted_mg)s mg %(drug)s a day, is less than the smallest tablet "
    "(%(smallest_mg)s mg), so the plan would stop at once. Choose a taper drug with a smaller "
    "tablet or set start_mg_per_day."
)
_E_TOO_FEW_DAYS = gettext_noop(
    "A taper needs at least %(min)s days: a single day would stop at once."
)
_E_METHADONE_OUTPATIENT = gettext_noop("Methadone should not be used in outpatient detox.")
_E_METHADONE_NOT_PLANNED = gettext_noop(
    "Methadone tapers are not planned here: buprenorphine with naloxone is the first choice."
)
_E_ALPHA2_NOT_A_TAPER = gettext_noop(
    "Clonidine and lofexidine are the second choice and are not given as a taper: see the "
    "opioid medication plan."
)
_E_TEXT = gettext_noop("Must be text of 1 to %(max)s characters (not only spaces), or null.")
_E_PREGNANT_OPIOID = gettext_noop(
    "Pregnant and opioid-dependent: the guideline recommends stabilising her on buprenorphine "
    "while the further course is planned with her, not a detox, and reluctance to detox; a "
    "woman in LAR stays on her LAR medicine, which is not tapered. To plan a taper all the "
    "same, give the reason in override_reason."
)
_E_START_ABOVE_BOUND = gettext_noop(
    "The start dose, %(start_mg)s mg a day, is more than 1.5 times the dose converted at the "
    "upper end of the equivalence range (%(high_mg)s mg a day), so above %(bound_mg)s mg. This "
    "bound is a local resolution, not the guideline's. To go above it, give the reason in "
    "override_reason."
)
_E_BUPRENORPHINE_ABOVE_BOUND = gettext_noop(
    "The start dose, %(start_mg)s mg a day, is above %(max_mg)s mg a day, the highest daily "
    "dose of buprenorphine with naloxone (a local bound; the guideline gives none). To go above "
    "it, give the reason in override_reason."
)
_E_NOT_OPIOID_DEPENDENT = gettext_noop(
    "A buprenorphine taper is only for a patient who is opioid-dependent: record "
    "opioid_dependent as true."
)

_W_DEFAULT_EQUIVALENCE = gettext_noop(
    "Where the equivalence table gives a range, the value giving the lower %(taper_drug)s dose "
    "was used (%(drugs)s). This is a local choice for safety, not the guideline's: watch for "
    "withdrawal symptoms and choose another value within the range if needed."
)
_W_ROUNDED_DOWN = gettext_noop(
    "The converted dose, %(converted_mg)s mg a day, is rounded down to %(start_mg)s mg, the "
    "nearest dose whole tablets can make up."
)
_W_START_SET = gettext_noop(
    "The start dose, %(start_mg)s mg a day, was set by the clinician; the converted dose is "
    "%(converted_mg)s mg a day."
)
_W_HELD = gettext_noop(
    "Whole tablets cannot make up every weekly step, so the dose stays the same for a week "
    "before some steps (%(held_weeks)s weeks in all). The dose never falls below the straight "
    "line from the start dose to zero at %(percent)s percent of the start dose a week; a single "
    "step can be larger than that by less than one tablet."
)
_W_SLOWER = gettext_noop(
    "A weekly reduction of %(percent)s percent of the start dose is slower than the usual "
    "10-20 percent: a deliberate slower taper. The recommended length of a taper is one to six "
    "months."
)
_W_ABRUPT_BENZODIAZEPINE = gettext_noop(
    "This outpatient taper lasts %(duration_days)s days, less than four weeks: that is "
    "practically an abrupt stop. Benzodiazepines should not be stopped abruptly after long use."
)
_W_ABRUPT_BUPRENORPHINE = gettext_noop(
    "Buprenorphine from %(start_mg)s mg a day to zero in %(days)s days is practically an abrupt "
    "stop: reduce the dose gradually over more days."
)
_W_CONFIRM_CONVERSION = gettext_noop(
    "%(drug)s: the equivalence table gives %(low)s-%(high)s mg equal to 5 mg diazepam, a wide "
    "range for a high-potency short-acting drug. %(used)s mg was used, the end giving the lower "
    "dose. Confirm this point or choose another within the range."
)
_W_DIFFERS_FROM_INTAKE = gettext_noop(
    "The taper starts from %(request)s a day, but the intake records %(intake)s a day. Check "
    "what the patient uses now."
)
_W_PREGNANT_OPIOID_OVERRIDDEN = gettext_noop(
    "A taper for a pregnant opioid-dependent woman, against the recommendation to stabilise "
    "her on buprenorphine. Reason given: %(reason)s"
)
_W_START_ABOVE_BOUND = gettext_noop(
    "The start dose, %(start_mg)s mg a day, is above %(bound_mg)s mg, 1.5 times the dose "
    "converted at the upper end of the equivalence range (a local bound). Reason given: "
    "%(reason)s"
)
_W_BUPRENORPHINE_ABOVE_BOUND = gettext_noop(
    "The start dose, %(start_mg)s mg a day, is above %(max_mg)s mg a day, the highest daily "
    "dose of buprenorphine with naloxone (a local bound). Reason given: %(reason)s"
)
_W_DIAZEPAM = gettext_noop(
    "Oxazepam is the first choice for the taper; diazepam may also be used. Weigh the "
    "patient's experience from earlier tapers."
)
_W_FOLLOW_UP = gettext_noop("Prescribing and tapering should come with close outpatient follow-up.")
_W_SHORTER_THAN_A_MONTH = gettext_noop(
    "This outpatient taper lasts %(duration_days)s days, less than one month; the recommended "
    "length is one to six months."
)
_W_LONGER_THAN_SIX_MONTHS = gettext_noop(
    "This outpatient taper lasts %(duration_days)s days, more than six months; the "
    "recommended length is one to six months."
)
_W_CONTINUE_AFTER_STAY = gettext_noop(
    "The taper lasts %(duration_days)s days, longer than the planned stay of %(stay_days)s "
    "days: plan for it to continue after discharge, in a treatment institution or as an "
    "outpatient."
)
_W_CONTINUE_AFTER_USUAL_STAY = gettext_noop(
    "The taper lasts %(duration_days)s days, longer than a usual detox stay of two to three "
    "weeks (taken as %(stay_days)s days): plan for it to continue after discharge, in a "
    "treatment institution or as an outpatient."
)
_W_PREGNANT_BENZODIAZEPINE = gettext_noop(
    "Pregnant and benzodiazepine-dependent: offer a slow taper, and admission to a suitable "
    "institution."
)
_W_TOLERANCE = gettext_noop(
    "Tell the patient that opioid tolerance is lost after detox and that the risk of overdose "
    "is then high; carry out overdose prevention at discharge."
)
_W_SUPERVISED = gettext_noop(
    "Dependence-forming medicines should be handed out daily under the supervision of health "
    "personnel."
)
_W_PREGNANT_OPIOID = gettext_noop(
    "Pregnant and opioid-dependent outside LAR: stabilise on buprenorphine while the further "
    "course is planned with her; be reluctant to detox."
)


# --- Data: tablet strengths and equipotency ---------------------------------------------------


@dataclass(frozen=True)
class Tablet:
    strength_mg: Fraction
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"strength_mg": _num(self.strength_mg), "count": self.count}


@dataclass(frozen=True)
class Dispensing:
    """What whole tablets of one drug can make up.

    Amounts are handled in integer units of the greatest common divisor of the strengths
    (5 mg for oxazepam, 1 mg for diazepam, 2 mg for buprenorphine).
    """

    drug: str
    strengths_mg: tuple[Fraction, ...]
    products: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.strengths_mg or any(s <= 0 for s in self.strengths_mg):
            raise ValueError(f"{self.drug}: tablet strengths must be positive")
        object.__setattr__(self, "strengths_mg", tuple(sorted(set(self.strengths_mg))))

    @cached_property
    def unit_mg(self) -> Fraction:
        denominator = math.lcm(*(s.denominator for s in self.strengths_mg))
        numerator = math.gcd(*(int(s * denominator) for s in self.strengths_mg))
        return Fraction(numerator, denominator)

    @property
    def smallest_mg(self) -> Fraction:
        return self.strengths_mg[0]

    @cached_property
    def _coins(self) -> tuple[int, ...]:
        unit = self.unit_mg
        return tuple(int(s / unit) for s in self.strengths_mg)

    def is_dispensable(self, mg: Fraction) -> bool:
        """True when whole tablets make up ``mg`` exactly (0 is dispensable: nothing to give)."""
        units = mg / self.unit_mg
        return units >= 0 and units.denominator == 1 and _representable(self._coins, int(units))

    def round_down(self, mg: Fraction) -> Fraction:
        """The largest dispensable dose not above ``mg`` (0 when below the smallest tablet)."""
        units = math.floor(mg / self.unit_mg)
        while units > 0 and not _representable(self._coins, units):
            units -= 1
        return max(units, 0) * self.unit_mg

    def round_up(self, mg: Fraction) -> Fraction:
        """The smallest dispensable dose not below ``mg``."""
        units = max(math.ceil(mg / self.unit_mg), 0)
        while not _representable(self._coins, units):
            units += 1
        return units * self.unit_mg

    def nearest(self, mg: Fraction) -> tuple[Fraction, ...]:
        """The dispensable doses just below and just above ``mg`` (for error messages)."""
        below = self.round_down(mg)
        above = self.round_up(mg)
        return tuple(dict.fromkeys(value for value in (below, above) if value > 0))

    def tablets(self, mg: Fraction) -> tuple[Tablet, ...]:
        """The fewest whole tablets that make up ``mg``, largest strength first."""
        if not self.is_dispensable(mg):
            raise ValueError(f"{mg} mg {self.drug} is not dispensable")
        counts = _fewest_tablets(self._coins, int(mg / self.unit_mg))
        return tuple(
            Tablet(strength, count)
            for strength, count in reversed(list(zip(self.strengths_mg, counts, strict=True)))
            if count
        )

    def split(self, total_mg: Fraction, parts: int) -> tuple[Fraction, ...]:
        """``total_mg`` as ``parts`` dispensable doses (0 = dose dropped), smallest first."""
        if not self.is_dispensable(total_mg):
            raise ValueError(f"{total_mg} mg {self.drug} is not dispensable")
        units = _split_units(self._coins, int(total_mg / self.unit_mg), parts)
        return tuple(value * self.unit_mg for value in units)


@cache
def _representable_table(coins: tuple[int, ...]) -> tuple[tuple[bool, ...], int]:
    # The coins have no common divisor, so by Schur's bound every amount above
    # (c_min - 1)(c_max - 1) - 1 is a sum of coins; only amounts up to there need a table.
    limit = coins[0] * coins[-1] + coins[-1]
    table = [True] + [False] * limit
    for amount in range(1, limit + 1):
        table[amount] = any(coin <= amount and table[amount - coin] for coin in coins)
    return tuple(table), limit


def _representable(coins: tuple[int, ...], units: int) -> bool:
    table, limit = _representable_table(coins)
    return units > limit or (units >= 0 and table[units])


@cache
def _fewest_table(coins: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """Fewest coins for every amount up to a bound, and the coin used last (ties: larger).

    In a fewest-coins sum, a smaller coin ``c`` occurs fewer than ``largest / gcd(c, largest)``
    times (that many could be swapped for fewer of the largest), so everything but the largest
    coins adds up to at most ``bound``; larger amounts use the largest coin for the rest.
    """
    largest = coins[-1]
    bound = sum((largest // math.gcd(coin, largest) - 1) * coin for coin in coins[:-1])
    size = bound + largest
    impossible = size + 1
    best = [0] + [impossible] * size
    last = [0] * (size + 1)
    for amount in range(1, size + 1):
        for index in reversed(range(len(coins))):
            coin = coins[index]
            if coin <= amount and best[amount - coin] + 1 < best[amount]:
                best[amount] = best[amount - coin] + 1
                last[amount] = index
    return tuple(best), tuple(last), size


def _fewest_tablets(coins: tuple[int, ...], units: int) -> tuple[int, ...]:
    best, last, size = _fewest_table(coins)
    counts = [0] * len(coins)
    if units > size:
        extra = (units - size) // coins[-1] + 1
        counts[-1] += extra
        units -= extra * coins[-1]
    if best[units] > size:
        raise ValueError("not a sum of the tablet strengths")
    while units:
        index = last[units]
        counts[index] += 1
        units -= coins[index]
    return tuple(counts)


@cache
def _split_units(coins: tuple[int, ...], total: int, parts: int) -> tuple[int, ...]:
    """The most even split of ``total`` into ``parts`` dispensable amounts, ascending.

    Tries 1..parts non-zero doses, each near ``total / n`` (within two smallest tablets, enough
    since dispensable amounts above the smallest tablet lie closer together than that), and the
    day's fewest tablets grouped into doses of at most ``MAX_TABLETS_PER_DOSE`` tablets.
    Ranked by tablets beyond three in a dose (none where the strengths allow), then sum of
    squares (evenness), then fewest tablets, then more in the later doses.
    """
    best = (0,) * (parts - 1) + (total,)
    best_key = _split_key(coins, best)
    grouped = _grouped_split(coins, total, parts)
    if grouped is not None and _split_key(coins, grouped) < best_key:
        best, best_key = grouped, _split_key(coins, grouped)
    window = 2 * coins[0]
    for nonzero in range(2, parts + 1):
        low = max(1, total // nonzero - window)
        high = -(-total // nonzero) + window
        candidates = [v for v in range(low, high + 1) if _representable(coins, v)]
        for combo in combinations_with_replacement(candidates, nonzero - 1):
            rest = total - sum(combo)
            if rest < 1 or not _representable(coins, rest):
                continue
            split = (0,) * (parts - nonzero) + tuple(sorted((*combo, rest)))
            key = _split_key(coins, split)
            if key < best_key:
                best, best_key = split, key
    return best


def _grouped_split(coins: tuple[int, ...], total: int, parts: int) -> tuple[int, ...] | None:
    """The day's fewest tablets in ``parts`` doses of at most three tablets, as even as a
    largest-first placement makes them; None when the day needs more than three per dose."""
    counts = _fewest_tablets(coins, total)
    tablets = sorted(
        (coin for coin, count in zip(coins, counts, strict=True) for _ in range(count)),
        reverse=True,
    )
    if len(tablets) > MAX_TABLETS_PER_DOSE * parts:
        return None
    sums, sizes = [0] * parts, [0] * parts
    for coin in tablets:
        index = min(
            (i for i in range(parts) if sizes[i] < MAX_TABLETS_PER_DOSE), key=lambda i: sums[i]
        )
        sums[index] += coin
        sizes[index] += 1
    return tuple(sorted(sums))


def _split_key(
    coins: tuple[int, ...], split: tuple[int, ...]
) -> tuple[int, int, int, tuple[int, ...]]:
    per_dose = [sum(_fewest_tablets(coins, value)) for value in split]
    excess = sum(max(0, count - MAX_TABLETS_PER_DOSE) for count in per_dose)
    return (excess, sum(v * v for v in split), sum(per_dose), tuple(-v for v in reversed(split)))


@dataclass(frozen=True)
class EquipotencyTable:
    """Mg of each drug equal to ``reference_mg`` of ``reference_drug`` (5 mg diazepam)."""

    source: str
    reference_drug: str
    reference_mg: Fraction
    ranges: Mapping[str, tuple[Fraction, Fraction]]

    def __post_init__(self) -> None:
        for drug, (low, high) in self.ranges.items():
            if not 0 < low <= high:
                raise ValueError(f"{drug}: the equivalence range must be 0 < low <= high")
        if self.ranges.get(self.reference_drug) != (self.reference_mg, self.reference_mg):
            raise ValueError("the reference drug must be equal to itself")


def _read_json(path: Path) -> Any:
    # Floats are read as exact fractions: 0.25 mg must stay 1/4 mg.
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Fraction)


def load_tablet_strengths(path: Path = TABLET_STRENGTHS_FILE) -> dict[str, Dispensing]:
    data = _read_json(path)["drugs"]
    return {
        drug: Dispensing(
            drug=drug,
            strengths_mg=tuple(Fraction(s) for s in entry["strengths_mg"]),
            products=tuple(entry.get("products", ())),
        )
        for drug, entry in data.items()
    }


def load_equipotency(path: Path = EQUIPOTENCY_FILE) -> EquipotencyTable:
    data = _read_json(path)
    return EquipotencyTable(
        source=data["source"],
        reference_drug=data["reference_drug"],
        reference_mg=Fraction(data["reference_mg"]),
        ranges={
            drug: (Fraction(low), Fraction(high)) for drug, (low, high) in data["drugs"].items()
        },
    )


@cache
def default_tablet_strengths() -> Mapping[str, Dispensing]:
    return load_tablet_strengths()


@cache
def default_equipotency() -> EquipotencyTable:
    return load_equipotency()


# --- Input ------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class FieldError:
    """One input problem. ``message`` is a msgid; ``text`` is it rendered in English."""

    field: str
    message: str
    # ``field`` is the name of the bad input here, so the dataclass helper is spelt out.
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    refs: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return self.message % self.params if self.params else self.message

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "message": self.text,
            "msgid": self.message,
            "params": dict(self.params),
            "refs": list(self.refs),
        }


class TaperInputError(ValueError):
    """The request was rejected; ``errors`` names each bad field, what is allowed and why."""

    def __init__(self, field_errors: Sequence[FieldError]) -> None:
        self.field_errors = tuple(field_errors)
        super().__init__("; ".join(f"{e.field}: {e.text}" for e in self.field_errors))

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [error.to_dict() for error in self.field_errors]


# --- Output -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaperWarning:
    """Something to heed. ``resolution`` marks a local resolution of a gap in the source."""

    code: str
    message: str
    params: Mapping[str, Any]
    refs: tuple[str, ...]
    resolution: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "params": {key: _json_ready(value) for key, value in self.params.items()},
            "refs": list(self.refs),
            "resolution": self.resolution,
        }


@dataclass(frozen=True)
class EquivalenceUsed:
    """The table's range for one drug (mg equal to 5 mg diazepam) and the value used.

    ``source``: ``"table"`` (the table gives one value), ``"default"`` (a range; the end giving
    the lower taper-drug dose, a resolution) or ``"clinician"`` (chosen within the range).
    """

    drug: str
    equivalent_range_mg: tuple[Fraction, Fraction]
    equivalent_used_mg: Fraction
    source: EquivalenceSource

    @property
    def is_range(self) -> bool:
        return self.equivalent_range_mg[0] != self.equivalent_range_mg[1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "equivalent_range_mg": [_num(v) for v in self.equivalent_range_mg],
            "equivalent_used_mg": _num(self.equivalent_used_mg),
            "is_range": self.is_range,
            "source": self.source,
        }


@dataclass(frozen=True)
class Conversion:
    """One drug the patient uses, converted to diazepam equivalents and to the taper drug."""

    drug: str
    mg_per_day: Fraction
    equivalence: EquivalenceUsed
    diazepam_equivalent_mg_per_day: Fraction
    taper_drug_mg_per_day: Fraction

    def to_dict(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "mg_per_day": _num(self.mg_per_day),
            "equivalent_range_mg": [_num(v) for v in self.equivalence.equivalent_range_mg],
            "equivalent_used_mg": _num(self.equivalence.equivalent_used_mg),
            "diazepam_equivalent_mg_per_day": _num(self.diazepam_equivalent_mg_per_day),
            "taper_drug_mg_per_day": _num(self.taper_drug_mg_per_day),
            "is_range": self.equivalence.is_range,
            "source": self.equivalence.source,
        }


@dataclass(frozen=True)
class Dose:
    time: str
    mg: Fraction
    tablets: tuple[Tablet, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "mg": _num(self.mg),
            "tablets": [tablet.to_dict() for tablet in self.tablets],
        }


@dataclass(frozen=True)
class TaperDay:
    date: date
    total_mg: Fraction
    doses: tuple[Dose, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "total_mg": _num(self.total_mg),
            "doses": [dose.to_dict() for dose in self.doses],
        }


@dataclass(frozen=True)
class DispensingPeriod:
    """The tablets a prescription or the pharmacy hands out for one dispensing interval."""

    start: date
    end: date
    tablets: tuple[Tablet, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "days": (self.end - self.start).days + 1,
            "tablets": [tablet.to_dict() for tablet in self.tablets],
        }


def count_tablets(days: Iterable[TaperDay]) -> tuple[Tablet, ...]:
    """Tablets of each strength the days' doses take, largest strength first."""
    counts: dict[Fraction, int] = {}
    for day in days:
        for dose in day.doses:
            for tablet in dose.tablets:
                counts[tablet.strength_mg] = counts.get(tablet.strength_mg, 0) + tablet.count
    return tuple(Tablet(strength, counts[strength]) for strength in sorted(counts, reverse=True))


def dispensing_periods(
    days: Sequence[TaperDay], interval_days: int
) -> tuple[DispensingPeriod, ...]:
    """The dosing days in periods of ``interval_days`` from the first day, each with its tablets
    (the last period ends on the last dosing day)."""
    dosing = [day for day in days if day.total_mg > 0]
    return tuple(
        DispensingPeriod(chunk[0].date, chunk[-1].date, count_tablets(chunk))
        for chunk in (
            dosing[first : first + interval_days] for first in range(0, len(dosing), interval_days)
        )
    )


@dataclass(frozen=True)
class TaperPlan:
    """A schedule from ``start_date``; the last day (0 mg) is the first day without the drug."""

    regimen: Regimen
    setting: Setting
    taper_drug: str
    start_mg_per_day: Fraction
    converted_mg_per_day: Fraction | None
    weekly_reduction_percent: Fraction | None
    conversion: tuple[Conversion, ...]
    taper_drug_equivalence: EquivalenceUsed | None
    days: tuple[TaperDay, ...]
    refs: tuple[str, ...]
    warnings: tuple[TaperWarning, ...]
    equivalence_source: str | None = None
    dispensing_interval_days: int = DEFAULT_DISPENSING_INTERVAL_DAYS
    override_reason: str | None = None
    conversion_needs_confirmation: bool = False

    @property
    def tablets_total(self) -> tuple[Tablet, ...]:
        """Tablets of each strength for the whole taper (what the prescription needs)."""
        return count_tablets(self.days)

    @property
    def dispensing(self) -> tuple[DispensingPeriod, ...]:
        return dispensing_periods(self.days, self.dispensing_interval_days)

    @property
    def duration_days(self) -> int:
        return sum(1 for day in self.days if day.total_mg > 0)

    @property
    def stop_date(self) -> date:
        return self.days[-1].date

    def to_dict(self) -> dict[str, Any]:
        return {
            "regimen": self.regimen,
            "setting": self.setting,
            "taper_drug": self.taper_drug,
            "start_mg_per_day": _num(self.start_mg_per_day),
            "converted_mg_per_day": _num_or_none(self.converted_mg_per_day),
            "weekly_reduction_percent": _num_or_none(self.weekly_reduction_percent),
            "conversion": [row.to_dict() for row in self.conversion],
            "taper_drug_equivalence": (
                self.taper_drug_equivalence.to_dict() if self.taper_drug_equivalence else None
            ),
            "equivalence_source": self.equivalence_source,
            "days": [day.to_dict() for day in self.days],
            "duration_days": self.duration_days,
            "stop_date": self.stop_date.isoformat(),
            "refs": list(self.refs),
            "warnings": [warning.to_dict() for warning in self.warnings],
            "tablets_total": [tablet.to_dict() for tablet in self.tablets_total],
            "dispensing_interval_days": self.dispensing_interval_days,
            "dispensing": [period.to_dict() for period in self.dispensing],
            "override_reason": self.override_reason,
            "conversion_needs_confirmation": self.conversion_needs_confirmation,
        }


def _num(value: Fraction) -> int | float:
    if value.denominator == 1:
        return int(value)
    return round(float(value), 3)


def _num_or_none(value: Fraction | None) -> int | float | None:
    return None if value is None else _num(value)


def _json_ready(value: Any) -> Any:
    if isinstance(value, Fraction):
        return _num(value)
    if isinstance(value, tuple | list):
        return [_json_ready(item) for item in value]
    return value


def _mg_text(value: Fraction) -> str:
    """A dose for a message: ``"7.5"``, ``"60"``, ``"33.333"``."""
    number = _num(value)
    return str(number)


# --- Parsing ----------------------------------------------------------------------------------

_Choice = TypeVar("_Choice", bound=str)
_DATE_PATTERN: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_REFUSED_TAPER_DRUGS: Final = ("methadone", "clonidine", "lofexidine")


@dataclass
class _Parsed:
    """Values parsed so far; a field named in ``bad`` already has an error."""

    regimen: Regimen | None = None
    setting: Setting | None = None
    start_date: date | None = None
    taper_drug: str | None = None
    doses_per_day: int | None = None
    current_use: tuple[CurrentUse, ...] | None = None
    weekly_reduction_percent: Fraction | None = None
    start_mg_per_day: Fraction | None = None
    days: int | None = None
    opioid_dependent: bool | None = None
    equivalence: dict[str, Fraction] | None = None
    stay_days: int | None = None
    pregnant: bool | None = None
    override_reason: str | None = None
    dispensing_interval_days: int | None = None
    conversion_confirmed: bool | None = None
    intake_use: tuple[CurrentUse, ...] | None = None
    bad: set[str] = field(default_factory=set)
    errors: list[FieldError] = field(default_factory=list)

    def fail(self, name: str, error: FieldError) -> None:
        self.bad.add(name)
        self.errors.append(error)


def parse_taper_request(
    data: Mapping[str, Any],
    *,
    tablet_strengths: Mapping[str, Dispensing] | None = None,
    equipotency: EquipotencyTable | None = None,
) -> TaperRequest:
    """Validate API JSON strictly and build a ``TaperRequest``; raise ``TaperInputError``.

    Numbers must be JSON numbers (a bool is not a number), dates ``YYYY-MM-DD``. Unknown keys,
    values outside the allowed lists or ranges, fields that do not apply to the regimen and
    the clinical refusals (methadone for outpatients, a buprenorphine taper without opioid
    dependence, ...) are all reported at once, each naming its field.
    """
    if not isinstance(data, Mapping):
        raise TaperInputError(
            [FieldError("non_field_errors", _E_OBJECT, {"allowed": ", ".join(_FIELDS)})]
        )
    parsed = _Parsed()
    for key in data:
        if key not in _FIELDS:
            parsed.fail(str(key), FieldError(str(key), _E_UNKNOWN, {"allowed": ", ".join(_FIELDS)}))
    parsed.regimen = _parse_choice(data.get("regimen"), "regimen", REGIMENS, parsed)
    parsed.setting = _parse_choice(data.get("setting"), "setting", SETTINGS, parsed)
    parsed.start_date = _parse_date(data.get("start_date"), parsed)
    parsed.taper_drug = _parse_taper_drug(data.get("taper_drug"), parsed)
    parsed.doses_per_day = _parse_int(
        data.get("doses_per_day"), "doses_per_day", min(DOSE_TIMES), max(DOSE_TIMES), parsed
    )
    if parsed.doses_per_day is None and "doses_per_day" not in parsed.bad:
        parsed.fail("doses_per_day", FieldError("doses_per_day", _E_REQUIRED))
    parsed.current_use = _parse_current_use(data.get("current_use"), parsed)
    parsed.weekly_reduction_percent = _parse_number(
        data.get("weekly_reduction_percent"),
        "weekly_reduction_percent",
        parsed,
        low=Fraction(MIN_WEEKLY_REDUCTION_PERCENT),
        high=Fraction(MAX_WEEKLY_REDUCTION_PERCENT),
    )
    parsed.start_mg_per_day = _parse_number(
        data.get("start_mg_per_day"), "start_mg_per_day", parsed
    )
    parsed.days = _parse_days(data.get("days"), parsed)
    parsed.opioid_dependent = _parse_bool(data.get("opioid_dependent"), "opioid_dependent", parsed)
    parsed.equivalence = _parse_equivalence(data.get("equivalence"), parsed)
    parsed.stay_days = _parse_int(data.get("stay_days"), "stay_days", 1, MAX_STAY_DAYS, parsed)
    parsed.pregnant = _parse_bool(data.get("pregnant"), "pregnant", parsed)
    parsed.override_reason = _parse_text(data.get("override_reason"), "override_reason", parsed)
    parsed.dispensing_interval_days = _parse_int(
        data.get("dispensing_interval_days"),
        "dispensing_interval_days",
        1,
        MAX_DISPENSING_INTERVAL_DAYS,
        parsed,
    )
    parsed.conversion_confirmed = _parse_bool(
        data.get("conversion_confirmed"), "conversion_confirmed", parsed
    )
    parsed.intake_use = _parse_current_use(data.get("intake_use"), parsed, name="intake_use")
    _check(
        parsed,
        tablet_strengths or default_tablet_strengths(),
        equipotency or default_equipotency(),
    )
    if parsed.errors:
        raise TaperInputError(parsed.errors)
    return _request(parsed)


def _request(parsed: _Parsed) -> TaperRequest:
    # Called only when there were no errors, so the required fields are all set.
    regimen, setting, start = parsed.regimen, parsed.setting, parsed.start_date
    drug, doses = parsed.taper_drug, parsed.doses_per_day
    if regimen is None or setting is None or start is None or drug is None or doses is None:
        raise ValueError("incomplete request")
    return TaperRequest(
        regimen=regimen,
        setting=setting,
        start_date=start,
        taper_drug=drug,
        doses_per_day=doses,
        current_use=parsed.current_use or (),
        weekly_reduction_percent=parsed.weekly_reduction_percent,
        start_mg_per_day=parsed.start_mg_per_day,
        days=parsed.days,
        opioid_dependent=parsed.opioid_dependent,
        equivalence=dict(parsed.equivalence or {}),
        stay_days=parsed.stay_days,
        pregnant=parsed.pregnant,
        override_reason=parsed.override_reason,
        dispensing_interval_days=parsed.dispensing_interval_days,
        conversion_confirmed=parsed.conversion_confirmed,
        intake_use=parsed.intake_use,
    )


def _parse_text(value: Any, name: str, parsed: _Parsed) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip() and len(value) <= MAX_OVERRIDE_REASON_CHARS:
        return value.strip()
    parsed.fail(name, FieldError(name, _E_TEXT, {"max": MAX_OVERRIDE_REASON_CHARS}))
    return None


def _parse_choice(
    value: Any, name: str, allowed: tuple[_Choice, ...], parsed: _Parsed
) -> _Choice | None:
    for choice in allowed:
        if value == choice:
            return choice
    if value is None:
        parsed.fail(name, FieldError(name, _E_REQUIRED))
    else:
        parsed.fail(name, FieldError(name, _E_CHOICE, {"allowed": ", ".join(allowed)}))
    return None


def _parse_date(value: Any, parsed: _Parsed) -> date | None:
    if value is None:
        parsed.fail("start_date", FieldError("start_date", _E_REQUIRED))
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_PATTERN.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    parsed.fail("start_date", FieldError("start_date", _E_DATE))
    return None


def _parse_taper_drug(value: Any, parsed: _Parsed) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value in (*TAPER_DRUGS, *_REFUSED_TAPER_DRUGS):
        return value
    parsed.fail(
        "taper_drug", FieldError("taper_drug", _E_CHOICE, {"allowed": ", ".join(TAPER_DRUGS)})
    )
    return None


def _parse_bool(value: Any, name: str, parsed: _Parsed) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    parsed.fail(name, FieldError(name, _E_BOOLEAN))
    return None


def _parse_int(value: Any, name: str, low: int, high: int, parsed: _Parsed) -> int | None:
    if value is None:
        return None
    # bool is a subclass of int in Python; JSON true is not a count.
    if _is_int(value) and low <= value <= high:
        return int(value)
    parsed.fail(name, FieldError(name, _E_INTEGER, {"min": low, "max": high}))
    return None


def _parse_days(value: Any, parsed: _Parsed) -> int | None:
    if _is_int(value) and value < MIN_BUPRENORPHINE_DAYS:
        # One dosing day and then nothing would be a stop, not a taper (G 5093-5095).
        params = {"min": MIN_BUPRENORPHINE_DAYS}
        parsed.fail("days", FieldError("days", _E_TOO_FEW_DAYS, params, ("10.5-1",)))
        return None
    return _parse_int(value, "days", MIN_BUPRENORPHINE_DAYS, MAX_BUPRENORPHINE_DAYS, parsed)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _to_fraction(value: Any) -> Fraction | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float) and math.isfinite(value):
        # Via the shortest repr: 0.1 means one tenth, not the nearest binary float.
        return Fraction(repr(value))
    if isinstance(value, Decimal) and value.is_finite():
        return Fraction(value)
    return None


def _parse_number(
    value: Any,
    name: str,
    parsed: _Parsed,
    *,
    low: Fraction | None = None,
    high: Fraction | None = None,
) -> Fraction | None:
    """A positive number (at most ``MAX_MG_PER_DAY``), or one in ``[low, high]``."""
    if value is None:
        return None
    number = _to_fraction(value)
    if low is not None and high is not None:
        if number is not None and low <= number <= high:
            return number
        parsed.fail(name, FieldError(name, _E_RANGE, {"min": int(low), "max": int(high)}))
        return None
    if number is not None and 0 < number <= MAX_MG_PER_DAY:
        return number
    parsed.fail(name, FieldError(name, _E_POSITIVE, {"max": MAX_MG_PER_DAY}))
    return None


def _parse_current_use(
    value: Any, parsed: _Parsed, *, name: str = "current_use"
) -> tuple[CurrentUse, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        parsed.fail(name, FieldError(name, _E_LIST))
        return None
    uses: list[CurrentUse] = []
    for index, item in enumerate(value):
        prefix = f"{name}[{index}]"
        if not isinstance(item, Mapping):
            parsed.fail(
                name,
                FieldError(prefix, _E_OBJECT, {"allowed": ", ".join(_USE_FIELDS)}),
            )
            continue
        for key in item:
            if key not in _USE_FIELDS:
                parsed.fail(
                    name,
                    FieldError(f"{prefix}.{key}", _E_UNKNOWN, {"allowed": ", ".join(_USE_FIELDS)}),
                )
        drug = item.get("drug")
        mg = _to_fraction(item.get("mg_per_day"))
        if not isinstance(drug, str) or not drug:
            parsed.fail(name, FieldError(f"{prefix}.drug", _E_REQUIRED))
            drug = None
        if mg is None or not 0 < mg <= MAX_MG_PER_DAY:
            parsed.fail(
                name,
                FieldError(f"{prefix}.mg_per_day", _E_POSITIVE, {"max": MAX_MG_PER_DAY}),
            )
            mg = None
        if drug is not None and mg is not None:
            uses.append(CurrentUse(drug, mg))
        elif drug is not None:
            uses.append(CurrentUse(drug, Fraction(0)))  # keep the drug for the checks below
    return tuple(uses)


def _parse_equivalence(value: Any, parsed: _Parsed) -> dict[str, Fraction] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        parsed.fail("equivalence", FieldError("equivalence", _E_OBJECT, {"allowed": "drug: mg"}))
        return None
    chosen: dict[str, Fraction] = {}
    for drug, raw in value.items():
        number = _to_fraction(raw)
        if number is None or number <= 0:
            parsed.fail(
                "equivalence",
                FieldError(f"equivalence.{drug}", _E_POSITIVE, {"max": MAX_MG_PER_DAY}),
            )
            continue
        chosen[str(drug)] = number
    return chosen


# --- Regimen-specific checks (shared by parse_taper_request and build_taper) ------------------


def _check(parsed: _Parsed, strengths: Mapping[str, Dispensing], table: EquipotencyTable) -> None:
    if parsed.regimen == "benzodiazepine":
        _check_benzodiazepine(parsed, strengths, table)
    elif parsed.regimen == "buprenorphine":
        _check_buprenorphine(parsed, strengths)


def _not_applicable(parsed: _Parsed, names: Iterable[str], message: str) -> None:
    for name in names:
        value = getattr(parsed, name)
        if name not in parsed.bad and value not in (None, (), {}):
            parsed.fail(name, FieldError(name, message))


def _check_benzodiazepine(
    parsed: _Parsed, strengths: Mapping[str, Dispensing], table: EquipotencyTable
) -> None:
    _not_applicable(parsed, ("days", "opioid_dependent"), _E_NOT_FOR_BENZODIAZEPINE)
    if parsed.stay_days is not None and parsed.setting == "outpatient":
        parsed.fail("stay_days", FieldError("stay_days", _E_INPATIENT_ONLY))
    if parsed.weekly_reduction_percent is None and "weekly_reduction_percent" not in parsed.bad:
        parsed.weekly_reduction_percent = Fraction(DEFAULT_WEEKLY_REDUCTION_PERCENT)
    if parsed.taper_drug is None and "taper_drug" not in parsed.bad:
        parsed.taper_drug = DEFAULT_TAPER_DRUG["benzodiazepine"]
    elif parsed.taper_drug is not None and parsed.taper_drug not in BENZODIAZEPINE_TAPER_DRUGS:
        allowed = ", ".join(BENZODIAZEPINE_TAPER_DRUGS)
        parsed.fail(
            "taper_drug", FieldError("taper_drug", _E_CHOICE, {"allowed": allowed}, ("9.4-1",))
        )
        parsed.taper_drug = None
    _check_current_use(parsed, table)
    _check_intake_use(parsed, table)
    _check_equivalence(parsed, table)
    if parsed.start_mg_per_day is not None and parsed.taper_drug is not None:
        _check_dispensable(parsed, strengths[parsed.taper_drug])
        _check_start_bound(parsed, table)


def upper_converted_mg(
    current_use: Sequence[CurrentUse], taper_drug: str, table: EquipotencyTable
) -> Fraction:
    """The converted dose at the range's upper end: the end of each range that gives the
    *higher* taper-drug dose (the other end from the default)."""
    target_high = table.ranges[taper_drug][1]
    total = Fraction(0)
    for use in current_use:
        if use.drug == taper_drug:
            total += use.mg_per_day
        else:
            total += use.mg_per_day / table.ranges[use.drug][0] * target_high
    return total


def start_bound_mg(
    current_use: Sequence[CurrentUse], taper_drug: str, table: EquipotencyTable
) -> Fraction:
    """The highest start dose without an override reason: 1.5 x ``upper_converted_mg``."""
    return START_DOSE_BOUND_FACTOR * upper_converted_mg(current_use, taper_drug, table)


def _check_start_bound(parsed: _Parsed, table: EquipotencyTable) -> None:
    start, drug, uses = parsed.start_mg_per_day, parsed.taper_drug, parsed.current_use
    if (
        start is None
        or drug is None
        or not uses
        or parsed.override_reason
        or "current_use" in parsed.bad
        or "override_reason" in parsed.bad
        or any(use.drug not in table.ranges or use.mg_per_day <= 0 for use in uses)
    ):
        return
    high = upper_converted_mg(uses, drug, table)
    bound = START_DOSE_BOUND_FACTOR * high
    if start > bound:
        params = {
            "start_mg": _mg_text(start),
            "high_mg": _mg_text(high),
            "bound_mg": _mg_text(bound),
        }
        parsed.fail(
            "start_mg_per_day",
            FieldError("start_mg_per_day", _E_START_ABOVE_BOUND, params, ("9.3.1-2",)),
        )


def _check_intake_use(parsed: _Parsed, table: EquipotencyTable) -> None:
    allowed = ", ".join(table.ranges)
    seen: set[str] = set()
    for index, use in enumerate(parsed.intake_use or ()):
        name = f"intake_use[{index}].drug"
        if use.drug not in table.ranges:
            parsed.fail("intake_use", FieldError(name, _E_CHOICE, {"allowed": allowed}))
        elif use.drug in seen:
            parsed.fail("intake_use", FieldError(name, _E_DUPLICATE))
        seen.add(use.drug)


def _check_current_use(parsed: _Parsed, table: EquipotencyTable) -> None:
    if "current_use" in parsed.bad and not parsed.current_use:
        return
    if not parsed.current_use:
        if "current_use" not in parsed.bad:
            parsed.fail("current_use", FieldError("current_use", _E_NO_DRUGS))
        return
    allowed = ", ".join(table.ranges)
    seen: set[str] = set()
    for index, use in enumerate(parsed.current_use):
        name = f"current_use[{index}].drug"
        if use.drug not in table.ranges:
            parsed.fail("current_use", FieldError(name, _E_CHOICE, {"allowed": allowed}))
        elif use.drug in seen:
            parsed.fail("current_use", FieldError(name, _E_DUPLICATE))
        seen.add(use.drug)


def _check_equivalence(parsed: _Parsed, table: EquipotencyTable) -> None:
    if not parsed.equivalence:
        return
    used = {use.drug for use in parsed.current_use or ()}
    if parsed.taper_drug:
        used.add(parsed.taper_drug)
    for drug, value in parsed.equivalence.items():
        name = f"equivalence.{drug}"
        if drug not in table.ranges:
            allowed = ", ".join(table.ranges)
            parsed.fail("equivalence", FieldError(name, _E_CHOICE, {"allowed": allowed}))
            continue
        low, high = table.ranges[drug]
        if not low <= value <= high:
            params = {"drug": drug, "low": _mg_text(low), "high": _mg_text(high)}
            parsed.fail("equivalence", FieldError(name, _E_EQUIVALENCE_RANGE, params))
        elif drug not in used and "current_use" not in parsed.bad:
            parsed.fail("equivalence", FieldError(name, _E_EQUIVALENCE_UNUSED))


def _check_dispensable(parsed: _Parsed, dispensing: Dispensing) -> None:
    mg = parsed.start_mg_per_day
    if mg is None or dispensing.is_dispensable(mg):
        return
    params = {
        "drug": dispensing.drug,
        "strengths": ", ".join(_mg_text(s) for s in dispensing.strengths_mg),
        "nearest": ", ".join(_mg_text(v) for v in dispensing.nearest(mg)),
    }
    parsed.fail("start_mg_per_day", FieldError("start_mg_per_day", _E_NOT_DISPENSABLE, params))


def _check_buprenorphine(parsed: _Parsed, strengths: Mapping[str, Dispensing]) -> None:
    _not_applicable(
        parsed,
        (
            "current_use",
            "weekly_reduction_percent",
            "equivalence",
            "stay_days",
            "intake_use",
            "conversion_confirmed",
        ),
        _E_NOT_FOR_BUPRENORPHINE,
    )
    # A bad override_reason has its own error; no second one for what it was meant to cover.
    overridden = bool(parsed.override_reason) or "override_reason" in parsed.bad
    if parsed.pregnant is True and not overridden:
        # 12-7 (G 5753-5755): stabilise on buprenorphine, the further course planned with her;
        # 10.3-1 (G 4893-4906): be reluctant to detox pregnant women; in LAR the woman stays on
        # her LAR medicine (G 5702-5706), and tapering it is outside the guideline (G 4887-4891).
        parsed.fail(
            "pregnant",
            FieldError("pregnant", _E_PREGNANT_OPIOID, {}, ("12-7", "10.3-1")),
        )
    start = parsed.start_mg_per_day
    if start is not None and start > MAX_BUPRENORPHINE_START_MG and not overridden:
        params = {"start_mg": _mg_text(start), "max_mg": MAX_BUPRENORPHINE_START_MG}
        parsed.fail(
            "start_mg_per_day",
            FieldError("start_mg_per_day", _E_BUPRENORPHINE_ABOVE_BOUND, params, ("10.5-1",)),
        )
    drug = parsed.taper_drug
    if drug == "methadone":
        # 10.5-2 (G 5212); G 5170-5172: risk of opioid overdose, especially with other drugs.
        if parsed.setting == "outpatient":
            parsed.fail(
                "taper_drug",
                FieldError("taper_drug", _E_METHADONE_OUTPATIENT, {}, ("10.5-2",)),
            )
        else:
            parsed.fail(
                "taper_drug",
                FieldError("taper_drug", _E_METHADONE_NOT_PLANNED, {}, ("10.5-1",)),
            )
    elif drug in ("clonidine", "lofexidine"):
        parsed.fail("taper_drug", FieldError("taper_drug", _E_ALPHA2_NOT_A_TAPER, {}, ("10.5-1",)))
    elif drug is not None and drug != BUPRENORPHINE:
        parsed.fail("taper_drug", FieldError("taper_drug", _E_CHOICE, {"allowed": BUPRENORPHINE}))
    elif drug is None and "taper_drug" not in parsed.bad:
        parsed.taper_drug = BUPRENORPHINE
    if parsed.opioid_dependent is not True and "opioid_dependent" not in parsed.bad:
        # G 5192-5196: "Nedtrapping med buprenorfin eller metadon bør kun benyttes hvis
        # pasienten er opioidavhengig" (else overtreatment).
        parsed.fail(
            "opioid_dependent",
            FieldError("opioid_dependent", _E_NOT_OPIOID_DEPENDENT, {}, ("10.5-1",)),
        )
    for name in ("start_mg_per_day", "days"):
        if getattr(parsed, name) is None and name not in parsed.bad:
            parsed.fail(name, FieldError(name, _E_REQUIRED))
    _check_dispensable(parsed, strengths[BUPRENORPHINE])


def check_taper_request(
    request: TaperRequest,
    *,
    tablet_strengths: Mapping[str, Dispensing] | None = None,
    equipotency: EquipotencyTable | None = None,
) -> None:
    """Re-run the regimen-specific checks on a request built by hand; raise on any problem."""
    parsed = _Parsed(
        regimen=request.regimen,
        setting=request.setting,
        start_date=request.start_date,
        taper_drug=request.taper_drug,
        doses_per_day=request.doses_per_day,
        current_use=request.current_use,
        weekly_reduction_percent=request.weekly_reduction_percent,
        start_mg_per_day=request.start_mg_per_day,
        days=request.days,
        opioid_dependent=request.opioid_dependent,
        equivalence=dict(request.equivalence),
        stay_days=request.stay_days,
        pregnant=request.pregnant,
        override_reason=request.override_reason,
        dispensing_interval_days=request.dispensing_interval_days,
        conversion_confirmed=request.conversion_confirmed,
        intake_use=request.intake_use,
    )
    percent = request.weekly_reduction_percent
    if (
        request.regimen == "benzodiazepine"
        and percent is not None
        and not (MIN_WEEKLY_REDUCTION_PERCENT <= percent <= MAX_WEEKLY_REDUCTION_PERCENT)
    ):
        params = {"min": MIN_WEEKLY_REDUCTION_PERCENT, "max": MAX_WEEKLY_REDUCTION_PERCENT}
        parsed.fail(
            "weekly_reduction_percent", FieldError("weekly_reduction_percent", _E_RANGE, params)
        )
    if request.doses_per_day not in DOSE_TIMES:
        params = {"min": min(DOSE_TIMES), "max": max(DOSE_TIMES)}
        parsed.fail("doses_per_day", FieldError("doses_per_day", _E_INTEGER, params))
    if request.days is not None and request.days < MIN_BUPRENORPHINE_DAYS:
        params = {"min": MIN_BUPRENORPHINE_DAYS}
        parsed.fail("days", FieldError("days", _E_TOO_FEW_DAYS, params, ("10.5-1",)))
    _check(
        parsed,
        tablet_strengths or default_tablet_strengths(),
        equipotency or default_equipotency(),
    )
    if parsed.errors:
        raise TaperInputError(parsed.errors)


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


# --- Conversion -------------------------------------------------------------------------------


def equivalence_used(
    drug: str,
    *,
    lower_dose_end: Literal["low", "high"],
    chosen: Mapping[str, Fraction] | None = None,
    table: EquipotencyTable | None = None,
) -> EquivalenceUsed:
    """The value used for ``drug``: the clinician's, the table's only value, or the default end.

    ``lower_dose_end`` says which end of a range gives the lower taper-drug dose: ``"high"``
    for a drug the patient uses, ``"low"`` for the taper drug (see the module docstring).
    """
    table = table or default_equipotency()
    low, high = table.ranges[drug]
    if chosen and drug in chosen:
        return EquivalenceUsed(drug, (low, high), chosen[drug], "clinician")
    if low == high:
        return EquivalenceUsed(drug, (low, high), low, "table")
    return EquivalenceUsed(drug, (low, high), high if lower_dose_end == "high" else low, "default")


def convert_to_taper_drug(
    current_use: Sequence[CurrentUse],
    taper_drug: str,
    *,
    chosen: Mapping[str, Fraction] | None = None,
    table: EquipotencyTable | None = None,
) -> tuple[tuple[Conversion, ...], EquivalenceUsed]:
    """Each drug's daily dose in diazepam equivalents and in the taper drug."""
    table = table or default_equipotency()
    target = equivalence_used(taper_drug, lower_dose_end="low", chosen=chosen, table=table)
    rows = []
    for use in current_use:
        # A drug tapered with itself uses the same value both ways: one to one.
        source = (
            target
            if use.drug == taper_drug
            else equivalence_used(use.drug, lower_dose_end="high", chosen=chosen, table=table)
        )
        diazepam = use.mg_per_day * table.reference_mg / source.equivalent_used_mg
        rows.append(
            Conversion(
                drug=use.drug,
                mg_per_day=use.mg_per_day,
                equivalence=source,
                diazepam_equivalent_mg_per_day=diazepam,
                taper_drug_mg_per_day=diazepam * target.equivalent_used_mg / table.reference_mg,
            )
        )
    return tuple(rows), target


# --- Schedules --------------------------------------------------------------------------------


def weekly_levels(start_mg: Fraction, step_mg: Fraction, dispensing: Dispensing) -> list[Fraction]:
    """The daily dose of each week, from ``start_mg`` down to (and including) 0.

    Week ``k`` takes the smallest dispensable dose on or above the straight line
    ``start_mg - k * step_mg`` (G 4515-4517: the chosen share of the original dose a week), and
    0 once the line reaches 0. So the dose never rises, never falls below the line, ends at the
    week the line reaches zero (5 % a week: 20 weeks), and no step is larger than ``step_mg``
    times the weeks since the last step by a whole smallest tablet: dispensable doses lie less
    than one smallest tablet apart. When no dispensable dose lies between the last dose and the
    line, the dose is held a week.
    """
    if step_mg <= 0 or not dispensing.is_dispensable(start_mg) or start_mg <= 0:
        raise ValueError("a taper needs a dispensable start dose and a positive step")
    levels = [start_mg]
    week = 0
    while levels[-1] > 0:
        week += 1
        line = start_mg - step_mg * week
        level = Fraction(0) if line <= 0 else dispensing.round_up(line)
        levels.append(min(level, levels[-1]))
    return levels


def buprenorphine_levels(start_mg: Fraction, days: int, dispensing: Dispensing) -> list[Fraction]:
    """The daily dose of each day: a straight line to zero, each day rounded up, then 0."""
    return [dispensing.round_up(start_mg * (days - day) / days) for day in range(days)] + [
        Fraction(0)
    ]


def _day(on: date, total: Fraction, dispensing: Dispensing, doses_per_day: int) -> TaperDay:
    if total == 0:
        return TaperDay(on, total, ())
    times = DOSE_TIMES[doses_per_day]
    doses = tuple(
        Dose(time, mg, dispensing.tablets(mg))
        for time, mg in zip(times, dispensing.split(total, doses_per_day), strict=True)
        if mg > 0
    )
    return TaperDay(on, total, doses)


def add_months(start: date, months: int) -> date:
    """The same day ``months`` calendar months later (the last day when the month is short)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(start.day, (next_month - timedelta(days=1)).day))


def outpatient_duration_warning(start_date: date, duration_days: int) -> TaperWarning | None:
    """A warning when an outpatient taper lasts less than one or more than six months.

    Calendar months from ``start_date`` to the first day without the drug (G 4515,
    "mellom en og seks måneder"); both ends are inside the range.
    """
    stop = start_date + timedelta(days=duration_days)
    params = {"duration_days": duration_days}
    if stop < add_months(start_date, OUTPATIENT_MIN_MONTHS):
        return TaperWarning(
            "outpatient_shorter_than_one_month", _W_SHORTER_THAN_A_MONTH, params, ("9.3.1-2",)
        )
    if stop > add_months(start_date, OUTPATIENT_MAX_MONTHS):
        return TaperWarning(
            "outpatient_longer_than_six_months", _W_LONGER_THAN_SIX_MONTHS, params, ("9.3.1-2",)
        )
    return None


def abrupt_stop_warning(
    regimen: Regimen, setting: Setting, start_mg: Fraction, duration_days: int
) -> TaperWarning | None:
    """A taper so short that it is practically an abrupt stop (local resolutions, marked).

    Benzodiazepines, outpatient, fewer than 28 dosing days: 9.3.1-1 (G 4576, "bør ikke
    bråseponeres") and 9.3.1-2. (The engine's own schedules last at least five weeks, 20 % a
    week; this guards schedules of any origin.) Buprenorphine from 16 mg a day or more in fewer
    than 5 days: G 5093-5095, the dose "reduseres gradvis til null", cited as 10.5-1.
    """
    if (
        regimen == "benzodiazepine"
        and setting == "outpatient"
        and duration_days < ABRUPT_BENZODIAZEPINE_DAYS_BELOW
    ):
        return TaperWarning(
            "practically_abrupt_stop",
            _W_ABRUPT_BENZODIAZEPINE,
            {"duration_days": duration_days},
            ("9.3.1-1", "9.3.1-2"),
            resolution=True,
        )
    if (
        regimen == "buprenorphine"
        and start_mg >= ABRUPT_BUPRENORPHINE_FROM_MG
        and duration_days < ABRUPT_BUPRENORPHINE_DAYS_BELOW
    ):
        return TaperWarning(
            "practically_abrupt_stop",
            _W_ABRUPT_BUPRENORPHINE,
            {"start_mg": _mg_text(start_mg), "days": duration_days},
            ("10.5-1",),
            resolution=True,
        )
    return None


def stay_warning(duration_days: int, stay_days: int | None) -> TaperWarning | None:
    """A warning when an inpatient taper outlasts the stay (11.5-2, G 4558-4566)."""
    stay = USUAL_STAY_DAYS if stay_days is None else stay_days
    if duration_days <= stay:
        return None
    params = {"duration_days": duration_days, "stay_days": stay}
    if stay_days is None:
        return TaperWarning(
            "continue_after_discharge",
            _W_CONTINUE_AFTER_USUAL_STAY,
            params,
            ("11.5-2",),
            resolution=True,
        )
    return TaperWarning("continue_after_discharge", _W_CONTINUE_AFTER_STAY, params, ("11.5-2",))


def build_taper(
    request: TaperRequest,
    *,
    tablet_strengths: Mapping[str, Dispensing] | None = None,
    equipotency: EquipotencyTable | None = None,
) -> TaperPlan:
    """The taper schedule for a request; raise ``TaperInputError`` if it cannot be built."""
    strengths = tablet_strengths or default_tablet_strengths()
    table = equipotency or default_equipotency()
    check_taper_request(request, tablet_strengths=strengths, equipotency=table)
    if request.regimen == "buprenorphine":
        return _buprenorphine_plan(request, strengths[BUPRENORPHINE])
    return _benzodiazepine_plan(request, strengths[request.taper_drug], table)


def taper_plan(
    data: Mapping[str, Any],
    *,
    tablet_strengths: Mapping[str, Dispensing] | None = None,
    equipotency: EquipotencyTable | None = None,
) -> TaperPlan:
    """Parse and build in one step (what the API view calls)."""
    request = parse_taper_request(data, tablet_strengths=tablet_strengths, equipotency=equipotency)
    return build_taper(request, tablet_strengths=tablet_strengths, equipotency=equipotency)


def _benzodiazepine_plan(
    request: TaperRequest, dispensing: Dispensing, table: EquipotencyTable
) -> TaperPlan:
    conversion, target = convert_to_taper_drug(
        request.current_use, request.taper_drug, chosen=request.equivalence, table=table
    )
    converted = sum((row.taper_drug_mg_per_day for row in conversion), Fraction(0))
    warnings: list[TaperWarning] = []
    defaults = [row.drug for row in conversion if row.equivalence.source == "default"]
    if target.source == "default" and request.taper_drug not in defaults:
        defaults.append(request.taper_drug)
    if defaults:
        params: dict[str, Any] = {"taper_drug": request.taper_drug, "drugs": ", ".join(defaults)}
        warnings.append(
            TaperWarning(
                "equivalence_default_lower_dose",
                _W_DEFAULT_EQUIVALENCE,
                params,
                ("9.4-1",),
                resolution=True,
            )
        )
    confirm = _conversion_to_confirm(conversion) if not request.conversion_confirmed else []
    warnings.extend(confirm)
    differs = _intake_difference(request)
    if differs:
        warnings.append(differs)
    if request.start_mg_per_day is not None:
        start = request.start_mg_per_day
        params = {"start_mg": _mg_text(start), "converted_mg": _mg_text(converted)}
        warnings.append(
            TaperWarning("start_dose_set_by_clinician", _W_START_SET, params, ("9.3.1-2",))
        )
        bound = start_bound_mg(request.current_use, request.taper_drug, table)
        if start > bound:
            params = {
                "start_mg": _mg_text(start),
                "bound_mg": _mg_text(bound),
                "reason": request.override_reason or "",
            }
            warnings.append(
                TaperWarning(
                    "start_above_bound_overridden",
                    _W_START_ABOVE_BOUND,
                    params,
                    ("9.3.1-2",),
                    resolution=True,
                )
            )
    else:
        start = dispensing.round_down(converted)
        if start == 0:
            params = {
                "converted_mg": _mg_text(converted),
                "drug": request.taper_drug,
                "smallest_mg": _mg_text(dispensing.smallest_mg),
            }
            raise TaperInputError(
                [FieldError("current_use", _E_STOPS_AT_ONCE, params, ("9.3.1-1",))]
            )
        if start != converted:
            params = {"start_mg": _mg_text(start), "converted_mg": _mg_text(converted)}
            warnings.append(
                TaperWarning("start_rounded_down", _W_ROUNDED_DOWN, params, ("9.3.1-2",))
            )
    percent = request.weekly_reduction_percent or Fraction(DEFAULT_WEEKLY_REDUCTION_PERCENT)
    if percent < GUIDELINE_MIN_WEEKLY_REDUCTION_PERCENT:
        # G 4515-4517 (10-20 %, one to six months); 12-6: a slow taper for pregnant women.
        slow_refs = ("9.3.1-2", "12-6") if request.pregnant else ("9.3.1-2",)
        warnings.append(
            TaperWarning(
                "slower_than_usual_reduction",
                _W_SLOWER,
                {"percent": _mg_text(percent)},
                slow_refs,
                resolution=True,
            )
        )
    levels = weekly_levels(start, start * percent / 100, dispensing)
    held = sum(1 for before, after in pairwise(levels) if before == after)
    if held:
        params = {"held_weeks": held, "percent": _mg_text(percent)}
        warnings.append(
            TaperWarning("dose_held_for_tablet_strengths", _W_HELD, params, ("9.3.1-2",))
        )
    days = tuple(
        _day(request.start_date + timedelta(days=index), level, dispensing, request.doses_per_day)
        for week, level in enumerate(levels)
        for index in _week_days(week, last=level == 0)
    )
    duration = sum(1 for day in days if day.total_mg > 0)
    warnings.extend(_setting_warnings(request, duration))
    abrupt = abrupt_stop_warning(request.regimen, request.setting, start, duration)
    if abrupt:
        warnings.append(abrupt)
    if request.taper_drug == "diazepam":
        warnings.append(TaperWarning("diazepam_second_choice", _W_DIAZEPAM, {}, ("9.4-1",)))
    if request.pregnant:
        warnings.append(
            TaperWarning("pregnant_slow_taper", _W_PREGNANT_BENZODIAZEPINE, {}, ("12-6", "12-3"))
        )
    return TaperPlan(
        regimen=request.regimen,
        setting=request.setting,
        taper_drug=request.taper_drug,
        start_mg_per_day=start,
        converted_mg_per_day=converted,
        weekly_reduction_percent=percent,
        conversion=conversion,
        taper_drug_equivalence=target,
        days=days,
        refs=("9.3.1-1", "9.3.1-2", "9.4-1"),
        warnings=tuple(warnings),
        equivalence_source=table.source,
        dispensing_interval_days=_interval(request),
        override_reason=request.override_reason,
        conversion_needs_confirmation=bool(confirm),
    )


def _interval(request: TaperRequest) -> int:
    return request.dispensing_interval_days or DEFAULT_DISPENSING_INTERVAL_DAYS


def _conversion_to_confirm(conversion: Sequence[Conversion]) -> list[TaperWarning]:
    """A line for each high-potency short-acting drug converted at the default point."""
    warnings = []
    for row in conversion:
        if row.drug in CONFIRM_CONVERSION_DRUGS and row.equivalence.source == "default":
            low, high = row.equivalence.equivalent_range_mg
            params = {
                "drug": row.drug,
                "low": _mg_text(low),
                "high": _mg_text(high),
                "used": _mg_text(row.equivalence.equivalent_used_mg),
            }
            warnings.append(
                TaperWarning(
                    "conversion_point_unconfirmed",
                    _W_CONFIRM_CONVERSION,
                    params,
                    ("9.4-1",),
                    resolution=True,
                )
            )
    return warnings


def _use_text(uses: Iterable[CurrentUse]) -> str:
    return " + ".join(f"{use.drug} {_mg_text(use.mg_per_day)} mg" for use in uses)


def _intake_difference(request: TaperRequest) -> TaperWarning | None:
    """A warning when the taper does not start from what the intake records (9.3.1-2: the
    taper's size follows the size of the use)."""
    if request.intake_use is None:
        return None
    asked = {use.drug: use.mg_per_day for use in request.current_use}
    recorded = {use.drug: use.mg_per_day for use in request.intake_use}
    if asked == recorded:
        return None
    params = {
        "request": _use_text(request.current_use),
        "intake": _use_text(request.intake_use) or "–",
    }
    return TaperWarning("differs_from_intake", _W_DIFFERS_FROM_INTAKE, params, ("9.3.1-2",))


def _week_days(week: int, *, last: bool) -> range:
    first = week * DAYS_PER_WEEK
    return range(first, first + (1 if last else DAYS_PER_WEEK))


def _setting_warnings(request: TaperRequest, duration: int) -> list[TaperWarning]:
    warnings: list[TaperWarning] = []
    if request.setting == "outpatient":
        warnings.append(TaperWarning("close_outpatient_follow_up", _W_FOLLOW_UP, {}, ("9.3.1-3",)))
        length = outpatient_duration_warning(request.start_date, duration)
        if length:
            warnings.append(length)
    else:
        stay = stay_warning(duration, request.stay_days)
        if stay:
            warnings.append(stay)
    return warnings


def _buprenorphine_plan(request: TaperRequest, dispensing: Dispensing) -> TaperPlan:
    start, length = request.start_mg_per_day, request.days
    if start is None or length is None:  # check_taper_request has already refused this
        raise ValueError("a buprenorphine taper needs start_mg_per_day and days")
    levels = buprenorphine_levels(start, length, dispensing)
    days = tuple(
        _day(request.start_date + timedelta(days=index), level, dispensing, request.doses_per_day)
        for index, level in enumerate(levels)
    )
    warnings = [TaperWarning("tolerance_loss", _W_TOLERANCE, {}, ("10.3-2", "13.1-9"))]
    abrupt = abrupt_stop_warning(request.regimen, request.setting, start, length)
    if abrupt:
        warnings.append(abrupt)
    if start > MAX_BUPRENORPHINE_START_MG:
        params = {
            "start_mg": _mg_text(start),
            "max_mg": MAX_BUPRENORPHINE_START_MG,
            "reason": request.override_reason or "",
        }
        warnings.append(
            TaperWarning(
                "start_above_bound_overridden",
                _W_BUPRENORPHINE_ABOVE_BOUND,
                params,
                ("10.5-1",),
                resolution=True,
            )
        )
    if request.setting == "outpatient":
        warnings.append(
            TaperWarning("supervised_daily_dispensing", _W_SUPERVISED, {}, ("10.4.1-2",))
        )
    if request.pregnant:
        warnings.append(
            TaperWarning("pregnant_stabilise", _W_PREGNANT_OPIOID, {}, ("12-7", "10.3-1"))
        )
        warnings.append(
            TaperWarning(
                "pregnant_opioid_taper_overridden",
                _W_PREGNANT_OPIOID_OVERRIDDEN,
                {"reason": request.override_reason or ""},
                ("12-7", "10.3-1"),
            )
        )
    return TaperPlan(
        regimen=request.regimen,
        setting=request.setting,
        taper_drug=BUPRENORPHINE,
        start_mg_per_day=start,
        converted_mg_per_day=None,
        weekly_reduction_percent=None,
        conversion=(),
        taper_drug_equivalence=None,
        days=days,
        refs=("10.5-1",),
        warnings=tuple(warnings),
        dispensing_interval_days=_interval(request),
        override_reason=request.override_reason,
    )
