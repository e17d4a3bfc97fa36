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

The package: ``constants`` (regimens, settings, bounds, dose times, data files), ``messages``
(every msgid the engine emits), ``tablets`` (tablet strengths, what whole tablets make up, the
equipotency table), ``request`` (the validated request, its error, reading the intake's free
text), ``output`` (the plan and its parts), ``conversion`` (equipotency conversion),
``parsing`` (strict validation and the regimen checks), ``plan_warnings`` (warnings that do
not depend on how the schedule was built) and ``schedules`` (building the plan). Import from
``clinical.tapers``: every public name is re-exported here.
"""

from __future__ import annotations

from clinical.inputs import FieldError
from clinical.tapers.constants import (
    ABRUPT_BENZODIAZEPINE_DAYS_BELOW,
    ABRUPT_BUPRENORPHINE_DAYS_BELOW,
    ABRUPT_BUPRENORPHINE_FROM_MG,
    BENZODIAZEPINE_TAPER_DRUGS,
    BUPRENORPHINE,
    CONFIRM_CONVERSION_DRUGS,
    DATA_DIR,
    DAYS_PER_WEEK,
    DEFAULT_DISPENSING_INTERVAL_DAYS,
    DEFAULT_TAPER_DRUG,
    DEFAULT_WEEKLY_REDUCTION_PERCENT,
    DOSE_TIMES,
    EQUIPOTENCY_FILE,
    GUIDELINE_MIN_WEEKLY_REDUCTION_PERCENT,
    MAX_BUPRENORPHINE_DAYS,
    MAX_BUPRENORPHINE_START_MG,
    MAX_DISPENSING_INTERVAL_DAYS,
    MAX_MG_PER_DAY,
    MAX_OVERRIDE_REASON_CHARS,
    MAX_STAY_DAYS,
    MAX_TABLETS_PER_DOSE,
    MAX_WEEKLY_REDUCTION_PERCENT,
    MIN_BUPRENORPHINE_DAYS,
    MIN_WEEKLY_REDUCTION_PERCENT,
    OUTPATIENT_MAX_MONTHS,
    OUTPATIENT_MIN_MONTHS,
    REGIMENS,
    SETTINGS,
    START_DOSE_BOUND_FACTOR,
    TABLET_STRENGTHS_FILE,
    TAPER_DRUGS,
    USUAL_STAY_DAYS,
    EquivalenceSource,
    Regimen,
    Setting,
)
from clinical.tapers.conversion import (
    convert_to_taper_drug,
    equivalence_used,
    start_bound_mg,
    upper_converted_mg,
)
from clinical.tapers.output import (
    Conversion,
    DispensingPeriod,
    Dose,
    EquivalenceUsed,
    TaperDay,
    TaperPlan,
    TaperWarning,
    count_tablets,
    dispensing_periods,
)
from clinical.tapers.parsing import (
    check_taper_request,
    parse_taper_request,
)
from clinical.tapers.plan_warnings import (
    abrupt_stop_warning,
    add_months,
    outpatient_duration_warning,
    stay_warning,
)
from clinical.tapers.request import (
    CurrentUse,
    TaperInputError,
    TaperRequest,
    parse_intake_use,
)
from clinical.tapers.schedules import (
    build_taper,
    buprenorphine_levels,
    taper_plan,
    weekly_levels,
)
from clinical.tapers.tablets import (
    Dispensing,
    EquipotencyTable,
    Tablet,
    default_equipotency,
    default_tablet_strengths,
    load_equipotency,
    load_tablet_strengths,
)

__all__ = [
    "ABRUPT_BENZODIAZEPINE_DAYS_BELOW",
    "ABRUPT_BUPRENORPHINE_DAYS_BELOW",
    "ABRUPT_BUPRENORPHINE_FROM_MG",
    "BENZODIAZEPINE_TAPER_DRUGS",
    "BUPRENORPHINE",
    "CONFIRM_CONVERSION_DRUGS",
    "DATA_DIR",
    "DAYS_PER_WEEK",
    "DEFAULT_DISPENSING_INTERVAL_DAYS",
    "DEFAULT_TAPER_DRUG",
    "DEFAULT_WEEKLY_REDUCTION_PERCENT",
    "DOSE_TIMES",
    "EQUIPOTENCY_FILE",
    "GUIDELINE_MIN_WEEKLY_REDUCTION_PERCENT",
    "MAX_BUPRENORPHINE_DAYS",
    "MAX_BUPRENORPHINE_START_MG",
    "MAX_DISPENSING_INTERVAL_DAYS",
    "MAX_MG_PER_DAY",
    "MAX_OVERRIDE_REASON_CHARS",
    "MAX_STAY_DAYS",
    "MAX_TABLETS_PER_DOSE",
    "MAX_WEEKLY_REDUCTION_PERCENT",
    "MIN_BUPRENORPHINE_DAYS",
    "MIN_WEEKLY_REDUCTION_PERCENT",
    "OUTPATIENT_MAX_MONTHS",
    "OUTPATIENT_MIN_MONTHS",
    "REGIMENS",
    "SETTINGS",
    "START_DOSE_BOUND_FACTOR",
    "TABLET_STRENGTHS_FILE",
    "TAPER_DRUGS",
    "USUAL_STAY_DAYS",
    "Conversion",
    "CurrentUse",
    "Dispensing",
    "DispensingPeriod",
    "Dose",
    "EquipotencyTable",
    "EquivalenceSource",
    "EquivalenceUsed",
    "FieldError",
    "Regimen",
    "Setting",
    "Tablet",
    "TaperDay",
    "TaperInputError",
    "TaperPlan",
    "TaperRequest",
    "TaperWarning",
    "abrupt_stop_warning",
    "add_months",
    "build_taper",
    "buprenorphine_levels",
    "check_taper_request",
    "convert_to_taper_drug",
    "count_tablets",
    "default_equipotency",
    "default_tablet_strengths",
    "dispensing_periods",
    "equivalence_used",
    "load_equipotency",
    "load_tablet_strengths",
    "outpatient_duration_warning",
    "parse_intake_use",
    "parse_taper_request",
    "start_bound_mg",
    "stay_warning",
    "taper_plan",
    "upper_converted_mg",
    "weekly_levels",
]
