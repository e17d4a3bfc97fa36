"""The CIWA-Ar dosing table (8.4.6-3) tier by tier, and ``ciwa_advice`` that puts the lines
together.
"""

from __future__ import annotations

from datetime import datetime

from clinical.advice.cautions import (
    _delirium,
    _general,
    _olanzapine_lines,
    drowsy_line,
    sedative_cautions,
)
from clinical.advice.context import (
    _KIND_ORDER,
    DIAZEPAM,
    DIAZEPAM_DOSE_MG,
    DIAZEPAM_NO_RESPONSE_AFTER_MG,
    NO_ANTIHISTAMINE_OVER_PERMILLE,
    OLANZAPINE,
    VALPROATE,
    Advice,
    AdviceContext,
    AdviceLine,
    Protocol,
    _ambiguous_locally,
    _check,
    _Checked,
    _Course,
    _course,
    _diazepam_not_yet_due,
    _mg,
    _params,
    _total,
)
from clinical.advice.messages import (
    MSG_AFTER_OLANZAPINE,
    MSG_DIAZEPAM_CONTINUE,
    MSG_DIAZEPAM_HOURLY,
    MSG_DIAZEPAM_HOURLY_AT,
    MSG_DIAZEPAM_HOURLY_AT_PREGNANT,
    MSG_DIAZEPAM_HOURLY_PREGNANT,
    MSG_DIAZEPAM_NOT_COUNTED,
    MSG_DIAZEPAM_QID,
    MSG_DT_DROWSY,
    MSG_HISTORY_UNKNOWN_MILD,
    MSG_HISTORY_UNKNOWN_MODERATE,
    MSG_MONITOR,
    MSG_MONITOR_AT_TEN,
    MSG_NO_DRUG_WITHOUT_HISTORY,
    MSG_NO_DRUG_WITHOUT_HISTORY_ALCOHOL,
    MSG_NO_DRUG_WITHOUT_HISTORY_PREGNANT,
    MSG_NO_MEDICATION,
    MSG_NO_RESPONSE,
    MSG_OLANZAPINE_EPISODE_CAP,
    MSG_OLANZAPINE_PREGNANT,
    MSG_PREGNANCY_NOT_RECORDED_DRUG,
    MSG_SCORE_BEFORE_DOSE,
    MSG_STOP_DIAZEPAM,
)
from clinical.advice.valproate import (
    _valproate,
    _valproate_liver_failure_line,
)
from clinical.schedule import due_status, format_oslo, next_due
from clinical.scoring import (
    CIWA_CONDITIONAL_TIER_FROM,
    CIWA_HOURLY_DIAZEPAM_FROM,
    CIWA_HOURLY_FROM,
    ciwa_band,
    ciwa_interval_hours,
    ciwa_treatment_tier,
)


def _monitoring(checked: _Checked) -> tuple[AdviceLine, int, datetime]:
    # 8.4.6-2, G 4205–4211. Exactly 10 → hourly is a resolution ("over 10").
    hours = ciwa_interval_hours(checked.score)
    due = next_due(checked.observed_at, hours)
    at_ten = checked.score == CIWA_HOURLY_FROM
    line = AdviceLine(
        "ciwa_monitoring_interval",
        MSG_MONITOR_AT_TEN if at_ten else MSG_MONITOR,
        "info",
        refs=("8.4.6-2",),
        params=_params(hours=hours, next_due=due, next_due_local=format_oslo(due)),
        resolution=at_ten,
    )
    return line, hours, due


def _score_first(checked: _Checked, hours: int, due: datetime) -> AdviceLine:
    """The advice recomputed after the score's interval has run out: 8.4.6-2 scores "hver time"
    over 10 (G 4209–4211) and 8.4.6-3 doses by the score, so no dose is advised on an overdue
    score. That a dose then waits for a new score is the application's reading (resolution)."""
    observed_local, due_local = (
        format_oslo(moment, with_zone=_ambiguous_locally(moment))
        for moment in (checked.observed_at, due)
    )
    return AdviceLine(
        "ciwa_score_overdue",
        MSG_SCORE_BEFORE_DOSE,
        "escalate",
        refs=("8.4.6-2", "8.4.6-3"),
        params=_params(
            hours=hours,
            observed_at=checked.observed_at,
            observed_at_local=observed_local,
            due_at=due,
            due_at_local=due_local,
        ),
        resolution=True,
    )


def _pregnancy_not_recorded(drugs: tuple[str | None, ...]) -> AdviceLine:
    """Valproic acid or olanzapine proposed while pregnancy is not recorded (a woman's intake
    without the answer): in pregnancy 12-5 (G 5741–5743) gives benzodiazepines per 8.4, and the
    application then proposes neither, so pregnancy must be ruled out first (resolution)."""
    return AdviceLine(
        "pregnancy_not_recorded_before_drug",
        MSG_PREGNANCY_NOT_RECORDED_DRUG,
        "warning",
        refs=("12-5",),
        params=_params(drugs=", ".join(drug for drug in drugs if drug)),
        resolution=True,
    )


def _drowsy(checked: _Checked, course: _Course) -> list[AdviceLine]:
    """No dose line at all: hold and call the doctor (G 3771–3773). Wins over delirium too."""
    lines = [drowsy_line()]
    if checked.current_delirium:
        lines.append(
            AdviceLine("delirium_tremens_drowsy", MSG_DT_DROWSY, "escalate", refs=("8.4.5-2",))
        )
    elif checked.score < CIWA_CONDITIONAL_TIER_FROM:
        # "Usually no medication" and "stop diazepam" agree with holding; nothing about valproate.
        keep = ("no_medication_usually", "stop_diazepam")
        lines.extend(line for line in _below_ten(checked, course) if line.code in keep)
    return lines


def _below_ten(checked: _Checked, course: _Course) -> list[AdviceLine]:
    # G 4217: "Så lenge CIWA er under 10, behandles pasienten vanligvis uten legemidler";
    # 8.4.4-1 (G 4096): mild withdrawal normally not treated with drugs.
    lines = [
        AdviceLine("no_medication_usually", MSG_NO_MEDICATION, "info", refs=("8.4.6-3", "8.4.4-1"))
    ]
    if course.diazepam:
        # G 4225–4227: "Diazepam avsluttes (seponeres) ved CIWA-skåre under 10."
        lines.append(
            AdviceLine(
                "stop_diazepam",
                MSG_STOP_DIAZEPAM,
                "info",
                refs=("8.4.6-3",),
                params=_params(cumulative=_mg(_total(course.diazepam))),
            )
        )
    history = (checked.seizures, checked.delirium_tremens, checked.severe_withdrawal)
    if True in history:
        lines.extend(_valproate(checked))
    elif None in history and (checked.pregnant or checked.liver_failure):
        # G 4219–4221 would offer valproic acid after severe withdrawal; 12-5 (G 5741–5743) and
        # 8.4.3-3 (G 4075–4077) take it away, so the unknown history changes nothing here.
        lines.extend(_valproate(checked))
    elif None in history:
        lines.append(
            AdviceLine(
                "withdrawal_history_unknown",
                MSG_HISTORY_UNKNOWN_MILD,
                "info",
                refs=("8.4.6-3", "8.4.3-1"),
            )
        )
    return lines


def _no_drug_without_history(checked: _Checked) -> list[AdviceLine]:
    """CIWA-Ar 10–15 without earlier seizures or DT: the table is silent (SCALES.md §1.5 item 4);
    8.4.4-2 (G 4100) allows anticonvulsant + antihistamine for moderate withdrawal, without doses,
    and 8.4.4 (G 4082–4084) gives no antihistamine "over 0,5 promille". Pregnant: 12-5
    (G 5741–5743) names benzodiazepines, so neither is proposed (local resolution)."""
    code = "no_drug_without_seizure_or_dt_history"
    if checked.pregnant:
        return [
            AdviceLine(
                code,
                MSG_NO_DRUG_WITHOUT_HISTORY_PREGNANT,
                "info",
                refs=("8.4.6-3", "8.4.4-2", "12-5"),
                resolution=True,
            )
        ]
    permille = checked.permille
    if permille is not None and permille > NO_ANTIHISTAMINE_OVER_PERMILLE:
        message, params = MSG_NO_DRUG_WITHOUT_HISTORY_ALCOHOL, _params(permille=_mg(permille))
    else:
        message, params = MSG_NO_DRUG_WITHOUT_HISTORY, _params()
    lines = [
        AdviceLine(
            code,
            message,
            "info",
            refs=("8.4.6-3", "8.4.4-2"),
            params=params,
            resolution=True,
            sections=("8.4.4",),
        )
    ]
    if checked.liver_failure:
        # The anticonvulsant is not valproic acid in liver failure (8.4.3-3, G 4075–4077).
        lines.append(_valproate_liver_failure_line())
    return lines


def _ten_to_fifteen(checked: _Checked, course: _Course) -> list[AdviceLine]:
    if course.hourly_escalation:
        # The score was over 15 earlier in this escalation: G 4229 runs the hourly doses "inntil
        # CIWA under 10", so a fall to 10–15 is a response and the doses go on.
        if course.olanzapine_in_escalation:
            return [
                AdviceLine(
                    "ciwa_fell_after_olanzapine",
                    MSG_AFTER_OLANZAPINE,
                    "info",
                    refs=("8.4.6-3",),
                    params=_params(score=checked.score),
                    resolution=True,
                )
            ]
        lines = [
            AdviceLine(
                "diazepam_continue_hourly",
                MSG_DIAZEPAM_CONTINUE,
                "dose",
                refs=("8.4.6-3",),
                params=_params(score=checked.score, hourly=_mg(_total(course.hourly_diazepam))),
                drug=DIAZEPAM,
                mg=DIAZEPAM_DOSE_MG,
            )
        ]
        warning = _diazepam_not_yet_due(checked)
        return [*lines, *([warning] if warning else [])]
    # G 4223–4227: diazepam 10 mg × 4 only with earlier seizures or DT.
    if checked.seizures or checked.delirium_tremens:
        return [
            AdviceLine(
                "diazepam_qid",
                MSG_DIAZEPAM_QID,
                "dose",
                refs=("8.4.6-3",),
                drug=DIAZEPAM,
                mg=DIAZEPAM_DOSE_MG,
            )
        ]
    if checked.seizures is False and checked.delirium_tremens is False:
        return _no_drug_without_history(checked)
    return [
        AdviceLine(
            "seizure_or_dt_history_unknown",
            MSG_HISTORY_UNKNOWN_MODERATE,
            "warning",
            refs=("8.4.6-3",),
        )
    ]


def _over_fifteen(checked: _Checked, course: _Course) -> list[AdviceLine]:
    hourly = _total(course.hourly_diazepam)
    excluded = _total(course.diazepam) - hourly
    lines: list[AdviceLine] = []
    if excluded > 0:
        # Scheduled × 4 or night sedation before the first score over 15 (module docstring).
        lines.append(
            AdviceLine(
                "diazepam_before_hourly_not_counted",
                MSG_DIAZEPAM_NOT_COUNTED,
                "info",
                refs=("8.4.6-3",),
                params=_params(excluded=_mg(excluded)),
                resolution=True,
            )
        )
    if hourly < DIAZEPAM_NO_RESPONSE_AFTER_MG:
        # G 4229: "Diazepam 10 mg per os hver time inntil CIWA under 10." Not "now" when any
        # diazepam was given less than an hour ago: the dose line gives the due time instead.
        warning = _diazepam_not_yet_due(checked)
        if warning is None:
            message = MSG_DIAZEPAM_HOURLY_PREGNANT if checked.pregnant else MSG_DIAZEPAM_HOURLY
            params = _params(hourly=_mg(hourly))
        else:
            message = (
                MSG_DIAZEPAM_HOURLY_AT_PREGNANT if checked.pregnant else MSG_DIAZEPAM_HOURLY_AT
            )
            params = _params(
                hourly=_mg(hourly),
                given_at_local=warning.params["given_at_local"],
                due_at=warning.params["due_at"],
                due_at_local=warning.params["due_at_local"],
            )
        lines.append(
            AdviceLine(
                "diazepam_hourly",
                message,
                "dose",
                refs=("8.4.6-3",),
                params=params,
                drug=DIAZEPAM,
                mg=DIAZEPAM_DOSE_MG,
            )
        )
        return [*lines, *([warning] if warning else [])]
    # G 4229–4233: no response after 50 mg → olanzapine 10 mg IM or orally, hourly, max 30 mg,
    # with concurrent seizure protection (G 4021–4025).
    lines.append(
        AdviceLine(
            "diazepam_no_response",
            MSG_NO_RESPONSE,
            "info",
            refs=("8.4.6-3",),
            params=_params(hourly=_mg(hourly)),
            resolution=True,
        )
    )
    if checked.pregnant:
        # 12-5 (G 5741–5743) names only benzodiazepines in pregnancy: olanzapine is not proposed
        # and the doctor decides (local resolution).
        lines.append(
            AdviceLine(
                "olanzapine_not_in_pregnancy",
                MSG_OLANZAPINE_PREGNANT,
                "escalate",
                refs=("8.4.6-3", "12-5"),
                resolution=True,
            )
        )
        return lines
    lines.extend(_olanzapine_lines(checked, course, code="olanzapine", refs=("8.4.6-3",), dt=False))
    lines.append(
        AdviceLine(
            "olanzapine_max_counted_per_episode",
            MSG_OLANZAPINE_EPISODE_CAP,
            "info",
            refs=("8.4.6-3",),
            resolution=True,
        )
    )
    return lines


def ciwa_advice(ctx: AdviceContext) -> Advice:
    """The guideline's advice for a CIWA-Ar score taken at ``ctx.now``.

    Lines come escalations (call the doctor) first, then warnings, doses and information. A
    drowsy patient gets no dose line at all; delirium tremens gets 8.4.5-2 instead of the table.
    Raises ``AdviceError`` for a context that cannot be advised on.
    """
    checked = _check(ctx)
    course = _course(checked)
    monitoring, hours, due = _monitoring(checked)
    protocol: Protocol = "ciwa"
    if checked.drowsy:
        # G 3771–3773 wins over everything: no dose line at all, whatever the score or delirium.
        specific, protocol = _drowsy(checked, course), "hold"
    elif checked.current_delirium:
        specific, protocol = _delirium(checked, course), "delirium_tremens"
    elif checked.score < CIWA_CONDITIONAL_TIER_FROM:
        specific = _below_ten(checked, course)
    elif checked.score < CIWA_HOURLY_DIAZEPAM_FROM:
        specific = _ten_to_fifteen(checked, course)
    else:
        specific = _over_fifteen(checked, course)
    cautions = sedative_cautions(
        age_years=checked.age_years,
        head_injury=checked.head_injury,
        benzodiazepine_misuse=checked.benzodiazepine_misuse,
    )
    lines = [*_general(checked), *cautions, monitoring, *specific]
    if checked.drowsy:
        # Belt and braces: a drowsy patient is never shown a dose (a warning and a dose together).
        lines = [line for line in lines if line.kind != "dose"]
    elif due_status(due, checked.now) == "overdue":
        # The score is older than its interval (8.4.6-2): a dose needs a new score first.
        lines = [line for line in lines if line.kind != "dose"]
        lines.append(_score_first(checked, hours, due))
    not_in_pregnancy = [
        line.drug for line in lines if line.kind == "dose" and line.drug in (VALPROATE, OLANZAPINE)
    ]
    if checked.pregnant is None and not_in_pregnancy:
        lines.append(_pregnancy_not_recorded(tuple(dict.fromkeys(not_in_pregnancy))))
    lines.sort(key=lambda line: _KIND_ORDER[line.kind])  # stable: keeps order within a kind
    return Advice(
        score=checked.score,
        band=ciwa_band(checked.score).code,
        tier=ciwa_treatment_tier(checked.score),
        monitoring_interval_hours=hours,
        next_score_due=due,
        hourly_escalation=course.hourly_escalation,
        escalation_since=course.since,
        cumulative_diazepam_mg=_total(course.diazepam),
        olanzapine_given_mg=_total(course.olanzapine),
        lines=tuple(lines),
        hourly_diazepam_mg=_total(course.hourly_diazepam),
        protocol=protocol,
    )
