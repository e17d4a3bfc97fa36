"""Checks of a proposed benzodiazepine or opioid order (CDS Hooks ``order-select``, issue 16).

This module decides nothing new. It runs, for one draft order, the rules the kernel already has:

- drowsiness: ``clinical.advice.cautions.drowsy_line`` (8.3.1, G 3771-3773: no sedative for a
  drowsy or very tired patient). The ward's opioid advice withholds its dose lines for a drowsy
  patient too, so an opioid order is checked the same way (marked a local reading);
- the sedative cautions (8.4.2: elderly, head injury, earlier benzodiazepine use; under 18 not
  addressed): ``sedative_cautions``, shared with the CIWA-Ar and COWS/SOWS advice;
- the regimens' lines for the drug: ``opioid_regimen`` (pregnancy 12-7/10.3-1, no methadone in
  outpatient detox 10.5-2, no taper without dependence 10.5-1) and ``benzodiazepine_regimen``
  (pregnancy 12-6). An ``avoid`` line naming the ordered drug is critical;
- the taper engine's start-dose bounds (local resolutions, not the guideline's): buprenorphine
  above ``MAX_BUPRENORPHINE_START_MG`` a day, and oxazepam/diazepam above ``start_bound_mg`` of
  the benzodiazepine use the intake records.

What could not be checked for want of a fact is listed in ``not_evaluated``, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final, Literal

from clinical.advice import AdviceLine
from clinical.advice.cautions import drowsy_line, sedative_cautions
from clinical.messages import gettext_noop
from clinical.regimens import (
    BenzodiazepineInput,
    OpioidInput,
    PlanLine,
    benzodiazepine_regimen,
    opioid_regimen,
)
from clinical.tapers import (
    BENZODIAZEPINE_TAPER_DRUGS,
    BUPRENORPHINE,
    MAX_BUPRENORPHINE_START_MG,
    CurrentUse,
    EquipotencyTable,
    default_equipotency,
    start_bound_mg,
)
from clinical.tapers.conversion import upper_converted_mg

DrugClass = Literal["benzodiazepine", "opioid"]
Severity = Literal["critical", "warning", "info"]
Setting = Literal["outpatient", "inpatient"]

ATC_SYSTEM: Final = "http://www.whocc.no/atc"
# WHO ATC codes of the drugs this check knows (the equivalence table's benzodiazepines and
# z-drugs, and the opioids used in detox or commonly met). Identification only, no dose rule.
ATC_DRUGS: Final[Mapping[str, str]] = {
    "N05BA01": "diazepam",
    "N05BA04": "oxazepam",
    "N05BA12": "alprazolam",
    "N03AE01": "clonazepam",
    "N05CD02": "nitrazepam",
    "N05CD03": "flunitrazepam",
    "N05CF01": "zopiclone",
    "N05CF02": "zolpidem",
    "N07BC01": "buprenorphine",
    "N07BC51": "buprenorphine",  # buprenorphine with naloxone
    "N07BC02": "methadone",
    "N02AE01": "buprenorphine",
    "N02AA01": "morphine",
    "N02AA05": "oxycodone",
    "N02AB01": "ketobemidone",
    "N02AB03": "fentanyl",
    "N02AX02": "tramadol",
    "R05DA04": "codeine",
}
# ATC groups of the drugs this check is about (benzodiazepine anxiolytics and hypnotics, the
# z-drugs, drugs used in opioid dependence, opioid analgesics): a code in one of them that is not
# in ATC_DRUGS is a drug of the kind this kernel has no rules for, said so, never passed over.
ATC_CHECKED_GROUPS: Final = ("N05BA", "N05CD", "N05CF", "N07BC", "N02A", "N03AE", "R05DA")


def unchecked_atc(codes: Sequence[tuple[str | None, str | None]]) -> str | None:
    """An ATC code of the checked groups that this kernel does not know, if the order has one
    and no code it knows."""
    found = None
    for system, code in codes:
        if not code or (system or ATC_SYSTEM) != ATC_SYSTEM:
            continue
        if code.upper() in ATC_DRUGS:
            return None
        if code.upper().startswith(ATC_CHECKED_GROUPS):
            found = code.upper()
    return found


# Names (English, Norwegian spelling, common Norwegian brands) read from the order's text.
DRUG_WORDS: Final[Mapping[str, str]] = {
    "diazepam": "diazepam",
    "stesolid": "diazepam",
    "valium": "diazepam",
    "vival": "diazepam",
    "oxazepam": "oxazepam",
    "oksazepam": "oxazepam",
    "sobril": "oxazepam",
    "alprazolam": "alprazolam",
    "xanax": "alprazolam",
    "clonazepam": "clonazepam",
    "klonazepam": "clonazepam",
    "rivotril": "clonazepam",
    "nitrazepam": "nitrazepam",
    "mogadon": "nitrazepam",
    "flunitrazepam": "flunitrazepam",
    "rohypnol": "flunitrazepam",
    "zopiclone": "zopiclone",
    "zopiklon": "zopiclone",
    "imovane": "zopiclone",
    "zolpidem": "zolpidem",
    "stilnoct": "zolpidem",
    "buprenorphine": "buprenorphine",
    "buprenorfin": "buprenorphine",
    "suboxone": "buprenorphine",
    "subutex": "buprenorphine",
    "methadone": "methadone",
    "metadon": "methadone",
    "morphine": "morphine",
    "morfin": "morphine",
    "oxycodone": "oxycodone",
    "oksykodon": "oxycodone",
    "ketobemidone": "ketobemidone",
    "ketobemidon": "ketobemidone",
    "fentanyl": "fentanyl",
    "tramadol": "tramadol",
    "codeine": "codeine",
    "kodein": "codeine",
}
OPIOIDS: Final = frozenset(
    {"buprenorphine", "methadone", "morphine", "oxycodone", "ketobemidone", "fentanyl"}
    | {"tramadol", "codeine"}
)
# The regimens name buprenorphine as the combination product (10.5-1, first choice).
_REGIMEN_DRUG: Final[Mapping[str, str]] = {BUPRENORPHINE: "buprenorphine_naloxone"}
# 12-7 (G 5753-5755): a pregnant opioid-dependent woman outside LAR is stabilised on these.
_STABILISING: Final = frozenset({BUPRENORPHINE, "buprenorphine_naloxone"})

MSG_BUPRENORPHINE_ORDER_ABOVE_BOUND: Final = gettext_noop(
    "The ordered dose, %(mg)s mg a day, is above %(max_mg)s mg a day, the highest daily dose of "
    "buprenorphine with naloxone (a local bound of this application; the guideline gives none)."
)
MSG_BUPRENORPHINE_SINGLE_DOSE_ABOVE_BOUND: Final = gettext_noop(
    "The ordered single dose, %(mg)s mg, is already above %(max_mg)s mg a day, the highest daily "
    "dose of buprenorphine with naloxone (a local bound of this application; the guideline gives "
    "none): the daily dose is at least the single dose, whatever the timing."
)
MSG_TAPER_SINGLE_DOSE_ABOVE_BOUND: Final = gettext_noop(
    "The ordered single dose, %(mg)s mg %(drug)s, is already more than 1.5 times the recorded "
    "benzodiazepine use converted at the upper end of the equivalence range (%(high_mg)s mg a "
    "day), so above %(bound_mg)s mg a day (a local bound of this application, not the "
    "guideline's): the daily dose is at least the single dose, whatever the timing."
)
MSG_TAPER_ORDER_ABOVE_BOUND: Final = gettext_noop(
    "The ordered dose, %(mg)s mg %(drug)s a day, is more than 1.5 times the recorded "
    "benzodiazepine use converted at the upper end of the equivalence range (%(high_mg)s mg a "
    "day), so above %(bound_mg)s mg (a local bound of this application, not the guideline's)."
)


@dataclass(frozen=True)
class DraftOrder:
    """One proposed order: the drug (a kernel drug code, or None when not recognised), the
    single dose and, when the timing says how often, the daily dose (mg)."""

    drug: str | None
    dose_mg: Fraction | None = None
    mg_per_day: Fraction | None = None


@dataclass(frozen=True)
class OrderFacts:
    """What is known of the patient; ``None`` is "not recorded", not "no"."""

    drowsy: bool | None = None
    pregnant: bool | None = None
    in_lar: bool | None = None
    opioid_dependent: bool | None = None
    setting: Setting | None = None
    age_years: int | None = None
    head_injury: bool | None = None
    benzodiazepine_misuse: bool | None = None
    current_use: tuple[CurrentUse, ...] = ()


@dataclass(frozen=True)
class OrderFinding:
    code: str
    message: str
    severity: Severity
    refs: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    params: Mapping[str, object] = field(default_factory=dict)
    resolution: bool = False


@dataclass(frozen=True)
class OrderCheck:
    drug: str | None
    drug_class: DrugClass | None
    findings: tuple[OrderFinding, ...]
    not_evaluated: tuple[str, ...]


def _text_drugs(text: str) -> set[str]:
    words = "".join(ch if ch.isalpha() else " " for ch in text.lower()).split()
    return {DRUG_WORDS[word] for word in words if word in DRUG_WORDS}


def identify_drug(codes: Sequence[tuple[str | None, str | None]], text: str) -> str | None:
    """The kernel drug an order names: an ATC coding first, else a known word in the text."""
    for system, code in codes:
        if code and (system or ATC_SYSTEM) == ATC_SYSTEM and code.upper() in ATC_DRUGS:
            return ATC_DRUGS[code.upper()]
    found = _text_drugs(text)
    return found.pop() if len(found) == 1 else None


def drugs_named_in_text(codes: Sequence[tuple[str | None, str | None]], text: str) -> list[str]:
    """The kernel drugs an order's text names when it has no ATC coding this kernel knows and
    names more than one, so that no one drug can be checked (sorted); else an empty list."""
    if identify_drug(codes, text) is not None:
        return []
    found = _text_drugs(text)
    return sorted(found) if len(found) > 1 else []


def drug_class(drug: str | None, table: EquipotencyTable | None = None) -> DrugClass | None:
    if drug is None:
        return None
    if drug in OPIOIDS:
        return "opioid"
    if drug in (table or default_equipotency()).ranges:
        return "benzodiazepine"
    return None


def _from_advice(line: AdviceLine, *, resolution: bool = False) -> OrderFinding:
    severity: Severity = "critical" if line.kind == "escalate" else "warning"
    if line.kind == "info":
        severity = "info"
    return OrderFinding(
        line.code,
        line.message,
        severity,
        line.refs,
        line.sections,
        line.params,
        line.resolution or resolution,
    )


def _from_regimen(line: PlanLine, drug: str) -> OrderFinding | None:
    """A regimen line about this order: ``avoid`` naming the drug is critical; a pregnancy
    line is a warning. One exception: for a pregnant woman 12-7 recommends stabilising on
    buprenorphine, and an order of it cannot tell a stabilisation from a taper, so "no opioid
    taper" beside a buprenorphine order is a warning, not a stop. Anything else is not about
    the order."""
    named = _REGIMEN_DRUG.get(drug, drug) in line.drugs
    stabilising_drug = drug in _STABILISING
    if line.kind == "avoid" and named and not ("pregnant" in line.reasons and stabilising_drug):
        severity: Severity = "critical"
    elif "pregnant" in line.reasons:
        severity = "warning"
    else:
        return None
    return OrderFinding(
        line.code, line.message, severity, line.refs, (), line.params, line.resolution
    )


def _mg(value: Fraction) -> int | float:
    if value.denominator == 1 or value > 10**9:
        return int(value)  # whole, or too large for a float (an order typed wrong)
    return round(float(value), 3)


def _bound_findings(
    order: DraftOrder, facts: OrderFacts, table: EquipotencyTable, missing: list[str]
) -> list[OrderFinding]:
    """The start-dose bounds, on the daily dose; without it (no readable timing) on the single
    dose, since the daily dose is at least the single dose: one dose already above the daily
    bound is flagged, anything less leaves the daily dose "not evaluated". A single dose larger
    than the averaged daily dose (32 mg every other day) is the dose of the day it is given."""
    drug, per_day, single = order.drug, order.mg_per_day, order.dose_mg
    if drug != BUPRENORPHINE and drug not in BENZODIAZEPINE_TAPER_DRUGS:
        return []
    if per_day is not None and single is not None and single > per_day:
        mg, by_single = single, True
    elif per_day is not None:
        mg, by_single = per_day, False
    elif single is not None:
        mg, by_single = single, True
    else:
        missing.append("daily_dose")
        return []
    if drug == BUPRENORPHINE:
        if mg <= MAX_BUPRENORPHINE_START_MG:
            if by_single:
                missing.append("daily_dose")
            return []
        message = (
            MSG_BUPRENORPHINE_SINGLE_DOSE_ABOVE_BOUND
            if by_single
            else MSG_BUPRENORPHINE_ORDER_ABOVE_BOUND
        )
        return [
            OrderFinding(
                "start_above_bound",
                message,
                "critical",
                ("10.5-1",),
                params={"mg": _mg(mg), "max_mg": MAX_BUPRENORPHINE_START_MG},
                resolution=True,
            )
        ]
    uses = facts.current_use
    if not uses or any(use.drug not in table.ranges or use.mg_per_day <= 0 for use in uses):
        missing.append("current_use")
        if by_single:
            missing.append("daily_dose")
        return []
    bound = start_bound_mg(uses, drug, table)
    if mg <= bound:
        if by_single:
            missing.append("daily_dose")
        return []
    params: dict[str, object] = {
        "mg": _mg(mg),
        "drug": drug,
        "high_mg": _mg(upper_converted_mg(uses, drug, table)),
        "bound_mg": _mg(bound),
    }
    return [
        OrderFinding(
            "start_above_bound",
            MSG_TAPER_SINGLE_DOSE_ABOVE_BOUND if by_single else MSG_TAPER_ORDER_ABOVE_BOUND,
            "critical",
            ("9.3.1-2",),
            params=params,
            resolution=True,
        )
    ]


def _regimen_findings(
    drug: str, klass: DrugClass, facts: OrderFacts, missing: list[str]
) -> list[OrderFinding]:
    if klass == "opioid":
        if facts.setting is None:
            missing.append("setting")
        if facts.opioid_dependent is None:
            missing.append("opioid_dependent")
        proposal = opioid_regimen(
            OpioidInput(
                setting=facts.setting or "inpatient",
                opioid_dependent=facts.opioid_dependent,
                pregnant=facts.pregnant,
                in_lar=facts.in_lar,
            )
        )
    else:
        proposal = benzodiazepine_regimen(BenzodiazepineInput(pregnant=facts.pregnant))
    found = [_from_regimen(line, drug) for line in proposal.lines]
    return [finding for finding in found if finding is not None]


def check_order(
    order: DraftOrder, facts: OrderFacts, *, table: EquipotencyTable | None = None
) -> OrderCheck:
    """The findings for one draft order, most severe first; an unknown drug has none."""
    table = table or default_equipotency()
    klass = drug_class(order.drug, table)
    if order.drug is None or klass is None:
        return OrderCheck(order.drug, None, (), ())
    missing: list[str] = []
    findings: list[OrderFinding] = []
    if facts.drowsy:
        findings.append(_from_advice(drowsy_line(), resolution=klass == "opioid"))
    elif facts.drowsy is None:
        missing.append("drowsy")
    if facts.pregnant is None:
        missing.append("pregnant")
    findings += _regimen_findings(order.drug, klass, facts, missing)
    findings += _bound_findings(order, facts, table, missing)
    cautions = sedative_cautions(
        age_years=facts.age_years,
        head_injury=facts.head_injury,
        benzodiazepine_misuse=facts.benzodiazepine_misuse,
    )
    findings += [_from_advice(line) for line in cautions]
    if facts.age_years is None:
        missing.append("age")
    order_of: Mapping[Severity, int] = {"critical": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda finding: order_of[finding.severity])
    return OrderCheck(order.drug, klass, tuple(findings), tuple(dict.fromkeys(missing)))
