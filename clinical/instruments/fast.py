"""FAST, the four-item alcohol screening test derived from AUDIT (``docs/SCALES.md`` §6).

Items 1–4, the two-stage positive rule on item 1 with its skip, and the UK-unit remarks.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from clinical.instruments.common import (
    ALCOHOL_OTHERS_CONCERNED,
    Band,
    Instrument,
    PositiveRule,
    Remark,
    SkipRule,
    _frequency_item,
    _no_earlier_recent_item,
)
from clinical.messages import gettext_noop

FAST_SOURCE: Final = (
    "Hodgson R, Alwyn T, John B, Thom B, Smith A. The FAST Alcohol Screening Test. Alcohol "
    "Alcohol 2002;37(1):61-66. Manual for the FAST, Health Development Agency 2002."
)
_FAST_OTHER_ITEMS: Final = ("failed_expectations", "blackout", "others_concerned")

FAST: Final = Instrument(
    code="fast",
    name="FAST",
    full_name="Fast Alcohol Screening Test",
    kind="screening",
    items=(
        _frequency_item(
            1,
            "heavy_episode_frequency",
            (
                "Hvor ofte drikker du 8 (menn) eller 6 (kvinner) britiske alkoholenheter eller "
                "mer ved én anledning?",
                "How often do you have 8 (men) or 6 (women) or more UK units of alcohol on one "
                "occasion?",
            ),
        ),
        _frequency_item(
            2,
            "failed_expectations",
            (
                "Hvor ofte i løpet av det siste året har du latt være å gjøre det som normalt var "
                "forventet av deg, fordi du hadde drukket?",
                "How often in the last year have you failed to do what was normally expected of "
                "you because of drinking?",
            ),
        ),
        _frequency_item(
            3,
            "blackout",
            (
                "Hvor ofte i løpet av det siste året har du ikke husket hva som skjedde kvelden "
                "før, fordi du hadde drukket?",
                "How often in the last year have you been unable to remember what happened the "
                "night before because of drinking?",
            ),
        ),
        _no_earlier_recent_item(
            4,
            "others_concerned",
            ALCOHOL_OTHERS_CONCERNED,
        ),
    ),
    # The band is decided by the two-stage rule, not by the total alone: with item 1 = 0 the
    # result is negative whatever the total (SCALES.md §6.3). The ranges say where each band's
    # total lies when item 1 is 1 or more.
    bands=(
        Band("negative", "Negativ", gettext_noop("Negative"), 0, 2, "Hodgson et al. 2002"),
        Band("positive", "Positiv", gettext_noop("Positive"), 3, None, "Hodgson et al. 2002"),
    ),
    positive_rule=PositiveRule(
        kind="fast_two_stage",
        description_nb="Spørsmål 1 = 0: negativ. Spørsmål 1 = 3 eller 4: positiv. Spørsmål 1 = "
        "1 eller 2: positiv ved totalskår 3 eller mer.",
        description_en="Item 1 = 0: negative. Item 1 = 3 or 4: positive. Item 1 = 1 or 2: "
        "positive at a total of 3 or more.",
        source="Hodgson et al. 2002; HDA manual 2002",
        cutoff=3,
        stage_item="heavy_episode_frequency",
    ),
    skip_rules=(
        # Stage 1 decides with item 1 = 0 (negative) or item 1 ≥ 3 (positive): the other items
        # need not be asked (SCALES.md §6.3).
        SkipRule(
            when=MappingProxyType({"heavy_episode_frequency": frozenset({0, 3, 4})}),
            skip=_FAST_OTHER_ITEMS,
            description_nb="Spørsmål 1 = 0, 3 eller 4 avgjør resultatet: resten trenger ikke "
            "spørres.",
            description_en="Item 1 = 0, 3 or 4 decides the result: the other items need not be "
            "asked.",
        ),
    ),
    sources=(FAST_SOURCE,),
    # 7.3-1 (G 3418): FAST and CAGE may be used in primary care, hospital wards and custody.
    guideline_refs=("7.3-1",),
    guideline_sections=("7.3.2",),
    remarks=(
        Remark(
            "fast_uk_units",
            "Spørsmål 1 regner i britiske enheter (8 g alkohol). Det finnes ingen offisiell norsk "
            "FAST; bruk med omregning til norske enheter krever en egen beslutning.",
            "Item 1 counts UK units (8 g of alcohol). There is no official Norwegian FAST; "
            "using it with Norwegian units needs a separate conversion decision.",
        ),
        Remark(
            "fast_not_when_intoxicated",
            "FAST egner seg ikke for personer som er ruspåvirket (7.3.2).",
            "FAST is not suitable for people who are intoxicated (7.3.2).",
        ),
    ),
)
