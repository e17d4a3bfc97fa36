"""What every regimen builder shares: plan lines and proposals (with ``to_dict``), the drug
names, the input error and the range checks of the inputs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Final, Literal

from clinical.inputs import ClinicalInputError, FieldError
from clinical.jsonable import json_number, json_number_or_none, json_ready
from clinical.messages import gettext_noop

Kind = Literal["give", "consider", "avoid", "note"]
Setting = Literal["outpatient", "inpatient"]

# 8.4.3-1 (G 4063-4065): "drukket tett, f.eks. mer enn en uke", i.e. more than 7 days.
CONTINUOUS_DRINKING_DAYS_ABOVE: Final = 7
# 8.4.3-2 (G 4071): valproic acid "ved promille under 1".
VALPROATE_START_PERMILLE_BELOW: Final = Fraction(1)
# 8.4.4 (G 4082): no antihistamines "når pasienten har over 0,5 promille".
ANTIHISTAMINE_PERMILLE_ABOVE: Final = Fraction(1, 2)
# 6.2.2-B2 (G 2656-2658): "mangelfull søvn over to døgn" (CLINICAL.md: more than 2 nights).
POOR_SLEEP_NIGHTS_ABOVE: Final = 2
# Upper bounds only catch typing errors; they are not clinical limits.
MAX_DAYS: Final = 36_500
MAX_PERMILLE: Final = Fraction(20)

# Drug codes used in lines; the names are for display.
DRUG_NAMES: Final[Mapping[str, str]] = {
    "thiamine": gettext_noop("thiamine (vitamin B1)"),
    "multivitamin": gettext_noop("multivitamin tablets"),
    "valproic_acid": gettext_noop("valproic acid"),
    "benzodiazepine": gettext_noop("a benzodiazepine"),
    "diazepam": gettext_noop("diazepam"),
    "oxazepam": gettext_noop("oxazepam"),
    "olanzapine": gettext_noop("olanzapine"),
    "zopiclone": gettext_noop("zopiclone"),
    "nitrazepam": gettext_noop("nitrazepam"),
    "trimipramine": gettext_noop("trimipramine"),
    "mianserin": gettext_noop("mianserin"),
    "alimemazine": gettext_noop("alimemazine"),
    "antihistamine": gettext_noop("antihistamines"),
    "carbamazepine": gettext_noop("carbamazepine"),
    "buprenorphine_naloxone": gettext_noop("buprenorphine with naloxone"),
    "clonidine": gettext_noop("clonidine"),
    "lofexidine": gettext_noop("lofexidine"),
    "methadone": gettext_noop("methadone"),
}

_NO_DOSE = gettext_noop("The guideline gives no dose.")
_D_SEE_TAPER = gettext_noop("See the taper plan.")


# --- Output -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseSpec:
    """A dose as text (msgid) and, where the guideline gives one, in mg."""

    text: str
    mg: Fraction | None = None
    mg_range: tuple[Fraction, Fraction] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "mg": json_number_or_none(self.mg),
            "mg_range": None if self.mg_range is None else [json_number(v) for v in self.mg_range],
        }


@dataclass(frozen=True)
class Condition:
    """A fact that must hold when the line is carried out; ``met`` is None when unknown."""

    code: str
    message: str
    met: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "met": self.met}


@dataclass(frozen=True)
class PlanLine:
    code: str
    kind: Kind
    drugs: tuple[str, ...]
    dose: DoseSpec | None
    schedule: str | None
    message: str
    refs: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict)
    conditions: tuple[Condition, ...] = ()
    reasons: tuple[str, ...] = ()
    resolution: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "drug": self.drugs[0] if len(self.drugs) == 1 else None,
            "drugs": list(self.drugs),
            "dose": None if self.dose is None else self.dose.to_dict(),
            "schedule": self.schedule,
            "message": self.message,
            "params": {key: json_ready(value) for key, value in self.params.items()},
            "refs": list(self.refs),
            "conditions": [condition.to_dict() for condition in self.conditions],
            "reasons": list(self.reasons),
            "resolution": self.resolution,
        }


@dataclass(frozen=True)
class RegimenProposal:
    lines: tuple[PlanLine, ...]
    missing: tuple[str, ...] = ()

    def codes(self) -> list[str]:
        return [line.code for line in self.lines]

    def line(self, code: str) -> PlanLine | None:
        return next((line for line in self.lines if line.code == code), None)

    def to_dict(self) -> dict[str, Any]:
        return {"lines": [line.to_dict() for line in self.lines], "missing": list(self.missing)}


class RegimenInputError(ClinicalInputError):
    """An input value is out of range; ``errors`` names each bad field (as ``TaperInputError``)."""


_E_COUNT = gettext_noop("Must be a whole number from 0 to %(max)s, or null.")
_E_PERMILLE = gettext_noop("Must be a number from 0 to %(max)s, or null.")


def _check_count(name: str, value: int | None, errors: list[FieldError]) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        errors.append(FieldError(name, _E_COUNT, {"max": MAX_DAYS}))


def _permille(value: float | Fraction | None, errors: list[FieldError]) -> Fraction | None:
    """A per-mille reading as an exact fraction (1.0 must compare equal to 1)."""
    if value is None:
        return None
    number: Fraction | None = None
    if isinstance(value, Fraction | int) and not isinstance(value, bool):
        number = Fraction(value)
    elif isinstance(value, float) and math.isfinite(value):
        number = Fraction(repr(value))
    if number is None or not 0 <= number <= MAX_PERMILLE:
        errors.append(
            FieldError("breath_alcohol_permille", _E_PERMILLE, {"max": int(MAX_PERMILLE)})
        )
        return None
    return number


def _raise(errors: list[FieldError]) -> None:
    if errors:
        raise RegimenInputError(errors)


def _missing(**facts: object) -> tuple[str, ...]:
    return tuple(name for name, value in facts.items() if value is None)
