"""CIWA-Ar symptom-triggered dosing advice (8.4.6-3) with the warnings that go with it.

Pure: the caller passes the score, the intake facts, the episode's medication and earlier scores,
and ``now``; nothing here reads a clock or a database. Every line carries the guideline
recommendations behind it (``refs``) and, where the rule sits in a section's running text rather
than in a numbered recommendation, that section (``sections``). ``resolution`` marks lines where
the application resolves something the guideline leaves open; those must be shown as such.

Guideline line numbers ("G 4229") refer to
``guidelines/data/source/retningslinje-avrusning-2014.txt``. The dosing table, 8.4.6-3
(G 4215–4233), reads:

- "Så lenge CIWA er under 10, behandles pasienten vanligvis uten legemidler. Behandling med
  valproinsyre bør tilbys hvis pasienten har milde abstinensplager, men erfaringsmessig får sterke
  abstinensplager."
- "CIWA 10-15: Pasienter med tidligere alkoholiske abstinenskramper eller delirium tremens:
  Diazepam tabletter (oral) 10 mg x 4. Diazepam avsluttes (seponeres) ved CIWA-skåre under 10."
- "CIWA over 15: Diazepam 10 mg per os hver time inntil CIWA under 10. Hvis ikke respons etter
  50 mg diazepam: Olanzapin 10 mg intramuskulært eller per os. Dette gjentas hver time til max
  30 mg."

Definitions this module makes (documented, and shown as resolutions where they decide an outcome):

- **Escalation**: the stretch of the episode since the most recent *earlier* CIWA-Ar score below
  10 (or since the first record, if there is none). A score below 10 ends it: the guideline stops
  diazepam "ved CIWA-skåre under 10" (G 4227) and the hourly doses run "inntil CIWA under 10"
  (G 4229). Doses given strictly after that low score, up to ``now``, count.
- **Cumulative diazepam**: every diazepam dose in the current escalation, whatever the regimen.
- **Hourly-tier diazepam** (local resolution): a diazepam dose counts toward "Hvis ikke respons
  etter 50 mg diazepam" (G 4229–4231) only when it was given under the hourly regimen of the
  "CIWA over 15" row, that is, when a score over 15 had been observed in the current escalation
  at or before the dose was given (the score observed now counts, for a dose given at ``now``).
  The regimen in force when the dose was given decides; nothing else records which regimen a dose
  belonged to. So the scheduled 10 mg × 4 of the "CIWA 10-15" row (G 4223–4227) and night
  sedation for a patient with earlier delirium (8.4.5-1, e.g. diazepam 20 mg at night,
  G 4137–4141) given before the first score over 15 never count, however many there were. A
  night dose given while the hourly regimen runs cannot be told apart from an hourly dose and
  counts.
- **No response** (G 4229–4231, "Hvis ikke respons etter 50 mg"): the current score is still above
  15 once 50 mg or more hourly-tier diazepam has been given in the escalation. A fall to 15 or
  below is a response; the hourly doses then continue until the score is below 10.
- **Olanzapine maximum** (G 4233, "til max 30 mg"): counted over the whole episode, because the
  guideline gives no time window; a further 10 mg is refused when it would pass 30 mg.
- **Hourly timing** (G 4229 "hver time"; local resolution): the next hourly diazepam dose is due
  an hour after the last diazepam dose of any kind (hourly, scheduled 10 mg × 4 or night
  sedation), in elapsed time. Until then the dose line gives the due time instead of "now" and
  ``diazepam_not_yet_due`` is shown. The other doses still never count toward 50 mg. Clock times
  in such a line carry CET/CEST when one of them falls in the repeated autumn hour or the two lie
  on both sides of a DST change.
- **Advice after the score** (8.4.6-2, G 4209–4211; local resolution): the advice may be
  recomputed at a later ``now`` with the doses given since (``AdviceContext.observed_at``). The
  interval, the next score due and the start of the hourly regimen count from the score's own
  time; once the score is older than its interval (``due_status`` overdue), no dose line is
  given, only ``ciwa_score_overdue``: score again before any dose. Drowsiness still wins.
- **Valproic acid course** (8.4.3-2, G 4071–4073: a loading dose, then 300 mg × 3 "i 3-5
  dager"; local resolution): over from 6 days after the first valproic acid of the episode (the
  loading day and at most 5 days); then ``valproate_course_complete`` instead of "continue".
- **Pregnancy** (12-5, G 5741–5743: benzodiazepines per 8.4; local resolution): no valproic acid,
  no olanzapine (an escalation to the doctor after 50 mg without response, diazepam only in
  delirium tremens) and, at CIWA-Ar 10–15 without seizure/DT history, no anticonvulsant or
  antihistamine suggestion (8.4.4-2).
- **Antihistamines** (8.4.4, G 4082–4084): the 10–15 line that names 8.4.4-2 states the 0.5 ‰
  limit, and does not name an antihistamine when breath alcohol is over 0.5 ‰.
- **Seizure protection with olanzapine** (8.4.2, G 4021–4025): "Nevroleptika reduserer
  krampeterskelen og kan øke faren for alkoholiske kramper. Nevroleptika bør derfor ikke gis uten
  samtidig krampebeskyttelse." Every olanzapine line says so and names the protection recorded in
  the episode (diazepam or valproic acid given); none recorded is a warning beside it.

What overrides the CIWA-Ar table:

- **Drowsy or very tired** (8.3.1, G 3771–3773: "Beroligende legemidler kan gi ytterligere
  bevissthetstap og bør unngås når pasienten er sløv eller svært trett"): no dose line at all;
  hold and call the doctor (kind ``escalate``). This wins over everything below.
- **Delirium tremens now** (8.4.5-2, G 4147–4151): diazepam at short intervals (e.g. 10 mg every
  5–10 minutes) or olanzapine 10 mg hourly to 30 mg, with a doctor present or called; fully
  developed delirium belongs in a department with qualified medical staff and somatic monitoring
  (G 4132–4133). Never the hourly CIWA-Ar rows.
- **Wernicke's encephalopathy suspected** (8.4.1-2, G 3905–3907): thiamine 50–100 mg
  intravenously and admission to a neurological or medical department, kind ``escalate``.

Cautions beside the doses (8.4.2, G 3994–3998: care with sedatives "hos pasienter som tidligere
har brukt eller misbrukt benzodiazepiner, eldre eller hos pasienter med hodeskader"): the
guideline gives no age for "eldre"; 65 or older is read as elderly (local resolution, as the
treatment-level engine). Under 18: the guideline does not address adolescents.

The package: ``context`` (input and output types, constants, checking, escalation bookkeeping),
``messages`` (the line catalogue), ``cautions`` (general warnings, sedative cautions, drowsy hold,
olanzapine and delirium tremens), ``valproate`` (valproic acid lines) and ``tiers`` (the 8.4.6-3
rows and ``ciwa_advice``). Every public name is re-exported here except the line catalogue's
message ids, which stay in ``clinical.advice.messages``.

``AdviceError`` stays a plain ``ValueError`` and is not a ``clinical.inputs.ClinicalInputError``:
it is raised for a context the caller's own validation should already have refused (a naive time,
a dose after ``now``), one problem at a time, and carries no field errors or translated message.
Its text starts with the field's name (``administrations[0].given_at is after now ...``).
"""

from __future__ import annotations

from clinical.advice.cautions import (
    drowsy_line,
    sedative_cautions,
    wernicke_line,
)
from clinical.advice.context import (
    ADULT_FROM_YEARS,
    DIAZEPAM,
    DIAZEPAM_DOSE_MG,
    DIAZEPAM_NO_RESPONSE_AFTER_MG,
    DT_DIAZEPAM_DOSE_MG,
    ELDERLY_FROM_YEARS,
    HOURLY,
    MAX_AGE_YEARS,
    NO_ANTIHISTAMINE_OVER_PERMILLE,
    OLANZAPINE,
    OLANZAPINE_DOSE_MG,
    OLANZAPINE_MAX_MG,
    THIAMINE,
    VALPROATE,
    VALPROATE_COURSE,
    VALPROATE_LOADING_BELOW_PERMILLE,
    Administration,
    Advice,
    AdviceContext,
    AdviceError,
    AdviceKind,
    AdviceLine,
    CiwaObservation,
    LineLookup,
    Number,
    Protocol,
    escalation_since,
)
from clinical.advice.tiers import (
    ciwa_advice,
)

__all__ = [
    "ADULT_FROM_YEARS",
    "DIAZEPAM",
    "DIAZEPAM_DOSE_MG",
    "DIAZEPAM_NO_RESPONSE_AFTER_MG",
    "DT_DIAZEPAM_DOSE_MG",
    "ELDERLY_FROM_YEARS",
    "HOURLY",
    "MAX_AGE_YEARS",
    "NO_ANTIHISTAMINE_OVER_PERMILLE",
    "OLANZAPINE",
    "OLANZAPINE_DOSE_MG",
    "OLANZAPINE_MAX_MG",
    "THIAMINE",
    "VALPROATE",
    "VALPROATE_COURSE",
    "VALPROATE_LOADING_BELOW_PERMILLE",
    "Administration",
    "Advice",
    "AdviceContext",
    "AdviceError",
    "AdviceKind",
    "AdviceLine",
    "CiwaObservation",
    "LineLookup",
    "Number",
    "Protocol",
    "ciwa_advice",
    "drowsy_line",
    "escalation_since",
    "sedative_cautions",
    "wernicke_line",
]
