"""COWS, the clinician-rated opioid withdrawal scale (``docs/SCALES.md`` §2).

Its eleven items with their anchors, the severity bands (0–4 is this application's derived
"none" band) and the remarks.
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
