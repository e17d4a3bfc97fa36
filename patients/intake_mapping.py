"""From a stored intake to the treatment-level engine's input: pure, no ORM.

``intake_to_level_input`` takes the snapshot ``patients.selectors.intake_snapshot`` makes of an
intake (JSON-ready values: numbers as strings where the database keeps decimals, times as ISO
text) and returns the same JSON the API ``POST /api/v1/treatment-level/`` accepts, so one
parser (``clinical.levels.parse_level_input``) checks both paths. Unknown stays unknown: a fact the
intake did not record is omitted (``None``), never turned into "no".

Three facts are derived rather than copied; each is an inference the intake itself supports:

- ``injecting``: a row whose route is "injected" is injecting use even when the yes/no
  question was left unanswered.
- ``repeated_overdoses``: two or more earlier overdoses ("repeated" is more than once); a count
  of 0 or 1 is "no"; no count is unknown.
- ``previous_withdrawal_complications``: the intake records electrolyte disturbance on its own,
  while the engine counts it with dehydration, as guideline 8.3.2-1 names them together
  ("dehydrering eller elektrolyttforstyrrelser").

The criteria for acute intervention (``acute_criteria``, 4.2-4..7) are copied as recorded
(``None`` not assessed, ``[]`` none apply), in the engine's order. The age is not an intake
fact: the caller passes ``age_years`` (the patient's age from the birth date the national
identity number gives, ``clinical.identity``), and ``None`` leaves it unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from clinical.levels import ACUTE_CRITERIA, BOOLEAN_FIELDS

# The engine's yes/no facts the intake records as they are; repeated overdoses it derives.
BOOLEAN_FACTS: Final = tuple(name for name in BOOLEAN_FIELDS if name != "repeated_overdoses")
# The engine's complication codes; the intake's own extra code and what it counts as.
ENGINE_COMPLICATIONS: Final = (
    "seizures",
    "delirium_tremens",
    "hallucinations",
    "psychosis",
    "dehydration",
)
COMPLICATION_ALIASES: Final = {"electrolyte_disturbance": "dehydration"}
REPEATED_FROM: Final = 2


def intake_to_level_input(
    snapshot: Mapping[str, Any],
    *,
    screening: Mapping[str, int | None] | None = None,
    age_years: int | None = None,
) -> dict[str, Any]:
    """The engine's input for an intake snapshot; ``screening`` supplies the AUDIT score and
    ``age_years`` the patient's age."""
    result: dict[str, Any] = {
        "substances": [_substance(row) for row in snapshot.get("substances", [])],
        "previous_withdrawal_complications": _complications(
            snapshot.get("previous_withdrawal_complications")
        ),
        "patient_preference": snapshot.get("patient_preference") or None,
        "ciwa_ar": snapshot.get("ciwa_ar"),
        "audit": (screening or {}).get("audit"),
        "alcohol_units_per_day": _number(snapshot.get("alcohol_units_per_day")),
        "repeated_overdoses": _repeated(snapshot.get("overdose_count")),
        "acute_criteria": _acute_criteria(snapshot.get("acute_criteria")),
        "age_years": age_years,
    }
    for name in BOOLEAN_FACTS:
        result[name] = snapshot.get(name)
    return result


def _substance(row: Mapping[str, Any]) -> dict[str, Any]:
    injecting = row.get("injecting")
    if injecting is None and row.get("route") == "injected":
        injecting = True
    return {
        "substance": row["substance"],
        "dependent": row.get("dependent"),
        "injecting": injecting,
        "continuous_use_days": row.get("continuous_use_days"),
    }


def _complications(value: Any) -> list[str] | None:
    if value is None:
        return None
    found: list[str] = []
    for code in value:
        mapped = COMPLICATION_ALIASES.get(code, code)
        if mapped not in found:
            found.append(mapped)
    # The engine's order, so the reasons read the same whatever order the boxes were ticked.
    return sorted(
        found, key=lambda c: ENGINE_COMPLICATIONS.index(c) if c in ENGINE_COMPLICATIONS else 99
    )


def _acute_criteria(value: Any) -> list[str] | None:
    if value is None:
        return None
    return sorted(
        value, key=lambda c: ACUTE_CRITERIA.index(c) if c in ACUTE_CRITERIA else len(ACUTE_CRITERIA)
    )


def _number(value: Any) -> float | int | None:
    if value is None or value == "":
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _repeated(count: Any) -> bool | None:
    if count is None:
        return None
    return int(count) >= REPEATED_FROM
