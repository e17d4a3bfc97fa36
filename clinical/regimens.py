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
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Final, Literal

from django.utils.translation import gettext_noop

from clinical.tapers import FieldError

Kind = Literal["give", "consider", "avoid", "note"]
Setting = Literal["outpatient", "inpatient"]

# 8.4.3-1 (G 4063-4065): "drukket tett, f.eks. mer enn en uke", i.e. more than 7 days.
CONTINUOUS_DRINKING_DAYS_ABOVE: Final = 7
# 8.4.3-2 (G 4071): valproic acid "ved promille under 1".
VALPROATE_START_PERMILLE_BELOW: Final = Fraction(1)
# 8.4.4 (G 4082): no antihistamines "når pasienten har over 0,5 promille".
ANTIHISTAMINE_PERMILLE_ABOVE: Final = Fraction(1, 2)
# 6.2.2-B2 (G 2656-2658): "mangelfull søvn over to døgn" (CLINICAL.md: more than 2 nights).
POOR_SLEEP_NIGHTS_ABOVE: Final = 2
# Upper bounds only catch typing errors; they are not clinical limits.
MAX_DAYS: Final = 36_500
MAX_PERMILLE: Final = Fraction(20)

# Drug codes used in lines; the names are for display.
DRUG_NAMES: Final[Mapping[str, str]] = {
    "thiamine": gettext_noop("thiamine (vitamin B1)"),
    "multivitamin": gettext_noop("multivitamin tablets"),
    "valproic_acid": gettext_noop("valproic acid"),
    "benzodiazepine": gettext_noop("a benzodiazepine"),
    "diazepam": gettext_noop("diazepam"),
    "oxazepam": gettext_noop("oxazepam"),
    "olanzapine": gettext_noop("olanzapine"),
    "zopiclone": gettext_noop("zopiclone"),
    "nitrazepam": gettext_noop("nitrazepam"),
    "trimipramine": gettext_noop("trimipramine"),
    "mianserin": gettext_noop("mianserin"),
    "alimemazine": gettext_noop("alimemazine"),
    "antihistamine": gettext_noop("antihistamines"),
    "carbamazepine": gettext_noop("carbamazepine"),
    "buprenorphine_naloxone": gettext_noop("buprenorphine with naloxone"),
    "clonidine": gettext_noop("clonidine"),
    "lofexidine": gettext_noop("lofexidine"),
    "methadone": gettext_noop("methadone"),
}

_NO_DOSE = gettext_noop("The guideline gives no dose.")


# --- Output -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseSpec:
    """A dose as text (msgid) and, where the guideline gives one, in mg."""

    text: str
    mg: Fraction | None = None
    mg_range: tuple[Fraction, Fraction] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "mg": _num(self.mg),
            "mg_range": None if self.mg_range is None else [_num(v) for v in self.mg_range],
        }


@dataclass(frozen=True)
class Condition:
    """A fact that must hold when the line is carried out; ``met`` is None when unknown."""

    code: str
    message: str
    met: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "met": self.met}


@dataclass(frozen=True)
class PlanLine:
    code: str
    kind: Kind
    drugs: tuple[str, ...]
    dose: DoseSpec | None
    schedule: str | None
    message: str
    refs: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict)
    conditions: tuple[Condition, ...] = ()
    reasons: tuple[str, ...] = ()
    resolution: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "drug": self.drugs[0] if len(self.drugs) == 1 else None,
            "drugs": list(self.drugs),
            "dose": None if self.dose is None else self.dose.to_dict(),
            "schedule": self.schedule,
            "message": self.message,
            "params": {key: _json_ready(value) for key, value in self.params.items()},
            "refs": list(self.refs),
            "conditions": [condition.to_dict() for condition in self.conditions],
            "reasons": list(self.reasons),
            "resolution": self.resolution,
        }


@dataclass(frozen=True)
class RegimenProposal:
    lines: tuple[PlanLine, ...]
    missing: tuple[str, ...] = ()

    def codes(self) -> list[str]:
        return [line.code for line in self.lines]

    def line(self, code: str) -> PlanLine | None:
        return next((line for line in self.lines if line.code == code), None)

    def to_dict(self) -> dict[str, Any]:
        return {"lines": [line.to_dict() for line in self.lines], "missing": list(self.missing)}


class RegimenInputError(ValueError):
    """An input value is out of range; ``errors`` names each bad field (as ``TaperInputError``)."""

    def __init__(self, field_errors: list[FieldError]) -> None:
        self.field_errors = tuple(field_errors)
        super().__init__("; ".join(f"{e.field}: {e.text}" for e in self.field_errors))

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [error.to_dict() for error in self.field_errors]


_E_COUNT = gettext_noop("Must be a whole number from 0 to %(max)s, or null.")
_E_PERMILLE = gettext_noop("Must be a number from 0 to %(max)s, or null.")


def _num(value: Fraction | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value.denominator == 1 else round(float(value), 3)


def _json_ready(value: Any) -> Any:
    if isinstance(value, Fraction):
        return _num(value)
    if isinstance(value, tuple | list):
        return [_json_ready(item) for item in value]
    return value


def _check_count(name: str, value: int | None, errors: list[FieldError]) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        errors.append(FieldError(name, _E_COUNT, {"max": MAX_DAYS}))


def _permille(value: float | Fraction | None, errors: list[FieldError]) -> Fraction | None:
    """A per-mille reading as an exact fraction (1.0 must compare equal to 1)."""
    if value is None:
        return None
    number: Fraction | None = None
    if isinstance(value, Fraction | int) and not isinstance(value, bool):
        number = Fraction(value)
    elif isinstance(value, float) and math.isfinite(value):
        number = Fraction(repr(value))
    if number is None or not 0 <= number <= MAX_PERMILLE:
        errors.append(
            FieldError("breath_alcohol_permille", _E_PERMILLE, {"max": int(MAX_PERMILLE)})
        )
        return None
    return number


def _raise(errors: list[FieldError]) -> None:
    if errors:
        raise RegimenInputError(errors)


def _missing(**facts: object) -> tuple[str, ...]:
    return tuple(name for name, value in facts.items() if value is None)


# --- Alcohol (8.4) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AlcoholInput:
    """Facts for the alcohol regimen. ``breath_alcohol_permille`` is the latest reading (the
    guideline says "promille"; a breathalyser reading in per mille is what the ward has)."""

    setting: Setting
    continuous_drinking_days: int | None = None
    earlier_seizures: bool | None = None
    earlier_delirium_tremens: bool | None = None
    earlier_severe_withdrawal: bool | None = None
    liver_failure: bool | None = None
    breath_alcohol_permille: float | Fraction | None = None
    somatically_reduced: bool | None = None
    malnourished: bool | None = None
    wernicke_suspected: bool | None = None
    delirium_tremens_now: bool | None = None
    no_sleep_last_24h: bool | None = None
    pregnant: bool | None = None

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        _check_count("continuous_drinking_days", self.continuous_drinking_days, errors)
        _permille(self.breath_alcohol_permille, errors)
        _raise(errors)

    @property
    def permille(self) -> Fraction | None:
        return _permille(self.breath_alcohol_permille, [])


_M_THIAMINE = gettext_noop(
    "Give vitamin B1 (thiamine) routinely, preferably as intramuscular injections."
)
_D_THIAMINE = gettext_noop("Vitamin B1, preferably intramuscular. The guideline gives no dose.")
_M_MULTIVITAMIN = gettext_noop("Give multivitamin tablets when the nutritional status is poor.")
_M_WERNICKE = gettext_noop(
    "Wernicke's encephalopathy: treat with 50-100 mg thiamine intravenously and admit the "
    "patient to a neurological or medical department."
)
_D_WERNICKE = gettext_noop("50-100 mg intravenously")
_M_VALPROATE_LOAD = gettext_noop(
    "Seizure prophylaxis: valproic acid 600-900 mg as a single dose when the alcohol level is "
    "below 1 per mille. Oral solution is a sensible start, as absorption from the gut is often "
    "poor."
)
_D_VALPROATE_LOAD = gettext_noop("600-900 mg once")
_S_VALPROATE_LOAD = gettext_noop("Once, when the alcohol level is below 1 per mille.")
_M_VALPROATE_MAINTAIN = gettext_noop(
    "Seizure prophylaxis: then valproic acid 300 mg three times a day for 3-5 days."
)
_D_VALPROATE_MAINTAIN = gettext_noop("300 mg three times a day")
_S_VALPROATE_MAINTAIN = gettext_noop("After the single dose, for 3-5 days.")
_M_PROPHYLAXIS_BENZODIAZEPINE_LIVER = gettext_noop(
    "Seizure prophylaxis with liver failure: use benzodiazepines, as valproic acid should be "
    "avoided."
)
_M_PROPHYLAXIS_BENZODIAZEPINE_PREGNANT = gettext_noop(
    "Seizure prophylaxis in pregnancy: pregnant women in alcohol withdrawal should be treated "
    "with benzodiazepines as chapter 8.4 recommends. Valproic acid is not proposed: the "
    "guideline names benzodiazepines for pregnant women (a local reading; it does not discuss "
    "valproic acid in pregnancy)."
)
_M_CIWA = gettext_noop(
    "Symptom-triggered diazepam: score CIWA-Ar and dose as the CIWA-Ar advice for the score says."
)
_D_CIWA = gettext_noop("As the CIWA-Ar advice for the current score says.")
_M_DELIRIUM_HISTORY = gettext_noop(
    "Delirium in the history: secure the night's sleep, preferably with a benzodiazepine, for "
    "example diazepam %(evening_mg)s mg in the evening; if the patient still cannot sleep, for "
    "example %(repeat_mg)s mg every hour until asleep."
)
_D_DELIRIUM_HISTORY = gettext_noop(
    "For example 20 mg in the evening, then 10 mg every hour until asleep."
)
_S_NIGHTLY = gettext_noop("In the evening.")
_M_DT_DIAZEPAM = gettext_noop(
    "Delirium tremens: give diazepam at short intervals, for example 10 mg every 5-10 minutes. "
    "Treat a full delirium on a ward with qualified medical staff and somatic monitoring."
)
_D_DT_DIAZEPAM = gettext_noop("For example 10 mg every 5-10 minutes")
_M_DT_OLANZAPINE = gettext_noop(
    "Delirium tremens, alternative: olanzapine 10 mg by mouth or intramuscularly every hour, "
    "to at most 30 mg."
)
_D_DT_OLANZAPINE = gettext_noop("10 mg every hour, at most 30 mg")
_M_SLEEP_ALCOHOL = gettext_noop(
    "The patient has not slept in the last 24 hours: offer a benzodiazepine or zopiclone for a "
    "short period."
)
_M_SLEEP_ALCOHOL_DELIRIUM = gettext_noop(
    "The patient has not slept in the last 24 hours: offer a benzodiazepine for a short period "
    "(not zopiclone, as there is a risk of delirium)."
)
_M_NO_ZOPICLONE = gettext_noop(
    "Do not give zopiclone when there is a risk of delirium in alcohol withdrawal."
)
_M_NO_ANTIHISTAMINE = gettext_noop(
    "Do not give antihistamines while the alcohol level is above 0.5 per mille (now %(permille)s)."
)
_C_BELOW_1 = gettext_noop("The alcohol level is below 1 per mille.")
_C_NO_LIVER_FAILURE = gettext_noop("No liver failure.")


def alcohol_regimen(facts: AlcoholInput) -> RegimenProposal:
    """Thiamine (8.4.1), seizure prophylaxis (8.4.3), CIWA-Ar (8.4.6), delirium (8.4.5),
    sleep (8.4.4-3) and the antihistamine limit (8.4.4, G 4082); pregnancy per 12-5."""
    lines = [
        *_thiamine_lines(facts),
        *_seizure_prophylaxis_lines(facts),
        *_delirium_lines(facts),
        *_alcohol_sleep_lines(facts),
    ]
    if facts.setting == "inpatient":
        # 8.4.6-1 (G 4200): CIWA-Ar at institutions; 8.4.6-3 (G 4215-4233): dosing by score.
        refs = ("8.4.6-3", "8.4.6-1", "12-5") if facts.pregnant else ("8.4.6-3", "8.4.6-1")
        lines.append(
            PlanLine(
                "ciwa_symptom_triggered_diazepam",
                "give",
                ("diazepam",),
                DoseSpec(_D_CIWA),
                None,
                _M_CIWA,
                refs,
            )
        )
    permille = facts.permille
    if permille is not None and permille > ANTIHISTAMINE_PERMILLE_ABOVE:
        lines.append(
            PlanLine(
                "no_antihistamine_above_half_permille",
                "avoid",
                ("antihistamine",),
                None,
                None,
                _M_NO_ANTIHISTAMINE,
                ("8.4.4-2",),
                {"permille": _num(permille)},
            )
        )
    return RegimenProposal(tuple(lines), _alcohol_missing(facts, lines))


def _alcohol_missing(facts: AlcoholInput, lines: list[PlanLine]) -> tuple[str, ...]:
    """The unrecorded facts that could add or change a line."""
    missing: list[str] = []
    indicated = bool(seizure_prophylaxis_reasons(facts))
    if not indicated:
        missing += _missing(
            continuous_drinking_days=facts.continuous_drinking_days,
            earlier_seizures=facts.earlier_seizures,
            earlier_severe_withdrawal=facts.earlier_severe_withdrawal,
        )
    # Earlier delirium adds lines of its own (8.4.5-1), whether or not prophylaxis is indicated.
    missing += _missing(earlier_delirium_tremens=facts.earlier_delirium_tremens)
    if indicated:
        missing += _missing(pregnant=facts.pregnant, liver_failure=facts.liver_failure)
    valproate = any("valproic_acid" in line.drugs for line in lines)
    if valproate and facts.breath_alcohol_permille is None:
        missing.append("breath_alcohol_permille")
    if facts.setting == "outpatient" and not facts.malnourished:
        missing += _missing(somatically_reduced=facts.somatically_reduced)
    missing += _missing(malnourished=facts.malnourished)
    return tuple(missing)


def _thiamine_lines(facts: AlcoholInput) -> list[PlanLine]:
    lines: list[PlanLine] = []
    # 8.4.1-1 (G 3901-3903); G 4197: "Pasienter skal også ved CIWA-administrert avrusning ha
    # tiaminbehandling" (8.4.6, where CIWA-Ar is used at institutions, 8.4.6-1).
    reasons = [
        code
        for code, applies in (
            ("somatically_reduced", facts.somatically_reduced),
            ("malnourished", facts.malnourished),
            ("ciwa_managed_detox", facts.setting == "inpatient"),
        )
        if applies
    ]
    if reasons:
        refs = ("8.4.1-1", "8.4.6-1") if "ciwa_managed_detox" in reasons else ("8.4.1-1",)
        lines.append(
            PlanLine(
                "thiamine",
                "give",
                ("thiamine",),
                DoseSpec(_D_THIAMINE),
                None,
                _M_THIAMINE,
                refs,
                reasons=tuple(reasons),
            )
        )
    if facts.malnourished:
        # 8.4.1-3 (G 3909).
        lines.append(
            PlanLine(
                "multivitamin",
                "give",
                ("multivitamin",),
                DoseSpec(_NO_DOSE),
                None,
                _M_MULTIVITAMIN,
                ("8.4.1-3",),
                reasons=("malnourished",),
            )
        )
    if facts.wernicke_suspected:
        # 8.4.1-2 (G 3905-3907).
        dose = DoseSpec(_D_WERNICKE, mg_range=(Fraction(50), Fraction(100)))
        lines.append(
            PlanLine(
                "wernicke_thiamine_iv",
                "give",
                ("thiamine",),
                dose,
                None,
                _M_WERNICKE,
                ("8.4.1-2",),
                reasons=("wernicke_suspected",),
            )
        )
    return lines


def seizure_prophylaxis_reasons(facts: AlcoholInput) -> tuple[str, ...]:
    """Why 8.4.3-1 offers prophylaxis (G 4063-4069): drinking continuously for more than a
    week, earlier seizures or other severe withdrawal reactions (delirium tremens is one)."""
    days = facts.continuous_drinking_days
    return tuple(
        code
        for code, applies in (
            (
                "continuous_drinking_over_one_week",
                days is not None and days > CONTINUOUS_DRINKING_DAYS_ABOVE,
            ),
            ("earlier_seizures", facts.earlier_seizures),
            ("earlier_delirium_tremens", facts.earlier_delirium_tremens),
            ("earlier_severe_withdrawal", facts.earlier_severe_withdrawal),
        )
        if applies
    )


def _seizure_prophylaxis_lines(facts: AlcoholInput) -> list[PlanLine]:
    reasons = seizure_prophylaxis_reasons(facts)
    if not reasons:
        return []
    if facts.pregnant:
        # 12-5 (G 5741-5743): benzodiazepines per 8.4. Leaving valproic acid out is our reading.
        return [
            PlanLine(
                "seizure_prophylaxis_benzodiazepine",
                "give",
                ("benzodiazepine",),
                DoseSpec(_NO_DOSE),
                None,
                _M_PROPHYLAXIS_BENZODIAZEPINE_PREGNANT,
                ("12-5", "8.4.3-1"),
                reasons=(*reasons, "pregnant"),
                resolution=True,
            )
        ]
    if facts.liver_failure:
        # 8.4.3-3 (G 4075-4077).
        return [
            PlanLine(
                "seizure_prophylaxis_benzodiazepine",
                "give",
                ("benzodiazepine",),
                DoseSpec(_NO_DOSE),
                None,
                _M_PROPHYLAXIS_BENZODIAZEPINE_LIVER,
                ("8.4.3-3", "8.4.3-1"),
                reasons=(*reasons, "liver_failure"),
            )
        ]
    # 8.4.3-2 (G 4071-4073); oral solution first because absorption is poor (G 4057-4059).
    permille = facts.permille
    below = None if permille is None else permille < VALPROATE_START_PERMILLE_BELOW
    liver = None if facts.liver_failure is None else not facts.liver_failure
    conditions = (
        Condition("alcohol_below_1_permille", _C_BELOW_1, below),
        Condition("no_liver_failure", _C_NO_LIVER_FAILURE, liver),
    )
    load = DoseSpec(_D_VALPROATE_LOAD, mg_range=(Fraction(600), Fraction(900)))
    maintain = DoseSpec(_D_VALPROATE_MAINTAIN, mg=Fraction(300))
    return [
        PlanLine(
            "valproic_acid_single_dose",
            "give",
            ("valproic_acid",),
            load,
            _S_VALPROATE_LOAD,
            _M_VALPROATE_LOAD,
            ("8.4.3-2", "8.4.3-1"),
            conditions=conditions,
            reasons=reasons,
        ),
        PlanLine(
            "valproic_acid_maintenance",
            "give",
            ("valproic_acid",),
            maintain,
            _S_VALPROATE_MAINTAIN,
            _M_VALPROATE_MAINTAIN,
            ("8.4.3-2",),
            {"times_per_day": 3, "days_min": 3, "days_max": 5},
            conditions=conditions[1:],
            reasons=reasons,
        ),
    ]


def _delirium_lines(facts: AlcoholInput) -> list[PlanLine]:
    lines: list[PlanLine] = []
    if facts.earlier_delirium_tremens:
        # 8.4.5-1 (G 4137-4143): the doses are the guideline's own examples ("for eksempel").
        lines.append(
            PlanLine(
                "delirium_history_night_sedation",
                "give",
                ("diazepam",),
                DoseSpec(_D_DELIRIUM_HISTORY, mg=Fraction(20)),
                _S_NIGHTLY,
                _M_DELIRIUM_HISTORY,
                ("8.4.5-1",),
                {"evening_mg": 20, "repeat_mg": 10},
                reasons=("earlier_delirium_tremens",),
            )
        )
    if facts.delirium_tremens_now:
        # 8.4.5-2 (G 4147-4151); a full delirium belongs on a ward with medical staff (G 4132).
        lines.append(
            PlanLine(
                "delirium_tremens_diazepam",
                "give",
                ("diazepam",),
                DoseSpec(_D_DT_DIAZEPAM, mg=Fraction(10)),
                None,
                _M_DT_DIAZEPAM,
                ("8.4.5-2",),
                {"interval_minutes_min": 5, "interval_minutes_max": 10},
                reasons=("delirium_tremens_now",),
            )
        )
        lines.append(
            PlanLine(
                "delirium_tremens_olanzapine",
                "consider",
                ("olanzapine",),
                DoseSpec(_D_DT_OLANZAPINE, mg=Fraction(10)),
                None,
                _M_DT_OLANZAPINE,
                ("8.4.5-2",),
                {"max_mg": 30},
                reasons=("delirium_tremens_now",),
            )
        )
    return lines


def _delirium_risk(facts: AlcoholInput) -> bool:
    return bool(facts.earlier_delirium_tremens or facts.delirium_tremens_now)


def _alcohol_sleep_lines(facts: AlcoholInput) -> list[PlanLine]:
    lines: list[PlanLine] = []
    risk = _delirium_risk(facts)
    if facts.no_sleep_last_24h:
        # 8.4.4-3 (G 4106-4108); no zopiclone when delirium threatens (6.2.2, G 2635).
        if risk:
            lines.append(
                PlanLine(
                    "no_sleep_benzodiazepine",
                    "consider",
                    ("benzodiazepine",),
                    DoseSpec(_NO_DOSE),
                    None,
                    _M_SLEEP_ALCOHOL_DELIRIUM,
                    ("8.4.4-3", "6.2.2-B2"),
                    reasons=("no_sleep_last_24h", "delirium_risk"),
                )
            )
        else:
            lines.append(
                PlanLine(
                    "no_sleep_benzodiazepine_or_zopiclone",
                    "consider",
                    ("benzodiazepine", "zopiclone"),
                    DoseSpec(_NO_DOSE),
                    None,
                    _M_SLEEP_ALCOHOL,
                    ("8.4.4-3",),
                    reasons=("no_sleep_last_24h",),
                )
            )
    if risk:
        lines.append(
            PlanLine(
                "no_zopiclone_delirium_risk",
                "avoid",
                ("zopiclone",),
                None,
                None,
                _M_NO_ZOPICLONE,
                ("6.2.2-B2",),
                reasons=("delirium_risk",),
            )
        )
    return lines


# --- GHB (11.2) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GhbInput:
    severe_symptoms: bool | None = None


_M_GHB_ADMIT = gettext_noop("Patients to be detoxed from GHB should be admitted.")
_M_GHB_SEVERE = gettext_noop(
    "Severe GHB withdrawal symptoms: transfer the patient to a medical emergency department."
)
_M_GHB_DIAZEPAM = gettext_noop(
    "Treat anxiety, tremor and insomnia in GHB withdrawal with diazepam."
)
_M_GHB_DIAZEPAM_SEVERE = gettext_noop(
    "Severe GHB withdrawal symptoms most often need repeated, high doses of diazepam."
)
_D_GHB = gettext_noop(
    "The guideline gives no dose; considerable doses are often needed to gain control."
)


def ghb_regimen(facts: GhbInput) -> RegimenProposal:
    """11.2-1 (G 5430-5432) and 11.2-2 (G 5436-5438); diazepam is the drug to use (G 5421)."""
    lines = [
        PlanLine("ghb_admit", "note", (), None, None, _M_GHB_ADMIT, ("11.2-1",)),
        PlanLine(
            "ghb_diazepam",
            "give",
            ("diazepam",),
            DoseSpec(_D_GHB),
            None,
            _M_GHB_DIAZEPAM,
            ("11.2-2",),
        ),
    ]
    if facts.severe_symptoms:
        lines += [
            PlanLine(
                "ghb_severe_emergency_department",
                "note",
                (),
                None,
                None,
                _M_GHB_SEVERE,
                ("11.2-1",),
                reasons=("severe_symptoms",),
            ),
            PlanLine(
                "ghb_severe_diazepam",
                "give",
                ("diazepam",),
                DoseSpec(_D_GHB),
                None,
                _M_GHB_DIAZEPAM_SEVERE,
                ("11.2-2",),
                reasons=("severe_symptoms",),
            ),
        ]
    return RegimenProposal(tuple(lines), _missing(severe_symptoms=facts.severe_symptoms))


# --- Benzodiazepines (9.3, 9.4) ---------------------------------------------------------------


@dataclass(frozen=True)
class BenzodiazepineInput:
    pregnant: bool | None = None


_M_BENZODIAZEPINE_TAPER = gettext_noop(
    "Offer a benzodiazepine taper: oxazepam is the first choice, diazepam may also be used. "
    "Never stop abruptly after long use; see the taper plan."
)
_D_SEE_TAPER = gettext_noop("See the taper plan.")
_M_ADD_ON = gettext_noop(
    "Carbamazepine or valproic acid may be used in addition to oxazepam or diazepam, not "
    "instead of them."
)
_M_PREGNANT_SLOW = gettext_noop(
    "Pregnant and benzodiazepine-dependent: offer a slow taper with benzodiazepines."
)


def benzodiazepine_regimen(facts: BenzodiazepineInput) -> RegimenProposal:
    """9.4-1 (G 4686-4690), 9.3.1-1 (G 4576), 9.4-2 (G 4694, add-on only, G 4666-4672)."""
    lines = [
        PlanLine(
            "benzodiazepine_taper",
            "give",
            ("oxazepam", "diazepam"),
            DoseSpec(_D_SEE_TAPER),
            None,
            _M_BENZODIAZEPINE_TAPER,
            ("9.4-1", "9.3.1-1"),
        ),
        PlanLine(
            "benzodiazepine_taper_add_on",
            "consider",
            ("carbamazepine", "valproic_acid"),
            DoseSpec(_NO_DOSE),
            None,
            _M_ADD_ON,
            ("9.4-2",),
        ),
    ]
    if facts.pregnant:
        # 12-6 (G 5747-5749); Norway more often uses oxazepam (G 5686-5688).
        lines.append(
            PlanLine(
                "pregnant_slow_benzodiazepine_taper",
                "note",
                ("oxazepam", "diazepam"),
                None,
                None,
                _M_PREGNANT_SLOW,
                ("12-6",),
                reasons=("pregnant",),
            )
        )
    return RegimenProposal(tuple(lines), _missing(pregnant=facts.pregnant))


# --- Opioids (10.3-10.5, 12-7, 13.1-9) --------------------------------------------------------


@dataclass(frozen=True)
class OpioidInput:
    setting: Setting
    opioid_dependent: bool | None = None
    pregnant: bool | None = None
    in_lar: bool | None = None


_M_BUPRENORPHINE = gettext_noop(
    "Buprenorphine with naloxone is the first choice for opioid detox; see the taper plan."
)
_M_ALPHA2 = gettext_noop(
    "Second choice: clonidine or lofexidine. Monitor blood pressure: clonidine is linked to "
    "more frequent falls in blood pressure. Lofexidine is not registered in Norway and needs "
    "an exemption from registration."
)
_M_NOT_DEPENDENT = gettext_noop(
    "Not opioid-dependent: do not taper with buprenorphine or methadone, which would risk "
    "overtreatment."
)
_M_NO_METHADONE_OUTPATIENT = gettext_noop(
    "Do not use methadone in outpatient detox: it risks opioid overdose, especially with other "
    "drugs."
)
_M_NO_ANAESTHESIA = gettext_noop(
    "Detox under anaesthesia is advised against, and detox under heavy sedation should not be used."
)
_M_PREGNANT_STABILISE = gettext_noop(
    "Pregnant and opioid-dependent outside LAR: stabilise on buprenorphine while the further "
    "course is assessed and planned together with her."
)
_M_PREGNANT_RELUCTANT = gettext_noop("Be reluctant to detox pregnant opioid-dependent patients.")
_M_PREGNANT_LAR_STAY = gettext_noop(
    "Pregnant and in LAR: she stays on her LAR medicine during the pregnancy; the LAR medicine "
    "is not tapered here (tapering it is outside this guideline). Only side use is detoxed."
)
_M_PREGNANT_LAR_UNKNOWN = gettext_noop(
    "Pregnant and opioid-dependent, not known whether she is in LAR: outside LAR, stabilise "
    "her on buprenorphine while the further course is assessed and planned together with her; "
    "in LAR, she stays on her LAR medicine, which is not tapered. Record whether she is in LAR."
)
_M_PREGNANT_NO_TAPER = gettext_noop(
    "No opioid taper is proposed for a pregnant woman. A taper against this advice needs a "
    "reason, which is kept with the plan."
)
_M_TOLERANCE = gettext_noop(
    "Tell the patient about the loss of opioid tolerance after detox and the high risk of "
    "overdose and death; carry out overdose prevention at discharge."
)
_M_SUPERVISED = gettext_noop(
    "Stabilise before the detox; hand out dependence-forming medicines daily under the "
    "supervision of health personnel."
)
_C_BLOOD_PRESSURE = gettext_noop("Blood pressure is monitored.")
_D_STABILISE = gettext_noop(
    "The guideline gives no dose; see the guideline for pregnant women in LAR."
)


def _pregnant_opioid_lines(facts: OpioidInput) -> list[PlanLine]:
    """Pregnant, opioid-dependent (or not recorded): in LAR she stays on her LAR medicine
    (G 5702-5706; tapering it is outside the guideline, G 4887-4891: a local reading, marked);
    LAR not recorded: both courses, and the fact is asked for; always: no taper by default."""
    lines: list[PlanLine] = []
    if facts.in_lar is True:
        lines.append(
            PlanLine(
                "pregnant_in_lar_continue",
                "note",
                (),
                None,
                None,
                _M_PREGNANT_LAR_STAY,
                ("10.3-1",),
                reasons=("pregnant", "in_lar"),
                resolution=True,
            )
        )
    elif facts.in_lar is None:
        lines.append(
            PlanLine(
                "pregnant_stabilise_or_stay_in_lar",
                "consider",
                ("buprenorphine_naloxone",),
                DoseSpec(_D_STABILISE),
                None,
                _M_PREGNANT_LAR_UNKNOWN,
                ("12-7", "10.3-1"),
                reasons=("pregnant", "in_lar_not_recorded"),
                resolution=True,
            )
        )
    lines.append(
        PlanLine(
            "pregnant_no_opioid_taper",
            "avoid",
            ("buprenorphine_naloxone", "methadone"),
            None,
            None,
            _M_PREGNANT_NO_TAPER,
            ("12-7", "10.3-1"),
            reasons=("pregnant",),
        )
    )
    return lines


def opioid_regimen(facts: OpioidInput) -> RegimenProposal:
    """10.5-1..3 (G 5206-5216), 12-7 (G 5753-5755), 10.3-1..2, 10.4.1-2 and 13.1-9."""
    lines: list[PlanLine] = []
    # Issue 11: never a detox by default for a pregnant woman, in LAR, outside it or unknown.
    pregnant = bool(facts.pregnant) and facts.opioid_dependent is not False
    pregnant_outside_lar = pregnant and facts.in_lar is False
    if pregnant:
        lines += _pregnant_opioid_lines(facts)
    if pregnant_outside_lar:
        lines += [
            PlanLine(
                "pregnant_stabilise_on_buprenorphine",
                "give",
                ("buprenorphine_naloxone",),
                DoseSpec(_D_STABILISE),
                None,
                _M_PREGNANT_STABILISE,
                ("12-7",),
                reasons=("pregnant", "not_in_lar"),
            ),
            PlanLine(
                "pregnant_reluctant_detox",
                "note",
                (),
                None,
                None,
                _M_PREGNANT_RELUCTANT,
                ("10.3-1",),
                reasons=("pregnant",),
            ),
        ]
    elif pregnant:
        lines.append(
            PlanLine(
                "pregnant_reluctant_detox",
                "note",
                (),
                None,
                None,
                _M_PREGNANT_RELUCTANT,
                ("10.3-1",),
                reasons=("pregnant",),
            )
        )
    elif facts.opioid_dependent:
        lines += [
            PlanLine(
                "buprenorphine_naloxone_taper",
                "give",
                ("buprenorphine_naloxone",),
                DoseSpec(_D_SEE_TAPER),
                None,
                _M_BUPRENORPHINE,
                ("10.5-1",),
                reasons=("opioid_dependent",),
            ),
            # G 5107-5111 (lofexidine needs an exemption), G 5176-5178 (hypotension).
            PlanLine(
                "alpha2_agonist_second_choice",
                "consider",
                ("clonidine", "lofexidine"),
                DoseSpec(_NO_DOSE),
                None,
                _M_ALPHA2,
                ("10.5-1",),
                conditions=(Condition("blood_pressure_monitoring", _C_BLOOD_PRESSURE),),
                reasons=("opioid_dependent",),
            ),
        ]
    elif facts.opioid_dependent is False:
        # G 5192-5196.
        lines.append(
            PlanLine(
                "no_taper_without_dependence",
                "avoid",
                ("buprenorphine_naloxone", "methadone"),
                None,
                None,
                _M_NOT_DEPENDENT,
                ("10.5-1",),
                reasons=("not_opioid_dependent",),
            )
        )
    if facts.setting == "outpatient":
        lines += [
            PlanLine(
                "no_methadone_outpatient",
                "avoid",
                ("methadone",),
                None,
                None,
                _M_NO_METHADONE_OUTPATIENT,
                ("10.5-2",),
                reasons=("outpatient",),
            ),
            PlanLine(
                "supervised_daily_dispensing",
                "note",
                (),
                None,
                None,
                _M_SUPERVISED,
                ("10.4.1-2",),
                reasons=("outpatient",),
            ),
        ]
    lines += [
        PlanLine(
            "no_detox_under_anaesthesia_or_heavy_sedation",
            "avoid",
            (),
            None,
            None,
            _M_NO_ANAESTHESIA,
            ("10.5-3",),
        ),
        PlanLine(
            "tolerance_loss_and_overdose_prevention",
            "note",
            (),
            None,
            None,
            _M_TOLERANCE,
            ("10.3-2", "13.1-9"),
        ),
    ]
    missing = _missing(opioid_dependent=facts.opioid_dependent, pregnant=facts.pregnant)
    if facts.pregnant and facts.in_lar is None:
        missing += ("in_lar",)
    return RegimenProposal(tuple(lines), missing)


# --- Sleep (6.2.2, second block) --------------------------------------------------------------


@dataclass(frozen=True)
class SleepInput:
    """``poor_sleep_nights``: nights in a row with too little sleep; ``delirium_risk``: a risk
    of delirium in alcohol withdrawal (earlier or present delirium tremens)."""

    poor_sleep_nights: int | None = None
    clinically_affected: bool | None = None
    zopiclone_without_effect: bool | None = None
    delirium_risk: bool | None = None

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        _check_count("poor_sleep_nights", self.poor_sleep_nights, errors)
        _raise(errors)


_M_SLEEP_FIRST = gettext_noop(
    "For withdrawal-related sleep problems, try one of these first: trimipramine, mianserin or "
    "alimemazine. Use one sleep medicine at a time, and only for a short time."
)
_M_ZOPICLONE = gettext_noop(
    "Too little sleep for more than two nights, and it shows clinically: give zopiclone in the "
    "evening for up to three nights."
)
_M_NITRAZEPAM = gettext_noop(
    "Zopiclone gave no sleep: give a sleep-inducing benzodiazepine such as nitrazepam for up to "
    "three nights."
)
_M_SLEEP_DELIRIUM = gettext_noop(
    "Risk of delirium: no zopiclone; secure the night's sleep as the delirium advice says."
)
_S_UP_TO_THREE_NIGHTS = gettext_noop("In the evening, for up to three nights.")


def sleep_regimen(facts: SleepInput) -> RegimenProposal:
    """6.2.2-B1..B3 (G 2643-2664); one drug at a time (G 2625-2629); no zopiclone with a risk
    of delirium in alcohol withdrawal (G 2633-2635, pointing to 8.4.5/8.4.6)."""
    lines = [
        PlanLine(
            "sleep_first_choice",
            "consider",
            ("trimipramine", "mianserin", "alimemazine"),
            DoseSpec(_NO_DOSE),
            None,
            _M_SLEEP_FIRST,
            ("6.2.2-B1",),
        ),
    ]
    nights = facts.poor_sleep_nights
    long_poor_sleep = nights is not None and nights > POOR_SLEEP_NIGHTS_ABOVE
    if long_poor_sleep and facts.clinically_affected:
        if facts.delirium_risk:
            lines.append(
                PlanLine(
                    "sleep_no_zopiclone_delirium_risk",
                    "avoid",
                    ("zopiclone",),
                    None,
                    None,
                    _M_SLEEP_DELIRIUM,
                    ("6.2.2-B2", "8.4.5-1"),
                    reasons=("poor_sleep_over_two_nights", "delirium_risk"),
                )
            )
        else:
            lines.append(
                PlanLine(
                    "sleep_zopiclone",
                    "give",
                    ("zopiclone",),
                    DoseSpec(_NO_DOSE),
                    _S_UP_TO_THREE_NIGHTS,
                    _M_ZOPICLONE,
                    ("6.2.2-B2",),
                    {"max_nights": 3},
                    reasons=("poor_sleep_over_two_nights", "clinically_affected"),
                )
            )
    if facts.zopiclone_without_effect:
        lines.append(
            PlanLine(
                "sleep_nitrazepam",
                "give",
                ("nitrazepam",),
                DoseSpec(_NO_DOSE),
                _S_UP_TO_THREE_NIGHTS,
                _M_NITRAZEPAM,
                ("6.2.2-B3",),
                {"max_nights": 3},
                reasons=("zopiclone_without_effect",),
            )
        )
    missing = _missing(
        poor_sleep_nights=facts.poor_sleep_nights,
        clinically_affected=facts.clinically_affected,
        delirium_risk=facts.delirium_risk,
    )
    return RegimenProposal(tuple(lines), missing)
