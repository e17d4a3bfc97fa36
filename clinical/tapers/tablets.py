"""Tablets and equipotency: what whole tablets of a drug make up (and how a day's dose is split
into doses), and the equipotency table, both read from ``clinical/data/``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, cached_property
from itertools import combinations_with_replacement
from pathlib import Path
from typing import Any

from clinical.jsonable import json_number
from clinical.tapers.constants import EQUIPOTENCY_FILE, MAX_TABLETS_PER_DOSE, TABLET_STRENGTHS_FILE


@dataclass(frozen=True)
class Tablet:
    strength_mg: Fraction
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"strength_mg": json_number(self.strength_mg), "count": self.count}


@dataclass(frozen=True)
class Dispensing:
    """What whole tablets of one drug can make up.

    Amounts are handled in integer units of the greatest common divisor of the strengths
    (5 mg for oxazepam, 1 mg for diazepam, 2 mg for buprenorphine).
    """

    drug: str
    strengths_mg: tuple[Fraction, ...]
    products: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.strengths_mg or any(s <= 0 for s in self.strengths_mg):
            raise ValueError(f"{self.drug}: tablet strengths must be positive")
        object.__setattr__(self, "strengths_mg", tuple(sorted(set(self.strengths_mg))))

    @cached_property
    def unit_mg(self) -> Fraction:
        denominator = math.lcm(*(s.denominator for s in self.strengths_mg))
        numerator = math.gcd(*(int(s * denominator) for s in self.strengths_mg))
        return Fraction(numerator, denominator)

    @property
    def smallest_mg(self) -> Fraction:
        return self.strengths_mg[0]

    @cached_property
    def _coins(self) -> tuple[int, ...]:
        unit = self.unit_mg
        return tuple(int(s / unit) for s in self.strengths_mg)

    def is_dispensable(self, mg: Fraction) -> bool:
        """True when whole tablets make up ``mg`` exactly (0 is dispensable: nothing to give)."""
        units = mg / self.unit_mg
        return units >= 0 and units.denominator == 1 and _representable(self._coins, int(units))

    def round_down(self, mg: Fraction) -> Fraction:
        """The largest dispensable dose not above ``mg`` (0 when below the smallest tablet)."""
        units = math.floor(mg / self.unit_mg)
        while units > 0 and not _representable(self._coins, units):
            units -= 1
        return max(units, 0) * self.unit_mg

    def round_up(self, mg: Fraction) -> Fraction:
        """The smallest dispensable dose not below ``mg``."""
        units = max(math.ceil(mg / self.unit_mg), 0)
        while not _representable(self._coins, units):
            units += 1
        return units * self.unit_mg

    def nearest(self, mg: Fraction) -> tuple[Fraction, ...]:
        """The dispensable doses just below and just above ``mg`` (for error messages)."""
        below = self.round_down(mg)
        above = self.round_up(mg)
        return tuple(dict.fromkeys(value for value in (below, above) if value > 0))

    def tablets(self, mg: Fraction) -> tuple[Tablet, ...]:
        """The fewest whole tablets that make up ``mg``, largest strength first."""
        if not self.is_dispensable(mg):
            raise ValueError(f"{mg} mg {self.drug} is not dispensable")
        counts = _fewest_tablets(self._coins, int(mg / self.unit_mg))
        return tuple(
            Tablet(strength, count)
            for strength, count in reversed(list(zip(self.strengths_mg, counts, strict=True)))
            if count
        )

    def split(self, total_mg: Fraction, parts: int) -> tuple[Fraction, ...]:
        """``total_mg`` as ``parts`` dispensable doses (0 = dose dropped), smallest first."""
        if not self.is_dispensable(total_mg):
            raise ValueError(f"{total_mg} mg {self.drug} is not dispensable")
        units = _split_units(self._coins, int(total_mg / self.unit_mg), parts)
        return tuple(value * self.unit_mg for value in units)


@cache
def _representable_table(coins: tuple[int, ...]) -> tuple[tuple[bool, ...], int]:
    # The coins have no common divisor, so by Schur's bound every amount above
    # (c_min - 1)(c_max - 1) - 1 is a sum of coins; only amounts up to there need a table.
    limit = coins[0] * coins[-1] + coins[-1]
    table = [True] + [False] * limit
    for amount in range(1, limit + 1):
        table[amount] = any(coin <= amount and table[amount - coin] for coin in coins)
    return tuple(table), limit


def _representable(coins: tuple[int, ...], units: int) -> bool:
    table, limit = _representable_table(coins)
    return units > limit or (units >= 0 and table[units])


@cache
def _fewest_table(coins: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """Fewest coins for every amount up to a bound, and the coin used last (ties: larger).

    In a fewest-coins sum, a smaller coin ``c`` occurs fewer than ``largest / gcd(c, largest)``
    times (that many could be swapped for fewer of the largest), so everything but the largest
    coins adds up to at most ``bound``; larger amounts use the largest coin for the rest.
    """
    largest = coins[-1]
    bound = sum((largest // math.gcd(coin, largest) - 1) * coin for coin in coins[:-1])
    size = bound + largest
    impossible = size + 1
    best = [0] + [impossible] * size
    last = [0] * (size + 1)
    for amount in range(1, size + 1):
        for index in reversed(range(len(coins))):
            coin = coins[index]
            if coin <= amount and best[amount - coin] + 1 < best[amount]:
                best[amount] = best[amount - coin] + 1
                last[amount] = index
    return tuple(best), tuple(last), size


def _fewest_tablets(coins: tuple[int, ...], units: int) -> tuple[int, ...]:
    best, last, size = _fewest_table(coins)
    counts = [0] * len(coins)
    if units > size:
        extra = (units - size) // coins[-1] + 1
        counts[-1] += extra
        units -= extra * coins[-1]
    if best[units] > size:
        raise ValueError("not a sum of the tablet strengths")
    while units:
        index = last[units]
        counts[index] += 1
        units -= coins[index]
    return tuple(counts)


@cache
def _split_units(coins: tuple[int, ...], total: int, parts: int) -> tuple[int, ...]:
    """The most even split of ``total`` into ``parts`` dispensable amounts, ascending.

    Tries 1..parts non-zero doses, each near ``total / n`` (within two smallest tablets, enough
    since dispensable amounts above the smallest tablet lie closer together than that), and the
    day's fewest tablets grouped into doses of at most ``MAX_TABLETS_PER_DOSE`` tablets.
    Ranked by tablets beyond three in a dose (none where the strengths allow), then sum of
    squares (evenness), then fewest tablets, then more in the later doses.
    """
    best = (0,) * (parts - 1) + (total,)
    best_key = _split_key(coins, best)
    grouped = _grouped_split(coins, total, parts)
    if grouped is not None and _split_key(coins, grouped) < best_key:
        best, best_key = grouped, _split_key(coins, grouped)
    window = 2 * coins[0]
    for nonzero in range(2, parts + 1):
        low = max(1, total // nonzero - window)
        high = -(-total // nonzero) + window
        candidates = [v for v in range(low, high + 1) if _representable(coins, v)]
        for combo in combinations_with_replacement(candidates, nonzero - 1):
            rest = total - sum(combo)
            if rest < 1 or not _representable(coins, rest):
                continue
            split = (0,) * (parts - nonzero) + tuple(sorted((*combo, rest)))
            key = _split_key(coins, split)
            if key < best_key:
                best, best_key = split, key
    return best


def _grouped_split(coins: tuple[int, ...], total: int, parts: int) -> tuple[int, ...] | None:
    """The day's fewest tablets in ``parts`` doses of at most three tablets, as even as a
    largest-first placement makes them; None when the day needs more than three per dose."""
    counts = _fewest_tablets(coins, total)
    tablets = sorted(
        (coin for coin, count in zip(coins, counts, strict=True) for _ in range(count)),
        reverse=True,
    )
    if len(tablets) > MAX_TABLETS_PER_DOSE * parts:
        return None
    sums, sizes = [0] * parts, [0] * parts
    for coin in tablets:
        index = min(
            (i for i in range(parts) if sizes[i] < MAX_TABLETS_PER_DOSE), key=lambda i: sums[i]
        )
        sums[index] += coin
        sizes[index] += 1
    return tuple(sorted(sums))


def _split_key(
    coins: tuple[int, ...], split: tuple[int, ...]
) -> tuple[int, int, int, tuple[int, ...]]:
    per_dose = [sum(_fewest_tablets(coins, value)) for value in split]
    excess = sum(max(0, count - MAX_TABLETS_PER_DOSE) for count in per_dose)
    return (excess, sum(v * v for v in split), sum(per_dose), tuple(-v for v in reversed(split)))


@dataclass(frozen=True)
class EquipotencyTable:
    """Mg of each drug equal to ``reference_mg`` of ``reference_drug`` (5 mg diazepam)."""

    source: str
    reference_drug: str
    reference_mg: Fraction
    ranges: Mapping[str, tuple[Fraction, Fraction]]

    def __post_init__(self) -> None:
        for drug, (low, high) in self.ranges.items():
            if not 0 < low <= high:
                raise ValueError(f"{drug}: the equivalence range must be 0 < low <= high")
        if self.ranges.get(self.reference_drug) != (self.reference_mg, self.reference_mg):
            raise ValueError("the reference drug must be equal to itself")


def _read_json(path: Path) -> Any:
    # Floats are read as exact fractions: 0.25 mg must stay 1/4 mg.
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Fraction)


def load_tablet_strengths(path: Path = TABLET_STRENGTHS_FILE) -> dict[str, Dispensing]:
    data = _read_json(path)["drugs"]
    return {
        drug: Dispensing(
            drug=drug,
            strengths_mg=tuple(Fraction(s) for s in entry["strengths_mg"]),
            products=tuple(entry.get("products", ())),
        )
        for drug, entry in data.items()
    }


def load_equipotency(path: Path = EQUIPOTENCY_FILE) -> EquipotencyTable:
    data = _read_json(path)
    return EquipotencyTable(
        source=data["source"],
        reference_drug=data["reference_drug"],
        reference_mg=Fraction(data["reference_mg"]),
        ranges={
            drug: (Fraction(low), Fraction(high)) for drug, (low, high) in data["drugs"].items()
        },
    )


@cache
def default_tablet_strengths() -> Mapping[str, Dispensing]:
    return load_tablet_strengths()


@cache
def default_equipotency() -> EquipotencyTable:
    return load_equipotency()
