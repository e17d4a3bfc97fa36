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
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal

from clinical.instruments import CIWA_AR, gettext_noop
from clinical.schedule import format_oslo, next_due, to_oslo
from clinical.scoring import (
    CIWA_CONDITIONAL_TIER_FROM,
    CIWA_HOURLY_DIAZEPAM_FROM,
    CIWA_HOURLY_FROM,
    TreatmentTier,
    ciwa_band,
    ciwa_interval_hours,
    ciwa_treatment_tier,
    is_item_value,
)

AdviceKind = Literal["escalate", "dose", "warning", "info"]
Number = Decimal | int | float

# Drug codes the caller uses in ``Administration.drug`` (compared case-insensitively).
DIAZEPAM: Final = "diazepam"
OLANZAPINE: Final = "olanzapine"
THIAMINE: Final = "thiamine"
VALPROATE: Final = "valproate"  # valproic acid

# Numbers straight from the guideline's text.
DIAZEPAM_DOSE_MG: Final = Decimal(10)  # G 4225, G 4229
DIAZEPAM_NO_RESPONSE_AFTER_MG: Final = Decimal(50)  # G 4229–4231
OLANZAPINE_DOSE_MG: Final = Decimal(10)  # G 4231
OLANZAPINE_MAX_MG: Final = Decimal(30)  # G 4233
HOURLY: Final = timedelta(hours=1)  # "hver time", G 4229 and G 4233
# 8.4.3-2, G 4071–4073: a loading dose, then 300 mg × 3 "i 3-5 dager". The course is read as over
# from 6 days after the loading dose (the loading day and at most 5 days; local resolution).
VALPROATE_COURSE: Final = timedelta(days=6)
NO_ANTIHISTAMINE_OVER_PERMILLE: Final = Decimal("0.5")  # 8.4.4, G 4082: "over 0,5 promille"
VALPROATE_LOADING_BELOW_PERMILLE: Final = Decimal(1)  # 8.4.3-2, G 4071: "ved promille under 1"
DT_DIAZEPAM_DOSE_MG: Final = Decimal(10)  # 8.4.5-2, G 4149: "10 mg diazepam hver 5.-10. minutt"
# G 3994–3998 names "eldre" without an age: 65 is the application's reading (local resolution),
# the same as the treatment-level engine's.
ELDERLY_FROM_YEARS: Final = 65
ADULT_FROM_YEARS: Final = 18  # the guideline is about adults; it does not address adolescents
MAX_AGE_YEARS: Final = 130

_KIND_ORDER: Final[Mapping[AdviceKind, int]] = MappingProxyType(
    {"escalate": 0, "warning": 1, "dose": 2, "info": 3}
)

Protocol = Literal["ciwa", "delirium_tremens", "hold"]


class AdviceError(ValueError):
    """The context cannot be advised on (bad score, naive time, a dose in the future, ...)."""


@dataclass(frozen=True)
class Administration:
    """One dose given in the current episode. ``route``: e.g. "oral", "im", "iv"."""

    drug: str
    dose_mg: Number
    route: str
    given_at: datetime


@dataclass(frozen=True)
class CiwaObservation:
    score: int
    observed_at: datetime


@dataclass(frozen=True)
class AdviceContext:
    """Everything the advice depends on. ``None`` means "not recorded" (unknown), not "no".

    ``score`` is the CIWA-Ar total observed at ``now``. ``prior_severe_withdrawal`` covers severe
    withdrawal other than seizures or delirium tremens ("erfaringsmessig får sterke
    abstinensplager", G 4219–4221). ``delirium_risk`` is the clinician's judgement of a risk of
    delirium (6.2.2, G 2635); earlier delirium tremens is also read as such a risk.
    ``thiamine_given`` may be left as None when the thiamine doses are in ``administrations``.
    """

    score: int
    now: datetime
    prior_withdrawal_seizures: bool | None = None
    prior_delirium_tremens: bool | None = None
    prior_severe_withdrawal: bool | None = None
    breath_alcohol_permille: Number | None = None
    administrations: Sequence[Administration] = ()
    earlier_scores: Sequence[CiwaObservation] = ()
    thiamine_given: bool | None = None
    drowsy: bool | None = None
    liver_failure: bool | None = None
    delirium_risk: bool | None = None
    # Delirium tremens now (8.4.5-2), not earlier DT (``prior_delirium_tremens``).
    current_delirium: bool | None = None
    wernicke_suspected: bool | None = None  # 8.4.1-2
    pregnant: bool | None = None  # 12-5: benzodiazepines per 8.4; valproic acid not proposed
    age_years: int | None = None  # G 3994–3998 ("eldre"); under 18 not addressed
    head_injury: bool | None = None  # G 3994–3998
    benzodiazepine_misuse: bool | None = None  # earlier use or misuse, G 3994–3998


@dataclass(frozen=True)
class AdviceLine:
    code: str
    message: str  # English gettext message id, %-formatted with ``params`` after translation
    kind: AdviceKind
    refs: tuple[str, ...] = ()
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    resolution: bool = False
    sections: tuple[str, ...] = ()
    # The drug a dose line (or an escalation naming one) is about, and its single dose in mg when
    # the guideline states one (None where it gives a range or no dose).
    drug: str | None = None
    mg: Decimal | None = None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: datetimes as ISO 8601 strings, exact decimals as strings."""
        return {
            "code": self.code,
            "drug": self.drug,
            "mg": None if self.mg is None else _jsonable(_mg(self.mg)),
            "message": self.message,
            "params": {key: _jsonable(value) for key, value in self.params.items()},
            "refs": list(self.refs),
            "kind": self.kind,
            "resolution": self.resolution,
            "sections": list(self.sections),
        }


class LineLookup:
    """``codes`` and ``line(code)`` for an advice result's ``lines`` (CIWA-Ar and COWS/SOWS)."""

    lines: tuple[AdviceLine, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(line.code for line in self.lines)

    def line(self, code: str) -> AdviceLine:
        for line in self.lines:
            if line.code == code:
                return line
        raise KeyError(code)


@dataclass(frozen=True)
class Advice(LineLookup):
    score: int
    band: str
    tier: TreatmentTier
    monitoring_interval_hours: int
    next_score_due: datetime
    # True while hourly diazepam runs: the score is over 15, or was over 15 earlier in this
    # escalation and is not yet below 10.
    hourly_escalation: bool
    # When the current escalation began (the last earlier score below 10); None = from the start.
    escalation_since: datetime | None
    cumulative_diazepam_mg: Decimal
    olanzapine_given_mg: Decimal
    lines: tuple[AdviceLine, ...]
    # Diazepam given under the hourly regimen in this escalation: what "no response after 50 mg"
    # counts (the module docstring).
    hourly_diazepam_mg: Decimal = Decimal(0)
    # "ciwa": the 8.4.6-3 table; "delirium_tremens": 8.4.5-2; "hold": drowsy, no sedative dose.
    protocol: Protocol = "ciwa"

    def as_dict(self) -> dict[str, object]:
        return {
            "score": self.score,
            "band": self.band,
            "tier": self.tier,
            "monitoring_interval_hours": self.monitoring_interval_hours,
            "next_score_due": self.next_score_due.isoformat(),
            "hourly_escalation": self.hourly_escalation,
            "escalation_since": (
                self.escalation_since.isoformat() if self.escalation_since else None
            ),
            "cumulative_diazepam_mg": _jsonable(_mg(self.cumulative_diazepam_mg)),
            "hourly_diazepam_mg": _jsonable(_mg(self.hourly_diazepam_mg)),
            "protocol": self.protocol,
            "olanzapine_given_mg": _jsonable(_mg(self.olanzapine_given_mg)),
            "lines": [line.as_dict() for line in self.lines],
        }


# --- messages ------------------------------------------------------------------------------------

MSG_MONITOR: Final = gettext_noop("Score CIWA-Ar again in %(hours)s h, at %(next_due_local)s.")
MSG_MONITOR_AT_TEN: Final = gettext_noop(
    "Score CIWA-Ar again in %(hours)s h, at %(next_due_local)s. A score of exactly 10 is scored "
    "every hour: the guideline says every hour 'over 10'."
)
MSG_NO_MEDICATION: Final = gettext_noop("CIWA-Ar is below 10: usually no medication.")
MSG_STOP_DIAZEPAM: Final = gettext_noop(
    "CIWA-Ar is below 10: stop diazepam (%(cumulative)s mg given since it was last below 10)."
)
MSG_VALPROATE_OFFER: Final = gettext_noop(
    "Mild symptoms now, but severe withdrawal before: offer valproic acid for seizure "
    "prophylaxis, 600–900 mg once when the alcohol level is below 1 ‰, then 300 mg × 3 a day "
    "for 3–5 days."
)
MSG_VALPROATE_CONTINUE: Final = gettext_noop(
    "Valproic acid has been started in this episode (%(given)s mg so far): continue 300 mg × 3 "
    "a day, for 3–5 days in all."
)
MSG_VALPROATE_COMPLETE: Final = gettext_noop(
    "Valproic acid was started on %(started_local)s (%(given)s mg so far): the guideline's "
    "course, a loading dose and then 300 mg × 3 a day for 3–5 days, is over. It is read as over "
    "from 6 days after the loading dose; more valproic acid is the doctor's decision."
)
MSG_VALPROATE_WAIT: Final = gettext_noop(
    "Breath alcohol is %(permille)s ‰: give the valproic acid loading dose only when the alcohol "
    "level is below 1 ‰."
)
MSG_VALPROATE_LIVER_FAILURE: Final = gettext_noop(
    "Liver failure: avoid valproic acid and use a benzodiazepine for seizure prophylaxis. The "
    "guideline gives no dose for this."
)
MSG_LIVER_UNKNOWN: Final = gettext_noop(
    "Liver failure is not recorded: rule it out before giving valproic acid, which should be "
    "avoided in liver failure."
)
MSG_HISTORY_UNKNOWN_MILD: Final = gettext_noop(
    "Earlier withdrawal seizures, delirium tremens or severe withdrawal are not recorded: if the "
    "patient has had severe withdrawal before, valproic acid should be offered."
)
MSG_DIAZEPAM_QID: Final = gettext_noop(
    "Earlier withdrawal seizures or delirium tremens: diazepam tablets 10 mg × 4 (four times a "
    "day). Stop diazepam when CIWA-Ar is below 10."
)
MSG_NO_DRUG_WITHOUT_HISTORY: Final = gettext_noop(
    "CIWA-Ar 10–15 without earlier withdrawal seizures or delirium tremens: the guideline's "
    "CIWA-Ar table gives no drug for this. Moderate withdrawal can be treated with an "
    "anticonvulsant and an antihistamine; the guideline gives no doses. Give an antihistamine "
    "only when the alcohol level is 0.5 ‰ or below. Keep scoring every hour."
)
MSG_NO_DRUG_WITHOUT_HISTORY_ALCOHOL: Final = gettext_noop(
    "CIWA-Ar 10–15 without earlier withdrawal seizures or delirium tremens: the guideline's "
    "CIWA-Ar table gives no drug for this. Moderate withdrawal can be treated with an "
    "anticonvulsant; the guideline gives no dose. Breath alcohol is %(permille)s ‰, over 0.5 ‰: "
    "the drug the guideline combines it with must wait until the alcohol level is 0.5 ‰ or below "
    "(see the warning). Keep scoring every hour."
)
MSG_NO_DRUG_WITHOUT_HISTORY_PREGNANT: Final = gettext_noop(
    "CIWA-Ar 10–15 without earlier withdrawal seizures or delirium tremens: the guideline's "
    "CIWA-Ar table gives no drug for this. Pregnant: the guideline names benzodiazepines for "
    "alcohol withdrawal in pregnancy, so the other drugs it allows for moderate withdrawal are "
    "not proposed. The doctor decides. Keep scoring every hour."
)
MSG_HISTORY_UNKNOWN_MODERATE: Final = gettext_noop(
    "Earlier withdrawal seizures or delirium tremens are not recorded: at CIWA-Ar 10–15 the "
    "guideline gives diazepam 10 mg × 4 only to patients with that history. Check the intake "
    "before giving diazepam."
)
MSG_DIAZEPAM_HOURLY: Final = gettext_noop(
    "Diazepam 10 mg orally now, then every hour until CIWA-Ar is below 10. Diazepam given under "
    "the hourly regimen (CIWA-Ar over 15) since CIWA-Ar was last below 10: %(hourly)s mg; if "
    "there is no response after 50 mg of it, change to olanzapine."
)
MSG_DIAZEPAM_HOURLY_AT: Final = gettext_noop(
    "Diazepam 10 mg orally at %(due_at_local)s, an hour after the last diazepam dose (given at "
    "%(given_at_local)s), then every hour until CIWA-Ar is below 10. Diazepam given under the "
    "hourly regimen (CIWA-Ar over 15) since CIWA-Ar was last below 10: %(hourly)s mg; if there "
    "is no response after 50 mg of it, change to olanzapine."
)
MSG_DIAZEPAM_HOURLY_PREGNANT: Final = gettext_noop(
    "Diazepam 10 mg orally now, then every hour until CIWA-Ar is below 10. Diazepam given under "
    "the hourly regimen (CIWA-Ar over 15) since CIWA-Ar was last below 10: %(hourly)s mg; if "
    "there is no response after 50 mg of it, call the doctor: olanzapine is not proposed in "
    "pregnancy."
)
MSG_DIAZEPAM_HOURLY_AT_PREGNANT: Final = gettext_noop(
    "Diazepam 10 mg orally at %(due_at_local)s, an hour after the last diazepam dose (given at "
    "%(given_at_local)s), then every hour until CIWA-Ar is below 10. Diazepam given under the "
    "hourly regimen (CIWA-Ar over 15) since CIWA-Ar was last below 10: %(hourly)s mg; if there "
    "is no response after 50 mg of it, call the doctor: olanzapine is not proposed in pregnancy."
)
MSG_OLANZAPINE_PREGNANT: Final = gettext_noop(
    "Pregnant: no response after 50 mg diazepam, but olanzapine is not proposed, since the "
    "guideline names benzodiazepines for alcohol withdrawal in pregnancy. Call the doctor, who "
    "decides on further treatment."
)
MSG_DT_OLANZAPINE_PREGNANT: Final = gettext_noop(
    "Pregnant: olanzapine, the alternative to diazepam in delirium tremens, is not proposed, "
    "since the guideline names benzodiazepines for alcohol withdrawal in pregnancy."
)
MSG_DIAZEPAM_NOT_COUNTED: Final = gettext_noop(
    "%(excluded)s mg diazepam was given in this escalation before CIWA-Ar was over 15 "
    "(scheduled 10 mg × 4 or night sedation): it does not count toward the 50 mg of hourly "
    "diazepam that decide the next step."
)
MSG_DIAZEPAM_CONTINUE: Final = gettext_noop(
    "CIWA-Ar has fallen to %(score)s but is not yet below 10: continue diazepam 10 mg orally "
    "every hour until it is. Diazepam given under the hourly regimen since CIWA-Ar was last below "
    "10: %(hourly)s mg."
)
MSG_AFTER_OLANZAPINE: Final = gettext_noop(
    "CIWA-Ar has fallen to %(score)s after olanzapine. The guideline's CIWA-Ar table gives no "
    "next step for this: a doctor decides. Keep scoring every hour."
)
MSG_NO_RESPONSE: Final = gettext_noop(
    "No response to diazepam: %(hourly)s mg given under the hourly regimen since CIWA-Ar was "
    "last below 10, and it is still above 15. 'No response' is read as a score still above 15 "
    "after 50 mg."
)
MSG_OLANZAPINE: Final = gettext_noop(
    "Olanzapine 10 mg intramuscularly or orally, repeated every hour up to 30 mg in all. "
    "Olanzapine given in this episode: %(given)s mg. Neuroleptics lower the seizure threshold: "
    "give olanzapine only with concurrent seizure protection. Recorded in this episode: diazepam "
    "%(diazepam)s mg, valproic acid %(valproate)s mg."
)
MSG_OLANZAPINE_NO_PROTECTION: Final = gettext_noop(
    "Olanzapine 10 mg intramuscularly or orally, repeated every hour up to 30 mg in all. "
    "Olanzapine given in this episode: %(given)s mg. Neuroleptics lower the seizure threshold: "
    "give olanzapine only with concurrent seizure protection. Recorded in this episode: none."
)
MSG_NO_SEIZURE_PROTECTION: Final = gettext_noop(
    "No seizure protection (diazepam or valproic acid) is recorded in this episode: olanzapine "
    "must not be given without it. The doctor decides on the protection before olanzapine is "
    "given."
)
MSG_OLANZAPINE_EPISODE_CAP: Final = gettext_noop(
    "The olanzapine maximum of 30 mg is counted over the whole episode: the guideline gives no "
    "time window for it."
)
MSG_OLANZAPINE_MAX: Final = gettext_noop(
    "Olanzapine given in this episode: %(given)s mg. Another 10 mg would pass the maximum of "
    "30 mg: give no more olanzapine. A doctor must assess the patient."
)
MSG_DIAZEPAM_NOT_YET_DUE: Final = gettext_noop(
    "The last diazepam dose was given at %(given_at_local)s: the next hourly dose is due at "
    "%(due_at_local)s."
)
MSG_OLANZAPINE_NOT_YET_DUE: Final = gettext_noop(
    "The last olanzapine dose was given at %(given_at_local)s: the next hourly dose is due at "
    "%(due_at_local)s."
)
MSG_DROWSY_HOLD: Final = gettext_noop(
    "The patient is drowsy or very tired: give no sedative now (no diazepam, olanzapine, night "
    "sedation or other sedating drug), since it can reduce consciousness further. Hold, and call "
    "the doctor, who decides on all medication, seizure prophylaxis included. Reduced "
    "consciousness should also make the doctor rule out other causes such as intracranial "
    "processes and overdose."
)
MSG_DT_PHYSICIAN: Final = gettext_noop(
    "Delirium tremens: a doctor must be present or called now. Fully developed delirium should be "
    "treated in a department with qualified medical staff and somatic monitoring. The hourly "
    "CIWA-Ar table does not apply."
)
MSG_DT_DIAZEPAM: Final = gettext_noop(
    "Delirium tremens: diazepam at short intervals, for example 10 mg every 5–10 minutes, as the "
    "doctor orders. Diazepam given in this episode: %(diazepam)s mg."
)
MSG_DT_OLANZAPINE: Final = gettext_noop(
    "Alternatively olanzapine 10 mg orally or intramuscularly every hour, up to 30 mg in all. "
    "Olanzapine given in this episode: %(given)s mg. Neuroleptics lower the seizure threshold: "
    "give olanzapine only with concurrent seizure protection. Recorded in this episode: diazepam "
    "%(diazepam)s mg, valproic acid %(valproate)s mg."
)
MSG_DT_OLANZAPINE_NO_PROTECTION: Final = gettext_noop(
    "Alternatively olanzapine 10 mg orally or intramuscularly every hour, up to 30 mg in all. "
    "Olanzapine given in this episode: %(given)s mg. Neuroleptics lower the seizure threshold: "
    "give olanzapine only with concurrent seizure protection. Recorded in this episode: none."
)
MSG_DT_DROWSY: Final = gettext_noop(
    "Delirium tremens in a drowsy patient: give no sedative. A doctor must assess the patient now."
)
MSG_WERNICKE: Final = gettext_noop(
    "Wernicke's encephalopathy is suspected: thiamine (vitamin B1) 50–100 mg intravenously, and "
    "the patient should be admitted to a neurological or medical department. Call the doctor now."
)
MSG_ELDERLY: Final = gettext_noop(
    "The patient is %(age)s years old: be careful with sedatives in the elderly. The guideline "
    "gives no age; 65 or older is read as elderly."
)
MSG_ADOLESCENT: Final = gettext_noop(
    "The patient is %(age)s years old: the guideline is written for adults and does not address "
    "adolescents. A doctor decides the medication."
)
MSG_HEAD_INJURY: Final = gettext_noop("Earlier head injury: be careful with sedatives.")
MSG_BENZODIAZEPINE_USE: Final = gettext_noop(
    "Earlier use or misuse of benzodiazepines: be careful with sedatives."
)
MSG_VALPROATE_PREGNANT: Final = gettext_noop(
    "Pregnant: valproic acid is not proposed, since the guideline does not discuss it in "
    "pregnancy; benzodiazepines are its drug for alcohol withdrawal in pregnancy. The doctor "
    "decides on seizure prophylaxis."
)
MSG_NO_ANTIHISTAMINE: Final = gettext_noop(
    "Breath alcohol is %(permille)s ‰, over 0.5 ‰: do not give antihistamines."
)
MSG_ALCOHOL_PRESENT: Final = gettext_noop(
    "Breath alcohol is %(permille)s ‰: CIWA-Ar can rise considerably as the alcohol level falls."
)
MSG_NO_ZOPICLONE: Final = gettext_noop("Risk of delirium: do not give zopiclone.")
MSG_NO_ZOPICLONE_AFTER_DT: Final = gettext_noop(
    "Earlier delirium tremens, read as a risk of delirium: do not give zopiclone."
)
MSG_THIAMINE_GIVEN: Final = gettext_noop("Thiamine (vitamin B1) has been given in this episode.")
MSG_THIAMINE_MISSING: Final = gettext_noop(
    "No thiamine (vitamin B1) is recorded in this episode: patients in CIWA-guided detox should "
    "have thiamine, preferably intramuscularly."
)


# --- validation ----------------------------------------------------------------------------------


def _aware_utc(name: str, moment: object) -> datetime:
    if not isinstance(moment, datetime):
        raise AdviceError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise AdviceError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def _ciwa_total(name: str, value: object) -> int:
    if not is_item_value(value) or not isinstance(value, int):
        raise AdviceError(f"{name} must be an int, got {value!r}")
    if not 0 <= value <= CIWA_AR.max_total:
        raise AdviceError(f"{name} must be 0–{CIWA_AR.max_total}, got {value}")
    return value


def _decimal(name: str, value: object) -> Decimal:
    """A finite, non-negative number as a Decimal (floats via their shortest repr: 0.1 → 0.1)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise AdviceError(f"{name} must be a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise AdviceError(f"{name} must be finite, got {value!r}")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0:
        raise AdviceError(f"{name} must be a finite number of 0 or more, got {value!r}")
    return number


def _optional_flag(name: str, value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise AdviceError(f"{name} must be true, false or null, got {value!r}")


@dataclass(frozen=True)
class _Dose:
    drug: str
    mg: Decimal
    given_at: datetime


@dataclass(frozen=True)
class _Checked:
    score: int
    now: datetime
    seizures: bool | None
    delirium_tremens: bool | None
    severe_withdrawal: bool | None
    permille: Decimal | None
    doses: tuple[_Dose, ...]
    earlier: tuple[CiwaObservation, ...]
    thiamine_given: bool | None
    drowsy: bool | None
    liver_failure: bool | None
    delirium_risk: bool | None
    current_delirium: bool | None
    wernicke_suspected: bool | None
    pregnant: bool | None
    age_years: int | None
    head_injury: bool | None
    benzodiazepine_misuse: bool | None


def _age(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise AdviceError(f"age_years must be a whole number of years, got {value!r}")
    if not 0 <= value <= MAX_AGE_YEARS:
        raise AdviceError(f"age_years must be 0–{MAX_AGE_YEARS}, got {value}")
    return value


def _check(ctx: AdviceContext) -> _Checked:
    now = _aware_utc("now", ctx.now)
    doses: list[_Dose] = []
    for index, given in enumerate(ctx.administrations):
        name = f"administrations[{index}]"
        if not isinstance(given.drug, str) or not given.drug.strip():
            raise AdviceError(f"{name}.drug must be a drug code, got {given.drug!r}")
        mg = _decimal(f"{name}.dose_mg", given.dose_mg)
        if mg == 0:
            raise AdviceError(f"{name}.dose_mg must be more than 0")
        at = _aware_utc(f"{name}.given_at", given.given_at)
        if at > now:  # a dose "given" after now is a data error, not something to count
            raise AdviceError(f"{name}.given_at is after now ({at.isoformat()})")
        doses.append(_Dose(given.drug.strip().lower(), mg, at))
    earlier: list[CiwaObservation] = []
    for index, observation in enumerate(ctx.earlier_scores):
        name = f"earlier_scores[{index}]"
        at = _aware_utc(f"{name}.observed_at", observation.observed_at)
        if at > now:
            raise AdviceError(f"{name}.observed_at is after now ({at.isoformat()})")
        earlier.append(CiwaObservation(_ciwa_total(f"{name}.score", observation.score), at))
    permille = ctx.breath_alcohol_permille
    return _Checked(
        score=_ciwa_total("score", ctx.score),
        now=now,
        seizures=_optional_flag("prior_withdrawal_seizures", ctx.prior_withdrawal_seizures),
        delirium_tremens=_optional_flag("prior_delirium_tremens", ctx.prior_delirium_tremens),
        severe_withdrawal=_optional_flag("prior_severe_withdrawal", ctx.prior_severe_withdrawal),
        permille=None if permille is None else _decimal("breath_alcohol_permille", permille),
        doses=tuple(sorted(doses, key=lambda dose: dose.given_at)),
        earlier=tuple(sorted(earlier, key=lambda observation: observation.observed_at)),
        thiamine_given=_optional_flag("thiamine_given", ctx.thiamine_given),
        drowsy=_optional_flag("drowsy", ctx.drowsy),
        liver_failure=_optional_flag("liver_failure", ctx.liver_failure),
        delirium_risk=_optional_flag("delirium_risk", ctx.delirium_risk),
        current_delirium=_optional_flag("current_delirium", ctx.current_delirium),
        wernicke_suspected=_optional_flag("wernicke_suspected", ctx.wernicke_suspected),
        pregnant=_optional_flag("pregnant", ctx.pregnant),
        age_years=_age(ctx.age_years),
        head_injury=_optional_flag("head_injury", ctx.head_injury),
        benzodiazepine_misuse=_optional_flag("benzodiazepine_misuse", ctx.benzodiazepine_misuse),
    )


# --- helpers -------------------------------------------------------------------------------------


def _mg(value: Decimal) -> int | Decimal:
    """10 rather than Decimal('10.0') in params; fractions stay exact (2.5)."""
    return int(value) if value == value.to_integral_value() else value.normalize()


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _params(**values: object) -> Mapping[str, object]:
    return MappingProxyType(values)


def _total(doses: Sequence[_Dose]) -> Decimal:
    return sum((dose.mg for dose in doses), Decimal(0))


@dataclass(frozen=True)
class _Course:
    """The escalation bookkeeping of the module docstring."""

    since: datetime | None
    diazepam: tuple[_Dose, ...]  # in the current escalation, whatever the regimen
    hourly_diazepam: tuple[_Dose, ...]  # of those, given under the hourly regimen
    olanzapine: tuple[_Dose, ...]  # in the whole episode
    olanzapine_in_escalation: bool
    hourly_escalation: bool


def _course(checked: _Checked) -> _Course:
    lows = [o.observed_at for o in checked.earlier if o.score < CIWA_HOURLY_FROM]
    since = max(lows) if lows else None

    def in_escalation(moment: datetime) -> bool:
        return since is None or moment > since

    diazepam = tuple(d for d in checked.doses if d.drug == DIAZEPAM and in_escalation(d.given_at))
    # The hourly regimen runs from the first score over 15 in the escalation (the one observed now
    # included): a dose given from then on is an hourly-tier dose (module docstring).
    over_15 = [
        o.observed_at
        for o in (*checked.earlier, CiwaObservation(checked.score, checked.now))
        if o.score >= CIWA_HOURLY_DIAZEPAM_FROM and in_escalation(o.observed_at)
    ]
    hourly_from = min(over_15) if over_15 else None
    hourly_diazepam = tuple(
        d for d in diazepam if hourly_from is not None and d.given_at >= hourly_from
    )
    olanzapine = tuple(d for d in checked.doses if d.drug == OLANZAPINE)
    was_over_15 = any(
        o.score >= CIWA_HOURLY_DIAZEPAM_FROM and in_escalation(o.observed_at)
        for o in checked.earlier
    )
    hourly = checked.score >= CIWA_HOURLY_DIAZEPAM_FROM or (
        checked.score >= CIWA_HOURLY_FROM and was_over_15
    )
    return _Course(
        since=since,
        diazepam=diazepam,
        hourly_diazepam=hourly_diazepam,
        olanzapine=olanzapine,
        olanzapine_in_escalation=any(in_escalation(d.given_at) for d in olanzapine),
        hourly_escalation=hourly,
    )


def _ambiguous_locally(moment: datetime) -> bool:
    """True in the repeated hour of the autumn DST night (02:00–03:00 happens twice in Oslo)."""
    local = to_oslo(moment)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def _local_times(*moments: datetime) -> tuple[str, ...]:
    """Oslo clock times for one line. When one of them is in the repeated autumn hour, or they
    lie on both sides of a DST change, every time carries its zone (CET/CEST): "given at 02:30,
    due at 02:30" would otherwise read as no time at all, and "01:30 → 03:30" as two hours."""
    offsets = {to_oslo(moment).utcoffset() for moment in moments}
    with_zone = len(offsets) > 1 or any(_ambiguous_locally(moment) for moment in moments)
    return tuple(format_oslo(m, with_date=False, with_zone=with_zone) for m in moments)


def _not_yet_due(
    doses: Sequence[_Dose],
    now: datetime,
    code: str,
    message: str,
    *,
    refs: tuple[str, ...] = ("8.4.6-3",),
    resolution: bool = False,
) -> AdviceLine | None:
    """Warn when the last dose was less than an hour ago (no double dosing on a re-score)."""
    if not doses:
        return None
    last = doses[-1].given_at
    due = last + HOURLY
    if due <= now:
        return None
    given_local, due_local = _local_times(last, due)
    return AdviceLine(
        code,
        message,
        "warning",
        refs=refs,
        params=_params(
            given_at=last, given_at_local=given_local, due_at=due, due_at_local=due_local
        ),
        resolution=resolution,
    )


def _diazepam_not_yet_due(checked: _Checked) -> AdviceLine | None:
    """G 4229 "hver time", read from the last diazepam dose of any kind (hourly, scheduled × 4 or
    night sedation; the episode's doses, whatever the escalation): a local resolution, since the
    guideline times only the hourly doses. Those other doses still do not count toward 50 mg."""
    diazepam = [d for d in checked.doses if d.drug == DIAZEPAM]
    return _not_yet_due(
        diazepam,
        checked.now,
        "diazepam_not_yet_due",
        MSG_DIAZEPAM_NOT_YET_DUE,
        resolution=True,
    )


# --- the rules -----------------------------------------------------------------------------------


def _general(checked: _Checked) -> list[AdviceLine]:
    """Warnings that apply whatever the score."""
    lines: list[AdviceLine] = []
    if checked.permille is not None:
        permille = _mg(checked.permille)
        if checked.permille > NO_ANTIHISTAMINE_OVER_PERMILLE:
            # 8.4.4, G 4082–4084: no antihistamines "over 0,5 promille i blodet"; qualifies
            # 8.4.4-2 (anticonvulsant + antihistamine for moderate withdrawal, G 4100). The breath
            # reading in ‰ is taken as the blood level it estimates.
            lines.append(
                AdviceLine(
                    "no_antihistamine_over_half_permille",
                    MSG_NO_ANTIHISTAMINE,
                    "warning",
                    refs=("8.4.4-2",),
                    params=_params(permille=permille),
                    sections=("8.4.4",),
                )
            )
        if checked.permille > 0:
            # 8.4.6, G 4191–4195: the score can rise considerably as the alcohol level falls.
            lines.append(
                AdviceLine(
                    "alcohol_level_may_fall",
                    MSG_ALCOHOL_PRESENT,
                    "info",
                    params=_params(permille=permille),
                    sections=("8.4.6",),
                )
            )
    if checked.delirium_risk:
        # 6.2.2, G 2635: "Ved fare for delirutvikling ved alkoholabstinens bør det ikke gis
        # zopiklon." Qualifies 6.2.2-B2 (zopiclone, G 2656) and 8.4.4-3 (G 4106–4108).
        lines.append(
            AdviceLine(
                "no_zopiclone_delirium_risk",
                MSG_NO_ZOPICLONE,
                "warning",
                refs=("6.2.2-B2", "8.4.4-3"),
                sections=("6.2.2",),
            )
        )
    elif checked.delirium_tremens:
        # Reading earlier DT as a delirium risk is the application's, not the guideline's.
        lines.append(
            AdviceLine(
                "no_zopiclone_delirium_risk",
                MSG_NO_ZOPICLONE_AFTER_DT,
                "warning",
                refs=("6.2.2-B2", "8.4.4-3"),
                sections=("6.2.2",),
                resolution=True,
            )
        )
    if checked.wernicke_suspected:
        # 8.4.1-2 (G 3905–3907) replaces the routine (intramuscular) thiamine of 8.4.1-1.
        lines.append(wernicke_line())
        return lines
    thiamine = checked.thiamine_given or any(d.drug == THIAMINE for d in checked.doses)
    # 8.4.6, G 4197: "Pasienter skal også ved CIWA-administrert avrusning ha tiaminbehandling";
    # 8.4.1-1 (G 3901–3903): vitamin B1 routinely, preferably intramuscularly.
    if thiamine:
        lines.append(
            AdviceLine(
                "thiamine_given",
                MSG_THIAMINE_GIVEN,
                "info",
                refs=("8.4.1-1",),
                sections=("8.4.6",),
            )
        )
    else:
        lines.append(
            AdviceLine(
                "thiamine_not_recorded",
                MSG_THIAMINE_MISSING,
                "warning",
                refs=("8.4.1-1",),
                sections=("8.4.6",),
            )
        )
    return lines


def wernicke_line() -> AdviceLine:
    """8.4.1-2, G 3905–3907: "Wernickes encefalopati bør behandles med 50-100 mg intravønøs
    vitamin B1 (tiamin) og pasienten bør legges inn på nevrologisk eller medisinsk avdeling"."""
    return AdviceLine(
        "wernicke_thiamine_iv_admit", MSG_WERNICKE, "escalate", refs=("8.4.1-2",), drug=THIAMINE
    )


def sedative_cautions(
    *, age_years: int | None, head_injury: bool | None, benzodiazepine_misuse: bool | None
) -> list[AdviceLine]:
    """Cautions beside the doses: 8.4.2, G 3994–3998, and the guideline's silence on adolescents.

    "Hos noen pasientgrupper bør man være forsiktig med å gi beroligende legemidler, f.eks. hos
    pasienter som tidligere har brukt eller misbrukt benzodiazepiner, eldre eller hos pasienter
    med hodeskader." Running text: cited by section. Shared with the COWS/SOWS advice.
    """
    lines: list[AdviceLine] = []
    if age_years is not None and age_years >= ELDERLY_FROM_YEARS:
        lines.append(
            AdviceLine(
                "sedative_caution_elderly",
                MSG_ELDERLY,
                "warning",
                params=_params(age=age_years),
                sections=("8.4.2",),
                resolution=True,
            )
        )
    if age_years is not None and age_years < ADULT_FROM_YEARS:
        lines.append(
            AdviceLine(
                "adolescent_not_addressed",
                MSG_ADOLESCENT,
                "warning",
                params=_params(age=age_years),
                resolution=True,
                # Target group 1.2 (G 286–300) names no age; the text is about adults.
                sections=("1.2",),
            )
        )
    if head_injury:
        lines.append(
            AdviceLine(
                "sedative_caution_head_injury", MSG_HEAD_INJURY, "warning", sections=("8.4.2",)
            )
        )
    if benzodiazepine_misuse:
        lines.append(
            AdviceLine(
                "sedative_caution_benzodiazepine_use",
                MSG_BENZODIAZEPINE_USE,
                "warning",
                sections=("8.4.2",),
            )
        )
    return lines


def drowsy_line() -> AdviceLine:
    """8.3.1, G 3771–3773: "Beroligende legemidler kan gi ytterligere bevissthetstap og bør unngås
    når pasienten er sløv eller svært trett." G 3765–3767: rule out intracranial processes (with
    reduced consciousness) and overdose. Running text: cited by section."""
    return AdviceLine("drowsy_hold_sedatives", MSG_DROWSY_HOLD, "escalate", sections=("8.3.1",))


def _protection(checked: _Checked) -> tuple[Decimal, Decimal]:
    """Seizure protection recorded in the episode (G 4021–4025): diazepam and valproic acid mg."""
    return (
        _total([d for d in checked.doses if d.drug == DIAZEPAM]),
        _total([d for d in checked.doses if d.drug == VALPROATE]),
    )


def _olanzapine_lines(
    checked: _Checked, course: _Course, *, code: str, refs: tuple[str, ...], dt: bool
) -> list[AdviceLine]:
    """An olanzapine dose (or its refusal at 30 mg), always with the seizure protection recorded.

    G 4021–4025 (8.4.2): "Nevroleptika reduserer krampeterskelen ... bør derfor ikke gis uten
    samtidig krampebeskyttelse."
    """
    given = _total(course.olanzapine)
    if given + OLANZAPINE_DOSE_MG > OLANZAPINE_MAX_MG:
        return [
            AdviceLine(
                "olanzapine_max_reached",
                MSG_OLANZAPINE_MAX,
                "warning",
                refs=refs,
                params=_params(given=_mg(given)),
            )
        ]
    diazepam, valproate = _protection(checked)
    protected = diazepam > 0 or valproate > 0
    if dt:
        message = MSG_DT_OLANZAPINE if protected else MSG_DT_OLANZAPINE_NO_PROTECTION
    else:
        message = MSG_OLANZAPINE if protected else MSG_OLANZAPINE_NO_PROTECTION
    lines = [
        AdviceLine(
            code,
            message,
            "dose",
            refs=refs,
            params=_params(given=_mg(given), diazepam=_mg(diazepam), valproate=_mg(valproate)),
            sections=("8.4.2",),
            drug=OLANZAPINE,
            mg=OLANZAPINE_DOSE_MG,
        )
    ]
    if not protected:
        lines.append(
            AdviceLine(
                "no_seizure_protection_recorded",
                MSG_NO_SEIZURE_PROTECTION,
                "warning",
                sections=("8.4.2",),
            )
        )
    warning = _not_yet_due(
        course.olanzapine, checked.now, "olanzapine_not_yet_due", MSG_OLANZAPINE_NOT_YET_DUE
    )
    return [*lines, *([warning] if warning else [])]


def _drowsy(checked: _Checked, course: _Course) -> list[AdviceLine]:
    """No dose line at all: hold and call the doctor (G 3771–3773). Wins over delirium too."""
    lines = [drowsy_line()]
    if checked.current_delirium:
        lines.append(
            AdviceLine("delirium_tremens_drowsy", MSG_DT_DROWSY, "escalate", refs=("8.4.5-2",))
        )
    elif checked.score < CIWA_CONDITIONAL_TIER_FROM:
        # "Usually no medication" and "stop diazepam" agree with holding; nothing about valproate.
        keep = ("no_medication_usually", "stop_diazepam")
        lines.extend(line for line in _below_ten(checked, course) if line.code in keep)
    return lines


def _delirium(checked: _Checked, course: _Course) -> list[AdviceLine]:
    """8.4.5-2, G 4147–4151, with a doctor (G 4132–4133); never the hourly CIWA-Ar rows."""
    diazepam, _ = _protection(checked)
    if checked.pregnant:
        # 12-5 (G 5741–5743): benzodiazepines in pregnancy, so diazepam only (local resolution).
        olanzapine = [
            AdviceLine(
                "olanzapine_not_in_pregnancy",
                MSG_DT_OLANZAPINE_PREGNANT,
                "escalate",
                refs=("8.4.5-2", "12-5"),
                resolution=True,
            )
        ]
    else:
        olanzapine = [
            *_olanzapine_lines(
                checked, course, code="delirium_tremens_olanzapine", refs=("8.4.5-2",), dt=True
            ),
            AdviceLine(
                "olanzapine_max_counted_per_episode",
                MSG_OLANZAPINE_EPISODE_CAP,
                "info",
                refs=("8.4.5-2",),
                resolution=True,
            ),
        ]
    return [
        AdviceLine(
            "delirium_tremens_physician",
            MSG_DT_PHYSICIAN,
            "escalate",
            refs=("8.4.5-2",),
            sections=("8.4.5",),
        ),
        AdviceLine(
            "delirium_tremens_diazepam",
            MSG_DT_DIAZEPAM,
            "dose",
            refs=("8.4.5-2",),
            params=_params(diazepam=_mg(diazepam)),
            drug=DIAZEPAM,
            mg=DT_DIAZEPAM_DOSE_MG,
        ),
        *olanzapine,
    ]


def _monitoring(checked: _Checked) -> tuple[AdviceLine, int, datetime]:
    # 8.4.6-2, G 4205–4211. Exactly 10 → hourly is a resolution ("over 10").
    hours = ciwa_interval_hours(checked.score)
    due = next_due(checked.now, hours)
    at_ten = checked.score == CIWA_HOURLY_FROM
    line = AdviceLine(
        "ciwa_monitoring_interval",
        MSG_MONITOR_AT_TEN if at_ten else MSG_MONITOR,
        "info",
        refs=("8.4.6-2",),
        params=_params(hours=hours, next_due=due, next_due_local=format_oslo(due)),
        resolution=at_ten,
    )
    return line, hours, due


def _below_ten(checked: _Checked, course: _Course) -> list[AdviceLine]:
    # G 4217: "Så lenge CIWA er under 10, behandles pasienten vanligvis uten legemidler";
    # 8.4.4-1 (G 4096): mild withdrawal normally not treated with drugs.
    lines = [
        AdviceLine("no_medication_usually", MSG_NO_MEDICATION, "info", refs=("8.4.6-3", "8.4.4-1"))
    ]
    if course.diazepam:
        # G 4225–4227: "Diazepam avsluttes (seponeres) ved CIWA-skåre under 10."
        lines.append(
            AdviceLine(
                "stop_diazepam",
                MSG_STOP_DIAZEPAM,
                "info",
                refs=("8.4.6-3",),
                params=_params(cumulative=_mg(_total(course.diazepam))),
            )
        )
    history = (checked.seizures, checked.delirium_tremens, checked.severe_withdrawal)
    if True in history:
        lines.extend(_valproate(checked))
    elif None in history and (checked.pregnant or checked.liver_failure):
        # G 4219–4221 would offer valproic acid after severe withdrawal; 12-5 (G 5741–5743) and
        # 8.4.3-3 (G 4075–4077) take it away, so the unknown history changes nothing here.
        lines.extend(_valproate(checked))
    elif None in history:
        lines.append(
            AdviceLine(
                "withdrawal_history_unknown",
                MSG_HISTORY_UNKNOWN_MILD,
                "info",
                refs=("8.4.6-3", "8.4.3-1"),
            )
        )
    return lines


def _valproate(checked: _Checked) -> list[AdviceLine]:
    """G 4219–4221 with 8.4.3-1..3 (G 4063–4077): valproate for mild now but severe before.

    Earlier seizures or DT count as severe withdrawal: 8.4.3-1 names "krampeanfall eller andre
    alvorlige abstinensreaksjoner" together.
    """
    if checked.pregnant:
        # 12-5: alcohol withdrawal in pregnancy is treated with benzodiazepines per 8.4; valproic
        # acid in pregnancy is not discussed. Not proposed (docs/clinical-resolutions.md).
        return [
            AdviceLine(
                "valproate_not_in_pregnancy",
                MSG_VALPROATE_PREGNANT,
                "warning",
                refs=("12-5", "8.4.3-1"),
                resolution=True,
            )
        ]
    if checked.liver_failure:
        return [_valproate_liver_failure_line()]
    started = [d for d in checked.doses if d.drug == VALPROATE]
    lines: list[AdviceLine] = []
    if started and checked.now - started[0].given_at >= VALPROATE_COURSE:
        # G 4071–4073: loading dose, then 300 mg × 3 "i 3-5 dager": over from 6 days after the
        # loading dose (the first valproic acid of the episode; local resolution).
        return [
            AdviceLine(
                "valproate_course_complete",
                MSG_VALPROATE_COMPLETE,
                "info",
                refs=("8.4.3-2",),
                params=_params(
                    given=_mg(_total(started)),
                    started_at=started[0].given_at,
                    started_local=format_oslo(started[0].given_at),
                ),
                resolution=True,
            )
        ]
    if started:
        lines.append(
            AdviceLine(
                "valproate_continue",
                MSG_VALPROATE_CONTINUE,
                "dose",
                refs=("8.4.3-2",),
                params=_params(given=_mg(_total(started))),
                drug=VALPROATE,
            )
        )
    else:
        lines.append(
            AdviceLine(
                "valproate_offer",
                MSG_VALPROATE_OFFER,
                "dose",
                refs=("8.4.6-3", "8.4.3-1", "8.4.3-2"),
                drug=VALPROATE,
            )
        )
        if checked.permille is not None and checked.permille >= VALPROATE_LOADING_BELOW_PERMILLE:
            lines.append(
                AdviceLine(
                    "valproate_wait_for_alcohol_below_1",
                    MSG_VALPROATE_WAIT,
                    "warning",
                    refs=("8.4.3-2",),
                    params=_params(permille=_mg(checked.permille)),
                )
            )
    if checked.liver_failure is None:
        lines.append(
            AdviceLine(
                "liver_failure_not_recorded", MSG_LIVER_UNKNOWN, "warning", refs=("8.4.3-3",)
            )
        )
    return lines


def _valproate_liver_failure_line() -> AdviceLine:
    """8.4.3-3 (G 4075–4077): in liver failure, benzodiazepines for seizure prophylaxis."""
    return AdviceLine(
        "valproate_avoid_liver_failure",
        MSG_VALPROATE_LIVER_FAILURE,
        "warning",
        refs=("8.4.3-3",),
    )


def _no_drug_without_history(checked: _Checked) -> list[AdviceLine]:
    """CIWA-Ar 10–15 without earlier seizures or DT: the table is silent (SCALES.md §1.5 item 4);
    8.4.4-2 (G 4100) allows anticonvulsant + antihistamine for moderate withdrawal, without doses,
    and 8.4.4 (G 4082–4084) gives no antihistamine "over 0,5 promille". Pregnant: 12-5
    (G 5741–5743) names benzodiazepines, so neither is proposed (local resolution)."""
    code = "no_drug_without_seizure_or_dt_history"
    if checked.pregnant:
        return [
            AdviceLine(
                code,
                MSG_NO_DRUG_WITHOUT_HISTORY_PREGNANT,
                "info",
                refs=("8.4.6-3", "8.4.4-2", "12-5"),
                resolution=True,
            )
        ]
    permille = checked.permille
    if permille is not None and permille > NO_ANTIHISTAMINE_OVER_PERMILLE:
        message, params = MSG_NO_DRUG_WITHOUT_HISTORY_ALCOHOL, _params(permille=_mg(permille))
    else:
        message, params = MSG_NO_DRUG_WITHOUT_HISTORY, _params()
    lines = [
        AdviceLine(
            code,
            message,
            "info",
            refs=("8.4.6-3", "8.4.4-2"),
            params=params,
            resolution=True,
            sections=("8.4.4",),
        )
    ]
    if checked.liver_failure:
        # The anticonvulsant is not valproic acid in liver failure (8.4.3-3, G 4075–4077).
        lines.append(_valproate_liver_failure_line())
    return lines


def _ten_to_fifteen(checked: _Checked, course: _Course) -> list[AdviceLine]:
    if course.hourly_escalation:
        # The score was over 15 earlier in this escalation: G 4229 runs the hourly doses "inntil
        # CIWA under 10", so a fall to 10–15 is a response and the doses go on.
        if course.olanzapine_in_escalation:
            return [
                AdviceLine(
                    "ciwa_fell_after_olanzapine",
                    MSG_AFTER_OLANZAPINE,
                    "info",
                    refs=("8.4.6-3",),
                    params=_params(score=checked.score),
                    resolution=True,
                )
            ]
        lines = [
            AdviceLine(
                "diazepam_continue_hourly",
                MSG_DIAZEPAM_CONTINUE,
                "dose",
                refs=("8.4.6-3",),
                params=_params(score=checked.score, hourly=_mg(_total(course.hourly_diazepam))),
                drug=DIAZEPAM,
                mg=DIAZEPAM_DOSE_MG,
            )
        ]
        warning = _diazepam_not_yet_due(checked)
        return [*lines, *([warning] if warning else [])]
    # G 4223–4227: diazepam 10 mg × 4 only with earlier seizures or DT.
    if checked.seizures or checked.delirium_tremens:
        return [
            AdviceLine(
                "diazepam_qid",
                MSG_DIAZEPAM_QID,
                "dose",
                refs=("8.4.6-3",),
                drug=DIAZEPAM,
                mg=DIAZEPAM_DOSE_MG,
            )
        ]
    if checked.seizures is False and checked.delirium_tremens is False:
        return _no_drug_without_history(checked)
    return [
        AdviceLine(
            "seizure_or_dt_history_unknown",
            MSG_HISTORY_UNKNOWN_MODERATE,
            "warning",
            refs=("8.4.6-3",),
        )
    ]


def _over_fifteen(checked: _Checked, course: _Course) -> list[AdviceLine]:
    hourly = _total(course.hourly_diazepam)
    excluded = _total(course.diazepam) - hourly
    lines: list[AdviceLine] = []
    if excluded > 0:
        # Scheduled × 4 or night sedation before the first score over 15 (module docstring).
        lines.append(
            AdviceLine(
                "diazepam_before_hourly_not_counted",
                MSG_DIAZEPAM_NOT_COUNTED,
                "info",
                refs=("8.4.6-3",),
                params=_params(excluded=_mg(excluded)),
                resolution=True,
            )
        )
    if hourly < DIAZEPAM_NO_RESPONSE_AFTER_MG:
        # G 4229: "Diazepam 10 mg per os hver time inntil CIWA under 10." Not "now" when any
        # diazepam was given less than an hour ago: the dose line gives the due time instead.
        warning = _diazepam_not_yet_due(checked)
        if warning is None:
            message = MSG_DIAZEPAM_HOURLY_PREGNANT if checked.pregnant else MSG_DIAZEPAM_HOURLY
            params = _params(hourly=_mg(hourly))
        else:
            message = (
                MSG_DIAZEPAM_HOURLY_AT_PREGNANT if checked.pregnant else MSG_DIAZEPAM_HOURLY_AT
            )
            params = _params(
                hourly=_mg(hourly),
                given_at_local=warning.params["given_at_local"],
                due_at=warning.params["due_at"],
                due_at_local=warning.params["due_at_local"],
            )
        lines.append(
            AdviceLine(
                "diazepam_hourly",
                message,
                "dose",
                refs=("8.4.6-3",),
                params=params,
                drug=DIAZEPAM,
                mg=DIAZEPAM_DOSE_MG,
            )
        )
        return [*lines, *([warning] if warning else [])]
    # G 4229–4233: no response after 50 mg → olanzapine 10 mg IM or orally, hourly, max 30 mg,
    # with concurrent seizure protection (G 4021–4025).
    lines.append(
        AdviceLine(
            "diazepam_no_response",
            MSG_NO_RESPONSE,
            "info",
            refs=("8.4.6-3",),
            params=_params(hourly=_mg(hourly)),
            resolution=True,
        )
    )
    if checked.pregnant:
        # 12-5 (G 5741–5743) names only benzodiazepines in pregnancy: olanzapine is not proposed
        # and the doctor decides (local resolution).
        lines.append(
            AdviceLine(
                "olanzapine_not_in_pregnancy",
                MSG_OLANZAPINE_PREGNANT,
                "escalate",
                refs=("8.4.6-3", "12-5"),
                resolution=True,
            )
        )
        return lines
    lines.extend(_olanzapine_lines(checked, course, code="olanzapine", refs=("8.4.6-3",), dt=False))
    lines.append(
        AdviceLine(
            "olanzapine_max_counted_per_episode",
            MSG_OLANZAPINE_EPISODE_CAP,
            "info",
            refs=("8.4.6-3",),
            resolution=True,
        )
    )
    return lines


def ciwa_advice(ctx: AdviceContext) -> Advice:
    """The guideline's advice for a CIWA-Ar score taken at ``ctx.now``.

    Lines come escalations (call the doctor) first, then warnings, doses and information. A
    drowsy patient gets no dose line at all; delirium tremens gets 8.4.5-2 instead of the table.
    Raises ``AdviceError`` for a context that cannot be advised on.
    """
    checked = _check(ctx)
    course = _course(checked)
    monitoring, hours, due = _monitoring(checked)
    protocol: Protocol = "ciwa"
    if checked.drowsy:
        # G 3771–3773 wins over everything: no dose line at all, whatever the score or delirium.
        specific, protocol = _drowsy(checked, course), "hold"
    elif checked.current_delirium:
        specific, protocol = _delirium(checked, course), "delirium_tremens"
    elif checked.score < CIWA_CONDITIONAL_TIER_FROM:
        specific = _below_ten(checked, course)
    elif checked.score < CIWA_HOURLY_DIAZEPAM_FROM:
        specific = _ten_to_fifteen(checked, course)
    else:
        specific = _over_fifteen(checked, course)
    cautions = sedative_cautions(
        age_years=checked.age_years,
        head_injury=checked.head_injury,
        benzodiazepine_misuse=checked.benzodiazepine_misuse,
    )
    lines = [*_general(checked), *cautions, monitoring, *specific]
    if checked.drowsy:
        # Belt and braces: a drowsy patient is never shown a dose (a warning and a dose together).
        lines = [line for line in lines if line.kind != "dose"]
    lines.sort(key=lambda line: _KIND_ORDER[line.kind])  # stable: keeps order within a kind
    return Advice(
        score=checked.score,
        band=ciwa_band(checked.score).code,
        tier=ciwa_treatment_tier(checked.score),
        monitoring_interval_hours=hours,
        next_score_due=due,
        hourly_escalation=course.hourly_escalation,
        escalation_since=course.since,
        cumulative_diazepam_mg=_total(course.diazepam),
        olanzapine_given_mg=_total(course.olanzapine),
        lines=tuple(lines),
        hourly_diazepam_mg=_total(course.hourly_diazepam),
        protocol=protocol,
    )
