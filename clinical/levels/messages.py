"""Every msgid of the treatment-level engine's reasons, cautions and missing facts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from clinical.levels.model import AcuteCriterion
from clinical.messages import gettext_noop

# --- Messages --------------------------------------------------------------------------------
# One msgid per reason, caution and missing fact; the Norwegian text is in
# plans/locale/nb/LC_MESSAGES/django.po.

_M_SEVERE_MENTAL_ILLNESS = gettext_noop(
    "A concurrent severe mental illness takes precedence: the patient should be assessed for "
    "treatment in mental health care."
)
_M_HIGH_SUICIDE_RISK = gettext_noop(
    "High suicide risk: the patient should be assessed in mental health care."
)
_M_ACUTE_SOMATIC_ILLNESS = gettext_noop(
    "Acute somatic illness: the patient should be assessed in somatic care, even if the illness "
    "is caused by substance use. Substance use treatment (TSB) keeps responsibility for the "
    "substance problem once the patient is somatically stable."
)
_M_UNCONSCIOUS = gettext_noop(
    "The patient cannot be woken: treat at hospital level as acute poisoning."
)
_M_CURRENT_DELIRIUM = gettext_noop(
    "Delirium now (delirium tremens): a medical emergency. A physician treats it at once as "
    "8.4.5-2 says (diazepam at short intervals, or olanzapine), in a department with qualified "
    "medical staff and somatic monitoring; never by the hourly CIWA-Ar tier."
)
_M_WERNICKE = gettext_noop(
    "Wernicke's encephalopathy suspected: give intravenous thiamine (vitamin B1) and admit the "
    "patient to a neurological or medical department."
)
_M_ACUTE_DANGER_TO_LIFE = gettext_noop(
    "The substance use is an immediate danger to the patient's life and health: assess the need "
    "for acute intervention in substance use treatment (TSB) and receive the patient without "
    "undue delay."
)
_M_ACUTE_RISK_OF_SEVERE_WITHDRAWAL = gettext_noop(
    "The substance use has stopped or changed and there is a risk of severe withdrawal: assess "
    "the need for acute intervention in substance use treatment (TSB) and receive the patient "
    "without undue delay."
)
_M_ACUTE_DANGEROUS_BEHAVIOUR = gettext_noop(
    "The substance use gives an acute risk of behaviour that endangers the patient's or others' "
    "life and health: assess the need for acute intervention in substance use treatment (TSB) "
    "and receive the patient without undue delay."
)
_M_ACUTE_SERIOUS_SOCIAL_LOSS = gettext_noop(
    "The substance use can lead to an acute risk of serious loss of relationships, social "
    "consequences or loss of function: assess the need for acute intervention in substance use "
    "treatment (TSB) and receive the patient without undue delay."
)
_M_EARLIER_FAILED_OUTPATIENT = gettext_noop(
    "An earlier outpatient detox did not succeed: the patient should be offered admission to an "
    "institution."
)
_M_PREFERS_INPATIENT = gettext_noop(
    "The patient wants inpatient detox. Outpatient detox presupposes that the patient wants it, "
    "so admission is offered."
)
_M_SEVERAL_SUBSTANCES = gettext_noop(
    "Dependence on several substances: the patient should be admitted for detox. Plan the stay "
    "and encourage the patient to reduce use before admission."
)
_M_INJECTING = gettext_noop("Injecting use speaks for admission.")
_M_PREVIOUS_COMPLICATIONS = gettext_noop(
    "Earlier complications during withdrawal speak for admission."
)
_M_SOMATIC_COMORBIDITY = gettext_noop("Concurrent somatic health problems speak for admission.")
_M_PSYCHIATRIC_COMORBIDITY = gettext_noop("Concurrent mental health problems speak for admission.")
_M_NO_HOME_SUPPORT = gettext_noop(
    "Close follow-up at home by next of kin is not possible, which speaks for admission."
)
_M_NO_OUTPATIENT_FOLLOWUP = gettext_noop(
    "No medical follow-up is available as outpatient, which speaks for admission."
)
_M_PREGNANT = gettext_noop(
    "Pregnant and using substances: offer admission to a suitable institution for detox and "
    "assessment, and assess the need for acute intervention."
)
_M_IN_CUSTODY = gettext_noop(
    "In custody or prison: assess the need for withdrawal treatment at once and offer a bed or "
    "cell of the patient's own with health staff round the clock. The application counts this "
    "as inpatient detox."
)
_M_ALCOHOL_NOT_ORAL = gettext_noop(
    "The patient cannot take medicine, fluid and food by mouth, which outpatient alcohol detox "
    "requires."
)
_M_ALCOHOL_DEHYDRATION = gettext_noop(
    "Severe dehydration or electrolyte disturbance is suspected, which rules out outpatient "
    "alcohol detox."
)
_M_ALCOHOL_SEIZURES_OR_DT = gettext_noop(
    "Earlier delirium tremens or alcohol withdrawal seizures: alcohol detox should take place "
    "in an inpatient institution."
)
_M_ALCOHOL_SEVERE_CIWA = gettext_noop(
    "CIWA-Ar %(score)s is severe withdrawal (%(threshold)s or more): admission is necessary."
)
_M_ALCOHOL_UNITS = gettext_noop(
    "Drinks %(units)s alcohol units a day, more than %(threshold)s. Background (NICE): detox in "
    "an institution or intensified outpatient detox."
)
_M_ALCOHOL_AUDIT = gettext_noop(
    "AUDIT score %(score)s (%(threshold)s or more). Background (NICE): detox in an institution "
    'or intensified outpatient detox. The guideline paraphrases this as "over 20"; the '
    'application uses NICE\'s "20 or more".'
)
_M_OPIOID_FIRST_CHOICE = gettext_noop(
    "Opioids: detox in an institution should be the first choice for illegal opioid dependence."
)
_M_OPIOID_INJECTING_OVERDOSES = gettext_noop(
    "Opioid dependence with injecting and repeated overdoses (signs of lost control): advise "
    "against outpatient detox."
)
_M_OPIOID_CONDITIONS_NOT_MET = gettext_noop(
    "Outpatient opioid detox needs the opioid use to be pharmacologically stabilised first and "
    "habit-forming drugs to be handed out daily under the supervision of health personnel; that "
    "is not arranged, so detox in an institution is proposed."
)
_M_OPIOID_CONDITIONS_HOLD = gettext_noop(
    "Opioids: the opioid use is pharmacologically stabilised and habit-forming drugs are handed "
    "out daily under the supervision of health personnel, as outpatient opioid detox requires."
)
_M_PREGNANT_OPIOIDS_OUTSIDE_LAR = gettext_noop(
    "Pregnant and opioid-dependent, not in LAR: do not detox from opioids. Stabilise her on "
    "buprenorphine while the further course is assessed and planned together with her; the "
    "guideline asks for reluctance to detox pregnant opioid-dependent patients."
)
_M_PREGNANT_OPIOIDS_IN_LAR = gettext_noop(
    "Pregnant and in LAR: do not detox from opioids and do not taper the LAR medication. She "
    "stays in LAR with methadone or buprenorphine during the pregnancy; the guideline asks for "
    "reluctance to detox pregnant opioid-dependent patients."
)
_M_PREGNANT_OPIOIDS_LAR_UNKNOWN = gettext_noop(
    "Pregnant and using opioids: do not detox from opioids. Find out whether she is in LAR: in "
    "LAR she stays on her LAR medication, which is not tapered; outside LAR she is stabilised on "
    "buprenorphine while the further course is planned together with her."
)
_M_GHB = gettext_noop("Patients to be detoxed from GHB should be admitted.")
_M_OUTPATIENT_FACTORS = gettext_noop(
    "Every factor for outpatient detox is present: the patient wants it, no dependence on "
    "several substances, no injecting, no earlier complications, close follow-up at home, no "
    "concurrent somatic or mental health problems, not pregnant, and medical follow-up "
    "available."
)
_M_ALCOHOL_OUTPATIENT = gettext_noop(
    "Alcohol: the patient can take medicine, fluid and food by mouth, no severe dehydration or "
    "electrolyte disturbance is suspected, and there have been no alcohol withdrawal seizures "
    "or delirium tremens."
)
_M_BENZODIAZEPINE_OUTPATIENT = gettext_noop(
    "Benzodiazepines: consider starting the taper as outpatient, with admission towards the end "
    "if needed. Stable dosing over time, strong motivation and earlier taper experience speak "
    "for it; the taper should come with close outpatient follow-up."
)
_M_CANNABIS_OUTPATIENT = gettext_noop(
    "Cannabis only: detox can usually take place with outpatient follow-up."
)

_C_PSYCHIATRY_AFTER_SOMATIC = gettext_noop(
    "Somatic care comes first; the mental health assessment is still needed once the patient is "
    "somatically stable."
)
_C_MIXED_USE = gettext_noop(
    "More than one substance is used: outpatient detox needs mixed use to be limited, while "
    "extensive mixed use speaks for admission."
)
_C_PREGNANCY_INFORMATION = gettext_noop(
    "Give the pregnant woman, and any partner, thorough and repeated information about how "
    "substances affect pregnancy and about treatment and follow-up, and tell her about the "
    "staff's duty to report under section 10-3 of the Health and Care Services Act."
)
_C_ADDICTION_ACUTE_AFTER_REFERRAL = gettext_noop(
    "The acute referral above comes first; the need for acute intervention in substance use "
    "treatment (TSB) is still to be assessed once that is settled."
)
_C_LAR_SIDE_USE = gettext_noop(
    "In LAR: the opioids recorded are taken as the LAR medication, which continues unchanged; "
    "only the side use is detoxed. Agree the plan with the LAR prescriber. Ending LAR medication "
    "is a taper over months to years, outside the scope of detox."
)
_C_SEDATIVES = gettext_noop(
    "Be careful with sedative medicines for this patient: the guideline names patients who have "
    "used or misused benzodiazepines, the elderly and patients with head injuries."
)
_C_SEDATIVES_ELDERLY = gettext_noop(
    "Be careful with sedative medicines for this patient: the guideline names patients who have "
    "used or misused benzodiazepines, the elderly and patients with head injuries. The "
    "guideline gives no age; the application counts %(age)s or over as elderly."
)
_C_ADOLESCENT = gettext_noop(
    "The patient is under %(age)s: the guideline does not address detox of children and "
    "adolescents, so this proposal follows the rules for adults. A physician confirms the level."
)
_C_REPEATED_OVERDOSES = gettext_noop(
    "Repeated overdoses: repeated life-threatening overdoses are a risk factor for overdose "
    "death, by accident and by suicide. Assess the suicide risk and whether the substance use is "
    "an immediate danger to life, and plan overdose prevention before discharge."
)
_C_CIWA_HOURLY_DIAZEPAM = gettext_noop(
    "CIWA-Ar %(score)s is over 15: the guideline's treatment is diazepam 10 mg every hour until "
    "the score is under 10, with hourly scoring, which needs an institution. Consider admission."
)
_C_ALCOHOL_NOT_LISTED = gettext_noop(
    "Alcohol measures point to heavy drinking or withdrawal, but alcohol is not among the "
    "substances: map all substance use."
)
_C_BENZODIAZEPINE_TAPER_FIRST = gettext_noop(
    "Benzodiazepine dependence together with other substances: consider starting the taper "
    "before admission, and continuing it at a treatment institution afterwards."
)
_C_OPIOID_RELUCTANCE = gettext_noop(
    "Be reluctant to detox from opioids in this situation (an acute somatic or mental condition "
    "needing immediate treatment, custody or a short prison sentence, seeking help at the "
    "emergency ward, pregnancy, long-term mental or somatic illness, extensive mixed use)."
)
_C_OPIOID_TOLERANCE = gettext_noop(
    "Inform the patient carefully that opioid tolerance is lost after detox, so opioids, alone "
    "or with other substances, carry a high risk of overdose and death."
)
_C_OPIOID_LAR = gettext_noop(
    "In LAR: ending LAR medication usually needs tapering and close follow-up over months to "
    "years, which is outside the scope of detox."
)
_C_GHB_SEVERE = gettext_noop(
    "GHB: if severe symptoms arise, transfer the patient to a medical emergency department."
)
_C_OUTPATIENT_JUDGEMENT = gettext_noop(
    "Outpatient detox also needs the clinician's judgement that the patient can manage it and "
    "that TSB or the GP can coordinate it. If it does not succeed, offer admission."
)
_C_ALCOHOL_ESCALATION = gettext_noop(
    "Admission is necessary if severe withdrawal symptoms arise; a patient who cannot be woken "
    "is treated at hospital level as acute poisoning."
)
_C_OPIOID_OUTPATIENT = gettext_noop(
    "Institution is the first choice for illegal opioid dependence: outpatient opioid detox "
    "only where specially arranged, with the opioid use stabilised first and habit-forming "
    "drugs handed out daily under supervision."
)

_MISSING_MESSAGES: Final[Mapping[str, tuple[str, tuple[str, ...]]]] = {
    "substances": (gettext_noop("No substances are recorded."), ("7.2-2",)),
    "dependent": (
        gettext_noop("Whether the patient is dependent on this substance is not recorded."),
        ("3.2.2-1", "11.5-1"),
    ),
    "injecting": (
        gettext_noop("Whether this substance is injected is not recorded."),
        ("3.2.1-2",),
    ),
    "previous_withdrawal_complications": (
        gettext_noop("Earlier complications during withdrawal are not recorded."),
        ("3.2.1-2",),
    ),
    "somatic_comorbidity": (
        gettext_noop("Concurrent somatic health problems are not recorded."),
        ("3.2.1-2",),
    ),
    "psychiatric_comorbidity": (
        gettext_noop("Concurrent mental health problems are not recorded."),
        ("3.2.1-2",),
    ),
    "severe_mental_illness": (
        gettext_noop("Whether there is a severe mental illness is not recorded."),
        ("4.1-1",),
    ),
    "high_suicide_risk": (
        gettext_noop("Whether the suicide risk is high is not recorded."),
        ("4.1-2",),
    ),
    "acute_somatic_illness": (
        gettext_noop("Whether there is an acute somatic illness is not recorded."),
        ("4.1-3",),
    ),
    "unconscious": (
        gettext_noop("Whether the patient can be woken is not recorded."),
        ("8.3.2-4",),
    ),
    "pregnant": (
        gettext_noop(
            "Whether the patient is pregnant is not recorded. Ask women about it, and offer a "
            "pregnancy test if pregnancy is possible."
        ),
        ("12-1", "3.2.1-2"),
    ),
    "home_support": (
        gettext_noop("Whether next of kin can follow the patient closely at home is not recorded."),
        ("3.2.1-2",),
    ),
    "outpatient_followup_available": (
        gettext_noop("Whether medical follow-up is available as outpatient is not recorded."),
        ("3.2.2-1",),
    ),
    "patient_preference": (
        gettext_noop("The patient's wish (outpatient or inpatient detox) is not recorded."),
        ("3.2.1-2",),
    ),
    "able_to_take_oral": (
        gettext_noop(
            "Whether the patient can take medicine, fluid and food by mouth is not recorded."
        ),
        ("8.3.2-1",),
    ),
    "dehydration_or_electrolyte_disturbance_suspected": (
        gettext_noop(
            "Whether severe dehydration or electrolyte disturbance is suspected is not recorded."
        ),
        ("8.3.2-1",),
    ),
    "ciwa_ar": (
        gettext_noop(
            "No CIWA-Ar score is recorded; a score of 19 or more (severe withdrawal) requires "
            "admission."
        ),
        ("8.3.2-4",),
    ),
    "audit": (
        gettext_noop("No AUDIT score is recorded; 20 or more speaks for assisted withdrawal."),
        ("3.2",),
    ),
    "alcohol_units_per_day": (
        gettext_noop(
            "Alcohol units a day are not recorded; more than 15 speaks for assisted withdrawal."
        ),
        ("3.2",),
    ),
    "in_custody": (
        gettext_noop("Whether the patient is in custody or prison is not recorded."),
        ("3.4-1",),
    ),
    "opioid_stabilised": (
        gettext_noop(
            "Whether the opioid use is pharmacologically stabilised before the detox is not "
            "recorded; outpatient opioid detox needs it."
        ),
        ("10.4.1-2",),
    ),
    "supervised_daily_dispensing": (
        gettext_noop(
            "Whether medicines are handed out daily under the supervision of health personnel is "
            "not recorded; outpatient opioid detox needs it."
        ),
        ("10.4.1-2",),
    ),
    "earlier_failed_outpatient_detox": (
        gettext_noop(
            "Whether an earlier outpatient detox failed is not recorded; if it did, admission "
            "should be offered."
        ),
        ("3.2.1-3",),
    ),
    "current_delirium": (
        gettext_noop("Whether the patient is delirious now is not recorded."),
        ("8.4.5-2",),
    ),
    "wernicke_suspected": (
        gettext_noop("Whether Wernicke's encephalopathy is suspected is not recorded."),
        ("8.4.1-2",),
    ),
    "acute_criteria": (
        gettext_noop(
            "The criteria for acute intervention (danger to life, risk of severe withdrawal, "
            "dangerous behaviour, serious social loss) are not assessed."
        ),
        ("4.2-1",),
    ),
}

_ACUTE_CRITERION_MESSAGES: Final[Mapping[AcuteCriterion, str]] = {
    "danger_to_life": _M_ACUTE_DANGER_TO_LIFE,
    "risk_of_severe_withdrawal": _M_ACUTE_RISK_OF_SEVERE_WITHDRAWAL,
    "dangerous_behaviour": _M_ACUTE_DANGEROUS_BEHAVIOUR,
    "serious_social_loss": _M_ACUTE_SERIOUS_SOCIAL_LOSS,
}
