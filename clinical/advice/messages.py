"""The message ids of the CIWA-Ar advice lines (English; translated by the apps)."""

from __future__ import annotations

from typing import Final

from clinical.messages import gettext_noop

# --- messages ------------------------------------------------------------------------------------

MSG_MONITOR: Final = gettext_noop("Score CIWA-Ar again in %(hours)s h, at %(next_due_local)s.")
MSG_MONITOR_AT_TEN: Final = gettext_noop(
    "Score CIWA-Ar again in %(hours)s h, at %(next_due_local)s. A score of exactly 10 is scored "
    "every hour: the guideline says every hour 'over 10'."
)
MSG_NO_MEDICATION: Final = gettext_noop("CIWA-Ar is below 10: usually no medication.")
MSG_STOP_DIAZEPAM: Final = gettext_noop(
    "CIWA-Ar is below 10: stop diazepam (%(cumulative)s mg given since it was last below 10)."
)
MSG_VALPROATE_OFFER: Final = gettext_noop(
    "Mild symptoms now, but severe withdrawal before: offer valproic acid for seizure "
    "prophylaxis, 600–900 mg once when the alcohol level is below 1 ‰, then 300 mg × 3 a day "
    "for 3–5 days."
)
MSG_VALPROATE_CONTINUE: Final = gettext_noop(
    "Valproic acid has been started in this episode (%(given)s mg so far): continue 300 mg × 3 "
    "a day, for 3–5 days in all."
)
MSG_VALPROATE_COMPLETE: Final = gettext_noop(
    "Valproic acid was started on %(started_local)s (%(given)s mg so far): the guideline's "
    "course, a loading dose and then 300 mg × 3 a day for 3–5 days, is over. It is read as over "
    "from 6 days after the loading dose; more valproic acid is the doctor's decision."
)
MSG_VALPROATE_WAIT: Final = gettext_noop(
    "Breath alcohol is %(permille)s ‰: give the valproic acid loading dose only when the alcohol "
    "level is below 1 ‰."
)
MSG_VALPROATE_LIVER_FAILURE: Final = gettext_noop(
    "Liver failure: avoid valproic acid and use a benzodiazepine for seizure prophylaxis. The "
    "guideline gives no dose for this."
)
MSG_LIVER_UNKNOWN: Final = gettext_noop(
    "Liver failure is not recorded: rule it out before giving valproic acid, which should be "
    "avoided in liver failure."
)
MSG_HISTORY_UNKNOWN_MILD: Final = gettext_noop(
    "Earlier withdrawal seizures, delirium tremens or severe withdrawal are not recorded: if the "
    "patient has had severe withdrawal before, valproic acid should be offered."
)
MSG_DIAZEPAM_QID: Final = gettext_noop(
    "Earlier withdrawal seizures or delirium tremens: diazepam tablets 10 mg × 4 (four times a "
    "day). Stop diazepam when CIWA-Ar is below 10."
)
MSG_NO_DRUG_WITHOUT_HISTORY: Final = gettext_noop(
    "CIWA-Ar 10–15 without earlier withdrawal seizures or delirium tremens: the guideline's "
    "CIWA-Ar table gives no drug for this. Moderate withdrawal can be treated with an "
    "anticonvulsant and an antihistamine; the guideline gives no doses. Give an antihistamine "
    "only when the alcohol level is 0.5 ‰ or below. Keep scoring every hour."
)
MSG_NO_DRUG_WITHOUT_HISTORY_ALCOHOL: Final = gettext_noop(
    "CIWA-Ar 10–15 without earlier withdrawal seizures or delirium tremens: the guideline's "
    "CIWA-Ar table gives no drug for this. Moderate withdrawal can be treated with an "
    "anticonvulsant; the guideline gives no dose. Breath alcohol is %(permille)s ‰, over 0.5 ‰: "
    "the drug the guideline combines it with must wait until the alcohol level is 0.5 ‰ or below "
    "(see the warning). Keep scoring every hour."
)
MSG_NO_DRUG_WITHOUT_HISTORY_PREGNANT: Final = gettext_noop(
    "CIWA-Ar 10–15 without earlier withdrawal seizures or delirium tremens: the guideline's "
    "CIWA-Ar table gives no drug for this. Pregnant: the guideline names benzodiazepines for "
    "alcohol withdrawal in pregnancy, so the other drugs it allows for moderate withdrawal are "
    "not proposed. The doctor decides. Keep scoring every hour."
)
MSG_HISTORY_UNKNOWN_MODERATE: Final = gettext_noop(
    "Earlier withdrawal seizures or delirium tremens are not recorded: at CIWA-Ar 10–15 the "
    "guideline gives diazepam 10 mg × 4 only to patients with that history. Check the intake "
    "before giving diazepam."
)
MSG_DIAZEPAM_HOURLY: Final = gettext_noop(
    "Diazepam 10 mg orally now, then every hour until CIWA-Ar is below 10. Diazepam given under "
    "the hourly regimen (CIWA-Ar over 15) since CIWA-Ar was last below 10: %(hourly)s mg; if "
    "there is no response after 50 mg of it, change to olanzapine."
)
MSG_DIAZEPAM_HOURLY_AT: Final = gettext_noop(
    "Diazepam 10 mg orally at %(due_at_local)s, an hour after the last diazepam dose (given at "
    "%(given_at_local)s), then every hour until CIWA-Ar is below 10. Diazepam given under the "
    "hourly regimen (CIWA-Ar over 15) since CIWA-Ar was last below 10: %(hourly)s mg; if there "
    "is no response after 50 mg of it, change to olanzapine."
)
MSG_DIAZEPAM_HOURLY_PREGNANT: Final = gettext_noop(
    "Diazepam 10 mg orally now, then every hour until CIWA-Ar is below 10. Diazepam given under "
    "the hourly regimen (CIWA-Ar over 15) since CIWA-Ar was last below 10: %(hourly)s mg; if "
    "there is no response after 50 mg of it, call the doctor: olanzapine is not proposed in "
    "pregnancy."
)
MSG_DIAZEPAM_HOURLY_AT_PREGNANT: Final = gettext_noop(
    "Diazepam 10 mg orally at %(due_at_local)s, an hour after the last diazepam dose (given at "
    "%(given_at_local)s), then every hour until CIWA-Ar is below 10. Diazepam given under the "
    "hourly regimen (CIWA-Ar over 15) since CIWA-Ar was last below 10: %(hourly)s mg; if there "
    "is no response after 50 mg of it, call the doctor: olanzapine is not proposed in pregnancy."
)
MSG_OLANZAPINE_PREGNANT: Final = gettext_noop(
    "Pregnant: no response after 50 mg diazepam, but olanzapine is not proposed, since the "
    "guideline names benzodiazepines for alcohol withdrawal in pregnancy. Call the doctor, who "
    "decides on further treatment."
)
MSG_DT_OLANZAPINE_PREGNANT: Final = gettext_noop(
    "Pregnant: olanzapine, the alternative to diazepam in delirium tremens, is not proposed, "
    "since the guideline names benzodiazepines for alcohol withdrawal in pregnancy."
)
MSG_DIAZEPAM_NOT_COUNTED: Final = gettext_noop(
    "%(excluded)s mg diazepam was given in this escalation before CIWA-Ar was over 15 "
    "(scheduled 10 mg × 4 or night sedation): it does not count toward the 50 mg of hourly "
    "diazepam that decide the next step."
)
MSG_DIAZEPAM_CONTINUE: Final = gettext_noop(
    "CIWA-Ar has fallen to %(score)s but is not yet below 10: continue diazepam 10 mg orally "
    "every hour until it is. Diazepam given under the hourly regimen since CIWA-Ar was last below "
    "10: %(hourly)s mg."
)
MSG_AFTER_OLANZAPINE: Final = gettext_noop(
    "CIWA-Ar has fallen to %(score)s after olanzapine. The guideline's CIWA-Ar table gives no "
    "next step for this: a doctor decides. Keep scoring every hour."
)
MSG_NO_RESPONSE: Final = gettext_noop(
    "No response to diazepam: %(hourly)s mg given under the hourly regimen since CIWA-Ar was "
    "last below 10, and it is still above 15. 'No response' is read as a score still above 15 "
    "after 50 mg."
)
MSG_OLANZAPINE: Final = gettext_noop(
    "Olanzapine 10 mg intramuscularly or orally, repeated every hour up to 30 mg in all. "
    "Olanzapine given in this episode: %(given)s mg. Neuroleptics lower the seizure threshold: "
    "give olanzapine only with concurrent seizure protection. Recorded in this episode: diazepam "
    "%(diazepam)s mg, valproic acid %(valproate)s mg."
)
MSG_OLANZAPINE_NO_PROTECTION: Final = gettext_noop(
    "Olanzapine 10 mg intramuscularly or orally, repeated every hour up to 30 mg in all. "
    "Olanzapine given in this episode: %(given)s mg. Neuroleptics lower the seizure threshold: "
    "give olanzapine only with concurrent seizure protection. Recorded in this episode: none."
)
MSG_NO_SEIZURE_PROTECTION: Final = gettext_noop(
    "No seizure protection (diazepam or valproic acid) is recorded in this episode: olanzapine "
    "must not be given without it. The doctor decides on the protection before olanzapine is "
    "given."
)
MSG_OLANZAPINE_EPISODE_CAP: Final = gettext_noop(
    "The olanzapine maximum of 30 mg is counted over the whole episode: the guideline gives no "
    "time window for it."
)
MSG_OLANZAPINE_MAX: Final = gettext_noop(
    "Olanzapine given in this episode: %(given)s mg. Another 10 mg would pass the maximum of "
    "30 mg: give no more olanzapine. A doctor must assess the patient."
)
MSG_DIAZEPAM_NOT_YET_DUE: Final = gettext_noop(
    "The last diazepam dose was given at %(given_at_local)s: the next hourly dose is due at "
    "%(due_at_local)s."
)
MSG_OLANZAPINE_NOT_YET_DUE: Final = gettext_noop(
    "The last olanzapine dose was given at %(given_at_local)s: the next hourly dose is due at "
    "%(due_at_local)s."
)
MSG_DROWSY_HOLD: Final = gettext_noop(
    "The patient is drowsy or very tired: give no sedative now (no diazepam, olanzapine, night "
    "sedation or other sedating drug), since it can reduce consciousness further. Hold, and call "
    "the doctor, who decides on all medication, seizure prophylaxis included. Reduced "
    "consciousness should also make the doctor rule out other causes such as intracranial "
    "processes and overdose."
)
MSG_DT_PHYSICIAN: Final = gettext_noop(
    "Delirium tremens: a doctor must be present or called now. Fully developed delirium should be "
    "treated in a department with qualified medical staff and somatic monitoring. The hourly "
    "CIWA-Ar table does not apply."
)
MSG_DT_DIAZEPAM: Final = gettext_noop(
    "Delirium tremens: diazepam at short intervals, for example 10 mg every 5–10 minutes, as the "
    "doctor orders. Diazepam given in this episode: %(diazepam)s mg."
)
MSG_DT_OLANZAPINE: Final = gettext_noop(
    "Alternatively olanzapine 10 mg orally or intramuscularly every hour, up to 30 mg in all. "
    "Olanzapine given in this episode: %(given)s mg. Neuroleptics lower the seizure threshold: "
    "give olanzapine only with concurrent seizure protection. Recorded in this episode: diazepam "
    "%(diazepam)s mg, valproic acid %(valproate)s mg."
)
MSG_DT_OLANZAPINE_NO_PROTECTION: Final = gettext_noop(
    "Alternatively olanzapine 10 mg orally or intramuscularly every hour, up to 30 mg in all. "
    "Olanzapine given in this episode: %(given)s mg. Neuroleptics lower the seizure threshold: "
    "give olanzapine only with concurrent seizure protection. Recorded in this episode: none."
)
MSG_DT_DROWSY: Final = gettext_noop(
    "Delirium tremens in a drowsy patient: give no sedative. A doctor must assess the patient now."
)
MSG_WERNICKE: Final = gettext_noop(
    "Wernicke's encephalopathy is suspected: thiamine (vitamin B1) 50–100 mg intravenously, and "
    "the patient should be admitted to a neurological or medical department. Call the doctor now."
)
MSG_ELDERLY: Final = gettext_noop(
    "The patient is %(age)s years old: be careful with sedatives in the elderly. The guideline "
    "gives no age; 65 or older is read as elderly."
)
MSG_ADOLESCENT: Final = gettext_noop(
    "The patient is %(age)s years old: the guideline is written for adults and does not address "
    "adolescents. A doctor decides the medication."
)
MSG_HEAD_INJURY: Final = gettext_noop("Earlier head injury: be careful with sedatives.")
MSG_BENZODIAZEPINE_USE: Final = gettext_noop(
    "Earlier use or misuse of benzodiazepines: be careful with sedatives."
)
MSG_VALPROATE_PREGNANT: Final = gettext_noop(
    "Pregnant: valproic acid is not proposed, since the guideline does not discuss it in "
    "pregnancy; benzodiazepines are its drug for alcohol withdrawal in pregnancy. The doctor "
    "decides on seizure prophylaxis."
)
MSG_NO_ANTIHISTAMINE: Final = gettext_noop(
    "Breath alcohol is %(permille)s ‰, over 0.5 ‰: do not give antihistamines."
)
MSG_ALCOHOL_PRESENT: Final = gettext_noop(
    "Breath alcohol is %(permille)s ‰: CIWA-Ar can rise considerably as the alcohol level falls."
)
MSG_NO_ZOPICLONE: Final = gettext_noop("Risk of delirium: do not give zopiclone.")
MSG_NO_ZOPICLONE_AFTER_DT: Final = gettext_noop(
    "Earlier delirium tremens, read as a risk of delirium: do not give zopiclone."
)
MSG_THIAMINE_GIVEN: Final = gettext_noop("Thiamine (vitamin B1) has been given in this episode.")
MSG_THIAMINE_MISSING: Final = gettext_noop(
    "No thiamine (vitamin B1) is recorded in this episode: patients in CIWA-guided detox should "
    "have thiamine, preferably intramuscularly."
)
MSG_SCORE_BEFORE_DOSE: Final = gettext_noop(
    "Score CIWA-Ar again before any dose: the last score (%(observed_at_local)s) was due again "
    "at %(due_at_local)s, and the dose advice follows the score."
)
MSG_PREGNANCY_NOT_RECORDED_DRUG: Final = gettext_noop(
    "Pregnancy is not recorded: rule it out before giving %(drugs)s. In pregnancy the guideline "
    "gives benzodiazepines (diazepam), and this application then proposes neither valproic acid "
    "nor olanzapine."
)
