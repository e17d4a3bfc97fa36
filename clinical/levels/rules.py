"""The treatment-level rules: each reads the input and records reasons, cautions and unknown
facts in ``_Findings``; ``_RULES`` lists them in the order they run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from clinical.levels.messages import (
    _ACUTE_CRITERION_MESSAGES,
    _C_ADOLESCENT,
    _C_ALCOHOL_NOT_LISTED,
    _C_BENZODIAZEPINE_TAPER_FIRST,
    _C_GHB_SEVERE,
    _C_LAR_SIDE_USE,
    _C_MIXED_USE,
    _C_OPIOID_LAR,
    _C_OPIOID_RELUCTANCE,
    _C_OPIOID_TOLERANCE,
    _C_PREGNANCY_INFORMATION,
    _C_REPEATED_OVERDOSES,
    _C_SEDATIVES,
    _C_SEDATIVES_ELDERLY,
    _M_ACUTE_SOMATIC_ILLNESS,
    _M_ALCOHOL_AUDIT,
    _M_ALCOHOL_DEHYDRATION,
    _M_ALCOHOL_NOT_ORAL,
    _M_ALCOHOL_SEIZURES_OR_DT,
    _M_ALCOHOL_SEVERE_CIWA,
    _M_ALCOHOL_UNITS,
    _M_BENZODIAZEPINE_OUTPATIENT,
    _M_CANNABIS_OUTPATIENT,
    _M_CURRENT_DELIRIUM,
    _M_EARLIER_FAILED_OUTPATIENT,
    _M_GHB,
    _M_HIGH_SUICIDE_RISK,
    _M_IN_CUSTODY,
    _M_INJECTING,
    _M_NO_HOME_SUPPORT,
    _M_NO_OUTPATIENT_FOLLOWUP,
    _M_OPIOID_CONDITIONS_HOLD,
    _M_OPIOID_CONDITIONS_NOT_MET,
    _M_OPIOID_INJECTING_OVERDOSES,
    _M_PREFERS_INPATIENT,
    _M_PREGNANT,
    _M_PREGNANT_OPIOIDS_IN_LAR,
    _M_PREGNANT_OPIOIDS_LAR_UNKNOWN,
    _M_PREGNANT_OPIOIDS_OUTSIDE_LAR,
    _M_PREVIOUS_COMPLICATIONS,
    _M_PSYCHIATRIC_COMORBIDITY,
    _M_SEVERAL_SUBSTANCES,
    _M_SEVERE_MENTAL_ILLNESS,
    _M_SOMATIC_COMORBIDITY,
    _M_UNCONSCIOUS,
    _M_WERNICKE,
    _MISSING_MESSAGES,
)
from clinical.levels.model import (
    ACUTE_CRITERIA,
    ACUTE_CRITERION_REFS,
    ADULT_FROM_AGE,
    CIWA_AR_SEVERE_FROM,
    ELDERLY_FROM_AGE,
    NICE_AUDIT_FROM,
    NICE_UNITS_PER_DAY_ABOVE,
    LevelInput,
    Missing,
    Reason,
    Referral,
)

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
