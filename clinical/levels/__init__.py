"""Treatment level: outpatient or inpatient detox, and acute referral.

Pure rules (no ORM, no request, no clock) from the national detox guideline, cited by line in
``guidelines/data/source/retningslinje-avrusning-2014.txt`` ("G" below) and by recommendation
reference ``"<section>-<number>"``. ``docs/CLINICAL.md`` ("Treatment level") maps the rules.

How the decision is made (``evaluate_level``):

1. Acute referral (4.1-1..3, G 1358-1374; 8.3.2-4, G 3830-3832; delirium now, 8.4.5-2, G
   4147-4151 with G 4132-4134; suspected Wernicke, 8.4.1-2, G 3905-3907; the criteria for
   acute intervention in TSB, 4.2-4..7 under the lead-in G 1429, with 4.2-1) is decided first
   and is *in addition to* the level. An acute condition is itself a concurrent somatic or
   mental health problem, which 3.2.2-1 (G 1036-1052) counts for admission, so a referral
   always comes with ``level == "inpatient"``. ``acute_referral`` is ``"somatic"``,
   ``"psychiatry"`` or ``"addiction_acute"`` (acute admission in substance use treatment,
   "øyeblikkelig hjelp"). When several apply, somatic comes before psychiatric before
   addiction-acute: 4.1 gives no order, and this resolution follows its background (acute
   danger to life and health is the somatic services' duty, G 1295-1303); 4.1-1/4.1-2 say the
   mental health assessment "skal" happen, while 4.2 asks that the need for acute TSB
   intervention "bør vurderes". The reasons that lost stay in the list, and a caution marked as
   a resolution keeps each later assessment visible.
2. Any factor for admission (3.2.2-1 and the substance chapters) decides ``"inpatient"``,
   whatever else is unknown.
3. Otherwise outpatient detox is proposed only when every outpatient factor of 3.2.1-2
   (G 978-998), plus 8.3.2-1 for alcohol (G 3807-3816), is *known* to hold. Facts the input
   omits are unknown, never assumed false.
4. Otherwise the inputs do not decide: ``level`` is ``None`` and ``missing`` names the facts
   (CLINICAL.md: "say which facts are missing rather than guessing"). The one exception is
   opioids: institution is the guideline's first choice (10.4.2-1, G 5080) and outpatient only
   "if the conditions under 3.2.1 are present" (G 5009), so unconfirmed conditions (10.4.1-2
   included) leave the first choice standing: ``"inpatient"``.

Opioids (10.4, 12-7, 10.3-3): an opioid detox is in question only for illegal opioid use
(``LevelInput.opioid_detox``). Outpatient opioid detox needs, beside 3.2.1-2, both special
arrangements of 10.4.1-2 (G 5021-5023) confirmed: ``opioid_stabilised`` and
``supervised_daily_dispensing``; either "no" is a reason for the institution. A pregnant woman
using opioids is never proposed an opioid detox, in LAR, outside it or with LAR unknown: the
reason ``pregnant_opioid_stabilise_not_detox`` (level ``"inpatient"``, 12-7 and 10.3-1; in LAR
the chapter 12 background G 5702-5706 and 10.3-3: the LAR medication is not tapered) replaces
every opioid-detox reason and caution. A patient in LAR who lists opioids *and* another
substance comes for the side use: the opioid row is the LAR medication
(``LevelInput.lar_medication_row``), no illegal-opioid rule applies, it does not count as a
second dependence, and the caution ``lar_side_use_only`` says so (a resolution).

Cautions that never move the level: sedatives for the elderly (``age_years`` 65 or more, a
resolution), after head injury or with benzodiazepine use (8.4.2 background, G 3994-3998);
under 18, the guideline does not address adolescents (1.2, a resolution); repeated overdoses
without injected opioids (13.1 background, G 5863-5865, a resolution: with injected opioids
they are the 10.4.1 reason instead); CIWA-Ar 16-18 with an outpatient proposal, whose
hourly-diazepam tier needs an institution (8.4.6-1..3, G 4200, 4211, 4229). An earlier failed
outpatient detox is a reason for the institution (3.2.1-3, G 1002).

``missing`` lists only facts that could change the outcome (level or acute referral). The acute
facts (the 4.1 ones, ``current_delirium``, ``acute_criteria`` and, where alcohol is listed,
``wernicke_suspected``) are always listed when unknown; ``earlier_failed_outpatient_detox`` is
listed without blocking an outpatient proposal. The NICE thresholds and the CIWA-Ar score are
not among the guideline's own outpatient conditions, so when unknown they too are listed in
``missing`` without blocking an outpatient proposal.

Reasons and cautions carry refs only; the presentation layer attaches grade and text. Each
``message`` is an English msgid marked with ``gettext_noop``: render it as
``gettext(message) % params`` (params that are lists are for display beside the message and are
never interpolated into it).

The package: ``model`` (the input, the proposal and their vocabularies), ``parsing`` (strict
validation of API JSON, ``parse_level_input``), ``messages`` (every msgid of reasons, cautions
and missing facts), ``rules`` (one function per rule, recording what it finds) and
``evaluation`` (``evaluate_level``: the decision). Import from ``clinical.levels``: every public
name is re-exported here.
"""

from __future__ import annotations

from clinical.inputs import FieldError
from clinical.levels.evaluation import (
    evaluate_level,
)
from clinical.levels.model import (
    ACUTE_CRITERIA,
    ACUTE_CRITERION_REFS,
    ADULT_FROM_AGE,
    AGE_MAX,
    AUDIT_MAX,
    CIWA_AR_HOURLY_DIAZEPAM_FROM,
    CIWA_AR_MAX,
    CIWA_AR_SEVERE_FROM,
    COMPLICATIONS,
    ELDERLY_FROM_AGE,
    MAX_ALCOHOL_UNITS_PER_DAY,
    MAX_CONTINUOUS_USE_DAYS,
    NICE_AUDIT_FROM,
    NICE_UNITS_PER_DAY_ABOVE,
    PREFERENCES,
    REFERRALS,
    SUBSTANCES,
    AcuteCriterion,
    Complication,
    Level,
    LevelInput,
    LevelProposal,
    Missing,
    Preference,
    Push,
    Reason,
    Referral,
    Substance,
    SubstanceUse,
)
from clinical.levels.parsing import (
    BOOLEAN_FIELDS,
    LevelInputError,
    parse_level_input,
)

__all__ = [
    "ACUTE_CRITERIA",
    "ACUTE_CRITERION_REFS",
    "ADULT_FROM_AGE",
    "AGE_MAX",
    "AUDIT_MAX",
    "BOOLEAN_FIELDS",
    "CIWA_AR_HOURLY_DIAZEPAM_FROM",
    "CIWA_AR_MAX",
    "CIWA_AR_SEVERE_FROM",
    "COMPLICATIONS",
    "ELDERLY_FROM_AGE",
    "MAX_ALCOHOL_UNITS_PER_DAY",
    "MAX_CONTINUOUS_USE_DAYS",
    "NICE_AUDIT_FROM",
    "NICE_UNITS_PER_DAY_ABOVE",
    "PREFERENCES",
    "REFERRALS",
    "SUBSTANCES",
    "AcuteCriterion",
    "Complication",
    "FieldError",
    "Level",
    "LevelInput",
    "LevelInputError",
    "LevelProposal",
    "Missing",
    "Preference",
    "Push",
    "Reason",
    "Referral",
    "Substance",
    "SubstanceUse",
    "evaluate_level",
    "parse_level_input",
]
