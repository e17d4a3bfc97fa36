"""Turning the engines' exact values into JSON: one helper for every engine's ``to_dict``.

Quantities are exact ``Fraction`` values in the engines; in JSON they become numbers (an int
when whole, else a float rounded to 3 decimals). Tuples become lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any


def json_number(value: Fraction) -> int | float:
    """``value`` as a JSON number: an int when whole, else a float rounded to 3 decimals."""
    if value.denominator == 1:
        return int(value)
    return round(float(value), 3)


def json_number_or_none(value: Fraction | None) -> int | float | None:
    return None if value is None else json_number(value)


def json_ready(value: Any) -> Any:
    """``value`` with fractions as numbers and tuples as lists, at any depth."""
    if isinstance(value, Fraction):
        return json_number(value)
    if isinstance(value, tuple | list):
        return [json_ready(item) for item in value]
    if isinstance(value, Mapping):
        return {key: json_ready(item) for key, item in value.items()}
    return value
