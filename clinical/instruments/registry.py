"""The registry of the rating scales: every instrument by its code."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from clinical.instruments.audit import AUDIT
from clinical.instruments.cage import CAGE
from clinical.instruments.ciwa_ar import CIWA_AR
from clinical.instruments.common import Instrument
from clinical.instruments.cows import COWS
from clinical.instruments.dudit import DUDIT
from clinical.instruments.fast import FAST
from clinical.instruments.sows import SOWS
from clinical.instruments.tweak import TWEAK

INSTRUMENTS: Final[Mapping[str, Instrument]] = MappingProxyType(
    {
        instrument.code: instrument
        for instrument in (CIWA_AR, COWS, SOWS, AUDIT, DUDIT, FAST, CAGE, TWEAK)
    }
)


def get_instrument(code: str) -> Instrument:
    """The instrument with this code; ``KeyError`` naming the known codes if there is none."""
    try:
        return INSTRUMENTS[code]
    except KeyError:
        known = ", ".join(INSTRUMENTS)
        raise KeyError(f"unknown instrument {code!r}; known codes: {known}") from None
