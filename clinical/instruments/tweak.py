"""TWEAK, the five-item alcohol screening test for pregnancy (``docs/SCALES.md`` §8).

Items 1–5 (tolerance and worry scored 0/2, the rest no/yes), the bands at 2 and the remarks.
"""

from __future__ import annotations

from typing import Final

from clinical.instruments.common import (
    Band,
    Instrument,
    PositiveRule,
    Remark,
    _item,
    _yes_no_item,
)
from clinical.messages import gettext_noop

TWEAK_SOURCE: Final = (
    "Russell M. New assessment tools for risk drinking during pregnancy: T-ACE, TWEAK, and "
    "others. Alcohol Health Res World 1994;18(1):55-61. Chan AWK, Pristach EA, Welte JW, Russell "
    "M. Alcohol Clin Exp Res 1993;17(6):1188-92."
)

TWEAK: Final = Instrument(
    code="tweak",
    name="TWEAK",
    full_name="TWEAK (Tolerance, Worried, Eye-opener, Amnesia, K/Cut down)",
    kind="screening",
    items=(
        _item(
            1,
            "tolerance",
            (
                "Toleranse: hvor mange drinker trenger du for å kjenne deg påvirket (eller hvor "
                "mange tåler du)?",
                "Tolerance: how many drinks does it take to make you feel high (or how many can "
                "you hold)?",
            ),
            (0, 2),
            {
                0: ("Under terskelen", "Below the threshold"),
                2: ("På eller over terskelen", "At or above the threshold"),
            },
            "asked",
            (
                "Terskelen avhenger av målgruppen, for eksempel 3 drinker for å kjenne seg "
                "påvirket hos gravide.",
                "The threshold depends on the population, e.g. 3 drinks to feel high in pregnancy.",
            ),
        ),
        _item(
            2,
            "worried",
            (
                "Har nære venner eller slektninger vært bekymret for eller klaget på drikkingen "
                "din det siste året?",
                "Have close friends or relatives worried or complained about your drinking in "
                "the past year?",
            ),
            (0, 2),
            {0: ("Nei", "No"), 2: ("Ja", "Yes")},
            "asked",
        ),
        _yes_no_item(
            3,
            "eye_opener",
            (
                "Tar du noen ganger en drink om morgenen når du står opp?",
                "Do you sometimes take a drink in the morning when you first get up?",
            ),
        ),
        _yes_no_item(
            4,
            "amnesia",
            (
                "Har noen fortalt deg om ting du sa eller gjorde mens du drakk, som du ikke "
                "husker?",
                "Has a friend or family member ever told you about things you said or did while "
                "you were drinking that you could not remember?",
            ),
        ),
        _yes_no_item(
            5,
            "kut_down",
            (
                "Føler du noen ganger at du burde drikke mindre?",
                "Do you sometimes feel the need to cut down on your drinking?",
            ),
        ),
    ),
    bands=(
        Band("negative", "Negativ", gettext_noop("Negative"), 0, 1, "Russell 1994"),
        Band("positive", "Positiv", gettext_noop("Positive"), 2, None, "Russell 1994"),
    ),
    positive_rule=PositiveRule(
        kind="total_at_least",
        description_nb="Positiv for risikodrikking i svangerskapet ved totalskår 2 eller mer.",
        description_en="Positive for risk drinking in pregnancy at a total of 2 or more.",
        source="Russell 1994; NIAAA (Chang 2001)",
        cutoff=2,
    ),
    sources=(TWEAK_SOURCE,),
    # 7.3.5 (G 3297–3303) describes TWEAK for pregnant women; no numbered recommendation names it.
    guideline_refs=(),
    guideline_sections=("7.3.5",),
    remarks=(
        Remark(
            "tweak_tolerance_threshold",
            "Toleransegrensen varierer mellom målgrupper; den norske skjemaets grense er ikke "
            "verifisert. Appen lagrer bare poengene (0 eller 2).",
            "The tolerance threshold differs between populations; the Norwegian form's "
            "threshold is not verified. The app stores the item score (0 or 2) only.",
        ),
    ),
)
