"""DUDIT, the eleven-item drug screening test (``docs/SCALES.md`` §5).

Items 1–11, the sex-specific negative / problem-use bands, the dependence band from 25 and the
adult cut-off remark.
"""

from __future__ import annotations

from typing import Final

from clinical.instruments.common import (
    SEX_FEMALE,
    SEX_MALE,
    ZERO_TO_FOUR,
    Band,
    Instrument,
    Item,
    Remark,
    _frequency_item,
    _how_often_item,
    _item,
    _no_earlier_recent_item,
    _total_at_least_by_sex,
)
from clinical.messages import gettext_noop

DUDIT_SOURCE: Final = (
    "Berman AH, Bergman H, Palmstierna T, Schlyter F. Evaluation of the DUDIT in criminal justice "
    "and detoxification settings and in a Swedish population sample. Eur Addict Res "
    "2005;11(1):22-31. DUDIT Manual v1.1 (Karolinska Institutet 2007); Norwegian manual v1.1 "
    "(Østnorsk kompetansesenter 2008)."
)
_DUDIT_BANDS_SOURCE: Final = "Berman et al. 2005; DUDIT manual; HSAN Metodguiden"


def _dudit_frequency_item(number: int, key: str, label_nb: str, label_en: str) -> Item:
    return _frequency_item(
        number, key, (label_nb, label_en), ("I løpet av det siste året.", "In the past year.")
    )


def _male_and_female_bands(
    code: str, label_nb: str, label_en: str, male: tuple[int, int], female: tuple[int, int]
) -> tuple[Band, Band]:
    """One band code with its (lower, upper) range for men and for women."""
    return (
        Band(code, label_nb, label_en, *male, _DUDIT_BANDS_SOURCE, sex=SEX_MALE),
        Band(code, label_nb, label_en, *female, _DUDIT_BANDS_SOURCE, sex=SEX_FEMALE),
    )


DUDIT: Final = Instrument(
    code="dudit",
    name="DUDIT",
    full_name="Drug Use Disorders Identification Test",
    kind="screening",
    items=(
        _how_often_item(
            1,
            "use_frequency",
            (
                "Hvor ofte bruker du andre rusmidler enn alkohol?",
                "How often do you use drugs other than alcohol?",
            ),
        ),
        _how_often_item(
            2,
            "multiple_drugs_same_occasion",
            (
                "Hvor ofte bruker du mer enn ett rusmiddel ved samme anledning?",
                "How often do you use more than one type of drug on the same occasion?",
            ),
        ),
        _item(
            3,
            "times_per_typical_day",
            (
                "Hvor mange ganger tar du rusmidler en vanlig dag du bruker rusmidler?",
                "How many times do you take drugs on a typical day when you use drugs?",
            ),
            ZERO_TO_FOUR,
            {
                0: ("Ingen", "None"),
                1: ("1–2", "1–2"),
                2: ("3–4", "3–4"),
                3: ("5–6", "5–6"),
                4: ("7 eller flere", "7 or more"),
            },
            "asked",
        ),
        _dudit_frequency_item(
            4,
            "heavily_influenced_frequency",
            "Hvor ofte er du sterkt påvirket av rusmidler?",
            "How often are you heavily influenced by drugs?",
        ),
        _dudit_frequency_item(
            5,
            "craving_irresistible",
            "Hvor ofte har du følt at lysten på rusmidler var så sterk at du ikke kunne stå imot?",
            "How often have you felt that your longing for drugs was so strong that you could "
            "not resist it?",
        ),
        _dudit_frequency_item(
            6,
            "unable_to_stop",
            "Hvor ofte har du ikke klart å slutte å ta rusmidler når du først hadde begynt?",
            "How often have you been unable to stop taking drugs once you had started?",
        ),
        _dudit_frequency_item(
            7,
            "neglected_duties",
            "Hvor ofte har du tatt rusmidler og så latt være å gjøre noe du skulle ha gjort?",
            "How often have you taken drugs and then neglected to do something you should have "
            "done?",
        ),
        _dudit_frequency_item(
            8,
            "morning_use",
            "Hvor ofte har du trengt å ta rusmidler om morgenen etter mye bruk dagen før?",
            "How often have you needed to take a drug the morning after heavy drug use the day "
            "before?",
        ),
        _dudit_frequency_item(
            9,
            "guilt",
            "Hvor ofte har du hatt skyldfølelse eller dårlig samvittighet fordi du har brukt "
            "rusmidler?",
            "How often have you had guilt feelings or a bad conscience because you used drugs?",
        ),
        _no_earlier_recent_item(
            10,
            "harm_to_self_or_others",
            (
                "Har du eller noen andre blitt skadet (psykisk eller fysisk) fordi du har brukt "
                "rusmidler?",
                "Have you or anyone else been hurt (mentally or physically) because you used "
                "drugs?",
            ),
        ),
        _no_earlier_recent_item(
            11,
            "others_concerned",
            (
                "Har en slektning, venn, lege, sykepleier eller noen andre vært bekymret for "
                "bruken din av rusmidler, eller sagt at du bør slutte?",
                "Has a relative, friend, doctor, nurse or anyone else been worried about your "
                "drug use or said that you should stop?",
            ),
        ),
    ),
    bands=(
        *_male_and_female_bands("negative", "Negativ", gettext_noop("Negative"), (0, 5), (0, 1)),
        *_male_and_female_bands(
            "problem_use",
            "Sannsynlige rusrelaterte problemer",
            gettext_noop("Probable drug-related problems"),
            (6, 24),
            (2, 24),
        ),
        Band(
            "probable_dependence",
            "Sannsynlig avhengighet",
            gettext_noop("Probable dependence"),
            25,
            None,
            _DUDIT_BANDS_SOURCE,
        ),
    ),
    requires_sex=True,
    positive_rule=_total_at_least_by_sex(
        6,
        2,
        (
            "Positiv ved totalskår 6 eller mer for menn og 2 eller mer for kvinner; 25 eller mer "
            "tyder på avhengighet.",
            "Positive at a total of 6 or more for men and 2 or more for women; 25 or more "
            "suggests dependence.",
        ),
        _DUDIT_BANDS_SOURCE,
    ),
    sources=(DUDIT_SOURCE,),
    # 7.3.6 (G 3305–3313) describes DUDIT; no numbered recommendation names it.
    guideline_refs=(),
    guideline_sections=("7.3.6",),
    remarks=(
        Remark(
            "dudit_adult_cutoffs",
            "Grensene gjelder voksne; de foreløpige grensene for 16–25 år brukes ikke.",
            "The cut-offs are for adults; the preliminary cut-offs for ages 16–25 are not used.",
        ),
    ),
)
