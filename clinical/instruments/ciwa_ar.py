"""CIWA-Ar, the clinician-rated alcohol withdrawal scale (``docs/SCALES.md`` §1).

Its ten items with their anchors, the mild / moderate / severe bands and the remarks.
"""

from __future__ import annotations

from typing import Final

from clinical.instruments.common import (
    _HALLUCINATIONS,
    ZERO_TO_FOUR,
    ZERO_TO_SEVEN,
    Band,
    Instrument,
    Remark,
    _item,
)
from clinical.messages import gettext_noop

CIWA_AR_SOURCE: Final = (
    "Sullivan JT, Sykora K, Schneiderman J, Naranjo CA, Sellers EM. Assessment of alcohol "
    "withdrawal: the revised Clinical Institute Withdrawal Assessment for Alcohol scale (CIWA-Ar). "
    "Br J Addict 1989;84(11):1353-1357. PMID 2597811."
)
# The guideline's own bands (8.4.6, G 4173–4175) with the gap at 9 closed as in ASAM 2020
# (SCALES.md §1.6): "under 9" mild is read as "under 10", since every operational rule in 8.4.6
# (G 4209, 4217, 4227) uses 10 as its threshold.
_CIWA_BAND_SOURCE: Final = (
    "Guideline 8.4.6 (G 4173-4175), gap at 9 closed as in ASAM 2020 (SCALES.md §1.6)"
)

CIWA_AR: Final = Instrument(
    code="ciwa-ar",
    name="CIWA-Ar",
    full_name="Clinical Institute Withdrawal Assessment for Alcohol, revised",
    kind="withdrawal",
    items=(
        _item(
            1,
            "nausea_vomiting",
            ("Kvalme og oppkast", "Nausea and vomiting"),
            ZERO_TO_SEVEN,
            {
                0: ("Ingen kvalme, ingen oppkast", "No nausea and no vomiting"),
                1: ("Lett kvalme uten oppkast", "Mild nausea with no vomiting"),
                4: ("Periodevis kvalme med brekninger", "Intermittent nausea with dry heaves"),
                7: (
                    "Konstant kvalme, hyppige brekninger og oppkast",
                    "Constant nausea, frequent dry heaves and vomiting",
                ),
            },
            "observed_and_asked",
            (
                "Spør om pasienten er kvalm eller har kastet opp, og observer.",
                "Ask whether the patient feels sick or has vomited, and observe.",
            ),
        ),
        _item(
            2,
            "tremor",
            ("Skjelving", "Tremor"),
            ZERO_TO_SEVEN,
            {
                0: ("Ingen skjelving", "No tremor"),
                1: (
                    "Ikke synlig, men kan kjennes fingertupp mot fingertupp",
                    "Not visible, but can be felt fingertip to fingertip",
                ),
                4: ("Moderat, med armene strakt fram", "Moderate, with arms extended"),
                7: ("Kraftig, også uten strakte armer", "Severe, even with arms not extended"),
            },
            "observed",
            (
                "Armene strakt fram og fingrene spredt.",
                "Arms extended and fingers spread apart.",
            ),
        ),
        _item(
            3,
            "paroxysmal_sweats",
            ("Anfallsvis svetting", "Paroxysmal sweats"),
            ZERO_TO_SEVEN,
            {
                0: ("Ingen synlig svette", "No sweat visible"),
                1: (
                    "Knapt merkbar svette, fuktige håndflater",
                    "Barely perceptible sweating, palms moist",
                ),
                4: ("Tydelige svetteperler i pannen", "Beads of sweat obvious on forehead"),
                7: ("Gjennomvåt av svette", "Drenching sweats"),
            },
            "observed",
        ),
        _item(
            4,
            "anxiety",
            ("Angst", "Anxiety"),
            ZERO_TO_SEVEN,
            {
                0: ("Ingen angst, avslappet", "No anxiety, at ease"),
                1: ("Lett engstelig", "Mildly anxious"),
                4: (
                    "Moderat engstelig eller på vakt, slik at angst kan antas",
                    "Moderately anxious or guarded, so anxiety is inferred",
                ),
                7: (
                    "Panikkliknende, som ved alvorlig delir eller akutt psykotisk reaksjon",
                    "Panic-like, as in severe delirium or an acute psychotic reaction",
                ),
            },
            "observed_and_asked",
            (
                "Spør om pasienten føler seg nervøs, og observer.",
                "Ask whether the patient feels nervous, and observe.",
            ),
        ),
        _item(
            5,
            "agitation",
            ("Motorisk uro", "Agitation"),
            ZERO_TO_SEVEN,
            {
                0: ("Normal aktivitet", "Normal activity"),
                1: ("Noe mer aktiv enn normalt", "Somewhat more than normal activity"),
                4: ("Moderat urolig og rastløs", "Moderately fidgety and restless"),
                7: (
                    "Går fram og tilbake det meste av samtalen, eller kaster seg stadig rundt",
                    "Paces back and forth most of the interview, or constantly thrashes about",
                ),
            },
            "observed",
        ),
        _item(
            6,
            "tactile_disturbances",
            ("Berøringsforstyrrelser", "Tactile disturbances"),
            ZERO_TO_SEVEN,
            {
                0: ("Ingen", "None"),
                1: (
                    "Svært lett kløe, prikking, brenning eller nummenhet",
                    "Very mild itching, pins and needles, burning or numbness",
                ),
                2: (
                    "Lett kløe, prikking, brenning eller nummenhet",
                    "Mild itching, pins and needles, burning or numbness",
                ),
                3: (
                    "Moderat kløe, prikking, brenning eller nummenhet",
                    "Moderate itching, pins and needles, burning or numbness",
                ),
                **_HALLUCINATIONS,
            },
            "asked",
            (
                "Spør om kløe, prikking, brenning, nummenhet eller følelse av kryp på eller under "
                "huden.",
                "Ask about itching, pins and needles, burning, numbness or a feeling of bugs on or "
                "under the skin.",
            ),
        ),
        _item(
            7,
            "auditory_disturbances",
            ("Hørselsforstyrrelser", "Auditory disturbances"),
            ZERO_TO_SEVEN,
            {
                0: ("Ingen", "None"),
                1: (
                    "Lyder oppleves svært lett skarpe eller skremmende",
                    "Very mild harshness or ability to frighten",
                ),
                2: (
                    "Lyder oppleves lett skarpe eller skremmende",
                    "Mild harshness or ability to frighten",
                ),
                3: (
                    "Lyder oppleves moderat skarpe eller skremmende",
                    "Moderate harshness or ability to frighten",
                ),
                **_HALLUCINATIONS,
            },
            "asked",
            (
                "Spør om lyder virker skarpere eller skremmende, eller om pasienten hører ting som "
                "ikke er der.",
                "Ask whether sounds seem harsh or frightening, or whether the patient hears things "
                "that are not there.",
            ),
        ),
        _item(
            8,
            "visual_disturbances",
            ("Synsforstyrrelser", "Visual disturbances"),
            ZERO_TO_SEVEN,
            {
                0: ("Ingen", "None"),
                1: ("Svært lett lysømfintlighet", "Very mild sensitivity"),
                2: ("Lett lysømfintlighet", "Mild sensitivity"),
                3: ("Moderat lysømfintlighet", "Moderate sensitivity"),
                **_HALLUCINATIONS,
            },
            "asked",
            (
                "Spør om lyset virker for sterkt, fargene annerledes, eller om pasienten ser ting "
                "som ikke er der.",
                "Ask whether the light seems too bright, colours look different, or the patient "
                "sees things that are not there.",
            ),
        ),
        _item(
            9,
            "headache",
            ("Hodepine, trykk i hodet", "Headache, fullness in head"),
            ZERO_TO_SEVEN,
            {
                0: ("Ingen", "None"),
                1: ("Svært lett", "Very mild"),
                2: ("Lett", "Mild"),
                3: ("Moderat", "Moderate"),
                4: ("Moderat sterk", "Moderately severe"),
                5: ("Sterk", "Severe"),
                6: ("Svært sterk", "Very severe"),
                7: ("Ekstremt sterk", "Extremely severe"),
            },
            "asked",
            (
                "Skår ikke svimmelhet eller ørhet.",
                "Do not rate dizziness or light-headedness.",
            ),
        ),
        _item(
            10,
            "orientation",
            ("Orientering og uklar bevissthet", "Orientation and clouding of sensorium"),
            ZERO_TO_FOUR,
            {
                0: (
                    "Orientert og kan legge sammen tall fortløpende",
                    "Oriented and can do serial additions",
                ),
                1: (
                    "Kan ikke legge sammen fortløpende, eller er usikker på datoen",
                    "Cannot do serial additions or is uncertain about the date",
                ),
                2: (
                    "Tar feil av datoen med høyst 2 kalenderdager",
                    "Date wrong by no more than 2 calendar days",
                ),
                3: (
                    "Tar feil av datoen med mer enn 2 kalenderdager",
                    "Date wrong by more than 2 calendar days",
                ),
                4: ("Desorientert for sted og/eller person", "Disoriented for place and/or person"),
            },
            "asked",
            (
                "Spør om dato, sted og hvem du er, og be pasienten legge sammen tall fortløpende.",
                "Ask the date, the place and who you are, and ask for serial additions.",
            ),
        ),
    ),
    bands=(
        Band("mild", "Lett", gettext_noop("Mild"), 0, 9, _CIWA_BAND_SOURCE),
        Band("moderate", "Moderat", gettext_noop("Moderate"), 10, 18, _CIWA_BAND_SOURCE),
        Band("severe", "Alvorlig", gettext_noop("Severe"), 19, None, _CIWA_BAND_SOURCE),
    ),
    sources=(CIWA_AR_SOURCE,),
    # 7.3-3 (G 3432): CIWA-Ar may be used to judge outpatient detox, the need for drugs and the
    # course; 8.4.6-1..3 (G 4200–4233): follow the course, scoring interval, dosing by score.
    guideline_refs=("7.3-3", "8.4.6-1", "8.4.6-2", "8.4.6-3"),
    guideline_sections=("7.3.4", "8.4.6"),
    remarks=(
        Remark(
            "ciwa_bands_gap",
            "Retningslinjen (8.4.6) sier «under 9» lett, 10–18 moderat og «over 18» alvorlig, "
            "slik at 9 ikke havner i noe nivå. Appen leser 0–9 som lett, som ASAM 2020.",
            "The guideline (8.4.6) says 'under 9' mild, 10–18 moderate and 'over 18' severe, "
            "which leaves 9 in no band. The app reads 0–9 as mild, as ASAM 2020 does.",
            resolution=True,
        ),
        Remark(
            "ciwa_no_local_variants",
            "Ikke bland med lokale skjemaer som endrer skalaen (f.eks. «+5 ved tidligere "
            "delir/epilepsi»); totalen her er den originale 0–67.",
            "Do not mix with local forms that change the scale (e.g. '+5 for earlier DT or "
            "epilepsy'); the total here is the original 0–67.",
        ),
    ),
)
