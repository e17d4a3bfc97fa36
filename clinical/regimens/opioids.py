"""Opioids (10.3-10.5, 12-7, 13.1-9): buprenorphine with naloxone, what is not offered, and
pregnancy.
"""

from __future__ import annotations

from dataclasses import dataclass

from clinical.messages import gettext_noop
from clinical.regimens.common import (
    _D_SEE_TAPER,
    _NO_DOSE,
    Condition,
    DoseSpec,
    PlanLine,
    RegimenProposal,
    Setting,
    _missing,
)

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


def _pregnant_reluctant_detox() -> PlanLine:
    """10.3-1: be reluctant to detox a pregnant opioid-dependent patient."""
    return PlanLine(
        "pregnant_reluctant_detox",
        "note",
        (),
        None,
        None,
        _M_PREGNANT_RELUCTANT,
        ("10.3-1",),
        reasons=("pregnant",),
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
            _pregnant_reluctant_detox(),
        ]
    elif pregnant:
        lines.append(_pregnant_reluctant_detox())
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
