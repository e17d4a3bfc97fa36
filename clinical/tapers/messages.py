"""Every message the taper engine emits: input errors (``_E_``) and plan warnings (``_W_``),
English msgids marked with ``clinical.messages.gettext_noop``.
"""

from __future__ import annotations

from clinical.messages import gettext_noop

_E_OBJECT = gettext_noop("Expected an object with the fields: %(allowed)s.")
_E_UNKNOWN = gettext_noop("Unknown field. Allowed: %(allowed)s.")
_E_REQUIRED = gettext_noop("This field is required.")
_E_CHOICE = gettext_noop("Not an allowed value. Allowed: %(allowed)s.")
_E_BOOLEAN = gettext_noop("Must be true, false or null.")
_E_DATE = gettext_noop("Must be a date written YYYY-MM-DD.")
_E_LIST = gettext_noop("Must be a list.")
_E_POSITIVE = gettext_noop("Must be a number greater than 0 and at most %(max)s.")
_E_RANGE = gettext_noop("Must be a number from %(min)s to %(max)s.")
_E_INTEGER = gettext_noop("Must be a whole number from %(min)s to %(max)s.")
_E_NO_DRUGS = gettext_noop("List at least one drug the patient uses.")
_E_DUPLICATE = gettext_noop("Duplicate drug: list each drug once.")
_E_NOT_FOR_BENZODIAZEPINE = gettext_noop(
    "Does not apply to a benzodiazepine taper: leave it out or null."
)
_E_NOT_FOR_BUPRENORPHINE = gettext_noop(
    "Does not apply to a buprenorphine taper: leave it out or null."
)
_E_INPATIENT_ONLY = gettext_noop("Applies to inpatient tapers only: leave it out or null.")
_E_EQUIVALENCE_RANGE = gettext_noop(
    "Must lie within the table's range for %(drug)s: %(low)s to %(high)s mg equal to 5 mg diazepam."
)
_E_EQUIVALENCE_UNUSED = gettext_noop(
    "Not used by this request: give an equivalence only for a drug in current_use or for the "
    "taper drug."
)
_E_NOT_DISPENSABLE = gettext_noop(
    "Whole tablets of %(drug)s (%(strengths)s mg) cannot make up this dose. Nearest doses that "
    "can: %(nearest)s mg."
)
_E_STOPS_AT_ONCE = gettext_noop(
    "The converted dose, %(converted_mg)s mg %(drug)s a day, is less than the smallest tablet "
    "(%(smallest_mg)s mg), so the plan would stop at once. Choose a taper drug with a smaller "
    "tablet or set start_mg_per_day."
)
_E_TOO_FEW_DAYS = gettext_noop(
    "A taper needs at least %(min)s days: a single day would stop at once."
)
_E_METHADONE_OUTPATIENT = gettext_noop("Methadone should not be used in outpatient detox.")
_E_METHADONE_NOT_PLANNED = gettext_noop(
    "Methadone tapers are not planned here: buprenorphine with naloxone is the first choice."
)
_E_ALPHA2_NOT_A_TAPER = gettext_noop(
    "Clonidine and lofexidine are the second choice and are not given as a taper: see the "
    "opioid medication plan."
)
_E_TEXT = gettext_noop("Must be text of 1 to %(max)s characters (not only spaces), or null.")
_E_PREGNANT_OPIOID = gettext_noop(
    "Pregnant and opioid-dependent: the guideline recommends stabilising her on buprenorphine "
    "while the further course is planned with her, not a detox, and reluctance to detox; a "
    "woman in LAR stays on her LAR medicine, which is not tapered. To plan a taper all the "
    "same, give the reason in override_reason."
)
_E_START_ABOVE_BOUND = gettext_noop(
    "The start dose, %(start_mg)s mg a day, is more than 1.5 times the dose converted at the "
    "upper end of the equivalence range (%(high_mg)s mg a day), so above %(bound_mg)s mg. This "
    "bound is a local resolution, not the guideline's. To go above it, give the reason in "
    "override_reason."
)
_E_BUPRENORPHINE_ABOVE_BOUND = gettext_noop(
    "The start dose, %(start_mg)s mg a day, is above %(max_mg)s mg a day, the highest daily "
    "dose of buprenorphine with naloxone (a local bound; the guideline gives none). To go above "
    "it, give the reason in override_reason."
)
_E_NOT_OPIOID_DEPENDENT = gettext_noop(
    "A buprenorphine taper is only for a patient who is opioid-dependent: record "
    "opioid_dependent as true."
)

_W_DEFAULT_EQUIVALENCE = gettext_noop(
    "Where the equivalence table gives a range, the value giving the lower %(taper_drug)s dose "
    "was used (%(drugs)s). This is a local choice for safety, not the guideline's: watch for "
    "withdrawal symptoms and choose another value within the range if needed."
)
_W_ROUNDED_DOWN = gettext_noop(
    "The converted dose, %(converted_mg)s mg a day, is rounded down to %(start_mg)s mg, the "
    "nearest dose whole tablets can make up."
)
_W_START_SET = gettext_noop(
    "The start dose, %(start_mg)s mg a day, was set by the clinician; the converted dose is "
    "%(converted_mg)s mg a day."
)
_W_HELD = gettext_noop(
    "Whole tablets cannot make up every weekly step, so the dose stays the same for a week "
    "before some steps (%(held_weeks)s weeks in all). The dose never falls below the straight "
    "line from the start dose to zero at %(percent)s percent of the start dose a week; a single "
    "step can be larger than that by less than one tablet."
)
_W_SLOWER = gettext_noop(
    "A weekly reduction of %(percent)s percent of the start dose is slower than the usual "
    "10-20 percent: a deliberate slower taper. The recommended length of a taper is one to six "
    "months."
)
_W_ABRUPT_BENZODIAZEPINE = gettext_noop(
    "This outpatient taper lasts %(duration_days)s days, less than four weeks: that is "
    "practically an abrupt stop. Benzodiazepines should not be stopped abruptly after long use."
)
_W_ABRUPT_BUPRENORPHINE = gettext_noop(
    "Buprenorphine from %(start_mg)s mg a day to zero in %(days)s days is practically an abrupt "
    "stop: reduce the dose gradually over more days."
)
_W_CONFIRM_CONVERSION = gettext_noop(
    "%(drug)s: the equivalence table gives %(low)s-%(high)s mg equal to 5 mg diazepam, a wide "
    "range for a high-potency short-acting drug. %(used)s mg was used, the end giving the lower "
    "dose. Confirm this point or choose another within the range."
)
_W_DIFFERS_FROM_INTAKE = gettext_noop(
    "The taper starts from %(request)s a day, but the intake records %(intake)s a day. Check "
    "what the patient uses now."
)
_W_PREGNANT_OPIOID_OVERRIDDEN = gettext_noop(
    "A taper for a pregnant opioid-dependent woman, against the recommendation to stabilise "
    "her on buprenorphine. Reason given: %(reason)s"
)
_W_START_ABOVE_BOUND = gettext_noop(
    "The start dose, %(start_mg)s mg a day, is above %(bound_mg)s mg, 1.5 times the dose "
    "converted at the upper end of the equivalence range (a local bound). Reason given: "
    "%(reason)s"
)
_W_BUPRENORPHINE_ABOVE_BOUND = gettext_noop(
    "The start dose, %(start_mg)s mg a day, is above %(max_mg)s mg a day, the highest daily "
    "dose of buprenorphine with naloxone (a local bound). Reason given: %(reason)s"
)
_W_DIAZEPAM = gettext_noop(
    "Oxazepam is the first choice for the taper; diazepam may also be used. Weigh the "
    "patient's experience from earlier tapers."
)
_W_FOLLOW_UP = gettext_noop("Prescribing and tapering should come with close outpatient follow-up.")
_W_SHORTER_THAN_A_MONTH = gettext_noop(
    "This outpatient taper lasts %(duration_days)s days, less than one month; the recommended "
    "length is one to six months."
)
_W_LONGER_THAN_SIX_MONTHS = gettext_noop(
    "This outpatient taper lasts %(duration_days)s days, more than six months; the "
    "recommended length is one to six months."
)
_W_CONTINUE_AFTER_STAY = gettext_noop(
    "The taper lasts %(duration_days)s days, longer than the planned stay of %(stay_days)s "
    "days: plan for it to continue after discharge, in a treatment institution or as an "
    "outpatient."
)
_W_CONTINUE_AFTER_USUAL_STAY = gettext_noop(
    "The taper lasts %(duration_days)s days, longer than a usual detox stay of two to three "
    "weeks (taken as %(stay_days)s days): plan for it to continue after discharge, in a "
    "treatment institution or as an outpatient."
)
_W_PREGNANT_BENZODIAZEPINE = gettext_noop(
    "Pregnant and benzodiazepine-dependent: offer a slow taper, and admission to a suitable "
    "institution."
)
_W_TOLERANCE = gettext_noop(
    "Tell the patient that opioid tolerance is lost after detox and that the risk of overdose "
    "is then high; carry out overdose prevention at discharge."
)
_W_SUPERVISED = gettext_noop(
    "Dependence-forming medicines should be handed out daily under the supervision of health "
    "personnel."
)
_W_PREGNANT_OPIOID = gettext_noop(
    "Pregnant and opioid-dependent outside LAR: stabilise on buprenorphine while the further "
    "course is planned with her; be reluctant to detox."
)
_W_PREGNANCY_UNKNOWN_BENZODIAZEPINE = gettext_noop(
    "Pregnancy is not recorded. In pregnancy the guideline asks for a slow taper, planned with "
    "the woman: rule pregnancy out, or record it, before this schedule is followed."
)
_W_PREGNANCY_UNKNOWN_OPIOID = gettext_noop(
    "Pregnancy is not recorded. A pregnant opioid-dependent woman is stabilised, not tapered: "
    "rule pregnancy out, or record it, before this schedule is followed."
)
