"""Opioid-withdrawal medication advice for a COWS or SOWS score (chapter 10, 12-7).

Pure, like ``clinical.advice``: the caller passes the score, the intake facts, the episode's doses
and ``now``. Guideline line numbers ("G 5206") refer to
``guidelines/data/source/retningslinje-avrusning-2014.txt``.

What the guideline says, and all that this module says (it gives no dose, no schedule and no
COWS/SOWS threshold for medication, so neither does the advice):

- 10.5-1 (G 5206–5208): "Ved avrusning av opioidavhengige pasienter, bør buprenorfin med nalokson
  være første valg med klonidin eller lofexidin som andre valg." Clonidine gives more falls in
  blood pressure (G 5176–5178). A buprenorphine or methadone taper only for a patient who is
  opioid dependent (G 5192–5194).
- 10.5-3 (G 5216): no detox under anaesthesia, no detox under heavy sedation.
- The first buprenorphine dose (10.1.2, G 4762–4764): "Hvis man gir buprenorfin til en pasient
  som bruker en ren agonist, vil denne oftest få betydelige abstinenssymptomer." The guideline
  gives no score or number of hours for it; the advice says so.
- Pregnant, not in LAR: stabilise on buprenorphine while the further course is planned with her
  (12-7, G 5753–5755), and be reluctant with opioid detox in pregnancy (10.3-1, G 4894–4900). No
  detox is proposed.
- In LAR: tapering LAR medication needs special follow-up and lies outside the guideline
  (G 4887–4891, 10.3-3); a pregnant woman in LAR stays in LAR (G 5702–5706). LAR medication is not
  tapered here.
- Drowsy or very tired: no sedating drug, hold and call the doctor. The guideline says this for
  alcohol (8.3.1, G 3771–3773); applying it to opioid withdrawal, where buprenorphine and clonidine
  sedate too, is a local resolution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final, Literal

from clinical.advice import sedative_cautions
from clinical.advice.context import (
    _KIND_ORDER,
    Administration,
    AdviceError,
    AdviceLine,
    LineLookup,
    _age,
    _aware_utc,
    _drug_and_dose,
    _mg,
    _optional_flag,
    _params,
)
from clinical.instruments import INSTRUMENTS
from clinical.messages import gettext_noop

BUPRENORPHINE: Final = "buprenorphine"
BUPRENORPHINE_NALOXONE: Final = "buprenorphine_naloxone"
CLONIDINE: Final = "clonidine"
OPIOID_SCALES: Final = ("cows", "sows")

OpioidProtocol = Literal["detox", "pregnant_stabilise", "lar", "hold"]

MSG_FIRST_CHOICE: Final = gettext_noop(
    "Buprenorphine with naloxone is the first choice for opioid withdrawal, with clonidine or "
    "lofexidine as the second choice. The guideline gives no dose or schedule: the doctor "
    "prescribes. Buprenorphine given in this episode: %(buprenorphine)s mg; clonidine: "
    "%(clonidine)s mg."
)
MSG_FIRST_DOSE_TIMING: Final = gettext_noop(
    "No buprenorphine is recorded yet. Give the first dose only when the patient has clear "
    "withdrawal: given to a patient who still has a full opioid agonist (such as heroin or "
    "methadone) in the body, buprenorphine often brings on marked withdrawal. The guideline gives "
    "no score and no number of hours for the first dose."
)
MSG_CLONIDINE_BLOOD_PRESSURE: Final = gettext_noop(
    "Clonidine, the second choice, is associated with more frequent falls in blood pressure."
)
MSG_ONLY_IF_DEPENDENT: Final = gettext_noop(
    "A buprenorphine (or methadone) taper should be used only if the patient is opioid dependent."
)
MSG_NO_HEAVY_SEDATION: Final = gettext_noop(
    "Detox under anaesthesia is advised against, and detox under heavy sedation should not be used."
)
MSG_NO_SCORE_THRESHOLD: Final = gettext_noop(
    "The guideline gives no %(instrument)s score at which to start or change medication: the score "
    "follows the course, and the doctor decides."
)
MSG_LAR_NOT_RECORDED: Final = gettext_noop(
    "Whether the patient is in LAR (opioid maintenance treatment) is not recorded: check before "
    "any buprenorphine is given. LAR medication is not tapered in a detox."
)
MSG_IN_LAR: Final = gettext_noop(
    "The patient is in LAR: the LAR medication is not tapered in this detox. Tapering from LAR "
    "medication needs special follow-up over a long time and lies outside the guideline. "
    "Withdrawal symptoms are for the doctor to assess."
)
MSG_PREGNANT_IN_LAR: Final = gettext_noop(
    "Pregnant and in LAR: she stays in LAR during the pregnancy, and the LAR medication is not "
    "tapered. Be reluctant with opioid detox in pregnancy. Withdrawal symptoms are for the doctor "
    "to assess."
)
MSG_PREGNANT_STABILISE: Final = gettext_noop(
    "Pregnant and opioid dependent: no opioid detox. Stabilise her on buprenorphine while "
    "assessment and planning of the further course are done together with her, and be reluctant "
    "with detox. The guideline gives no dose: the doctor prescribes. Buprenorphine given in this "
    "episode: %(buprenorphine)s mg."
)
MSG_PREGNANCY_NOT_RECORDED: Final = gettext_noop(
    "Pregnancy is not recorded: a pregnant opioid-dependent woman is stabilised on buprenorphine, "
    "not detoxed. Ask, and offer a pregnancy test where pregnancy is possible."
)
MSG_DROWSY_OPIOID: Final = gettext_noop(
    "The patient is drowsy or very tired: give no buprenorphine, clonidine or other sedating drug "
    "now, since it can reduce consciousness further. Hold, and call the doctor. Reduced "
    "consciousness should also make the doctor rule out other causes such as overdose."
)


@dataclass(frozen=True)
class OpioidAdviceContext:
    """What the COWS/SOWS advice depends on. ``None`` means "not recorded", not "no"."""

    instrument: str  # "cows" or "sows"
    score: int
    now: datetime
    drowsy: bool | None = None
    pregnant: bool | None = None
    in_lar: bool | None = None
    age_years: int | None = None
    head_injury: bool | None = None
    benzodiazepine_misuse: bool | None = None
    administrations: Sequence[Administration] = ()


@dataclass(frozen=True)
class OpioidAdvice(LineLookup):
    instrument: str
    score: int
    protocol: OpioidProtocol
    buprenorphine_given_mg: Decimal
    clonidine_given_mg: Decimal
    lines: tuple[AdviceLine, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "instrument": self.instrument,
            "score": self.score,
            "protocol": self.protocol,
            "buprenorphine_given_mg": str(_mg(self.buprenorphine_given_mg)),
            "clonidine_given_mg": str(_mg(self.clonidine_given_mg)),
            "lines": [line.as_dict() for line in self.lines],
        }


def _given(ctx: OpioidAdviceContext, now: datetime) -> tuple[Decimal, Decimal]:
    buprenorphine, clonidine = Decimal(0), Decimal(0)
    for index, given in enumerate(ctx.administrations):
        name = f"administrations[{index}]"
        drug, mg = _drug_and_dose(name, given)
        if _aware_utc(f"{name}.given_at", given.given_at) > now:
            raise AdviceError(f"{name}.given_at is after now")
        if drug in (BUPRENORPHINE, BUPRENORPHINE_NALOXONE):
            buprenorphine += mg
        elif drug == CLONIDINE:
            clonidine += mg
    return buprenorphine, clonidine


def _lar_not_recorded() -> AdviceLine:
    """10.3-3: whether the patient is in LAR decides the protocol, and it is not recorded."""
    return AdviceLine("lar_not_recorded", MSG_LAR_NOT_RECORDED, "warning", refs=("10.3-3",))


def _first_dose_timing() -> AdviceLine:
    """10.1.2: when to give the first buprenorphine dose (none given yet)."""
    return AdviceLine(
        "buprenorphine_first_dose_timing", MSG_FIRST_DOSE_TIMING, "warning", sections=("10.1.2",)
    )


def _detox_lines(
    buprenorphine: Decimal, clonidine: Decimal, in_lar: bool | None
) -> list[AdviceLine]:
    lines: list[AdviceLine] = []
    if in_lar is None:
        lines.append(_lar_not_recorded())
    lines.append(
        AdviceLine(
            "buprenorphine_naloxone_first_choice",
            MSG_FIRST_CHOICE,
            "dose",
            refs=("10.5-1",),
            params=_params(buprenorphine=_mg(buprenorphine), clonidine=_mg(clonidine)),
            drug=BUPRENORPHINE_NALOXONE,
        )
    )
    if buprenorphine == 0:
        lines.append(_first_dose_timing())
    lines += [
        AdviceLine(
            "clonidine_blood_pressure",
            MSG_CLONIDINE_BLOOD_PRESSURE,
            "info",
            refs=("10.5-1",),
            sections=("10.5",),
        ),
        AdviceLine(
            "taper_only_if_opioid_dependent", MSG_ONLY_IF_DEPENDENT, "info", sections=("10.5",)
        ),
        AdviceLine(
            "no_detox_under_heavy_sedation", MSG_NO_HEAVY_SEDATION, "info", refs=("10.5-3",)
        ),
    ]
    return lines


def opioid_advice(ctx: OpioidAdviceContext) -> OpioidAdvice:
    """The guideline's medication advice for a COWS or SOWS score taken at ``ctx.now``."""
    if ctx.instrument not in OPIOID_SCALES:
        raise AdviceError(f"instrument must be one of {', '.join(OPIOID_SCALES)}")
    maximum = INSTRUMENTS[ctx.instrument].max_total
    if isinstance(ctx.score, bool) or not isinstance(ctx.score, int):
        raise AdviceError(f"score must be an int, got {ctx.score!r}")
    if not 0 <= ctx.score <= maximum:
        raise AdviceError(f"score must be 0–{maximum}, got {ctx.score}")
    now = _aware_utc("now", ctx.now)
    drowsy = _optional_flag("drowsy", ctx.drowsy)
    pregnant = _optional_flag("pregnant", ctx.pregnant)
    in_lar = _optional_flag("in_lar", ctx.in_lar)
    buprenorphine, clonidine = _given(ctx, now)
    name = INSTRUMENTS[ctx.instrument].name
    lines: list[AdviceLine] = sedative_cautions(
        age_years=_age(ctx.age_years),
        head_injury=_optional_flag("head_injury", ctx.head_injury),
        benzodiazepine_misuse=_optional_flag("benzodiazepine_misuse", ctx.benzodiazepine_misuse),
    )
    lines.append(
        AdviceLine(
            "opioid_scale_no_medication_threshold",
            MSG_NO_SCORE_THRESHOLD,
            "info",
            params=_params(instrument=name),
            sections=("7.3.9",) if ctx.instrument == "cows" else ("7.3.11",),
        )
    )
    protocol: OpioidProtocol
    if in_lar:
        # G 4887–4891 (10.3-3); pregnant in LAR stays in LAR, G 5702–5706 (with 10.3-1).
        protocol = "lar"
        if pregnant:
            lines.append(
                AdviceLine(
                    "pregnant_in_lar_stays",
                    MSG_PREGNANT_IN_LAR,
                    "escalate",
                    refs=("10.3-1",),
                    sections=("10.3",),
                )
            )
        else:
            lines.append(
                AdviceLine(
                    "in_lar_not_tapered",
                    MSG_IN_LAR,
                    "escalate",
                    refs=("10.3-3",),
                    sections=("10.3",),
                )
            )
    elif pregnant:
        # 12-7 (G 5753–5755) with 10.3-1 (G 4894–4900): stabilise, never detox by default.
        protocol = "pregnant_stabilise"
        if in_lar is None:
            # In LAR she would stay in LAR (G 5702–5706) rather than start buprenorphine.
            lines.append(_lar_not_recorded())
        lines.append(
            AdviceLine(
                "pregnant_stabilise_buprenorphine",
                MSG_PREGNANT_STABILISE,
                "escalate",
                refs=("12-7", "10.3-1"),
                params=_params(buprenorphine=_mg(buprenorphine)),
                drug=BUPRENORPHINE,
            )
        )
        if buprenorphine == 0:
            lines.append(_first_dose_timing())
    else:
        protocol = "detox"
        if pregnant is None:
            lines.append(
                AdviceLine(
                    "pregnancy_not_recorded",
                    MSG_PREGNANCY_NOT_RECORDED,
                    "info",
                    refs=("12-1", "12-7"),
                )
            )
        lines += _detox_lines(buprenorphine, clonidine, in_lar)
    if drowsy:
        # G 3771–3773 (8.3.1), applied to opioid withdrawal (local resolution): no medication line
        # at all, and no proposal to start buprenorphine.
        protocol = "hold"
        lines = [
            line
            for line in lines
            if line.kind != "dose"
            and line.code
            not in ("pregnant_stabilise_buprenorphine", "buprenorphine_first_dose_timing")
        ]
        lines.insert(
            0,
            AdviceLine(
                "drowsy_hold_sedatives",
                MSG_DROWSY_OPIOID,
                "escalate",
                sections=("8.3.1",),
                resolution=True,
            ),
        )
    lines.sort(key=lambda line: _KIND_ORDER[line.kind])
    return OpioidAdvice(
        instrument=ctx.instrument,
        score=ctx.score,
        protocol=protocol,
        buprenorphine_given_mg=buprenorphine,
        clonidine_given_mg=clonidine,
        lines=tuple(lines),
    )
