"""AUDIT, the ten-item alcohol screening test (``docs/SCALES.md`` §4).

Items 1–10, the WHO risk zones I–IV, the Norwegian sex-specific cut-off (8 for men, 6 for women),
the WHO administration skips to items 9–10 and the unit and cut-off remarks.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from clinical.instruments.common import (
    ALCOHOL_OTHERS_CONCERNED,
    ZERO_TO_FOUR,
    Band,
    Instrument,
    Item,
    Remark,
    SkipRule,
    _frequency_item,
    _how_often_item,
    _item,
    _no_earlier_recent_item,
    _total_at_least_by_sex,
)
from clinical.messages import gettext_noop

AUDIT_SOURCE: Final = (
    "Saunders JB, Aasland OG, Babor TF, de la Fuente JR, Grant M. Addiction 1993;88:791-804. "
    "Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: Guidelines for Use in "
    "Primary Care, 2nd ed. WHO 2001 (WHO/MSD/MSB/01.6a)."
)
AUDIT_NORWEGIAN_SOURCE: Final = (
    "Aasland OG, Amundsen A, Bovim G, Fauske S, Mørland J. Tidsskr Nor Lægeforen "
    "1990;110:1523-7; NHI.no 'Alkohol-AUDIT' / rop.no (Norwegian sex-specific cut-offs)."
)
_WHO_ZONES: Final = "WHO 2001 AUDIT manual, risk zones I-IV"
_AUDIT_LAST_YEAR: Final = ("I løpet av det siste året.", "In the last year.")


def _audit_frequency_item(number: int, key: str, label_nb: str, label_en: str) -> Item:
    return _frequency_item(number, key, (label_nb, label_en), _AUDIT_LAST_YEAR)


AUDIT: Final = Instrument(
    code="audit",
    name="AUDIT",
    full_name="Alcohol Use Disorders Identification Test",
    kind="screening",
    items=(
        _how_often_item(
            1,
            "drinking_frequency",
            ("Hvor ofte drikker du alkohol?", "How often do you have a drink containing alcohol?"),
        ),
        _item(
            2,
            "typical_quantity",
            (
                "Hvor mange alkoholenheter drikker du vanligvis når du drikker?",
                "How many drinks do you have on a typical day when you are drinking?",
            ),
            ZERO_TO_FOUR,
            {
                0: ("1–2", "1–2"),
                1: ("3–4", "3–4"),
                2: ("5–6", "5–6"),
                3: ("7–9", "7–9"),
                4: ("10 eller flere", "10 or more"),
            },
            "asked",
        ),
        _audit_frequency_item(
            3,
            "heavy_episode_frequency",
            "Hvor ofte drikker du seks alkoholenheter eller mer ved én anledning?",
            "How often do you have six or more drinks on one occasion?",
        ),
        _audit_frequency_item(
            4,
            "impaired_control",
            "Hvor ofte har du ikke klart å stoppe å drikke når du først hadde begynt?",
            "How often have you found that you were not able to stop drinking once you had "
            "started?",
        ),
        _audit_frequency_item(
            5,
            "failed_expectations",
            "Hvor ofte har du latt være å gjøre det som normalt var forventet av deg, fordi du "
            "hadde drukket?",
            "How often have you failed to do what was normally expected of you because of "
            "drinking?",
        ),
        _audit_frequency_item(
            6,
            "morning_drink",
            "Hvor ofte har du trengt en drink om morgenen for å komme i gang etter mye drikking "
            "dagen før?",
            "How often have you needed a first drink in the morning to get yourself going after "
            "a heavy drinking session?",
        ),
        _audit_frequency_item(
            7,
            "guilt_remorse",
            "Hvor ofte har du hatt skyldfølelse eller dårlig samvittighet etter å ha drukket?",
            "How often have you had a feeling of guilt or remorse after drinking?",
        ),
        _audit_frequency_item(
            8,
            "blackout",
            "Hvor ofte har du ikke husket hva som skjedde kvelden før, fordi du hadde drukket?",
            "How often have you been unable to remember what happened the night before because "
            "you had been drinking?",
        ),
        _no_earlier_recent_item(
            9,
            "alcohol_related_injury",
            (
                "Har du eller noen andre blitt skadet som følge av at du hadde drukket?",
                "Have you or someone else been injured as a result of your drinking?",
            ),
        ),
        _no_earlier_recent_item(
            10,
            "others_concerned",
            ALCOHOL_OTHERS_CONCERNED,
        ),
    ),
    bands=(
        Band("zone_I", "Sone I", gettext_noop("Zone I"), 0, 7, _WHO_ZONES),
        Band("zone_II", "Sone II", gettext_noop("Zone II"), 8, 15, _WHO_ZONES),
        Band("zone_III", "Sone III", gettext_noop("Zone III"), 16, 19, _WHO_ZONES),
        Band("zone_IV", "Sone IV", gettext_noop("Zone IV"), 20, None, _WHO_ZONES),
    ),
    requires_sex=True,
    positive_rule=_total_at_least_by_sex(
        8,
        6,
        (
            "Positiv ved totalskår 8 eller mer for menn og 6 eller mer for kvinner.",
            "Positive at a total of 8 or more for men and 6 or more for women.",
        ),
        AUDIT_NORWEGIAN_SOURCE,
    ),
    skip_rules=(
        # WHO manual [recall, SCALES.md §4.2]: never drinks → go straight to items 9–10.
        SkipRule(
            when=MappingProxyType({"drinking_frequency": frozenset({0})}),
            skip=(
                "typical_quantity",
                "heavy_episode_frequency",
                "impaired_control",
                "failed_expectations",
                "morning_drink",
                "guilt_remorse",
                "blackout",
            ),
            description_nb="Spørsmål 1 = 0: gå rett til spørsmål 9 og 10.",
            description_en="Item 1 = 0: go straight to items 9 and 10.",
        ),
        # Items 2 + 3 = 0 (both are non-negative, so both are 0) → go straight to items 9–10.
        SkipRule(
            when=MappingProxyType(
                {"typical_quantity": frozenset({0}), "heavy_episode_frequency": frozenset({0})}
            ),
            skip=(
                "impaired_control",
                "failed_expectations",
                "morning_drink",
                "guilt_remorse",
                "blackout",
            ),
            description_nb="Spørsmål 2 + 3 = 0: gå rett til spørsmål 9 og 10.",
            description_en="Items 2 + 3 = 0: go straight to items 9 and 10.",
        ),
    ),
    sources=(AUDIT_SOURCE, AUDIT_NORWEGIAN_SOURCE),
    # 7.3-2 (G 3426): AUDIT may be used in municipal services and in TSB. The NICE background
    # threshold (G 924–926) is in 3.2, not in a numbered recommendation.
    guideline_refs=("7.3-2",),
    guideline_sections=("7.3.1", "3.2"),
    remarks=(
        Remark(
            "audit_cutoff",
            "Retningslinjen (7.3.1) sier «over 8». WHO og det norske skjemaet bruker 8 eller mer "
            "for menn; norsk praksis bruker 6 eller mer for kvinner. Appen bruker disse.",
            "The guideline (7.3.1) says 'over 8'. WHO and the Norwegian form use 8 or more for "
            "men; Norwegian practice uses 6 or more for women. The app uses these.",
            resolution=True,
        ),
        Remark(
            "audit_items_9_10",
            "Spørsmål 9 og 10 har bare verdiene 0, 2 og 4 (retningslinjen sier 0–4 for alle).",
            "Items 9 and 10 take only 0, 2 and 4 (the guideline says 0–4 for every item).",
        ),
        Remark(
            "audit_units",
            "Spørsmål 2 teller norske alkoholenheter (om lag 12–12,8 g); WHO-spørsmålene regner "
            "med enheter på 10 g.",
            "Item 2 counts Norwegian alcohol units (about 12–12.8 g); the WHO items assume 10 g "
            "drinks.",
        ),
    ),
)
