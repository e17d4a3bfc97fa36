"""SOWS (Handelsman), the self-rated opioid withdrawal scale (``docs/SCALES.md`` §3).

Its sixteen statements rated 0–4 for right now, the single unbanded band (no published bands:
the raw total is reported) and the remarks.
"""

from __future__ import annotations

from typing import Final

from clinical.instruments.common import (
    ZERO_TO_FOUR,
    Band,
    Instrument,
    Remark,
    _item,
)
from clinical.messages import gettext_noop

SOWS_SOURCE: Final = (
    "Handelsman L, Cochrane KJ, Aronson MJ, Ness R, Rubinstein KJ, Kanof PD. Two new rating "
    "scales for opiate withdrawal. Am J Drug Alcohol Abuse 1987;13(3):293-308."
)
_SOWS_ANCHORS: Final[dict[int, tuple[str, str]]] = {
    0: ("Ikke i det hele tatt", "Not at all"),
    1: ("Litt", "A little"),
    2: ("Moderat", "Moderately"),
    3: ("Ganske mye", "Quite a bit"),
    4: ("Ekstremt", "Extremely"),
}
_SOWS_ITEMS: Final = (
    ("anxious", "Jeg føler meg engstelig", "I feel anxious"),
    ("yawning", "Jeg har lyst til å gjespe", "I feel like yawning"),
    ("perspiring", "Jeg svetter", "I am perspiring"),
    ("eyes_tearing", "Øynene mine renner", "My eyes are tearing"),
    ("nose_running", "Nesen min renner", "My nose is running"),
    ("goose_flesh", "Jeg har gåsehud", "I have goose flesh"),
    ("shaking", "Jeg skjelver", "I am shaking"),
    ("hot_flushes", "Jeg har hetetokter", "I have hot flushes"),
    ("cold_flushes", "Jeg har kuldetokter", "I have cold flushes"),
    ("bones_muscles_ache", "Det verker i knoklene og musklene mine", "My bones and muscles ache"),
    ("restless", "Jeg føler meg rastløs", "I feel restless"),
    ("nauseous", "Jeg er kvalm", "I feel nauseous"),
    ("feel_like_vomiting", "Jeg føler at jeg må kaste opp", "I feel like vomiting"),
    ("muscles_twitch", "Musklene mine rykker", "My muscles twitch"),
    ("stomach_cramps", "Jeg har magekramper", "I have cramps in my stomach"),
    ("feel_like_using_now", "Jeg har lyst til å ruse meg nå", "I feel like using now"),
)

SOWS: Final = Instrument(
    code="sows",
    name="SOWS",
    full_name="Subjective Opiate Withdrawal Scale (Handelsman)",
    kind="withdrawal",
    items=tuple(
        _item(
            number,
            key,
            (label_nb, label_en),
            ZERO_TO_FOUR,
            _SOWS_ANCHORS,
            "asked",
            ("Slik pasienten har det akkurat nå.", "How the patient feels right now."),
        )
        for number, (key, label_nb, label_en) in enumerate(_SOWS_ITEMS, start=1)
    ),
    bands=(
        # No bands are published by the developers (SCALES.md §3.3): report the raw total only.
        Band(
            "unbanded",
            "Uten nivåinndeling",
            gettext_noop("Not banded"),
            0,
            None,
            "Handelsman 1987 publishes no bands (SCALES.md §3.3)",
        ),
    ),
    sources=(SOWS_SOURCE,),
    # 7.3.11 (G 3368–3372) and 10.2.1 (G 4827–4829) name SOWS; no numbered recommendation.
    guideline_refs=(),
    guideline_sections=("7.3.11", "10.2.1"),
    remarks=(
        Remark(
            "sows_handelsman",
            "Retningslinjen kaller skalaen både «Short» (7.3.11) og «Subjective» (10.2.1) Opiate "
            "Withdrawal Scale, med 16 spørsmål. Appen bruker Handelsmans 16-spørsmåls SOWS.",
            "The guideline calls it both the 'Short' (7.3.11) and the 'Subjective' (10.2.1) "
            "Opiate Withdrawal Scale, with 16 questions. The app uses Handelsman's 16-item SOWS.",
            resolution=True,
        ),
        Remark(
            "sows_no_adapted_forms",
            "Ikke bruk tilpassede skjemaer med sammenslåtte eller ekstra spørsmål.",
            "Do not use adapted forms with merged or extra items.",
        ),
    ),
)
