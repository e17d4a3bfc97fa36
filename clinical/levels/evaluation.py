"""The decision (``evaluate_level``): acute referral, then inpatient, outpatient or undecided
with the missing facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from clinical.levels.messages import (
    _C_ADDICTION_ACUTE_AFTER_REFERRAL,
    _C_ALCOHOL_ESCALATION,
    _C_ALCOHOL_NOT_LISTED,
    _C_CIWA_HOURLY_DIAZEPAM,
    _C_OPIOID_OUTPATIENT,
    _C_OUTPATIENT_JUDGEMENT,
    _C_PSYCHIATRY_AFTER_SOMATIC,
    _M_ALCOHOL_OUTPATIENT,
    _M_OPIOID_FIRST_CHOICE,
    _M_OUTPATIENT_FACTORS,
)
from clinical.levels.model import (
    _TOP_LEVEL_FIELDS,
    CIWA_AR_HOURLY_DIAZEPAM_FROM,
    LevelInput,
    LevelProposal,
    Missing,
    Reason,
    Referral,
)
from clinical.levels.rules import _RULES, _Findings


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
