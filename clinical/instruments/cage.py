"""CAGE, the four yes/no alcohol screening questions (``docs/SCALES.md`` §7).

Items 1–4, the negative/positive bands (positive at two yes answers) and the remarks.
"""

from __future__ import annotations

from typing import Final

from clinical.instruments.common import (
    Band,
    Instrument,
    PositiveRule,
    Remark,
    _yes_no_item,
)
from clinical.messages import gettext_noop

CAGE_SOURCE: Final = (
    "Ewing JA. Detecting alcoholism: the CAGE questionnaire. JAMA 1984;252(14):1905-1907. "
    "Mayfield D, McLeod G, Hall P. Am J Psychiatry 1974;131:1121-1123."
)

CAGE: Final = Instrument(
    code="cage",
    name="CAGE",
    full_name="CAGE (Cut down, Annoyed, Guilty, Eye-opener)",
    kind="screening",
    items=(
        _yes_no_item(
            1,
            "cut_down",
            (
                "Har du noen gang følt at du burde drikke mindre?",
                "Have you ever felt you should cut down on your drinking?",
            ),
        ),
        _yes_no_item(
            2,
            "annoyed",
            (
                "Har folk irritert deg ved å kritisere drikkingen din?",
                "Have people annoyed you by criticising your drinking?",
            ),
        ),
        _yes_no_item(
            3,
            "guilty",
            (
                "Har du noen gang hatt dårlig samvittighet eller skyldfølelse på grunn av "
                "drikkingen din?",
                "Have you ever felt bad or guilty about your drinking?",
            ),
        ),
        _yes_no_item(
            4,
            "eye_opener",
            (
                "Har du noen gang tatt en drink om morgenen for å roe nervene eller bli kvitt "
                "bakrus?",
                "Have you ever had a drink first thing in the morning to steady your nerves or "
                "get rid of a hangover?",
            ),
        ),
    ),
    bands=(
        Band("negative", "Negativ", gettext_noop("Negative"), 0, 1, "Ewing 1984"),
        Band("positive", "Positiv", gettext_noop("Positive"), 2, None, "Ewing 1984"),
    ),
    positive_rule=PositiveRule(
        kind="total_at_least",
        description_nb="Positiv ved 2 eller flere ja-svar.",
        description_en="Positive at 2 or more yes answers.",
        source="Ewing 1984",
        cutoff=2,
    ),
    sources=(CAGE_SOURCE,),
    guideline_refs=("7.3-1",),
    guideline_sections=("7.3.3",),
    remarks=(
        Remark(
            "cage_cut_down",
            "Spørsmål C handler om å drikke mindre, ikke om å slutte (slik 7.3.3 gjengir det).",
            "Item C is about cutting down, not quitting (as 7.3.3 paraphrases it).",
        ),
    ),
)
