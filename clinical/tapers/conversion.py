"""Equipotency conversion: each drug the patient uses in diazepam equivalents and in the taper
drug, and the bound on a clinician's start dose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal

from clinical.tapers.constants import START_DOSE_BOUND_FACTOR
from clinical.tapers.output import Conversion, EquivalenceUsed
from clinical.tapers.request import CurrentUse
from clinical.tapers.tablets import EquipotencyTable, default_equipotency


def equivalence_used(
    drug: str,
    *,
    lower_dose_end: Literal["low", "high"],
    chosen: Mapping[str, Fraction] | None = None,
    table: EquipotencyTable | None = None,
) -> EquivalenceUsed:
    """The value used for ``drug``: the clinician's, the table's only value, or the default end.

    ``lower_dose_end`` says which end of a range gives the lower taper-drug dose: ``"high"``
    for a drug the patient uses, ``"low"`` for the taper drug (see the module docstring).
    """
    table = table or default_equipotency()
    low, high = table.ranges[drug]
    if chosen and drug in chosen:
        return EquivalenceUsed(drug, (low, high), chosen[drug], "clinician")
    if low == high:
        return EquivalenceUsed(drug, (low, high), low, "table")
    return EquivalenceUsed(drug, (low, high), high if lower_dose_end == "high" else low, "default")


def convert_to_taper_drug(
    current_use: Sequence[CurrentUse],
    taper_drug: str,
    *,
    chosen: Mapping[str, Fraction] | None = None,
    table: EquipotencyTable | None = None,
) -> tuple[tuple[Conversion, ...], EquivalenceUsed]:
    """Each drug's daily dose in diazepam equivalents and in the taper drug."""
    table = table or default_equipotency()
    target = equivalence_used(taper_drug, lower_dose_end="low", chosen=chosen, table=table)
    rows = []
    for use in current_use:
        # A drug tapered with itself uses the same value both ways: one to one.
        source = (
            target
            if use.drug == taper_drug
            else equivalence_used(use.drug, lower_dose_end="high", chosen=chosen, table=table)
        )
        diazepam = use.mg_per_day * table.reference_mg / source.equivalent_used_mg
        rows.append(
            Conversion(
                drug=use.drug,
                mg_per_day=use.mg_per_day,
                equivalence=source,
                diazepam_equivalent_mg_per_day=diazepam,
                taper_drug_mg_per_day=diazepam * target.equivalent_used_mg / table.reference_mg,
            )
        )
    return tuple(rows), target


def upper_converted_mg(
    current_use: Sequence[CurrentUse], taper_drug: str, table: EquipotencyTable
) -> Fraction:
    """The converted dose at the range's upper end: the end of each range that gives the
    *higher* taper-drug dose (the other end from the default)."""
    target_high = table.ranges[taper_drug][1]
    total = Fraction(0)
    for use in current_use:
        if use.drug == taper_drug:
            total += use.mg_per_day
        else:
            total += use.mg_per_day / table.ranges[use.drug][0] * target_high
    return total


def start_bound_mg(
    current_use: Sequence[CurrentUse], taper_drug: str, table: EquipotencyTable
) -> Fraction:
    """The highest start dose without an override reason: 1.5 x ``upper_converted_mg``."""
    return START_DOSE_BOUND_FACTOR * upper_converted_mg(current_use, taper_drug, table)
