"""The treatment-level engine's input (``LevelInput``), its proposal (``LevelProposal`` with
reasons, cautions and missing facts), their vocabularies and the thresholds the rules use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Final, Literal, get_args

from clinical.jsonable import json_ready

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
            "params": {key: json_ready(value) for key, value in self.params.items()},
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


# The API field names are the dataclass field names, in the same order.
_TOP_LEVEL_FIELDS: Final = tuple(f.name for f in fields(LevelInput))
