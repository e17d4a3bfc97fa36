"""The rating scales named in the detox guideline, as plain immutable data.

Binding specification: ``docs/SCALES.md`` (item keys, allowed values, anchors, bands, band codes,
sources). Guideline line numbers ("G 4173") refer to
``guidelines/data/source/retningslinje-avrusning-2014.txt``.

Anchor texts are *paraphrases*, in English and in Norwegian bokmål. They are not the licensed
wording of any form: before showing patient-facing text, use the official Norwegian form where one
exists (SCALES.md §11). Nothing in this module touches a database; scoring lives in
``clinical.scoring``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Final, Literal


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation and return it unchanged.

    Same name and behaviour as Django's ``gettext_noop``, so ``makemessages`` extracts these
    strings the same way (its xgettext keywords include ``gettext_noop``). Django's own function
    reads ``settings.USE_I18N`` on its first call, which would make these pure modules
    unimportable without configured settings; this one needs nothing.
    """
    return message


Sex = Literal["male", "female"]
Kind = Literal["withdrawal", "screening"]
# How the rater gets the value: by looking/measuring, by asking, or both (SCALES.md §9).
Rated = Literal["observed", "asked", "observed_and_asked"]
PositiveRuleKind = Literal["total_at_least", "fast_two_stage"]

SEX_MALE: Final = "male"
SEX_FEMALE: Final = "female"
SEXES: Final[tuple[Sex, ...]] = (SEX_MALE, SEX_FEMALE)


@dataclass(frozen=True)
class Option:
    """One allowed value of an item. The anchor is None where the scale defines none."""

    value: int
    anchor_nb: str | None = None
    anchor_en: str | None = None


@dataclass(frozen=True)
class Item:
    number: int
    key: str
    label_nb: str
    label_en: str
    options: tuple[Option, ...]
    rated: Rated
    instructions_nb: str = ""
    instructions_en: str = ""

    # Worked out once per item: the instruments are constants, checked on every score and advice.
    @cached_property
    def allowed(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    @cached_property
    def max_value(self) -> int:
        return max(self.allowed)


@dataclass(frozen=True)
class Band:
    """A score range with a code from SCALES.md §12.

    ``upper`` is None for an open top. ``sex`` is set where the range differs by sex (DUDIT).
    ``derived`` marks a band this application named itself because no source labels that range
    (COWS 0–4, SCALES.md §2.3) — show it as a resolution, not as the publisher's word.
    ``label_en`` is a gettext message id (translated through the .po file); ``label_nb`` is the
    same label in bokmål for places that do not run gettext (e.g. a JSON export).
    """

    code: str
    label_nb: str
    label_en: str
    lower: int
    upper: int | None
    source: str
    sex: Sex | None = None
    derived: bool = False

    def contains(self, total: int) -> bool:
        return self.lower <= total and (self.upper is None or total <= self.upper)


@dataclass(frozen=True)
class PositiveRule:
    """When a screening result is positive.

    ``total_at_least``: positive when the total is at least ``cutoff`` (or ``cutoff_by_sex[sex]``).
    ``fast_two_stage``: the FAST rule of SCALES.md §6.3, on the item ``stage_item``.
    """

    kind: PositiveRuleKind
    description_nb: str
    description_en: str
    source: str
    cutoff: int | None = None
    cutoff_by_sex: Mapping[Sex, int] = field(default_factory=lambda: MappingProxyType({}))
    stage_item: str | None = None


@dataclass(frozen=True)
class SkipRule:
    """The AUDIT/FAST administration skip (SCALES.md §4.2, §6.3).

    When every item in ``when`` was answered with one of its listed values, the items in ``skip``
    need not be asked. Those left out are scored 0 and reported as skipped.
    """

    when: Mapping[str, frozenset[int]]
    skip: tuple[str, ...]
    description_nb: str
    description_en: str


@dataclass(frozen=True)
class Remark:
    """A caveat the UI should show with the instrument (unit conversions, thresholds, choices)."""

    code: str
    text_nb: str
    text_en: str
    resolution: bool = False


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    full_name: str
    kind: Kind
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    sources: tuple[str, ...]
    guideline_refs: tuple[str, ...]
    guideline_sections: tuple[str, ...]
    requires_sex: bool = False
    positive_rule: PositiveRule | None = None
    skip_rules: tuple[SkipRule, ...] = ()
    remarks: tuple[Remark, ...] = ()

    @cached_property
    def max_total(self) -> int:
        return sum(item.max_value for item in self.items)

    @cached_property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def bands_for(self, sex: Sex | None) -> tuple[Band, ...]:
        """The bands that apply to a patient of this sex (sex-neutral bands always apply)."""
        return tuple(band for band in self.bands if band.sex is None or band.sex == sex)


# --- small builders ------------------------------------------------------------------------------


def _options(values: Sequence[int], anchors: Mapping[int, tuple[str, str]]) -> tuple[Option, ...]:
    """Options for ``values``; ``anchors`` maps a value to (bokmål, English)."""
    unknown = set(anchors) - set(values)
    if unknown:  # a typo in the tables below must not pass silently
        raise ValueError(f"anchors for values not allowed: {sorted(unknown)}")
    return tuple(
        Option(value, *anchors[value]) if value in anchors else Option(value) for value in values
    )


def _item(
    number: int,
    key: str,
    label: tuple[str, str],
    values: Sequence[int],
    anchors: Mapping[int, tuple[str, str]],
    rated: Rated,
    instructions: tuple[str, str] = ("", ""),
) -> Item:
    return Item(
        number=number,
        key=key,
        label_nb=label[0],
        label_en=label[1],
        options=_options(values, anchors),
        rated=rated,
        instructions_nb=instructions[0],
        instructions_en=instructions[1],
    )


ZERO_TO_FOUR: Final = (0, 1, 2, 3, 4)
ZERO_TWO_FOUR: Final = (0, 2, 4)
ZERO_TO_SEVEN: Final = (0, 1, 2, 3, 4, 5, 6, 7)
NO_YES: Final = (0, 1)

# Hallucination anchors shared by CIWA-Ar items 6–8 at 4–7 (SCALES.md §1.2).
_HALLUCINATIONS: Final[dict[int, tuple[str, str]]] = {
    4: ("Moderat sterke hallusinasjoner", "Moderately severe hallucinations"),
    5: ("Sterke hallusinasjoner", "Severe hallucinations"),
    6: ("Svært sterke hallusinasjoner", "Extremely severe hallucinations"),
    7: ("Sammenhengende hallusinasjoner", "Continuous hallucinations"),
}

# AUDIT items 3–8, DUDIT items 4–9 and FAST items 1–3 share this frequency scale.
_FREQUENCY: Final[dict[int, tuple[str, str]]] = {
    0: ("Aldri", "Never"),
    1: ("Sjeldnere enn månedlig", "Less than monthly"),
    2: ("Månedlig", "Monthly"),
    3: ("Ukentlig", "Weekly"),
    4: ("Daglig eller nesten daglig", "Daily or almost daily"),
}

# AUDIT item 1 and DUDIT items 1–2: how often at all.
_HOW_OFTEN: Final[dict[int, tuple[str, str]]] = {
    0: ("Aldri", "Never"),
    1: ("Månedlig eller sjeldnere", "Monthly or less"),
    2: ("2–4 ganger i måneden", "2–4 times a month"),
    3: ("2–3 ganger i uken", "2–3 times a week"),
    4: ("4 ganger i uken eller oftere", "4 or more times a week"),
}

# AUDIT 9–10, DUDIT 10–11, FAST 4 (original anchors; the values are 0/2/4 on every form).
_NO_EARLIER_RECENT: Final[dict[int, tuple[str, str]]] = {
    0: ("Nei", "No"),
    2: ("Ja, men ikke i løpet av det siste året", "Yes, but not in the last year"),
    4: ("Ja, i løpet av det siste året", "Yes, during the last year"),
}

_NO_YES_ANCHORS: Final[dict[int, tuple[str, str]]] = {0: ("Nei", "No"), 1: ("Ja", "Yes")}


# --- CIWA-Ar (SCALES.md §1) ----------------------------------------------------------------------

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


# --- COWS (SCALES.md §2) -------------------------------------------------------------------------

COWS_SOURCE: Final = (
    "Wesson DR, Ling W. The Clinical Opiate Withdrawal Scale (COWS). J Psychoactive Drugs "
    "2003;35(2):253-259. doi:10.1080/02791072.2003.10400007."
)
_COWS_BAND_SOURCE: Final = "Wesson & Ling 2003 (COWS form); SAMHSA TIP 43"

COWS: Final = Instrument(
    code="cows",
    name="COWS",
    full_name="Clinical Opiate Withdrawal Scale",
    kind="withdrawal",
    items=(
        _item(
            1,
            "resting_pulse_rate",
            ("Hvilepuls", "Resting pulse rate"),
            (0, 1, 2, 4),
            {
                0: ("80 eller lavere", "80 or below"),
                1: ("81–100", "81–100"),
                2: ("101–120", "101–120"),
                4: ("Over 120", "Over 120"),
            },
            "observed",
            (
                "Slag per minutt, målt etter at pasienten har sittet eller ligget i ett minutt.",
                "Beats per minute, measured after the patient has sat or lain for one minute.",
            ),
        ),
        _item(
            2,
            "sweating",
            ("Svetting", "Sweating"),
            ZERO_TO_FOUR,
            {
                0: ("Ingen frysninger eller rødming", "No report of chills or flushing"),
                1: (
                    "Pasienten forteller om frysninger eller rødming",
                    "Patient reports chills or flushing",
                ),
                2: (
                    "Rødmende eller synlig fuktig i ansiktet",
                    "Flushed or visible moistness on face",
                ),
                3: ("Svetteperler i pannen eller ansiktet", "Beads of sweat on brow or face"),
                4: ("Svetten renner av ansiktet", "Sweat streaming off face"),
            },
            "observed_and_asked",
            (
                "Siste halvtime, ikke forklart av romtemperatur eller aktivitet. 1 er pasientens "
                "egen opplysning, 2–4 observeres.",
                "Past half hour, not explained by room temperature or activity. 1 is reported "
                "by the patient, 2–4 are observed.",
            ),
        ),
        _item(
            3,
            "restlessness",
            ("Rastløshet", "Restlessness"),
            (0, 1, 3, 5),
            {
                0: ("Kan sitte i ro", "Able to sit still"),
                1: (
                    "Forteller at det er vanskelig å sitte i ro, men klarer det",
                    "Reports difficulty sitting still, but is able to do so",
                ),
                3: (
                    "Skifter ofte stilling eller gjør unødige bevegelser med armer og bein",
                    "Frequent shifting or extraneous movements of legs or arms",
                ),
                5: (
                    "Klarer ikke å sitte i ro mer enn noen få sekunder",
                    "Unable to sit still for more than a few seconds",
                ),
            },
            "observed_and_asked",
            (
                "Observeres under vurderingen; 1 er pasientens egen opplysning.",
                "Observed during the assessment; 1 is reported by the patient.",
            ),
        ),
        _item(
            4,
            "pupil_size",
            ("Pupillestørrelse", "Pupil size"),
            (0, 1, 2, 5),
            {
                0: (
                    "Knappenålspupiller eller normal størrelse for lyset i rommet",
                    "Pinned or normal size for room light",
                ),
                1: (
                    "Muligens større enn normalt for lyset i rommet",
                    "Possibly larger than normal for room light",
                ),
                2: ("Moderat utvidet", "Moderately dilated"),
                5: (
                    "Så utvidet at bare kanten av regnbuehinnen synes",
                    "So dilated that only the rim of the iris is visible",
                ),
            },
            "observed",
        ),
        _item(
            5,
            "bone_joint_aches",
            ("Verk i knokler og ledd", "Bone or joint aches"),
            (0, 1, 2, 4),
            {
                0: ("Ingen", "Not present"),
                1: ("Lett, diffust ubehag", "Mild diffuse discomfort"),
                2: (
                    "Forteller om sterk, diffus verk i ledd eller muskler",
                    "Reports severe diffuse aching of joints or muscles",
                ),
                4: (
                    "Gnir ledd eller muskler og klarer ikke å sitte i ro på grunn av ubehaget",
                    "Rubbing joints or muscles and unable to sit still because of discomfort",
                ),
            },
            "observed_and_asked",
            (
                "Skår bare den ekstra smerten som skyldes abstinens. 4 observeres.",
                "Score only the additional pain attributable to withdrawal. 4 is observed.",
            ),
        ),
        _item(
            6,
            "runny_nose_tearing",
            ("Rennende nese eller tåreflod", "Runny nose or tearing"),
            (0, 1, 2, 4),
            {
                0: ("Ingen", "Not present"),
                1: (
                    "Tett nese eller uvanlig fuktige øyne",
                    "Nasal stuffiness or unusually moist eyes",
                ),
                2: ("Rennende nese eller tåreflod", "Nose running or tearing"),
                4: (
                    "Nesen renner hele tiden, eller tårene strømmer",
                    "Nose constantly running or tears streaming",
                ),
            },
            "observed",
            (
                "Ikke skår symptomer som skyldes forkjølelse eller allergi.",
                "Do not score symptoms caused by a cold or allergy.",
            ),
        ),
        _item(
            7,
            "gi_upset",
            ("Mage-tarmbesvær", "GI upset"),
            (0, 1, 2, 3, 5),
            {
                0: ("Ingen", "No GI symptoms"),
                1: ("Magekramper", "Stomach cramps"),
                2: ("Kvalme eller løs avføring", "Nausea or loose stool"),
                3: ("Oppkast eller diaré", "Vomiting or diarrhoea"),
                5: (
                    "Flere episoder med oppkast eller diaré",
                    "Multiple episodes of vomiting or diarrhoea",
                ),
            },
            "asked",
            ("Siste halvtime.", "Past half hour."),
        ),
        _item(
            8,
            "tremor",
            ("Skjelving", "Tremor"),
            (0, 1, 2, 4),
            {
                0: ("Ingen skjelving", "No tremor"),
                1: ("Skjelving kan kjennes, men ikke ses", "Tremor can be felt, but not seen"),
                2: ("Lett, synlig skjelving", "Slight visible tremor"),
                4: ("Grov skjelving eller muskelrykninger", "Gross tremor or muscle twitching"),
            },
            "observed",
            ("Observer de utstrakte hendene.", "Observe the outstretched hands."),
        ),
        _item(
            9,
            "yawning",
            ("Gjesping", "Yawning"),
            (0, 1, 2, 4),
            {
                0: ("Ingen gjesping", "No yawning"),
                1: (
                    "Gjesper én eller to ganger under vurderingen",
                    "Yawning once or twice during the assessment",
                ),
                2: (
                    "Gjesper tre eller flere ganger under vurderingen",
                    "Yawning three or more times during the assessment",
                ),
                4: ("Gjesper flere ganger i minuttet", "Yawning several times a minute"),
            },
            "observed",
        ),
        _item(
            10,
            "anxiety_irritability",
            ("Angst eller irritabilitet", "Anxiety or irritability"),
            (0, 1, 2, 4),
            {
                0: ("Ingen", "None"),
                1: (
                    "Forteller om økende irritabilitet eller angst",
                    "Reports increasing irritability or anxiousness",
                ),
                2: ("Tydelig irritabel eller engstelig", "Obviously irritable or anxious"),
                4: (
                    "Så irritabel eller engstelig at det er vanskelig å delta i vurderingen",
                    "So irritable or anxious that participation in the assessment is difficult",
                ),
            },
            "observed_and_asked",
            (
                "1 er pasientens egen opplysning, 2 og 4 observeres.",
                "1 is reported by the patient, 2 and 4 are observed.",
            ),
        ),
        _item(
            11,
            "gooseflesh_skin",
            ("Gåsehud", "Gooseflesh skin"),
            (0, 3, 5),
            {
                0: ("Glatt hud", "Skin is smooth"),
                3: (
                    "Gåsehud kan kjennes, eller hårene på armene reiser seg",
                    "Piloerection can be felt or hairs stand up on the arms",
                ),
                5: ("Tydelig gåsehud", "Prominent piloerection"),
            },
            "observed",
        ),
    ),
    bands=(
        # 0–4 has no printed label; "none" is this application's name for it (SCALES.md §2.3).
        Band(
            "none",
            "Ingen (under lett)",
            gettext_noop("None (below mild)"),
            0,
            4,
            "SCALES.md §2.3 (derived)",
            derived=True,
        ),
        Band("mild", "Lett", gettext_noop("Mild"), 5, 12, _COWS_BAND_SOURCE),
        Band("moderate", "Moderat", gettext_noop("Moderate"), 13, 24, _COWS_BAND_SOURCE),
        Band(
            "moderately_severe",
            "Moderat alvorlig",
            gettext_noop("Moderately severe"),
            25,
            36,
            _COWS_BAND_SOURCE,
        ),
        Band("severe", "Alvorlig", gettext_noop("Severe"), 37, None, _COWS_BAND_SOURCE),
    ),
    sources=(COWS_SOURCE,),
    # 7.3.9 (G 3357–3359) only names COWS: no numbered recommendation, no bands, no dosing.
    guideline_refs=(),
    guideline_sections=("7.3.9",),
    remarks=(
        Remark(
            "cows_rate_withdrawal_only",
            "Skår bare det som skyldes opioidabstinens; for eksempel teller ikke høy puls etter "
            "anstrengelse.",
            "Rate only what is attributable to opioid withdrawal; for example, a raised pulse "
            "after exertion does not count.",
        ),
    ),
)


# --- SOWS, Handelsman (SCALES.md §3) -------------------------------------------------------------

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


# --- AUDIT (SCALES.md §4) ------------------------------------------------------------------------

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
    return _item(
        number, key, (label_nb, label_en), ZERO_TO_FOUR, _FREQUENCY, "asked", _AUDIT_LAST_YEAR
    )


AUDIT: Final = Instrument(
    code="audit",
    name="AUDIT",
    full_name="Alcohol Use Disorders Identification Test",
    kind="screening",
    items=(
        _item(
            1,
            "drinking_frequency",
            ("Hvor ofte drikker du alkohol?", "How often do you have a drink containing alcohol?"),
            ZERO_TO_FOUR,
            _HOW_OFTEN,
            "asked",
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
        _item(
            9,
            "alcohol_related_injury",
            (
                "Har du eller noen andre blitt skadet som følge av at du hadde drukket?",
                "Have you or someone else been injured as a result of your drinking?",
            ),
            ZERO_TWO_FOUR,
            _NO_EARLIER_RECENT,
            "asked",
        ),
        _item(
            10,
            "others_concerned",
            (
                "Har en slektning, venn, lege eller annet helsepersonell vært bekymret for "
                "drikkingen din, eller foreslått at du bør drikke mindre?",
                "Has a relative, friend, doctor or other health worker been concerned about your "
                "drinking or suggested you cut down?",
            ),
            ZERO_TWO_FOUR,
            _NO_EARLIER_RECENT,
            "asked",
        ),
    ),
    bands=(
        Band("zone_I", "Sone I", gettext_noop("Zone I"), 0, 7, _WHO_ZONES),
        Band("zone_II", "Sone II", gettext_noop("Zone II"), 8, 15, _WHO_ZONES),
        Band("zone_III", "Sone III", gettext_noop("Zone III"), 16, 19, _WHO_ZONES),
        Band("zone_IV", "Sone IV", gettext_noop("Zone IV"), 20, None, _WHO_ZONES),
    ),
    requires_sex=True,
    positive_rule=PositiveRule(
        kind="total_at_least",
        description_nb="Positiv ved totalskår 8 eller mer for menn og 6 eller mer for kvinner.",
        description_en="Positive at a total of 8 or more for men and 6 or more for women.",
        source=AUDIT_NORWEGIAN_SOURCE,
        cutoff_by_sex=MappingProxyType({SEX_MALE: 8, SEX_FEMALE: 6}),
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


# --- DUDIT (SCALES.md §5) ------------------------------------------------------------------------

DUDIT_SOURCE: Final = (
    "Berman AH, Bergman H, Palmstierna T, Schlyter F. Evaluation of the DUDIT in criminal justice "
    "and detoxification settings and in a Swedish population sample. Eur Addict Res "
    "2005;11(1):22-31. DUDIT Manual v1.1 (Karolinska Institutet 2007); Norwegian manual v1.1 "
    "(Østnorsk kompetansesenter 2008)."
)
_DUDIT_BANDS_SOURCE: Final = "Berman et al. 2005; DUDIT manual; HSAN Metodguiden"


def _dudit_frequency_item(number: int, key: str, label_nb: str, label_en: str) -> Item:
    return _item(
        number,
        key,
        (label_nb, label_en),
        ZERO_TO_FOUR,
        _FREQUENCY,
        "asked",
        ("I løpet av det siste året.", "In the past year."),
    )


DUDIT: Final = Instrument(
    code="dudit",
    name="DUDIT",
    full_name="Drug Use Disorders Identification Test",
    kind="screening",
    items=(
        _item(
            1,
            "use_frequency",
            (
                "Hvor ofte bruker du andre rusmidler enn alkohol?",
                "How often do you use drugs other than alcohol?",
            ),
            ZERO_TO_FOUR,
            _HOW_OFTEN,
            "asked",
        ),
        _item(
            2,
            "multiple_drugs_same_occasion",
            (
                "Hvor ofte bruker du mer enn ett rusmiddel ved samme anledning?",
                "How often do you use more than one type of drug on the same occasion?",
            ),
            ZERO_TO_FOUR,
            _HOW_OFTEN,
            "asked",
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
        _item(
            10,
            "harm_to_self_or_others",
            (
                "Har du eller noen andre blitt skadet (psykisk eller fysisk) fordi du har brukt "
                "rusmidler?",
                "Have you or anyone else been hurt (mentally or physically) because you used "
                "drugs?",
            ),
            ZERO_TWO_FOUR,
            _NO_EARLIER_RECENT,
            "asked",
        ),
        _item(
            11,
            "others_concerned",
            (
                "Har en slektning, venn, lege, sykepleier eller noen andre vært bekymret for "
                "bruken din av rusmidler, eller sagt at du bør slutte?",
                "Has a relative, friend, doctor, nurse or anyone else been worried about your "
                "drug use or said that you should stop?",
            ),
            ZERO_TWO_FOUR,
            _NO_EARLIER_RECENT,
            "asked",
        ),
    ),
    bands=(
        Band(
            "negative",
            "Negativ",
            gettext_noop("Negative"),
            0,
            5,
            _DUDIT_BANDS_SOURCE,
            sex=SEX_MALE,
        ),
        Band(
            "negative",
            "Negativ",
            gettext_noop("Negative"),
            0,
            1,
            _DUDIT_BANDS_SOURCE,
            sex=SEX_FEMALE,
        ),
        Band(
            "problem_use",
            "Sannsynlige rusrelaterte problemer",
            gettext_noop("Probable drug-related problems"),
            6,
            24,
            _DUDIT_BANDS_SOURCE,
            sex=SEX_MALE,
        ),
        Band(
            "problem_use",
            "Sannsynlige rusrelaterte problemer",
            gettext_noop("Probable drug-related problems"),
            2,
            24,
            _DUDIT_BANDS_SOURCE,
            sex=SEX_FEMALE,
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
    positive_rule=PositiveRule(
        kind="total_at_least",
        description_nb="Positiv ved totalskår 6 eller mer for menn og 2 eller mer for kvinner; "
        "25 eller mer tyder på avhengighet.",
        description_en="Positive at a total of 6 or more for men and 2 or more for women; 25 or "
        "more suggests dependence.",
        source=_DUDIT_BANDS_SOURCE,
        cutoff_by_sex=MappingProxyType({SEX_MALE: 6, SEX_FEMALE: 2}),
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


# --- FAST (SCALES.md §6) -------------------------------------------------------------------------

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
        _item(
            1,
            "heavy_episode_frequency",
            (
                "Hvor ofte drikker du 8 (menn) eller 6 (kvinner) britiske alkoholenheter eller "
                "mer ved én anledning?",
                "How often do you have 8 (men) or 6 (women) or more UK units of alcohol on one "
                "occasion?",
            ),
            ZERO_TO_FOUR,
            _FREQUENCY,
            "asked",
        ),
        _item(
            2,
            "failed_expectations",
            (
                "Hvor ofte i løpet av det siste året har du latt være å gjøre det som normalt var "
                "forventet av deg, fordi du hadde drukket?",
                "How often in the last year have you failed to do what was normally expected of "
                "you because of drinking?",
            ),
            ZERO_TO_FOUR,
            _FREQUENCY,
            "asked",
        ),
        _item(
            3,
            "blackout",
            (
                "Hvor ofte i løpet av det siste året har du ikke husket hva som skjedde kvelden "
                "før, fordi du hadde drukket?",
                "How often in the last year have you been unable to remember what happened the "
                "night before because of drinking?",
            ),
            ZERO_TO_FOUR,
            _FREQUENCY,
            "asked",
        ),
        _item(
            4,
            "others_concerned",
            (
                "Har en slektning, venn, lege eller annet helsepersonell vært bekymret for "
                "drikkingen din, eller foreslått at du bør drikke mindre?",
                "Has a relative, friend, doctor or other health worker been concerned about your "
                "drinking or suggested you cut down?",
            ),
            ZERO_TWO_FOUR,
            _NO_EARLIER_RECENT,
            "asked",
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


# --- CAGE (SCALES.md §7) -------------------------------------------------------------------------

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
        _item(
            1,
            "cut_down",
            (
                "Har du noen gang følt at du burde drikke mindre?",
                "Have you ever felt you should cut down on your drinking?",
            ),
            NO_YES,
            _NO_YES_ANCHORS,
            "asked",
        ),
        _item(
            2,
            "annoyed",
            (
                "Har folk irritert deg ved å kritisere drikkingen din?",
                "Have people annoyed you by criticising your drinking?",
            ),
            NO_YES,
            _NO_YES_ANCHORS,
            "asked",
        ),
        _item(
            3,
            "guilty",
            (
                "Har du noen gang hatt dårlig samvittighet eller skyldfølelse på grunn av "
                "drikkingen din?",
                "Have you ever felt bad or guilty about your drinking?",
            ),
            NO_YES,
            _NO_YES_ANCHORS,
            "asked",
        ),
        _item(
            4,
            "eye_opener",
            (
                "Har du noen gang tatt en drink om morgenen for å roe nervene eller bli kvitt "
                "bakrus?",
                "Have you ever had a drink first thing in the morning to steady your nerves or "
                "get rid of a hangover?",
            ),
            NO_YES,
            _NO_YES_ANCHORS,
            "asked",
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


# --- TWEAK (SCALES.md §8) ------------------------------------------------------------------------

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
        _item(
            3,
            "eye_opener",
            (
                "Tar du noen ganger en drink om morgenen når du står opp?",
                "Do you sometimes take a drink in the morning when you first get up?",
            ),
            NO_YES,
            _NO_YES_ANCHORS,
            "asked",
        ),
        _item(
            4,
            "amnesia",
            (
                "Har noen fortalt deg om ting du sa eller gjorde mens du drakk, som du ikke "
                "husker?",
                "Has a friend or family member ever told you about things you said or did while "
                "you were drinking that you could not remember?",
            ),
            NO_YES,
            _NO_YES_ANCHORS,
            "asked",
        ),
        _item(
            5,
            "kut_down",
            (
                "Føler du noen ganger at du burde drikke mindre?",
                "Do you sometimes feel the need to cut down on your drinking?",
            ),
            NO_YES,
            _NO_YES_ANCHORS,
            "asked",
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
