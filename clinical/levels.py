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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Final, Literal, get_args

from django.utils.translation import gettext_noop

Substance = Literal[
    "alcohol", "benzodiazepines", "opioids", "ghb", "stimulants", "cannabis", "other"
]
Complication = Literal["seizures", "delirium_tremens", "hallucinations", "psychosis", "dehydration"]
Preference = Literal["outpatient", "inpatient"]
Level = Literal["outpatient", "inpatient"]
Referral = Literal["psychiatry", "somatic", "addiction_acute"]
Push = Literal["inpatient", "outpatient", "psychiatry", "somatic", "addiction_acute"]
# The criteria for an acute intervention in substance use treatment (TSB), 4.2-4..7 (G 1435-1512);
# the same codes as ``patients.models.AcuteCriterion``.
AcuteCriterion = Literal[
    "danger_to_life", "risk_of_severe_withdrawal", "dangerous_behaviour", "serious_social_loss"
]

SUBSTANCES: Final[tuple[Substance, ...]] = get_args(Substance)
COMPLICATIONS: Final[tuple[Complication, ...]] = get_args(Complication)
PREFERENCES: Final[tuple[Preference, ...]] = get_args(Preference)
ACUTE_CRITERIA: Final[tuple[AcuteCriterion, ...]] = get_args(AcuteCriterion)
REFERRALS: Final[tuple[Referral, ...]] = get_args(Referral)
ACUTE_CRITERION_REFS: Final[Mapping[AcuteCriterion, str]] = {
    "danger_to_life": "4.2-4",
    "risk_of_severe_withdrawal": "4.2-5",
    "dangerous_behaviour": "4.2-6",
    "serious_social_loss": "4.2-7",
}

CIWA_AR_MAX: Final = 67
AUDIT_MAX: Final = 40
# Upper bounds only catch typing errors: a bottle of spirits is about 30 units.
MAX_ALCOHOL_UNITS_PER_DAY: Final = 200
MAX_CONTINUOUS_USE_DAYS: Final = 36_500
AGE_MAX: Final = 130

# CIWA-Ar "over 18" is severe (G 4173); for whole-number scores that is 19 or more
# (CLINICAL.md "Known gaps", SCALES.md §1.6).
CIWA_AR_SEVERE_FROM: Final = 19
# NICE as cited in 3.2 background (G 923-925): "over 15 units daily".
NICE_UNITS_PER_DAY_ABOVE: Final = 15
# The guideline paraphrases NICE as AUDIT "over 20" (G 925); NICE says 20 or more, which
# CLINICAL.md and SCALES.md §4.4 adopt. Reasons using it are marked as a resolution.
NICE_AUDIT_FROM: Final = 20
# CIWA-Ar over 15 is the hourly-diazepam tier of 8.4.6-3 (G 4229-4231), scored hourly (G 4211)
# in CIWA-guided treatment, which 8.4.6-1 (G 4200) places at an institution.
CIWA_AR_HOURLY_DIAZEPAM_FROM: Final = 16
# G 3994-3998 names "eldre" without an age: 65 is the application's choice (a resolution), the
# same as the ward advice uses.
ELDERLY_FROM_AGE: Final = 65
# The guideline does not address detox of children and adolescents (target group 1.2, G 286-300).
ADULT_FROM_AGE: Final = 18


# --- Input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubstanceUse:
    """One substance the patient is to be detoxed from; ``None`` means not recorded."""

    substance: Substance
    dependent: bool | None = None
    injecting: bool | None = None
    continuous_use_days: int | None = None


@dataclass(frozen=True)
class LevelInput:
    """The intake facts the level depends on. Every ``None`` means unknown, not false.

    ``previous_withdrawal_complications`` is ``None`` when not asked and ``()`` when asked and
    there were none. ``continuous_use_days`` and ``in_lar`` do not move the level; they are kept
    so one intake document feeds every engine (medication plans use them).
    """

    substances: tuple[SubstanceUse, ...] = ()
    previous_withdrawal_complications: tuple[Complication, ...] | None = None
    somatic_comorbidity: bool | None = None
    psychiatric_comorbidity: bool | None = None
    severe_mental_illness: bool | None = None
    high_suicide_risk: bool | None = None
    acute_somatic_illness: bool | None = None
    unconscious: bool | None = None
    pregnant: bool | None = None
    home_support: bool | None = None
    outpatient_followup_available: bool | None = None
    patient_preference: Preference | None = None
    able_to_take_oral: bool | None = None
    dehydration_or_electrolyte_disturbance_suspected: bool | None = None
    ciwa_ar: int | None = None
    audit: int | None = None
    alcohol_units_per_day: float | None = None
    repeated_overdoses: bool | None = None
    in_custody: bool | None = None
    in_lar: bool | None = None
    opioid_stabilised: bool | None = None
    supervised_daily_dispensing: bool | None = None
    earlier_failed_outpatient_detox: bool | None = None
    current_delirium: bool | None = None
    wernicke_suspected: bool | None = None
    acute_criteria: tuple[AcuteCriterion, ...] | None = None
    head_injury: bool | None = None
    age_years: int | None = None

    def uses(self, substance: Substance) -> bool:
        return any(use.substance == substance for use in self.substances)

    @property
    def lar_medication_row(self) -> bool:
        """The opioid row stands for the LAR medication, not an illegal-opioid dependence.

        The input has one row per substance, so it says this by ``in_lar`` together with another
        substance: a patient in LAR (opioid maintenance treatment) who lists opioids and some
        other substance comes to be detoxed from that side use, and the LAR medication
        continues (tapering it is outside the guideline, G 4887-4891, 10.3-3). With opioids
        alone the row may be the illegal opioid use the patient wants detox from, so the opioid
        rules stay (with the 10.3-3 caution). A local resolution.
        """
        return (
            self.in_lar is True
            and self.uses("opioids")
            and any(use.substance != "opioids" for use in self.substances)
        )

    @property
    def detox_substances(self) -> tuple[SubstanceUse, ...]:
        """The substances to be detoxed from: all, except a LAR patient's LAR medication."""
        if self.lar_medication_row:
            return tuple(use for use in self.substances if use.substance != "opioids")
        return self.substances

    @property
    def opioid_detox(self) -> bool:
        """Detox from illegal opioids is in question: opioids listed, not the LAR medication,
        and not a pregnant woman (who is stabilised, not detoxed: 12-7, 10.3-1)."""
        return self.uses("opioids") and not self.lar_medication_row and self.pregnant is not True


# --- Output ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """A factor behind the proposal (or, in ``cautions``, something to heed).

    ``background`` marks text that is not a numbered recommendation (the first ref is then a
    section); ``resolution`` marks where the application resolved a gap or ambiguity in the
    source rather than repeating the guideline's word.
    """

    code: str
    message: str
    params: Mapping[str, Any]
    refs: tuple[str, ...]
    pushes: Push | None
    background: bool = False
    resolution: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "ref": self.refs[0],
            "refs": list(self.refs),
            "message": self.message,
            "params": {key: _json_ready(value) for key, value in self.params.items()},
            "pushes": self.pushes,
            "background": self.background,
            "resolution": self.resolution,
        }


@dataclass(frozen=True)
class Missing:
    """A fact the input leaves unknown that could change the proposal."""

    field: str
    message: str
    refs: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "message": self.message, "refs": list(self.refs)}


@dataclass(frozen=True)
class LevelProposal:
    level: Level | None
    acute_referral: Referral | None
    reasons: tuple[Reason, ...]
    cautions: tuple[Reason, ...]
    missing: tuple[Missing, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "acute_referral": self.acute_referral,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "cautions": [caution.to_dict() for caution in self.cautions],
            "missing": [item.to_dict() for item in self.missing],
        }


def _json_ready(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return list(value)
    return value


# --- Parsing ---------------------------------------------------------------------------------

# The API field names are the dataclass field names, in the same order.
_TOP_LEVEL_FIELDS: Final = tuple(f.name for f in fields(LevelInput))
# The yes/no/unknown facts of the input (the intake maps onto these: patients/intake_mapping.py).
BOOLEAN_FIELDS: Final = (
    "somatic_comorbidity",
    "psychiatric_comorbidity",
    "severe_mental_illness",
    "high_suicide_risk",
    "acute_somatic_illness",
    "unconscious",
    "pregnant",
    "home_support",
    "outpatient_followup_available",
    "able_to_take_oral",
    "dehydration_or_electrolyte_disturbance_suspected",
    "repeated_overdoses",
    "in_custody",
    "in_lar",
    "opioid_stabilised",
    "supervised_daily_dispensing",
    "earlier_failed_outpatient_detox",
    "current_delirium",
    "wernicke_suspected",
    "head_injury",
)
_SUBSTANCE_FIELDS: Final = ("substance", "dependent", "injecting", "continuous_use_days")

_E_OBJECT = gettext_noop("Expected an object with the fields: %(allowed)s.")
_E_UNKNOWN = gettext_noop("Unknown field. Allowed: %(allowed)s.")
_E_LIST = gettext_noop("Must be a list (or null).")
_E_BOOLEAN = gettext_noop("Must be true, false or null.")
_E_INTEGER = gettext_noop("Must be a whole number from %(min)s to %(max)s, or null.")
_E_NUMBER = gettext_noop("Must be a number from %(min)s to %(max)s, or null.")
_E_CHOICE = gettext_noop("Not an allowed value. Allowed: %(allowed)s.")
_E_REQUIRED = gettext_noop("This field is required. Allowed: %(allowed)s.")
_E_DUPLICATE_SUBSTANCE = gettext_noop("Duplicate substance: list each substance once.")
_E_DUPLICATE_COMPLICATION = gettext_noop("Duplicate complication: list each complication once.")
_E_DUPLICATE_CRITERION = gettext_noop("Duplicate criterion: list each criterion once.")


@dataclass(frozen=True)
class FieldError:
    """One input problem. ``message`` is a msgid; ``text`` is it rendered in English."""

    field: str
    message: str
    params: Mapping[str, Any]

    @property
    def text(self) -> str:
        return self.message % self.params


class LevelInputError(ValueError):
    """The input was rejected; ``errors`` names each bad field and what is allowed."""

    def __init__(self, field_errors: Sequence[FieldError]) -> None:
        self.field_errors = tuple(field_errors)
        super().__init__("; ".join(f"{e.field}: {e.text}" for e in self.field_errors))

    @property
    def errors(self) -> list[dict[str, str]]:
        return [{"field": e.field, "message": e.text} for e in self.field_errors]


def parse_level_input(data: Mapping[str, Any]) -> LevelInput:
    """Validate API JSON strictly and build a ``LevelInput``; raise ``LevelInputError``.

    Omitted fields and ``null`` mean unknown. Unknown keys, wrong types (a bool is not a
    number), out-of-range numbers, values outside the allowed lists and duplicates are rejected,
    all errors at once.
    """
    errors: list[FieldError] = []
    if not isinstance(data, Mapping):
        raise LevelInputError([_object_error("non_field_errors", _TOP_LEVEL_FIELDS)])
    _reject_unknown_keys(data, _TOP_LEVEL_FIELDS, "", errors)
    booleans = {name: _parse_bool(data, name, name, errors) for name in BOOLEAN_FIELDS}
    result = LevelInput(
        substances=_parse_substances(data.get("substances"), errors),
        previous_withdrawal_complications=_parse_complications(
            data.get("previous_withdrawal_complications"), errors
        ),
        patient_preference=_parse_preference(data.get("patient_preference"), errors),
        ciwa_ar=_parse_int(data.get("ciwa_ar"), "ciwa_ar", CIWA_AR_MAX, errors),
        audit=_parse_int(data.get("audit"), "audit", AUDIT_MAX, errors),
        alcohol_units_per_day=_parse_number(
            data.get("alcohol_units_per_day"),
            "alcohol_units_per_day",
            MAX_ALCOHOL_UNITS_PER_DAY,
            errors,
        ),
        acute_criteria=_parse_acute_criteria(data.get("acute_criteria"), errors),
        age_years=_parse_int(data.get("age_years"), "age_years", AGE_MAX, errors),
        **booleans,
    )
    if errors:
        raise LevelInputError(sorted(errors, key=_field_position))
    return result


def _field_position(error: FieldError) -> int:
    # Report errors in the order of the fields (unknown keys last), whatever order found them.
    base = error.field.split("[", 1)[0].split(".", 1)[0]
    return _TOP_LEVEL_FIELDS.index(base) if base in _TOP_LEVEL_FIELDS else len(_TOP_LEVEL_FIELDS)


def _object_error(name: str, allowed: Iterable[str]) -> FieldError:
    return FieldError(name, _E_OBJECT, {"allowed": ", ".join(allowed)})


def _reject_unknown_keys(
    data: Mapping[Any, Any], allowed: Sequence[str], prefix: str, errors: list[FieldError]
) -> None:
    for key in data:
        if key not in allowed:
            errors.append(FieldError(f"{prefix}{key}", _E_UNKNOWN, {"allowed": ", ".join(allowed)}))


def _parse_bool(
    data: Mapping[str, Any], key: str, name: str, errors: list[FieldError]
) -> bool | None:
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return value
    errors.append(FieldError(name, _E_BOOLEAN, {}))
    return None


def _parse_int(value: Any, name: str, maximum: int, errors: list[FieldError]) -> int | None:
    if value is None:
        return None
    # bool is a subclass of int in Python; JSON true is not a score.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= maximum:
        return value
    errors.append(FieldError(name, _E_INTEGER, {"min": 0, "max": maximum}))
    return None


def _parse_number(value: Any, name: str, maximum: int, errors: list[FieldError]) -> float | None:
    # Units per day may be fractional (half a bottle of wine); scores and days may not. The range
    # check also rejects NaN and infinity, and never converts a huge int to float.
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= maximum:
        return value
    errors.append(FieldError(name, _E_NUMBER, {"min": 0, "max": maximum}))
    return None


def _choice_error(name: str, allowed: Sequence[str]) -> FieldError:
    return FieldError(name, _E_CHOICE, {"allowed": ", ".join(allowed)})


def _parse_preference(value: Any, errors: list[FieldError]) -> Preference | None:
    if value is None:
        return None
    for preference in PREFERENCES:
        if value == preference and isinstance(value, str):
            return preference
    errors.append(_choice_error("patient_preference", (*PREFERENCES, "null")))
    return None


def _parse_substances(value: Any, errors: list[FieldError]) -> tuple[SubstanceUse, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        errors.append(FieldError("substances", _E_LIST, {}))
        return ()
    uses: list[SubstanceUse] = []
    for index, item in enumerate(value):
        use = _parse_substance(item, f"substances[{index}]", errors)
        if use is None:
            continue
        if any(earlier.substance == use.substance for earlier in uses):
            errors.append(FieldError(f"substances[{index}].substance", _E_DUPLICATE_SUBSTANCE, {}))
            continue
        uses.append(use)
    return tuple(uses)


def _parse_substance(item: Any, name: str, errors: list[FieldError]) -> SubstanceUse | None:
    if not isinstance(item, Mapping):
        errors.append(_object_error(name, _SUBSTANCE_FIELDS))
        return None
    _reject_unknown_keys(item, _SUBSTANCE_FIELDS, f"{name}.", errors)
    dependent = _parse_bool(item, "dependent", f"{name}.dependent", errors)
    injecting = _parse_bool(item, "injecting", f"{name}.injecting", errors)
    days = _parse_int(
        item.get("continuous_use_days"),
        f"{name}.continuous_use_days",
        MAX_CONTINUOUS_USE_DAYS,
        errors,
    )
    value = item.get("substance")
    if value is None:
        allowed = ", ".join(SUBSTANCES)
        errors.append(FieldError(f"{name}.substance", _E_REQUIRED, {"allowed": allowed}))
        return None
    substance = next((s for s in SUBSTANCES if s == value and isinstance(value, str)), None)
    if substance is None:
        errors.append(_choice_error(f"{name}.substance", SUBSTANCES))
        return None
    return SubstanceUse(substance, dependent, injecting, days)


def _parse_complications(value: Any, errors: list[FieldError]) -> tuple[Complication, ...] | None:
    name = "previous_withdrawal_complications"
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        errors.append(FieldError(name, _E_LIST, {}))
        return None
    found: list[Complication] = []
    for index, item in enumerate(value):
        complication = next((c for c in COMPLICATIONS if c == item and isinstance(item, str)), None)
        if complication is None:
            errors.append(_choice_error(f"{name}[{index}]", COMPLICATIONS))
        elif complication in found:
            errors.append(FieldError(f"{name}[{index}]", _E_DUPLICATE_COMPLICATION, {}))
        else:
            found.append(complication)
    return tuple(found)


def _parse_acute_criteria(
    value: Any, errors: list[FieldError]
) -> tuple[AcuteCriterion, ...] | None:
    name = "acute_criteria"
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        errors.append(FieldError(name, _E_LIST, {}))
        return None
    found: list[AcuteCriterion] = []
    for index, item in enumerate(value):
        criterion = next((c for c in ACUTE_CRITERIA if c == item and isinstance(item, str)), None)
        if criterion is None:
            errors.append(_choice_error(f"{name}[{index}]", ACUTE_CRITERIA))
        elif criterion in found:
            errors.append(FieldError(f"{name}[{index}]", _E_DUPLICATE_CRITERION, {}))
        else:
            found.append(criterion)
    return tuple(found)


# --- Messages --------------------------------------------------------------------------------
# One msgid per reason, caution and missing fact; the Norwegian text is in
# plans/locale/nb/LC_MESSAGES/django.po.

_M_SEVERE_MENTAL_ILLNESS = gettext_noop(
    "A concurrent severe mental illness takes precedence: the patient should be assessed for "
    "treatment in mental health care."
)
_M_HIGH_SUICIDE_RISK = gettext_noop(
    "High suicide risk: the patient should be assessed in mental health care."
)
_M_ACUTE_SOMATIC_ILLNESS = gettext_noop(
    "Acute somatic illness: the patient should be assessed in somatic care, even if the illness "
    "is caused by substance use. Substance use treatment (TSB) keeps responsibility for the "
    "substance problem once the patient is somatically stable."
)
_M_UNCONSCIOUS = gettext_noop(
    "The patient cannot be woken: treat at hospital level as acute poisoning."
)
_M_CURRENT_DELIRIUM = gettext_noop(
    "Delirium now (delirium tremens): a medical emergency. A physician treats it at once as "
    "8.4.5-2 says (diazepam at short intervals, or olanzapine), in a department with qualified "
    "medical staff and somatic monitoring; never by the hourly CIWA-Ar tier."
)
_M_WERNICKE = gettext_noop(
    "Wernicke's encephalopathy suspected: give intravenous thiamine (vitamin B1) and admit the "
    "patient to a neurological or medical department."
)
_M_ACUTE_DANGER_TO_LIFE = gettext_noop(
    "The substance use is an immediate danger to the patient's life and health: assess the need "
    "for acute intervention in substance use treatment (TSB) and receive the patient without "
    "undue delay."
)
_M_ACUTE_RISK_OF_SEVERE_WITHDRAWAL = gettext_noop(
    "The substance use has stopped or changed and there is a risk of severe withdrawal: assess "
    "the need for acute intervention in substance use treatment (TSB) and receive the patient "
    "without undue delay."
)
_M_ACUTE_DANGEROUS_BEHAVIOUR = gettext_noop(
    "The substance use gives an acute risk of behaviour that endangers the patient's or others' "
    "life and health: assess the need for acute intervention in substance use treatment (TSB) "
    "and receive the patient without undue delay."
)
_M_ACUTE_SERIOUS_SOCIAL_LOSS = gettext_noop(
    "The substance use can lead to an acute risk of serious loss of relationships, social "
    "consequences or loss of function: assess the need for acute intervention in substance use "
    "treatment (TSB) and receive the patient without undue delay."
)
_M_EARLIER_FAILED_OUTPATIENT = gettext_noop(
    "An earlier outpatient detox did not succeed: the patient should be offered admission to an "
    "institution."
)
_M_PREFERS_INPATIENT = gettext_noop(
    "The patient wants inpatient detox. Outpatient detox presupposes that the patient wants it, "
    "so admission is offered."
)
_M_SEVERAL_SUBSTANCES = gettext_noop(
    "Dependence on several substances: the patient should be admitted for detox. Plan the stay "
    "and encourage the patient to reduce use before admission."
)
_M_INJECTING = gettext_noop("Injecting use speaks for admission.")
_M_PREVIOUS_COMPLICATIONS = gettext_noop(
    "Earlier complications during withdrawal speak for admission."
)
_M_SOMATIC_COMORBIDITY = gettext_noop("Concurrent somatic health problems speak for admission.")
_M_PSYCHIATRIC_COMORBIDITY = gettext_noop("Concurrent mental health problems speak for admission.")
_M_NO_HOME_SUPPORT = gettext_noop(
    "Close follow-up at home by next of kin is not possible, which speaks for admission."
)
_M_NO_OUTPATIENT_FOLLOWUP = gettext_noop(
    "No medical follow-up is available as outpatient, which speaks for admission."
)
_M_PREGNANT = gettext_noop(
    "Pregnant and using substances: offer admission to a suitable institution for detox and "
    "assessment, and assess the need for acute intervention."
)
_M_IN_CUSTODY = gettext_noop(
    "In custody or prison: assess the need for withdrawal treatment at once and offer a bed or "
    "cell of the patient's own with health staff round the clock. The application counts this "
    "as inpatient detox."
)
_M_ALCOHOL_NOT_ORAL = gettext_noop(
    "The patient cannot take medicine, fluid and food by mouth, which outpatient alcohol detox "
    "requires."
)
_M_ALCOHOL_DEHYDRATION = gettext_noop(
    "Severe dehydration or electrolyte disturbance is suspected, which rules out outpatient "
    "alcohol detox."
)
_M_ALCOHOL_SEIZURES_OR_DT = gettext_noop(
    "Earlier delirium tremens or alcohol withdrawal seizures: alcohol detox should take place "
    "in an inpatient institution."
)
_M_ALCOHOL_SEVERE_CIWA = gettext_noop(
    "CIWA-Ar %(score)s is severe withdrawal (%(threshold)s or more): admission is necessary."
)
_M_ALCOHOL_UNITS = gettext_noop(
    "Drinks %(units)s alcohol units a day, more than %(threshold)s. Background (NICE): detox in "
    "an institution or intensified outpatient detox."
)
_M_ALCOHOL_AUDIT = gettext_noop(
    "AUDIT score %(score)s (%(threshold)s or more). Background (NICE): detox in an institution "
    'or intensified outpatient detox. The guideline paraphrases this as "over 20"; the '
    'application uses NICE\'s "20 or more".'
)
_M_OPIOID_FIRST_CHOICE = gettext_noop(
    "Opioids: detox in an institution should be the first choice for illegal opioid dependence."
)
_M_OPIOID_INJECTING_OVERDOSES = gettext_noop(
    "Opioid dependence with injecting and repeated overdoses (signs of lost control): advise "
    "against outpatient detox."
)
_M_OPIOID_CONDITIONS_NOT_MET = gettext_noop(
    "Outpatient opioid detox needs the opioid use to be pharmacologically stabilised first and "
    "habit-forming drugs to be handed out daily under the supervision of health personnel; that "
    "is not arranged, so detox in an institution is proposed."
)
_M_OPIOID_CONDITIONS_HOLD = gettext_noop(
    "Opioids: the opioid use is pharmacologically stabilised and habit-forming drugs are handed "
    "out daily under the supervision of health personnel, as outpatient opioid detox requires."
)
_M_PREGNANT_OPIOIDS_OUTSIDE_LAR = gettext_noop(
    "Pregnant and opioid-dependent, not in LAR: do not detox from opioids. Stabilise her on "
    "buprenorphine while the further course is assessed and planned together with her; the "
    "guideline asks for reluctance to detox pregnant opioid-dependent patients."
)
_M_PREGNANT_OPIOIDS_IN_LAR = gettext_noop(
    "Pregnant and in LAR: do not detox from opioids and do not taper the LAR medication. She "
    "stays in LAR with methadone or buprenorphine during the pregnancy; the guideline asks for "
    "reluctance to detox pregnant opioid-dependent patients."
)
_M_PREGNANT_OPIOIDS_LAR_UNKNOWN = gettext_noop(
    "Pregnant and using opioids: do not detox from opioids. Find out whether she is in LAR: in "
    "LAR she stays on her LAR medication, which is not tapered; outside LAR she is stabilised on "
    "buprenorphine while the further course is planned together with her."
)
_M_GHB = gettext_noop("Patients to be detoxed from GHB should be admitted.")
_M_OUTPATIENT_FACTORS = gettext_noop(
    "Every factor for outpatient detox is present: the patient wants it, no dependence on "
    "several substances, no injecting, no earlier complications, close follow-up at home, no "
    "concurrent somatic or mental health problems, not pregnant, and medical follow-up "
    "available."
)
_M_ALCOHOL_OUTPATIENT = gettext_noop(
    "Alcohol: the patient can take medicine, fluid and food by mouth, no severe dehydration or "
    "electrolyte disturbance is suspected, and there have been no alcohol withdrawal seizures "
    "or delirium tremens."
)
_M_BENZODIAZEPINE_OUTPATIENT = gettext_noop(
    "Benzodiazepines: consider starting the taper as outpatient, with admission towards the end "
    "if needed. Stable dosing over time, strong motivation and earlier taper experience speak "
    "for it; the taper should come with close outpatient follow-up."
)
_M_CANNABIS_OUTPATIENT = gettext_noop(
    "Cannabis only: detox can usually take place with outpatient follow-up."
)

_C_PSYCHIATRY_AFTER_SOMATIC = gettext_noop(
    "Somatic care comes first; the mental health assessment is still needed once the patient is "
    "somatically stable."
)
_C_MIXED_USE = gettext_noop(
    "More than one substance is used: outpatient detox needs mixed use to be limited, while "
    "extensive mixed use speaks for admission."
)
_C_PREGNANCY_INFORMATION = gettext_noop(
    "Give the pregnant woman, and any partner, thorough and repeated information about how "
    "substances affect pregnancy and about treatment and follow-up, and tell her about the "
    "staff's duty to report under section 10-3 of the Health and Care Services Act."
)
_C_ADDICTION_ACUTE_AFTER_REFERRAL = gettext_noop(
    "The acute referral above comes first; the need for acute intervention in substance use "
    "treatment (TSB) is still to be assessed once that is settled."
)
_C_LAR_SIDE_USE = gettext_noop(
    "In LAR: the opioids recorded are taken as the LAR medication, which continues unchanged; "
    "only the side use is detoxed. Agree the plan with the LAR prescriber. Ending LAR medication "
    "is a taper over months to years, outside the scope of detox."
)
_C_SEDATIVES = gettext_noop(
    "Be careful with sedative medicines for this patient: the guideline names patients who have "
    "used or misused benzodiazepines, the elderly and patients with head injuries."
)
_C_SEDATIVES_ELDERLY = gettext_noop(
    "Be careful with sedative medicines for this patient: the guideline names patients who have "
    "used or misused benzodiazepines, the elderly and patients with head injuries. The "
    "guideline gives no age; the application counts %(age)s or over as elderly."
)
_C_ADOLESCENT = gettext_noop(
    "The patient is under %(age)s: the guideline does not address detox of children and "
    "adolescents, so this proposal follows the rules for adults. A physician confirms the level."
)
_C_REPEATED_OVERDOSES = gettext_noop(
    "Repeated overdoses: repeated life-threatening overdoses are a risk factor for overdose "
    "death, by accident and by suicide. Assess the suicide risk and whether the substance use is "
    "an immediate danger to life, and plan overdose prevention before discharge."
)
_C_CIWA_HOURLY_DIAZEPAM = gettext_noop(
    "CIWA-Ar %(score)s is over 15: the guideline's treatment is diazepam 10 mg every hour until "
    "the score is under 10, with hourly scoring, which needs an institution. Consider admission."
)
_C_ALCOHOL_NOT_LISTED = gettext_noop(
    "Alcohol measures point to heavy drinking or withdrawal, but alcohol is not among the "
    "substances: map all substance use."
)
_C_BENZODIAZEPINE_TAPER_FIRST = gettext_noop(
    "Benzodiazepine dependence together with other substances: consider starting the taper "
    "before admission, and continuing it at a treatment institution afterwards."
)
_C_OPIOID_RELUCTANCE = gettext_noop(
    "Be reluctant to detox from opioids in this situation (an acute somatic or mental condition "
    "needing immediate treatment, custody or a short prison sentence, seeking help at the "
    "emergency ward, pregnancy, long-term mental or somatic illness, extensive mixed use)."
)
_C_OPIOID_TOLERANCE = gettext_noop(
    "Inform the patient carefully that opioid tolerance is lost after detox, so opioids, alone "
    "or with other substances, carry a high risk of overdose and death."
)
_C_OPIOID_LAR = gettext_noop(
    "In LAR: ending LAR medication usually needs tapering and close follow-up over months to "
    "years, which is outside the scope of detox."
)
_C_GHB_SEVERE = gettext_noop(
    "GHB: if severe symptoms arise, transfer the patient to a medical emergency department."
)
_C_OUTPATIENT_JUDGEMENT = gettext_noop(
    "Outpatient detox also needs the clinician's judgement that the patient can manage it and "
    "that TSB or the GP can coordinate it. If it does not succeed, offer admission."
)
_C_ALCOHOL_ESCALATION = gettext_noop(
    "Admission is necessary if severe withdrawal symptoms arise; a patient who cannot be woken "
    "is treated at hospital level as acute poisoning."
)
_C_OPIOID_OUTPATIENT = gettext_noop(
    "Institution is the first choice for illegal opioid dependence: outpatient opioid detox "
    "only where specially arranged, with the opioid use stabilised first and habit-forming "
    "drugs handed out daily under supervision."
)

_MISSING_MESSAGES: Final[Mapping[str, tuple[str, tuple[str, ...]]]] = {
    "substances": (gettext_noop("No substances are recorded."), ("7.2-2",)),
    "dependent": (
        gettext_noop("Whether the patient is dependent on this substance is not recorded."),
        ("3.2.2-1", "11.5-1"),
    ),
    "injecting": (
        gettext_noop("Whether this substance is injected is not recorded."),
        ("3.2.1-2",),
    ),
    "previous_withdrawal_complications": (
        gettext_noop("Earlier complications during withdrawal are not recorded."),
        ("3.2.1-2",),
    ),
    "somatic_comorbidity": (
        gettext_noop("Concurrent somatic health problems are not recorded."),
        ("3.2.1-2",),
    ),
    "psychiatric_comorbidity": (
        gettext_noop("Concurrent mental health problems are not recorded."),
        ("3.2.1-2",),
    ),
    "severe_mental_illness": (
        gettext_noop("Whether there is a severe mental illness is not recorded."),
        ("4.1-1",),
    ),
    "high_suicide_risk": (
        gettext_noop("Whether the suicide risk is high is not recorded."),
        ("4.1-2",),
    ),
    "acute_somatic_illness": (
        gettext_noop("Whether there is an acute somatic illness is not recorded."),
        ("4.1-3",),
    ),
    "unconscious": (
        gettext_noop("Whether the patient can be woken is not recorded."),
        ("8.3.2-4",),
    ),
    "pregnant": (
        gettext_noop(
            "Whether the patient is pregnant is not recorded. Ask women about it, and offer a "
            "pregnancy test if pregnancy is possible."
        ),
        ("12-1", "3.2.1-2"),
    ),
    "home_support": (
        gettext_noop("Whether next of kin can follow the patient closely at home is not recorded."),
        ("3.2.1-2",),
    ),
    "outpatient_followup_available": (
        gettext_noop("Whether medical follow-up is available as outpatient is not recorded."),
        ("3.2.2-1",),
    ),
    "patient_preference": (
        gettext_noop("The patient's wish (outpatient or inpatient detox) is not recorded."),
        ("3.2.1-2",),
    ),
    "able_to_take_oral": (
        gettext_noop(
            "Whether the patient can take medicine, fluid and food by mouth is not recorded."
        ),
        ("8.3.2-1",),
    ),
    "dehydration_or_electrolyte_disturbance_suspected": (
        gettext_noop(
            "Whether severe dehydration or electrolyte disturbance is suspected is not recorded."
        ),
        ("8.3.2-1",),
    ),
    "ciwa_ar": (
        gettext_noop(
            "No CIWA-Ar score is recorded; a score of 19 or more (severe withdrawal) requires "
            "admission."
        ),
        ("8.3.2-4",),
    ),
    "audit": (
        gettext_noop("No AUDIT score is recorded; 20 or more speaks for assisted withdrawal."),
        ("3.2",),
    ),
    "alcohol_units_per_day": (
        gettext_noop(
            "Alcohol units a day are not recorded; more than 15 speaks for assisted withdrawal."
        ),
        ("3.2",),
    ),
    "in_custody": (
        gettext_noop("Whether the patient is in custody or prison is not recorded."),
        ("3.4-1",),
    ),
    "opioid_stabilised": (
        gettext_noop(
            "Whether the opioid use is pharmacologically stabilised before the detox is not "
            "recorded; outpatient opioid detox needs it."
        ),
        ("10.4.1-2",),
    ),
    "supervised_daily_dispensing": (
        gettext_noop(
            "Whether medicines are handed out daily under the supervision of health personnel is "
            "not recorded; outpatient opioid detox needs it."
        ),
        ("10.4.1-2",),
    ),
    "earlier_failed_outpatient_detox": (
        gettext_noop(
            "Whether an earlier outpatient detox failed is not recorded; if it did, admission "
            "should be offered."
        ),
        ("3.2.1-3",),
    ),
    "current_delirium": (
        gettext_noop("Whether the patient is delirious now is not recorded."),
        ("8.4.5-2",),
    ),
    "wernicke_suspected": (
        gettext_noop("Whether Wernicke's encephalopathy is suspected is not recorded."),
        ("8.4.1-2",),
    ),
    "acute_criteria": (
        gettext_noop(
            "The criteria for acute intervention (danger to life, risk of severe withdrawal, "
            "dangerous behaviour, serious social loss) are not assessed."
        ),
        ("4.2-1",),
    ),
}

_ACUTE_CRITERION_MESSAGES: Final[Mapping[AcuteCriterion, str]] = {
    "danger_to_life": _M_ACUTE_DANGER_TO_LIFE,
    "risk_of_severe_withdrawal": _M_ACUTE_RISK_OF_SEVERE_WITHDRAWAL,
    "dangerous_behaviour": _M_ACUTE_DANGEROUS_BEHAVIOUR,
    "serious_social_loss": _M_ACUTE_SERIOUS_SOCIAL_LOSS,
}


# --- Evaluation ------------------------------------------------------------------------------


@dataclass
class _Findings:
    """What the rules found, before the decision is made."""

    acute: list[Reason] = field(default_factory=list)
    inpatient: list[Reason] = field(default_factory=list)
    outpatient: list[Reason] = field(default_factory=list)
    cautions: list[Reason] = field(default_factory=list)
    # Unknown facts the guideline's outpatient conditions need (block an outpatient proposal).
    blocking: list[Missing] = field(default_factory=list)
    # Unknown facts that only matter when outpatient would otherwise be proposed.
    supplementary: list[Missing] = field(default_factory=list)
    # Unknown acute-referral facts: they can change the referral whatever the level.
    acute_missing: list[Missing] = field(default_factory=list)


def _missing(name: str, *, key: str | None = None) -> Missing:
    message, refs = _MISSING_MESSAGES[key or name]
    return Missing(name, message, refs)


def evaluate_level(inp: LevelInput) -> LevelProposal:
    """Propose outpatient or inpatient detox and any acute referral, with reasons and refs."""
    found = _Findings()
    for rule in _RULES:
        rule(inp, found)
    referral = _referral(found)
    if referral == "somatic" and any(r.pushes == "psychiatry" for r in found.acute):
        psychiatric_refs = tuple(r.refs[0] for r in found.acute if r.pushes == "psychiatry")
        found.cautions.insert(
            0,
            Reason(
                "psychiatry_after_somatic",
                _C_PSYCHIATRY_AFTER_SOMATIC,
                {},
                psychiatric_refs,
                "psychiatry",
                resolution=True,
            ),
        )
    if referral in ("somatic", "psychiatry") and any(
        r.pushes == "addiction_acute" for r in found.acute
    ):
        criterion_refs = tuple(r.refs[0] for r in found.acute if r.pushes == "addiction_acute")
        found.cautions.insert(
            0,
            Reason(
                "addiction_acute_after_referral",
                _C_ADDICTION_ACUTE_AFTER_REFERRAL,
                {},
                criterion_refs,
                "addiction_acute",
                resolution=True,
            ),
        )
    if found.inpatient or found.acute:
        return _inpatient(inp, found, referral, missing=found.acute_missing)
    undecided = [*found.blocking, *found.acute_missing]
    if undecided:
        missing = _ordered([*undecided, *found.supplementary])
        if inp.opioid_detox:
            return _inpatient(inp, found, referral, missing=missing)
        return LevelProposal(None, referral, (), tuple(found.cautions), missing)
    return _outpatient(inp, found)


def _referral(found: _Findings) -> Referral | None:
    """Somatic before psychiatric before acute TSB care: the danger to life and health comes
    first (4.1 background, G 1295-1303), then the mental health assessment 4.1-1/4.1-2 require
    ("skal"); acute TSB intervention (4.2) is for what remains. A local resolution."""
    pushes = {reason.pushes for reason in found.acute}
    for referral in ("somatic", "psychiatry", "addiction_acute"):
        if referral in pushes:
            return referral
    return None


def _inpatient(
    inp: LevelInput, found: _Findings, referral: Referral | None, *, missing: Sequence[Missing]
) -> LevelProposal:
    reasons = [*found.acute, *found.inpatient]
    if inp.opioid_detox:
        # 10.4.2-1 (G 5080): institution is the first choice; it pushes whenever outpatient is
        # not proposed, and alone decides when the 3.2.1 conditions are not all confirmed.
        reasons.append(
            Reason(
                "opioid_institution_first_choice",
                _M_OPIOID_FIRST_CHOICE,
                {},
                ("10.4.2-1",),
                "inpatient",
            )
        )
    return LevelProposal(
        "inpatient", referral, tuple(reasons), tuple(found.cautions), _ordered(missing)
    )


def _outpatient(inp: LevelInput, found: _Findings) -> LevelProposal:
    reasons = [
        Reason("outpatient_factors_hold", _M_OUTPATIENT_FACTORS, {}, ("3.2.1-2",), "outpatient")
    ]
    # 3.2.1-2 bullets 8 and 10 (G 994, 998) are judgements the input cannot carry; 3.2.1-3
    # (G 1002) is the way back if outpatient detox fails.
    cautions = [
        *found.cautions,
        Reason("outpatient_judgement", _C_OUTPATIENT_JUDGEMENT, {}, ("3.2.1-2", "3.2.1-3"), None),
    ]
    if inp.uses("alcohol"):
        reasons.append(
            Reason(
                "alcohol_outpatient_conditions",
                _M_ALCOHOL_OUTPATIENT,
                {},
                ("8.3.2-1",),
                "outpatient",
            )
        )
        cautions.append(
            Reason(
                "alcohol_outpatient_escalation",
                _C_ALCOHOL_ESCALATION,
                {},
                ("8.3.2-4",),
                "inpatient",
            )
        )
    if inp.ciwa_ar is not None and inp.ciwa_ar >= CIWA_AR_HOURLY_DIAZEPAM_FROM:
        # Below 19 (severe decides inpatient): 16-18 is still the hourly-diazepam tier of
        # 8.4.6-3 (G 4229-4231), scored hourly (8.4.6-2, G 4211), and CIWA-guided treatment is
        # at an institution (8.4.6-1, G 4200).
        cautions.append(
            Reason(
                "ciwa_hourly_diazepam_needs_institution",
                _C_CIWA_HOURLY_DIAZEPAM,
                {"score": inp.ciwa_ar},
                ("8.4.6-3", "8.4.6-1", "8.4.6-2"),
                "inpatient",
            )
        )
        # The CIWA-Ar measures alcohol withdrawal (8.4.6): a score in the hourly tier with
        # alcohol not among the substances asks for the substance history to be completed, as
        # the severe score does (``_alcohol_thresholds``, 7.2-2).
        if not inp.uses("alcohol") and not any(c.code == "alcohol_not_listed" for c in cautions):
            cautions.append(
                Reason("alcohol_not_listed", _C_ALCOHOL_NOT_LISTED, {}, ("7.2-2",), None)
            )
    if inp.opioid_detox:
        # 10.4.1 Vurdering (G 5001-5009): only where specially arranged and 3.2.1 holds.
        cautions.append(
            Reason(
                "opioid_outpatient_specially_arranged",
                _C_OPIOID_OUTPATIENT,
                {},
                ("10.4.2-1", "10.4.1-2"),
                "inpatient",
            )
        )
    reasons.extend(found.outpatient)
    return LevelProposal(
        "outpatient", None, tuple(reasons), tuple(cautions), _ordered(found.supplementary)
    )


def _ordered(missing: Iterable[Missing]) -> tuple[Missing, ...]:
    def key(item: Missing) -> int:
        base = item.field.split("[", 1)[0].split(".", 1)[0]
        return _TOP_LEVEL_FIELDS.index(base)

    return tuple(sorted(missing, key=key))


# --- Rules -----------------------------------------------------------------------------------
# Each rule reads the input and records reasons, cautions and unknown facts in ``found``.


def _acute_referral(inp: LevelInput, found: _Findings) -> None:
    """4.1-1..3 (G 1358-1374, grade A) and 8.3.2-4 (G 3830-3832, grade B)."""
    rules: tuple[tuple[str, bool | None, str, tuple[str, ...], Referral], ...] = (
        (
            "severe_mental_illness",
            inp.severe_mental_illness,
            _M_SEVERE_MENTAL_ILLNESS,
            ("4.1-1",),
            "psychiatry",
        ),
        (
            "high_suicide_risk",
            inp.high_suicide_risk,
            _M_HIGH_SUICIDE_RISK,
            ("4.1-2",),
            "psychiatry",
        ),
        (
            "acute_somatic_illness",
            inp.acute_somatic_illness,
            _M_ACUTE_SOMATIC_ILLNESS,
            ("4.1-3",),
            "somatic",
        ),
        # "Alle pasienter som ikke lar seg vekke" (G 3830-3832) is written in the alcohol
        # chapter but says all patients; 4.1 background (G 1295-1303) sends intoxication and
        # overdose to somatic care, so 4.1-3 is cited too.
        ("unconscious", inp.unconscious, _M_UNCONSCIOUS, ("8.3.2-4", "4.1-3"), "somatic"),
    )
    for name, value, message, refs, referral in rules:
        if value is None:
            found.acute_missing.append(_missing(name))
        elif value:
            found.acute.append(Reason(name, message, {}, refs, referral))
    _delirium_and_wernicke(inp, found)
    _acute_criteria(inp, found)


def _delirium_and_wernicke(inp: LevelInput, found: _Findings) -> None:
    """Delirium now (8.4.5-2, G 4147-4151) and suspected Wernicke (8.4.1-2, G 3905-3907).

    Delirium tremens is "den farligste avrusningskomplikasjonen" (G 4116); fully developed
    delirium is treated "på en avdeling med kvalifisert medisinsk personell og muligheter for
    somatisk overvåking" (G 4132-4134), and 4.1 background (G 1295-1303) gives "utvikling av
    delir" to the somatic services. So delirium now is a somatic acute referral (a resolution:
    the guideline names the kind of department, not the referral). Wernicke's encephalopathy:
    8.4.1-2 says admission to a neurological or medical department, i.e. somatic care.

    Whether the patient is delirious now is always asked; Wernicke is asked where alcohol is
    listed (8.4.1 is in the alcohol chapter), and a "yes" counts whatever the substances.
    """
    if inp.current_delirium is None:
        found.acute_missing.append(_missing("current_delirium"))
    elif inp.current_delirium:
        found.acute.append(
            Reason(
                "current_delirium",
                _M_CURRENT_DELIRIUM,
                {},
                ("8.4.5-2", "4.1-3"),
                "somatic",
                resolution=True,
            )
        )
    if inp.wernicke_suspected is None:
        if inp.uses("alcohol"):
            found.acute_missing.append(_missing("wernicke_suspected"))
    elif inp.wernicke_suspected:
        found.acute.append(Reason("wernicke_suspected", _M_WERNICKE, {}, ("8.4.1-2",), "somatic"))


def _acute_criteria(inp: LevelInput, found: _Findings) -> None:
    """4.2-4..7 (G 1435-1512) under the lead-in "Behovet for akutt intervensjon i TSB bør
    vurderes når:" (G 1429), with 4.2-1 (G 1422-1424, grade A): receive the patient without
    undue delay when acute intervention is needed. Each criterion is its own reason, citing it
    first; ``None`` (not assessed) is missing, ``()`` (assessed, none apply) is no."""
    if inp.acute_criteria is None:
        found.acute_missing.append(_missing("acute_criteria"))
        return
    # In the guideline's order, whatever order the input lists them in.
    for criterion in (c for c in ACUTE_CRITERIA if c in inp.acute_criteria):
        found.acute.append(
            Reason(
                f"acute_{criterion}",
                _ACUTE_CRITERION_MESSAGES[criterion],
                {},
                (ACUTE_CRITERION_REFS[criterion], "4.2-1"),
                "addiction_acute",
            )
        )


def _patient_preference(inp: LevelInput, found: _Findings) -> None:
    """3.2.1-2 bullet 1 (G 980): outpatient detox needs the patient to want it.

    The guideline has no recommendation "admit when the patient wants admission"; it follows
    from the outpatient factor failing and from institution being "a direct offer" (3.2.2
    Vurdering, G 1031-1033), so the reason is marked as a resolution.
    """
    if inp.patient_preference is None:
        found.blocking.append(_missing("patient_preference"))
    elif inp.patient_preference == "inpatient":
        found.inpatient.append(
            Reason(
                "patient_prefers_inpatient",
                _M_PREFERS_INPATIENT,
                {},
                ("3.2.1-2",),
                "inpatient",
                resolution=True,
            )
        )


def _several_substances(inp: LevelInput, found: _Findings) -> None:
    """3.2.2-1 bullet 1 (G 1038) and 11.5-1 (G 5602-5604): dependence on several substances.

    Only substances marked dependent count; an unknown ``dependent`` blocks when it could make
    the count two. Listed use without dependence is mixed use, which must be limited for
    outpatient detox (3.2.1-2 bullet 4, G 986); the input cannot say how extensive, so that is
    a caution for the clinician.
    """
    if not inp.substances:
        found.blocking.append(_missing("substances"))
        return
    detoxed = inp.detox_substances
    dependent = [use.substance for use in detoxed if use.dependent]
    unknown = [
        i for i, use in enumerate(inp.substances) if use.dependent is None and use in detoxed
    ]
    if len(dependent) >= 2:
        found.inpatient.append(
            Reason(
                "several_substances",
                _M_SEVERAL_SUBSTANCES,
                {"substances": dependent},
                ("3.2.2-1", "11.5-1"),
                "inpatient",
            )
        )
        if "benzodiazepines" in dependent:
            found.cautions.append(
                Reason(
                    "benzodiazepine_taper_before_admission",
                    _C_BENZODIAZEPINE_TAPER_FIRST,
                    {},
                    ("11.5-2",),
                    None,
                )
            )
        return
    if len(dependent) + len(unknown) >= 2:
        for index in unknown:
            found.blocking.append(_missing(f"substances[{index}].dependent", key="dependent"))
    if len(detoxed) >= 2:
        found.cautions.append(
            Reason(
                "mixed_use",
                _C_MIXED_USE,
                {"substances": [use.substance for use in detoxed]},
                ("3.2.1-2", "3.2.2-1"),
                None,
            )
        )


def _injecting(inp: LevelInput, found: _Findings) -> None:
    """3.2.2-1 bullet 2 (G 1040) against 3.2.1-2 bullet 3 (G 984)."""
    injected = [use.substance for use in inp.substances if use.injecting]
    if injected:
        found.inpatient.append(
            Reason("injecting", _M_INJECTING, {"substances": injected}, ("3.2.2-1",), "inpatient")
        )
        return
    for index, use in enumerate(inp.substances):
        if use.injecting is None:
            found.blocking.append(_missing(f"substances[{index}].injecting", key="injecting"))


def _previous_complications(inp: LevelInput, found: _Findings) -> None:
    """3.2.2-1 bullet 4 (G 1044) against 3.2.1-2 bullet 5 (G 988)."""
    complications = inp.previous_withdrawal_complications
    if complications is None:
        found.blocking.append(_missing("previous_withdrawal_complications"))
    elif complications:
        found.inpatient.append(
            Reason(
                "previous_complications",
                _M_PREVIOUS_COMPLICATIONS,
                {"complications": list(complications)},
                ("3.2.2-1",),
                "inpatient",
            )
        )


def _comorbidity(inp: LevelInput, found: _Findings) -> None:
    """3.2.2-1 bullet 5 (G 1046) against 3.2.1-2 bullet 7 (G 992).

    An acute somatic illness or a patient who cannot be woken is a somatic health problem; a
    severe mental illness or a high suicide risk is a mental one. Their unknowns are reported
    by the acute-referral rule.
    """
    groups = (
        (
            "somatic_comorbidity",
            _M_SOMATIC_COMORBIDITY,
            {
                "somatic_comorbidity": inp.somatic_comorbidity,
                "acute_somatic_illness": inp.acute_somatic_illness,
                "unconscious": inp.unconscious,
            },
        ),
        (
            "psychiatric_comorbidity",
            _M_PSYCHIATRIC_COMORBIDITY,
            {
                "psychiatric_comorbidity": inp.psychiatric_comorbidity,
                "severe_mental_illness": inp.severe_mental_illness,
                "high_suicide_risk": inp.high_suicide_risk,
            },
        ),
    )
    for code, message, facts in groups:
        present = [name for name, value in facts.items() if value]
        if present:
            found.inpatient.append(
                Reason(code, message, {"facts": present}, ("3.2.2-1",), "inpatient")
            )
        elif facts[code] is None:
            found.blocking.append(_missing(code))


def _home_support(inp: LevelInput, found: _Findings) -> None:
    """3.2.2-1 bullet 6 (G 1048) against 3.2.1-2 bullet 6 (G 990)."""
    if inp.home_support is None:
        found.blocking.append(_missing("home_support"))
    elif not inp.home_support:
        found.inpatient.append(
            Reason("no_home_support", _M_NO_HOME_SUPPORT, {}, ("3.2.2-1",), "inpatient")
        )


def _outpatient_followup(inp: LevelInput, found: _Findings) -> None:
    """3.2.2-1 last bullet (G 1052); 3.2.1-1 (G 972) presupposes such follow-up."""
    if inp.outpatient_followup_available is None:
        found.blocking.append(_missing("outpatient_followup_available"))
    elif not inp.outpatient_followup_available:
        found.inpatient.append(
            Reason(
                "no_outpatient_followup", _M_NO_OUTPATIENT_FOLLOWUP, {}, ("3.2.2-1",), "inpatient"
            )
        )


def _pregnancy(inp: LevelInput, found: _Findings) -> None:
    """12-3 (G 5730), 3.2.2-1 bullet 7 (G 1050), 4.2-3 (G 1431); cautions 12-2 (G 5720), 12-7."""
    if inp.pregnant is None:
        found.blocking.append(_missing("pregnant"))
        return
    if not inp.pregnant:
        return
    found.inpatient.append(
        Reason("pregnant", _M_PREGNANT, {}, ("12-3", "3.2.2-1", "4.2-3"), "inpatient")
    )
    found.cautions.append(
        Reason("pregnancy_information", _C_PREGNANCY_INFORMATION, {}, ("12-2",), None)
    )
    if inp.uses("opioids"):
        found.inpatient.append(_pregnant_opioids(inp))


def _pregnant_opioids(inp: LevelInput) -> Reason:
    """Never an opioid detox for a pregnant woman by default, whatever her LAR status.

    Outside LAR: 12-7 (G 5753-5755) stabilise on buprenorphine, with 10.3-1 (G 4906) "Gravide
    opioidavhengige pasienter" among those not to detox. In LAR: chapter 12 background (G
    5702-5706, WHO) says she stays in LAR during the pregnancy, and tapering LAR medication is
    outside the guideline (G 4887-4891), so it is not tapered. LAR status unknown: both ways
    are named and neither is a detox (a resolution). The proposal stays "inpatient": 12-3
    (admission offered, G 5730) and 4.2-3 (acute intervention considered, G 1431) come from the
    ``pregnant`` reason beside this one.
    """
    if inp.in_lar is False:
        return Reason(
            "pregnant_opioid_stabilise_not_detox",
            _M_PREGNANT_OPIOIDS_OUTSIDE_LAR,
            {},
            ("12-7", "10.3-1"),
            "inpatient",
        )
    if inp.in_lar:
        return Reason(
            "pregnant_opioid_stabilise_not_detox",
            _M_PREGNANT_OPIOIDS_IN_LAR,
            {},
            ("12", "10.3-1", "10.3-3"),
            "inpatient",
            background=True,
        )
    return Reason(
        "pregnant_opioid_stabilise_not_detox",
        _M_PREGNANT_OPIOIDS_LAR_UNKNOWN,
        {},
        ("12-7", "10.3-1", "12"),
        "inpatient",
        resolution=True,
    )


def _custody(inp: LevelInput, found: _Findings) -> None:
    """3.4-1 and 3.4-3 (G 1198-1212): detox in custody needs a staffed bed or cell.

    The guideline does not place prison detox on the outpatient/inpatient scale; round-the-clock
    staffed beds are inpatient-level care and follow-up at home is impossible, so the
    application counts it as inpatient (a resolution).
    """
    if inp.in_custody is None:
        found.blocking.append(_missing("in_custody"))
    elif inp.in_custody:
        found.inpatient.append(
            Reason(
                "in_custody",
                _M_IN_CUSTODY,
                {},
                ("3.4-3", "3.4-1"),
                "inpatient",
                resolution=True,
            )
        )


def _alcohol(inp: LevelInput, found: _Findings) -> None:
    """8.3.2-1 (G 3807-3816), 8.3.3-1 (G 3876-3882): conditions that apply to alcohol only."""
    if not inp.uses("alcohol"):
        return
    if inp.able_to_take_oral is None:
        found.blocking.append(_missing("able_to_take_oral"))
    elif not inp.able_to_take_oral:
        found.inpatient.append(
            Reason("alcohol_cannot_take_oral", _M_ALCOHOL_NOT_ORAL, {}, ("8.3.2-1",), "inpatient")
        )
    suspected = inp.dehydration_or_electrolyte_disturbance_suspected
    if suspected is None:
        found.blocking.append(_missing("dehydration_or_electrolyte_disturbance_suspected"))
    elif suspected:
        found.inpatient.append(
            Reason("alcohol_dehydration", _M_ALCOHOL_DEHYDRATION, {}, ("8.3.2-1",), "inpatient")
        )
    history = set(inp.previous_withdrawal_complications or ())
    seizures_or_dt = [c for c in ("seizures", "delirium_tremens") if c in history]
    if seizures_or_dt:
        found.inpatient.append(
            Reason(
                "alcohol_previous_seizures_or_dt",
                _M_ALCOHOL_SEIZURES_OR_DT,
                {"complications": seizures_or_dt},
                ("8.3.3-1", "8.3.2-1"),
                "inpatient",
            )
        )
    for name in ("ciwa_ar", "audit", "alcohol_units_per_day"):
        if getattr(inp, name) is None:
            found.supplementary.append(_missing(name))


def _alcohol_thresholds(inp: LevelInput, found: _Findings) -> None:
    """Severe withdrawal (8.3.2-4, 8.3.3-1, 4.2-5) and the NICE background (3.2, G 923-925).

    A score is evidence whatever the substance list says, so these fire whenever the value is
    given; if alcohol is not listed, a caution asks for the substance history to be completed.
    """
    fired = False
    if inp.ciwa_ar is not None and inp.ciwa_ar >= CIWA_AR_SEVERE_FROM:
        fired = True
        found.inpatient.append(
            Reason(
                "alcohol_severe_withdrawal",
                _M_ALCOHOL_SEVERE_CIWA,
                {"score": inp.ciwa_ar, "threshold": CIWA_AR_SEVERE_FROM},
                ("8.3.2-4", "8.3.3-1", "4.2-5"),
                "inpatient",
            )
        )
    units = inp.alcohol_units_per_day
    if units is not None and units > NICE_UNITS_PER_DAY_ABOVE:
        fired = True
        found.inpatient.append(
            Reason(
                "alcohol_units_above_nice_threshold",
                _M_ALCOHOL_UNITS,
                {"units": units, "threshold": NICE_UNITS_PER_DAY_ABOVE},
                ("3.2",),
                "inpatient",
                background=True,
            )
        )
    if inp.audit is not None and inp.audit >= NICE_AUDIT_FROM:
        fired = True
        found.inpatient.append(
            Reason(
                "audit_at_nice_threshold",
                _M_ALCOHOL_AUDIT,
                {"score": inp.audit, "threshold": NICE_AUDIT_FROM},
                ("3.2",),
                "inpatient",
                background=True,
                resolution=True,
            )
        )
    if fired and not inp.uses("alcohol"):
        found.cautions.append(
            Reason("alcohol_not_listed", _C_ALCOHOL_NOT_LISTED, {}, ("7.2-2",), None)
        )


def _opioids(inp: LevelInput, found: _Findings) -> None:
    """10.3-1..3 (G 4894-4930), 10.4.1 Vurdering (G 5001-5009) and 10.4.1-2 (G 5021-5023).

    Only for a detox from illegal opioids (``LevelInput.opioid_detox``): a LAR patient's LAR
    medication is not detoxed (caution ``lar_side_use_only``), and a pregnant woman is
    stabilised instead (``pregnant_opioid_stabilise_not_detox``).
    """
    if inp.lar_medication_row:
        found.cautions.append(
            Reason(
                "lar_side_use_only",
                _C_LAR_SIDE_USE,
                {"substances": [use.substance for use in inp.detox_substances]},
                ("10.3-3",),
                None,
                resolution=True,
            )
        )
    if not inp.opioid_detox:
        return
    _opioid_outpatient_conditions(inp, found)
    injecting = any(use.injecting for use in inp.substances if use.substance == "opioids")
    if injecting and inp.repeated_overdoses:
        # Vurdering text, not a numbered recommendation: background.
        found.inpatient.append(
            Reason(
                "opioid_injecting_repeated_overdoses",
                _M_OPIOID_INJECTING_OVERDOSES,
                {},
                ("10.4.1",),
                "inpatient",
                background=True,
            )
        )
    situations = _opioid_reluctance_situations(inp)
    if situations:
        found.cautions.append(
            Reason(
                "opioid_detox_reluctance",
                _C_OPIOID_RELUCTANCE,
                {"situations": situations},
                ("10.3-1",),
                None,
            )
        )
    found.cautions.append(
        Reason("opioid_tolerance_information", _C_OPIOID_TOLERANCE, {}, ("10.3-2",), None)
    )
    if inp.in_lar:
        found.cautions.append(Reason("opioid_lar_taper", _C_OPIOID_LAR, {}, ("10.3-3",), None))


def _opioid_outpatient_conditions(inp: LevelInput, found: _Findings) -> None:
    """10.4.1-2 (G 5021-5023): "Farmakologisk stabilisering av opioidbruken bør skje forut for
    avrusingen. Vanedannende legemidler bør utdeles daglig under tilsyn av helsepersonell." With
    G 5001-5003 (outpatient only "når forholdene er spesielt tilrettelagt"), both must be known
    to hold before outpatient opioid detox is proposed; either "no" decides the institution."""
    facts = {
        "opioid_stabilised": inp.opioid_stabilised,
        "supervised_daily_dispensing": inp.supervised_daily_dispensing,
    }
    absent = [name for name, value in facts.items() if value is False]
    if absent:
        found.inpatient.append(
            Reason(
                "opioid_outpatient_conditions_not_met",
                _M_OPIOID_CONDITIONS_NOT_MET,
                {"facts": absent},
                ("10.4.1-2", "10.4.2-1"),
                "inpatient",
            )
        )
    for name, value in facts.items():
        if value is None:
            found.blocking.append(_missing(name))
    if all(facts.values()):
        found.outpatient.append(
            Reason(
                "opioid_outpatient_conditions_hold",
                _M_OPIOID_CONDITIONS_HOLD,
                {},
                ("10.4.1-2",),
                "outpatient",
            )
        )


def _opioid_reluctance_situations(inp: LevelInput) -> list[str]:
    """The 10.3-1 bullets (G 4896-4912) the input can show; "legevakt" has no input field."""
    several = sum(1 for use in inp.detox_substances if use.dependent) >= 2
    candidates = (
        ("acute_somatic_illness", inp.acute_somatic_illness),
        ("unconscious", inp.unconscious),
        ("severe_mental_illness", inp.severe_mental_illness),
        ("high_suicide_risk", inp.high_suicide_risk),
        ("in_custody", inp.in_custody),
        ("pregnant", inp.pregnant),
        ("somatic_comorbidity", inp.somatic_comorbidity),
        ("psychiatric_comorbidity", inp.psychiatric_comorbidity),
        ("several_substances", several),
    )
    return [name for name, value in candidates if value]


def _ghb(inp: LevelInput, found: _Findings) -> None:
    """11.2-1 (G 5430-5432, grade B): admit; severe symptoms go to a medical emergency ward."""
    if not inp.uses("ghb"):
        return
    found.inpatient.append(Reason("ghb_admit", _M_GHB, {}, ("11.2-1",), "inpatient"))
    found.cautions.append(Reason("ghb_severe_symptoms", _C_GHB_SEVERE, {}, ("11.2-1",), "somatic"))


def _outpatient_substances(inp: LevelInput, found: _Findings) -> None:
    """Reasons that push outpatient; they show only when outpatient is proposed.

    Benzodiazepines: 9.3 lead-in (G 4497-4498) and 9.3.1 Vurdering (G 4550-4556), with
    9.3.1-3 (G 4586) for the follow-up. Cannabis only: 11.4 (G 5509-5511). Neither is a
    numbered recommendation, so both are background.
    """
    if inp.uses("benzodiazepines"):
        found.outpatient.append(
            Reason(
                "benzodiazepine_outpatient_start",
                _M_BENZODIAZEPINE_OUTPATIENT,
                {},
                ("9.3", "9.3.1-3"),
                "outpatient",
                background=True,
            )
        )
    if [use.substance for use in inp.detox_substances] == ["cannabis"]:
        found.outpatient.append(
            Reason(
                "cannabis_only_outpatient",
                _M_CANNABIS_OUTPATIENT,
                {},
                ("11.4",),
                "outpatient",
                background=True,
            )
        )


def _earlier_failed_outpatient(inp: LevelInput, found: _Findings) -> None:
    """3.2.1-3 (G 1002-1003): "Dersom pasienten ikke lykkes med poliklinisk behandling, bør
    pasienten tilbys innleggelse i institusjon". Unknown is listed without blocking outpatient:
    3.2.1-2 does not name it among the conditions (a resolution)."""
    if inp.earlier_failed_outpatient_detox is None:
        found.supplementary.append(_missing("earlier_failed_outpatient_detox"))
    elif inp.earlier_failed_outpatient_detox:
        found.inpatient.append(
            Reason(
                "earlier_failed_outpatient_detox",
                _M_EARLIER_FAILED_OUTPATIENT,
                {},
                ("3.2.1-3",),
                "inpatient",
            )
        )


def _repeated_overdoses(inp: LevelInput, found: _Findings) -> None:
    """13.1 background (G 5863-5865): "gjentatte livstruende overdoser er en risikofaktor for
    overdosedødsfall, både som uhell og selvmord". Repeated overdoses are never ignored: with
    injected opioids they advise against outpatient opioid detox (10.4.1 Vurdering, in
    ``_opioids``); otherwise they are a caution pointing to 4.1-2 (suicide risk), 4.2-4 (danger
    to life) and 13.1-9 (overdose prevention at discharge). That this is a caution and not a
    reason for admission is a resolution: the guideline ties "advise against outpatient" to
    injecting opioid use only (G 5005-5007)."""
    if not inp.repeated_overdoses:
        return
    if any(r.code == "opioid_injecting_repeated_overdoses" for r in found.inpatient):
        return
    found.cautions.append(
        Reason(
            "repeated_overdoses",
            _C_REPEATED_OVERDOSES,
            {},
            ("13.1", "4.1-2", "4.2-4", "13.1-9"),
            None,
            background=True,
            resolution=True,
        )
    )


def _sedatives_and_age(inp: LevelInput, found: _Findings) -> None:
    """8.4.2 Vurdering (G 3994-3998): "Hos noen pasientgrupper bør man være forsiktig med å gi
    beroligende legemidler, f.eks. hos pasienter som tidligere har brukt eller misbrukt
    benzodiazepiner, eldre eller hos pasienter med hodeskader." Background text, so the caution
    is background; the age limit for "eldre" (65) is the application's (a resolution). Earlier
    benzodiazepine use shows as benzodiazepines among the substances, and counts when another
    substance is detoxed too (sedatives for that withdrawal; a resolution). Under 18: the guideline
    addresses neither children nor adolescents (target group 1.2, G 286-300), so the caution
    says so (a resolution); the level rules still run.
    """
    grounds: list[str] = []
    elderly = inp.age_years is not None and inp.age_years >= ELDERLY_FROM_AGE
    if elderly:
        grounds.append("elderly")
    if inp.head_injury:
        grounds.append("head_injury")
    if inp.uses("benzodiazepines") and len(inp.detox_substances) >= 2:
        # Sedatives given for another withdrawal; a benzodiazepine taper alone is the drug itself.
        grounds.append("benzodiazepines")
    if grounds:
        found.cautions.append(
            Reason(
                "sedative_caution",
                _C_SEDATIVES_ELDERLY if elderly else _C_SEDATIVES,
                {"grounds": grounds, **({"age": ELDERLY_FROM_AGE} if elderly else {})},
                ("8.4.2",),
                None,
                background=True,
                resolution=elderly,
            )
        )
    if inp.age_years is not None and inp.age_years < ADULT_FROM_AGE:
        found.cautions.append(
            Reason(
                "adolescent_not_addressed",
                _C_ADOLESCENT,
                {"age": ADULT_FROM_AGE},
                ("1.2",),
                None,
                background=True,
                resolution=True,
            )
        )


_RULES: Final = (
    _acute_referral,
    _patient_preference,
    _several_substances,
    _injecting,
    _previous_complications,
    _comorbidity,
    _home_support,
    _outpatient_followup,
    _pregnancy,
    _custody,
    _alcohol,
    _alcohol_thresholds,
    _opioids,
    _ghb,
    _outpatient_substances,
    _earlier_failed_outpatient,
    _repeated_overdoses,
    _sedatives_and_age,
)
