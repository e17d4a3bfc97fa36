"""Alcohol withdrawal (8.4): thiamine, seizure prophylaxis, delirium and sleep."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from clinical.inputs import FieldError
from clinical.jsonable import json_number_or_none
from clinical.messages import gettext_noop
from clinical.regimens.common import (
    _NO_DOSE,
    ANTIHISTAMINE_PERMILLE_ABOVE,
    CONTINUOUS_DRINKING_DAYS_ABOVE,
    VALPROATE_START_PERMILLE_BELOW,
    Condition,
    DoseSpec,
    PlanLine,
    RegimenProposal,
    Setting,
    _check_count,
    _missing,
    _permille,
    _raise,
)

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
                {"permille": json_number_or_none(permille)},
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


def _benzodiazepine_prophylaxis(
    message: str, refs: tuple[str, ...], reasons: tuple[str, ...], *, resolution: bool = False
) -> PlanLine:
    """Seizure prophylaxis with a benzodiazepine instead of valproic acid (no dose stated)."""
    return PlanLine(
        "seizure_prophylaxis_benzodiazepine",
        "give",
        ("benzodiazepine",),
        DoseSpec(_NO_DOSE),
        None,
        message,
        refs,
        reasons=reasons,
        resolution=resolution,
    )


def _seizure_prophylaxis_lines(facts: AlcoholInput) -> list[PlanLine]:
    reasons = seizure_prophylaxis_reasons(facts)
    if not reasons:
        return []
    if facts.pregnant:
        # 12-5 (G 5741-5743): benzodiazepines per 8.4. Leaving valproic acid out is our reading.
        return [
            _benzodiazepine_prophylaxis(
                _M_PROPHYLAXIS_BENZODIAZEPINE_PREGNANT,
                ("12-5", "8.4.3-1"),
                (*reasons, "pregnant"),
                resolution=True,
            )
        ]
    if facts.liver_failure:
        # 8.4.3-3 (G 4075-4077).
        return [
            _benzodiazepine_prophylaxis(
                _M_PROPHYLAXIS_BENZODIAZEPINE_LIVER,
                ("8.4.3-3", "8.4.3-1"),
                (*reasons, "liver_failure"),
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
