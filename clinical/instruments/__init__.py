"""The rating scales named in the detox guideline, as plain immutable data.

Binding specification: ``docs/SCALES.md`` (item keys, allowed values, anchors, bands, band codes,
sources). One module per scale holds its items, allowed values, anchors, bands and remarks
(``ciwa_ar``, ``cows``, ``sows``, ``audit``, ``dudit``, ``fast``, ``cage``, ``tweak``); the shared
types and builders are in ``common`` and the code → instrument registry in ``registry``. Every
name is re-exported here, so ``from clinical.instruments import X`` is the one way in.

Anchor texts are *paraphrases*, in English and in Norwegian bokmål. They are not the licensed
wording of any form: before showing patient-facing text, use the official Norwegian form where one
exists (SCALES.md §11). Nothing in this package touches a database; scoring lives in
``clinical.scoring``. Messages are marked with ``clinical.messages.gettext_noop``.
Guideline line numbers ("G 4173") in the modules refer to
``guidelines/data/source/retningslinje-avrusning-2014.txt``.
"""

from __future__ import annotations

from clinical.instruments.audit import AUDIT, AUDIT_NORWEGIAN_SOURCE, AUDIT_SOURCE
from clinical.instruments.cage import CAGE, CAGE_SOURCE
from clinical.instruments.ciwa_ar import CIWA_AR, CIWA_AR_SOURCE
from clinical.instruments.common import (
    NO_YES,
    SEX_FEMALE,
    SEX_MALE,
    SEXES,
    ZERO_TO_FOUR,
    ZERO_TO_SEVEN,
    ZERO_TWO_FOUR,
    Band,
    Instrument,
    Item,
    Kind,
    Option,
    PositiveRule,
    PositiveRuleKind,
    Rated,
    Remark,
    Sex,
    SkipRule,
)
from clinical.instruments.cows import COWS, COWS_SOURCE
from clinical.instruments.dudit import DUDIT, DUDIT_SOURCE
from clinical.instruments.fast import FAST, FAST_SOURCE
from clinical.instruments.registry import INSTRUMENTS, get_instrument
from clinical.instruments.sows import SOWS, SOWS_SOURCE
from clinical.instruments.tweak import TWEAK, TWEAK_SOURCE

__all__ = [
    "AUDIT",
    "AUDIT_NORWEGIAN_SOURCE",
    "AUDIT_SOURCE",
    "CAGE",
    "CAGE_SOURCE",
    "CIWA_AR",
    "CIWA_AR_SOURCE",
    "COWS",
    "COWS_SOURCE",
    "DUDIT",
    "DUDIT_SOURCE",
    "FAST",
    "FAST_SOURCE",
    "INSTRUMENTS",
    "NO_YES",
    "SEXES",
    "SEX_FEMALE",
    "SEX_MALE",
    "SOWS",
    "SOWS_SOURCE",
    "TWEAK",
    "TWEAK_SOURCE",
    "ZERO_TO_FOUR",
    "ZERO_TO_SEVEN",
    "ZERO_TWO_FOUR",
    "Band",
    "Instrument",
    "Item",
    "Kind",
    "Option",
    "PositiveRule",
    "PositiveRuleKind",
    "Rated",
    "Remark",
    "Sex",
    "SkipRule",
    "get_instrument",
]
