"""Advice lines whatever the tier: general warnings, Wernicke, sedative cautions, the drowsy
hold, olanzapine (with seizure protection) and the delirium tremens protocol (8.4.5-2).
"""

from __future__ import annotations

from decimal import Decimal

from clinical.advice.context import (
    ADULT_FROM_YEARS,
    DIAZEPAM,
    DT_DIAZEPAM_DOSE_MG,
    ELDERLY_FROM_YEARS,
    NO_ANTIHISTAMINE_OVER_PERMILLE,
    OLANZAPINE,
    OLANZAPINE_DOSE_MG,
    OLANZAPINE_MAX_MG,
    THIAMINE,
    VALPROATE,
    AdviceLine,
    _Checked,
    _Course,
    _mg,
    _not_yet_due,
    _params,
    _total,
)
from clinical.advice.messages import (
    MSG_ADOLESCENT,
    MSG_ALCOHOL_PRESENT,
    MSG_BENZODIAZEPINE_USE,
    MSG_DROWSY_HOLD,
    MSG_DT_DIAZEPAM,
    MSG_DT_OLANZAPINE,
    MSG_DT_OLANZAPINE_NO_PROTECTION,
    MSG_DT_OLANZAPINE_PREGNANT,
    MSG_DT_PHYSICIAN,
    MSG_ELDERLY,
    MSG_HEAD_INJURY,
    MSG_NO_ANTIHISTAMINE,
    MSG_NO_SEIZURE_PROTECTION,
    MSG_NO_ZOPICLONE,
    MSG_NO_ZOPICLONE_AFTER_DT,
    MSG_OLANZAPINE,
    MSG_OLANZAPINE_EPISODE_CAP,
    MSG_OLANZAPINE_MAX,
    MSG_OLANZAPINE_NO_PROTECTION,
    MSG_OLANZAPINE_NOT_YET_DUE,
    MSG_THIAMINE_GIVEN,
    MSG_THIAMINE_MISSING,
    MSG_WERNICKE,
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
