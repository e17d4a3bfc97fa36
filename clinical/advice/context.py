"""The CIWA-Ar advice's input and output types, constants, input checking and escalation
bookkeeping (what counts as the current escalation, cumulative and hourly-tier diazepam, timing).

The definitions are explained in the package docstring (``clinical.advice``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal

from clinical.advice.messages import (
    MSG_DIAZEPAM_NOT_YET_DUE,
)
from clinical.instruments import CIWA_AR
from clinical.schedule import format_oslo, to_oslo
from clinical.scoring import (
    CIWA_HOURLY_DIAZEPAM_FROM,
    CIWA_HOURLY_FROM,
    TreatmentTier,
    is_item_value,
)

AdviceKind = Literal["escalate", "dose", "warning", "info"]
Number = Decimal | int | float

# Drug codes the caller uses in ``Administration.drug`` (compared case-insensitively).
DIAZEPAM: Final = "diazepam"
OLANZAPINE: Final = "olanzapine"
THIAMINE: Final = "thiamine"
VALPROATE: Final = "valproate"  # valproic acid

# Numbers straight from the guideline's text.
DIAZEPAM_DOSE_MG: Final = Decimal(10)  # G 4225, G 4229
DIAZEPAM_NO_RESPONSE_AFTER_MG: Final = Decimal(50)  # G 4229–4231
OLANZAPINE_DOSE_MG: Final = Decimal(10)  # G 4231
OLANZAPINE_MAX_MG: Final = Decimal(30)  # G 4233
HOURLY: Final = timedelta(hours=1)  # "hver time", G 4229 and G 4233
# 8.4.3-2, G 4071–4073: a loading dose, then 300 mg × 3 "i 3-5 dager". The course is read as over
# from 6 days after the loading dose (the loading day and at most 5 days; local resolution).
VALPROATE_COURSE: Final = timedelta(days=6)
NO_ANTIHISTAMINE_OVER_PERMILLE: Final = Decimal("0.5")  # 8.4.4, G 4082: "over 0,5 promille"
VALPROATE_LOADING_BELOW_PERMILLE: Final = Decimal(1)  # 8.4.3-2, G 4071: "ved promille under 1"
DT_DIAZEPAM_DOSE_MG: Final = Decimal(10)  # 8.4.5-2, G 4149: "10 mg diazepam hver 5.-10. minutt"
# G 3994–3998 names "eldre" without an age: 65 is the application's reading (local resolution),
# the same as the treatment-level engine's.
ELDERLY_FROM_YEARS: Final = 65
ADULT_FROM_YEARS: Final = 18  # the guideline is about adults; it does not address adolescents
MAX_AGE_YEARS: Final = 130

_KIND_ORDER: Final[Mapping[AdviceKind, int]] = MappingProxyType(
    {"escalate": 0, "warning": 1, "dose": 2, "info": 3}
)

Protocol = Literal["ciwa", "delirium_tremens", "hold"]


class AdviceError(ValueError):
    """The context cannot be advised on (bad score, naive time, a dose in the future, ...)."""


@dataclass(frozen=True)
class Administration:
    """One dose given in the current episode. ``route``: e.g. "oral", "im", "iv"."""

    drug: str
    dose_mg: Number
    route: str
    given_at: datetime


@dataclass(frozen=True)
class CiwaObservation:
    score: int
    observed_at: datetime


@dataclass(frozen=True)
class AdviceContext:
    """Everything the advice depends on. ``None`` means "not recorded" (unknown), not "no".

    ``score`` is the CIWA-Ar total observed at ``now``. ``prior_severe_withdrawal`` covers severe
    withdrawal other than seizures or delirium tremens ("erfaringsmessig får sterke
    abstinensplager", G 4219–4221). ``delirium_risk`` is the clinician's judgement of a risk of
    delirium (6.2.2, G 2635); earlier delirium tremens is also read as such a risk.
    ``thiamine_given`` may be left as None when the thiamine doses are in ``administrations``.
    """

    score: int
    now: datetime
    prior_withdrawal_seizures: bool | None = None
    prior_delirium_tremens: bool | None = None
    prior_severe_withdrawal: bool | None = None
    breath_alcohol_permille: Number | None = None
    administrations: Sequence[Administration] = ()
    earlier_scores: Sequence[CiwaObservation] = ()
    thiamine_given: bool | None = None
    drowsy: bool | None = None
    liver_failure: bool | None = None
    delirium_risk: bool | None = None
    # Delirium tremens now (8.4.5-2), not earlier DT (``prior_delirium_tremens``).
    current_delirium: bool | None = None
    wernicke_suspected: bool | None = None  # 8.4.1-2
    pregnant: bool | None = None  # 12-5: benzodiazepines per 8.4; valproic acid not proposed
    age_years: int | None = None  # G 3994–3998 ("eldre"); under 18 not addressed
    head_injury: bool | None = None  # G 3994–3998
    benzodiazepine_misuse: bool | None = None  # earlier use or misuse, G 3994–3998
    # When the score was observed, if before ``now`` (the advice recomputed after doses given
    # since the score): the score's interval and the hourly regimen count from it, and once the
    # score is older than its interval no dose is advised on it. None: observed at ``now``.
    observed_at: datetime | None = None


@dataclass(frozen=True)
class AdviceLine:
    code: str
    message: str  # English gettext message id, %-formatted with ``params`` after translation
    kind: AdviceKind
    refs: tuple[str, ...] = ()
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    resolution: bool = False
    sections: tuple[str, ...] = ()
    # The drug a dose line (or an escalation naming one) is about, and its single dose in mg when
    # the guideline states one (None where it gives a range or no dose).
    drug: str | None = None
    mg: Decimal | None = None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: datetimes as ISO 8601 strings, exact decimals as strings."""
        return {
            "code": self.code,
            "drug": self.drug,
            "mg": None if self.mg is None else _jsonable(_mg(self.mg)),
            "message": self.message,
            "params": {key: _jsonable(value) for key, value in self.params.items()},
            "refs": list(self.refs),
            "kind": self.kind,
            "resolution": self.resolution,
            "sections": list(self.sections),
        }


class LineLookup:
    """``codes`` and ``line(code)`` for an advice result's ``lines`` (CIWA-Ar and COWS/SOWS)."""

    lines: tuple[AdviceLine, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(line.code for line in self.lines)

    def line(self, code: str) -> AdviceLine:
        for line in self.lines:
            if line.code == code:
                return line
        raise KeyError(code)


@dataclass(frozen=True)
class Advice(LineLookup):
    score: int
    band: str
    tier: TreatmentTier
    monitoring_interval_hours: int
    next_score_due: datetime
    # True while hourly diazepam runs: the score is over 15, or was over 15 earlier in this
    # escalation and is not yet below 10.
    hourly_escalation: bool
    # When the current escalation began (the last earlier score below 10); None = from the start.
    escalation_since: datetime | None
    cumulative_diazepam_mg: Decimal
    olanzapine_given_mg: Decimal
    lines: tuple[AdviceLine, ...]
    # Diazepam given under the hourly regimen in this escalation: what "no response after 50 mg"
    # counts (the module docstring).
    hourly_diazepam_mg: Decimal = Decimal(0)
    # "ciwa": the 8.4.6-3 table; "delirium_tremens": 8.4.5-2; "hold": drowsy, no sedative dose.
    protocol: Protocol = "ciwa"

    def as_dict(self) -> dict[str, object]:
        return {
            "score": self.score,
            "band": self.band,
            "tier": self.tier,
            "monitoring_interval_hours": self.monitoring_interval_hours,
            "next_score_due": self.next_score_due.isoformat(),
            "hourly_escalation": self.hourly_escalation,
            "escalation_since": (
                self.escalation_since.isoformat() if self.escalation_since else None
            ),
            "cumulative_diazepam_mg": _jsonable(_mg(self.cumulative_diazepam_mg)),
            "hourly_diazepam_mg": _jsonable(_mg(self.hourly_diazepam_mg)),
            "protocol": self.protocol,
            "olanzapine_given_mg": _jsonable(_mg(self.olanzapine_given_mg)),
            "lines": [line.as_dict() for line in self.lines],
        }


# --- validation ----------------------------------------------------------------------------------


def _aware_utc(name: str, moment: object) -> datetime:
    if not isinstance(moment, datetime):
        raise AdviceError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise AdviceError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def _ciwa_total(name: str, value: object) -> int:
    if not is_item_value(value) or not isinstance(value, int):
        raise AdviceError(f"{name} must be an int, got {value!r}")
    if not 0 <= value <= CIWA_AR.max_total:
        raise AdviceError(f"{name} must be 0–{CIWA_AR.max_total}, got {value}")
    return value


def _decimal(name: str, value: object) -> Decimal:
    """A finite, non-negative number as a Decimal (floats via their shortest repr: 0.1 → 0.1)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise AdviceError(f"{name} must be a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise AdviceError(f"{name} must be finite, got {value!r}")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0:
        raise AdviceError(f"{name} must be a finite number of 0 or more, got {value!r}")
    return number


def _optional_flag(name: str, value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise AdviceError(f"{name} must be true, false or null, got {value!r}")


@dataclass(frozen=True)
class _Dose:
    drug: str
    mg: Decimal
    given_at: datetime


@dataclass(frozen=True)
class _Checked:
    score: int
    now: datetime
    observed_at: datetime  # the score's own time, at or before ``now``
    seizures: bool | None
    delirium_tremens: bool | None
    severe_withdrawal: bool | None
    permille: Decimal | None
    doses: tuple[_Dose, ...]
    earlier: tuple[CiwaObservation, ...]
    thiamine_given: bool | None
    drowsy: bool | None
    liver_failure: bool | None
    delirium_risk: bool | None
    current_delirium: bool | None
    wernicke_suspected: bool | None
    pregnant: bool | None
    age_years: int | None
    head_injury: bool | None
    benzodiazepine_misuse: bool | None


def _age(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise AdviceError(f"age_years must be a whole number of years, got {value!r}")
    if not 0 <= value <= MAX_AGE_YEARS:
        raise AdviceError(f"age_years must be 0–{MAX_AGE_YEARS}, got {value}")
    return value


def _drug_and_dose(name: str, given: Administration) -> tuple[str, Decimal]:
    """The checked drug code (trimmed, lower case) and dose of the administration ``name``.

    Shared by the CIWA-Ar and the opioid advice; each checks ``given_at`` against its own ``now``.
    """
    if not isinstance(given.drug, str) or not given.drug.strip():
        raise AdviceError(f"{name}.drug must be a drug code, got {given.drug!r}")
    mg = _decimal(f"{name}.dose_mg", given.dose_mg)
    if mg == 0:
        raise AdviceError(f"{name}.dose_mg must be more than 0")
    return given.drug.strip().lower(), mg


def _check(ctx: AdviceContext) -> _Checked:
    now = _aware_utc("now", ctx.now)
    doses: list[_Dose] = []
    for index, given in enumerate(ctx.administrations):
        name = f"administrations[{index}]"
        drug, mg = _drug_and_dose(name, given)
        at = _aware_utc(f"{name}.given_at", given.given_at)
        if at > now:  # a dose "given" after now is a data error, not something to count
            raise AdviceError(f"{name}.given_at is after now ({at.isoformat()})")
        doses.append(_Dose(drug, mg, at))
    earlier: list[CiwaObservation] = []
    for index, observation in enumerate(ctx.earlier_scores):
        name = f"earlier_scores[{index}]"
        at = _aware_utc(f"{name}.observed_at", observation.observed_at)
        if at > now:
            raise AdviceError(f"{name}.observed_at is after now ({at.isoformat()})")
        earlier.append(CiwaObservation(_ciwa_total(f"{name}.score", observation.score), at))
    observed_at = now if ctx.observed_at is None else _aware_utc("observed_at", ctx.observed_at)
    if observed_at > now:
        raise AdviceError(f"observed_at is after now ({observed_at.isoformat()})")
    permille = ctx.breath_alcohol_permille
    return _Checked(
        score=_ciwa_total("score", ctx.score),
        now=now,
        observed_at=observed_at,
        seizures=_optional_flag("prior_withdrawal_seizures", ctx.prior_withdrawal_seizures),
        delirium_tremens=_optional_flag("prior_delirium_tremens", ctx.prior_delirium_tremens),
        severe_withdrawal=_optional_flag("prior_severe_withdrawal", ctx.prior_severe_withdrawal),
        permille=None if permille is None else _decimal("breath_alcohol_permille", permille),
        doses=tuple(sorted(doses, key=lambda dose: dose.given_at)),
        earlier=tuple(sorted(earlier, key=lambda observation: observation.observed_at)),
        thiamine_given=_optional_flag("thiamine_given", ctx.thiamine_given),
        drowsy=_optional_flag("drowsy", ctx.drowsy),
        liver_failure=_optional_flag("liver_failure", ctx.liver_failure),
        delirium_risk=_optional_flag("delirium_risk", ctx.delirium_risk),
        current_delirium=_optional_flag("current_delirium", ctx.current_delirium),
        wernicke_suspected=_optional_flag("wernicke_suspected", ctx.wernicke_suspected),
        pregnant=_optional_flag("pregnant", ctx.pregnant),
        age_years=_age(ctx.age_years),
        head_injury=_optional_flag("head_injury", ctx.head_injury),
        benzodiazepine_misuse=_optional_flag("benzodiazepine_misuse", ctx.benzodiazepine_misuse),
    )


# --- helpers -------------------------------------------------------------------------------------


def _mg(value: Decimal) -> int | Decimal:
    """10 rather than Decimal('10.0') in params; fractions stay exact (2.5)."""
    return int(value) if value == value.to_integral_value() else value.normalize()


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _params(**values: object) -> Mapping[str, object]:
    return MappingProxyType(values)


def _total(doses: Sequence[_Dose]) -> Decimal:
    return sum((dose.mg for dose in doses), Decimal(0))


@dataclass(frozen=True)
class _Course:
    """The escalation bookkeeping of the module docstring."""

    since: datetime | None
    diazepam: tuple[_Dose, ...]  # in the current escalation, whatever the regimen
    hourly_diazepam: tuple[_Dose, ...]  # of those, given under the hourly regimen
    olanzapine: tuple[_Dose, ...]  # in the whole episode
    olanzapine_in_escalation: bool
    hourly_escalation: bool


def escalation_since(earlier: Sequence[CiwaObservation]) -> datetime | None:
    """When the current escalation began, given the CIWA-Ar scores observed before the latest
    one: at the last of them below 10 (G 4227: diazepam "ved CIWA-skåre under 10" ends a course);
    None when none was below 10, so the escalation runs from the start of the episode.

    The advice's cumulative diazepam and the handover's count the doses given after this moment.
    """
    lows = [o.observed_at for o in earlier if o.score < CIWA_HOURLY_FROM]
    return max(lows) if lows else None


def _course(checked: _Checked) -> _Course:
    since = escalation_since(checked.earlier)

    def in_escalation(moment: datetime) -> bool:
        return since is None or moment > since

    diazepam = tuple(d for d in checked.doses if d.drug == DIAZEPAM and in_escalation(d.given_at))
    # The hourly regimen runs from the first score over 15 in the escalation (the one observed now
    # included): a dose given from then on is an hourly-tier dose (module docstring).
    over_15 = [
        o.observed_at
        for o in (*checked.earlier, CiwaObservation(checked.score, checked.observed_at))
        if o.score >= CIWA_HOURLY_DIAZEPAM_FROM and in_escalation(o.observed_at)
    ]
    hourly_from = min(over_15) if over_15 else None
    hourly_diazepam = tuple(
        d for d in diazepam if hourly_from is not None and d.given_at >= hourly_from
    )
    olanzapine = tuple(d for d in checked.doses if d.drug == OLANZAPINE)
    was_over_15 = any(
        o.score >= CIWA_HOURLY_DIAZEPAM_FROM and in_escalation(o.observed_at)
        for o in checked.earlier
    )
    hourly = checked.score >= CIWA_HOURLY_DIAZEPAM_FROM or (
        checked.score >= CIWA_HOURLY_FROM and was_over_15
    )
    return _Course(
        since=since,
        diazepam=diazepam,
        hourly_diazepam=hourly_diazepam,
        olanzapine=olanzapine,
        olanzapine_in_escalation=any(in_escalation(d.given_at) for d in olanzapine),
        hourly_escalation=hourly,
    )


def _ambiguous_locally(moment: datetime) -> bool:
    """True in the repeated hour of the autumn DST night (02:00–03:00 happens twice in Oslo)."""
    local = to_oslo(moment)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def _local_times(*moments: datetime) -> tuple[str, ...]:
    """Oslo clock times for one line. When one of them is in the repeated autumn hour, or they
    lie on both sides of a DST change, every time carries its zone (CET/CEST): "given at 02:30,
    due at 02:30" would otherwise read as no time at all, and "01:30 → 03:30" as two hours."""
    offsets = {to_oslo(moment).utcoffset() for moment in moments}
    with_zone = len(offsets) > 1 or any(_ambiguous_locally(moment) for moment in moments)
    return tuple(format_oslo(m, with_date=False, with_zone=with_zone) for m in moments)


def _not_yet_due(
    doses: Sequence[_Dose],
    now: datetime,
    code: str,
    message: str,
    *,
    refs: tuple[str, ...] = ("8.4.6-3",),
    resolution: bool = False,
) -> AdviceLine | None:
    """Warn when the last dose was less than an hour ago (no double dosing on a re-score)."""
    if not doses:
        return None
    last = doses[-1].given_at
    due = last + HOURLY
    if due <= now:
        return None
    given_local, due_local = _local_times(last, due)
    return AdviceLine(
        code,
        message,
        "warning",
        refs=refs,
        params=_params(
            given_at=last, given_at_local=given_local, due_at=due, due_at_local=due_local
        ),
        resolution=resolution,
    )


def _diazepam_not_yet_due(checked: _Checked) -> AdviceLine | None:
    """G 4229 "hver time", read from the last diazepam dose of any kind (hourly, scheduled × 4 or
    night sedation; the episode's doses, whatever the escalation): a local resolution, since the
    guideline times only the hourly doses. Those other doses still do not count toward 50 mg."""
    diazepam = [d for d in checked.doses if d.drug == DIAZEPAM]
    return _not_yet_due(
        diazepam,
        checked.now,
        "diazepam_not_yet_due",
        MSG_DIAZEPAM_NOT_YET_DUE,
        resolution=True,
    )
