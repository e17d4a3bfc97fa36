"""The discharge checklist: which items apply to a patient and what is still missing.

Pure rules (no ORM, no request, no clock: ``now`` is an argument), from the national detox
guideline ("G", ``guidelines/data/source/retningslinje-avrusning-2014.txt``) and the national
overdose strategy 2019-2022 ("O"); ``docs/CLINICAL.md`` ("Discharge and overdose prevention")
maps them.

* Everyone: follow-up after detox planned with the patient before detox starts (6.4.1-1), and
  information about self-help groups and user organisations, with an offer of contact (6.4.1-2).
* Everyone who uses opioids and everyone who has ever injected, also on unplanned discharge or
  dropout: the overdose-prevention set of the national patient-safety campaign (13.1-9, O
  4572-4633): information on the loss of tolerance and the overdose risk (10.3-2; one week
  without opioids leaves 25-50 % of the tolerance, three weeks about 5 %, G 4859-4863; the risk
  of dying of an overdose in the first four weeks after treatment is 16 times higher, O
  1195-1201), naloxone nasal spray handed out with training, a discharge conversation, and "time
  i hånden": a concrete first appointment with a named contact in the first days after
  discharge.
* Opioid use: what to do on relapse discussed (LAR, institution: 10.4.2-2) and temporary
  substitution treatment offered with the municipality (13.1-10).

When the intake does not say whether the patient uses opioids or has injected, the set is
shown (a local resolution: leaving it out for a patient who needed it cannot be undone) and a
warning says why.

* "Time i hånden" in the first days after discharge (O 4627-4633: "innen de første dagene etter
  løslatelse"): an appointment later than the unit's ``followup_within_days`` after discharge
  is a warning (the number of days is a local resolution, a unit setting). Discharge is the
  actual discharge once recorded, else the planned discharge on the checklist, else now
  (``followup_window``).
* Discharge with the set open (``open_set_at_discharge``): discharging (planned, unplanned or
  dropout) a patient the set applies to while naloxone or the tolerance information is not
  ticked needs a written reason (13.1-9, 10.3-2; the risk of dying of an overdose in the first
  four weeks after treatment is 16 times higher, O 1195-1201).
* Benzodiazepine or GHB main users who take opioids now and then are in the set (O 2170-2174:
  "Videre kan overdosefaren for brukere som har sin hoved avhengighet knyttet til
  benzodiazepiner og som bare inntar opioider av og til, være høyere."). The intake says so with
  an opioid row that is not marked dependent and is used less than four days a week
  (``occasional_opioid_use``); any opioid row puts the patient in the set, and these patients
  also get a warning that says why.

Messages are English msgids marked with ``gettext_noop``; render them as
``gettext(message) % params``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, Literal

from clinical.messages import gettext_noop

Group = Literal["everyone", "overdose_prevention", "opioids"]
Basis = Literal["opioids", "injecting", "opioids_and_injecting", "unknown", "not_required"]
Severity = Literal["warning", "info"]
# What "discharge" is for the follow-up window: the recorded discharge, the planned one, or now.
DischargeReference = Literal["actual", "planned", "now"]

# G 4859-4863 (10.3): "En opioidavhengig som har vært en uke uten opioider, har igjen 25-50 % av
# sin opprinnelige toleranse. Har personen vært uten opioider i ca 3 uker, har vedkommende bare
# igjen 5 % av sin toleranse."
TOLERANCE_LEFT_AFTER_ONE_WEEK_PERCENT: Final = (25, 50)
TOLERANCE_LEFT_AFTER_THREE_WEEKS_PERCENT: Final = 5
# O 1195-1201: "risikoen for å dø av overdose de fire første ukene etter behandling er 16 ganger
# større enn ellers (Ravndal og Amundsen 2010)".
OVERDOSE_RISK_FACTOR_FIRST_FOUR_WEEKS: Final = 16
OVERDOSE_STRATEGY: Final = gettext_noop("National overdose strategy 2019-2022 (Helsedirektoratet)")

TOLERANCE_TEXT: Final = gettext_noop(
    "One week without opioids leaves %(week_low)s-%(week_high)s %% of the tolerance; after about "
    "three weeks only about %(three_weeks)s %% is left. The same dose as before can then kill."
)
RISK_TEXT: Final = gettext_noop(
    "The risk of dying of an overdose in the first four weeks after treatment is %(factor)s "
    "times higher than otherwise."
)
TOLERANCE_PARAMS: Final[Mapping[str, int]] = {
    "week_low": TOLERANCE_LEFT_AFTER_ONE_WEEK_PERCENT[0],
    "week_high": TOLERANCE_LEFT_AFTER_ONE_WEEK_PERCENT[1],
    "three_weeks": TOLERANCE_LEFT_AFTER_THREE_WEEKS_PERCENT,
    "factor": OVERDOSE_RISK_FACTOR_FIRST_FOUR_WEEKS,
}


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    help: str
    refs: tuple[str, ...]
    group: Group


FOLLOWUP_PLANNED: Final = "followup_planned"
SELF_HELP_INFORMED: Final = "self_help_informed"
TOLERANCE_INFO_GIVEN: Final = "tolerance_info_given"
NALOXONE_GIVEN: Final = "naloxone_given"
DISCHARGE_CONVERSATION_HELD: Final = "discharge_conversation_held"
APPOINTMENT_MADE: Final = "appointment_made"
LAR_DISCUSSED: Final = "lar_discussed"

ITEMS: Final[tuple[ChecklistItem, ...]] = (
    ChecklistItem(
        FOLLOWUP_PLANNED,
        gettext_noop("Follow-up after detox planned with the patient"),
        gettext_noop(
            "Psychosocial measures and/or medicines after detox, planned together with the "
            "patient before detox starts."
        ),
        ("6.4.1-1",),
        "everyone",
    ),
    ChecklistItem(
        SELF_HELP_INFORMED,
        gettext_noop("Informed about self-help groups and user organisations"),
        gettext_noop("With an offer to put the patient in contact with them."),
        ("6.4.1-2",),
        "everyone",
    ),
    ChecklistItem(
        TOLERANCE_INFO_GIVEN,
        gettext_noop("Informed about the loss of tolerance and the overdose risk"),
        gettext_noop("Tell the patient the figures below, and what raises the risk further."),
        ("10.3-2",),
        "overdose_prevention",
    ),
    ChecklistItem(
        NALOXONE_GIVEN,
        gettext_noop("Naloxone nasal spray handed out, with training"),
        gettext_noop("Show how and when to use it; the patient takes it home."),
        ("13.1-9",),
        "overdose_prevention",
    ),
    ChecklistItem(
        DISCHARGE_CONVERSATION_HELD,
        gettext_noop("Discharge conversation held"),
        gettext_noop("A summing-up conversation before the patient leaves."),
        ("13.1-9",),
        "overdose_prevention",
    ),
    ChecklistItem(
        APPOINTMENT_MADE,
        gettext_noop('"Time i hånden": a first appointment with a named contact'),
        gettext_noop(
            "A concrete appointment in the first days after discharge: the time and the person "
            "the patient will meet."
        ),
        ("13.1-9",),
        "overdose_prevention",
    ),
    ChecklistItem(
        LAR_DISCUSSED,
        gettext_noop("Options on relapse discussed: LAR, institution, temporary substitution"),
        gettext_noop(
            "What the patient can turn to on a relapse to opioids, including temporary "
            "substitution treatment arranged with the municipality."
        ),
        ("10.4.2-2", "13.1-10"),
        "opioids",
    ),
)
ITEM_CODES: Final = tuple(item.code for item in ITEMS)
ITEMS_BY_CODE: Final[Mapping[str, ChecklistItem]] = {item.code: item for item in ITEMS}

_W_FOLLOWUP_MISSING = gettext_noop(
    "Follow-up after detox is not planned. It should be planned together with the patient "
    "before detox starts."
)
_W_FOLLOWUP_MISSING_STARTED = gettext_noop(
    "The detox has started and follow-up after detox is still not planned: plan it with the "
    "patient now."
)
_W_OVERDOSE_INCOMPLETE = gettext_noop(
    "Overdose prevention applies to this patient (%(basis)s) and is not complete. Missing: "
    "%(missing)s."
)
_W_UNKNOWN = gettext_noop(
    "The intake does not say whether the patient uses opioids or has ever injected, so the "
    "overdose-prevention measures are shown. Complete the intake."
)
_W_UNPLANNED = gettext_noop(
    "Unplanned discharge or dropout: the overdose-prevention measures apply now as well. Hand "
    "out naloxone, tell the patient about the loss of tolerance and make an appointment before "
    "the patient leaves, if at all possible."
)
_W_APPOINTMENT_IN_PAST = gettext_noop(
    "The first appointment (%(at)s) is before now: check that it is still the right one."
)
_E_APPOINTMENT_NEEDS_TIME = gettext_noop(
    'Give the time of the appointment: "time i hånden" is a concrete appointment.'
)
_E_APPOINTMENT_NEEDS_CONTACT = gettext_noop("Name the person the patient will meet.")
_W_APPOINTMENT_LATE: Final[Mapping[DischargeReference, str]] = {
    "actual": gettext_noop(
        "The first appointment (%(at)s) is more than %(days)s days after the discharge "
        '(%(discharge)s). "Time i hånden" is an appointment in the first days after discharge: '
        "the risk of dying of an overdose is %(factor)s times higher in the first four weeks. "
        "Find an earlier appointment."
    ),
    "planned": gettext_noop(
        "The first appointment (%(at)s) is more than %(days)s days after the planned discharge "
        '(%(discharge)s). "Time i hånden" is an appointment in the first days after discharge: '
        "the risk of dying of an overdose is %(factor)s times higher in the first four weeks. "
        "Find an earlier appointment."
    ),
    "now": gettext_noop(
        "The first appointment (%(at)s) is more than %(days)s days from now, and no discharge "
        'date is recorded. "Time i hånden" is an appointment in the first days after '
        "discharge: the risk of dying of an overdose is %(factor)s times higher in the first "
        "four weeks. Record the planned discharge, or find an earlier appointment."
    ),
}
_W_APPOINTMENT_BEFORE_DISCHARGE = gettext_noop(
    'The first appointment (%(at)s) is before the planned discharge (%(discharge)s): "time i '
    'hånden" is an appointment after discharge.'
)
_W_OCCASIONAL_OPIOIDS = gettext_noop(
    "The main dependence is on benzodiazepines or GHB and opioids are taken now and then: the "
    "overdose risk may be higher still, so the overdose-prevention measures apply."
)

BASIS_LABELS: Final[Mapping[Basis, str]] = {
    "opioids": gettext_noop("uses opioids"),
    "injecting": gettext_noop("has injected"),
    "opioids_and_injecting": gettext_noop("uses opioids and has injected"),
    "unknown": gettext_noop("not known from the intake"),
    "not_required": gettext_noop("no opioid use or injecting recorded"),
}


@dataclass(frozen=True)
class ChecklistFacts:
    """What the rules read. ``None`` for the intake facts means "not recorded", never "no"."""

    uses_opioids: bool | None
    ever_injected: bool | None
    done: Mapping[str, bool]
    now: datetime
    unplanned_discharge: bool = False
    episode_started: bool = False
    appointment_at: datetime | None = None
    appointment_contact: str = ""
    # The unit's "time i hånden" window in days (``Unit.followup_within_days``); None: no check.
    followup_within_days: int | None = None
    # The recorded discharge, else the planned discharge; None: not yet known (now is used).
    discharge_at: datetime | None = None
    discharge_reference: DischargeReference = "now"
    # A benzodiazepine or GHB main user who takes opioids now and then (O 2170-2174).
    occasional_opioids: bool = False


@dataclass(frozen=True)
class ChecklistMessage:
    code: str
    message: str
    refs: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity = "warning"
    resolution: bool = False


@dataclass(frozen=True)
class ChecklistError:
    field: str
    message: str


@dataclass(frozen=True)
class ChecklistAssessment:
    basis: Basis
    items: tuple[ChecklistItem, ...]
    missing: tuple[str, ...]
    warnings: tuple[ChecklistMessage, ...]

    @property
    def overdose_prevention_required(self) -> bool:
        return self.basis != "not_required"

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def refs(self) -> tuple[str, ...]:
        refs = [ref for item in self.items for ref in item.refs]
        refs += [ref for warning in self.warnings for ref in warning.refs]
        return tuple(dict.fromkeys(refs))


def overdose_basis(uses_opioids: bool | None, ever_injected: bool | None) -> Basis:
    """Why the overdose-prevention set applies (13.1-9: opioid use or any injecting)."""
    if uses_opioids and ever_injected:
        return "opioids_and_injecting"
    if uses_opioids:
        return "opioids"
    if ever_injected:
        return "injecting"
    if uses_opioids is None or ever_injected is None:
        return "unknown"
    return "not_required"


def relevant_items(basis: Basis, uses_opioids: bool | None) -> tuple[ChecklistItem, ...]:
    """The items that apply: everyone's, the overdose set when it applies, LAR for opioids."""
    wanted: set[Group] = {"everyone"}
    if basis != "not_required":
        wanted.add("overdose_prevention")
    if uses_opioids is not False and basis in ("opioids", "opioids_and_injecting", "unknown"):
        wanted.add("opioids")
    return tuple(item for item in ITEMS if item.group in wanted)


def missing_items(
    uses_opioids: bool | None, ever_injected: bool | None, done: Mapping[str, bool]
) -> tuple[str, ...]:
    """The codes of the items that apply to the patient and are not done, in checklist order
    (an item never ticked counts as not done; an item that does not apply is never missing)."""
    basis = overdose_basis(uses_opioids, ever_injected)
    items = relevant_items(basis, uses_opioids)
    return tuple(item.code for item in items if not done.get(item.code, False))


def assess_checklist(facts: ChecklistFacts) -> ChecklistAssessment:
    """The items that apply, those not done yet, and the warnings to show."""
    basis = overdose_basis(facts.uses_opioids, facts.ever_injected)
    items = relevant_items(basis, facts.uses_opioids)
    missing = missing_items(facts.uses_opioids, facts.ever_injected, facts.done)
    warnings: list[ChecklistMessage] = []
    if FOLLOWUP_PLANNED in missing:
        message = _W_FOLLOWUP_MISSING_STARTED if facts.episode_started else _W_FOLLOWUP_MISSING
        warnings.append(ChecklistMessage("followup_missing", message, ("6.4.1-1",)))
    if basis == "unknown":
        warnings.append(
            ChecklistMessage("overdose_basis_unknown", _W_UNKNOWN, ("13.1-9",), resolution=True)
        )
    overdose_missing = [
        code for code in missing if ITEMS_BY_CODE[code].group in ("overdose_prevention", "opioids")
    ]
    if basis != "not_required" and overdose_missing:
        warnings.append(
            ChecklistMessage(
                "overdose_prevention_incomplete",
                _W_OVERDOSE_INCOMPLETE,
                ("13.1-9", "10.3-2"),
                {"basis": BASIS_LABELS[basis], "missing": tuple(overdose_missing)},
            )
        )
    if facts.unplanned_discharge and basis != "not_required":
        warnings.append(ChecklistMessage("unplanned_discharge", _W_UNPLANNED, ("13.1-9",)))
    if facts.occasional_opioids and basis != "not_required":
        warnings.append(
            ChecklistMessage(
                "occasional_opioid_use", _W_OCCASIONAL_OPIOIDS, ("13.1-9",), resolution=True
            )
        )
    warnings.extend(followup_window(facts, basis))
    if facts.appointment_at is not None and facts.appointment_at < facts.now:
        warnings.append(
            ChecklistMessage(
                "appointment_in_past",
                _W_APPOINTMENT_IN_PAST,
                ("13.1-9",),
                {"at": facts.appointment_at},
                severity="info",
            )
        )
    return ChecklistAssessment(basis, items, missing, tuple(warnings))


def checklist_errors(
    done: Mapping[str, bool], appointment_at: datetime | None, appointment_contact: str
) -> list[ChecklistError]:
    """Input that cannot be stored: an appointment ticked off without a time or a named person."""
    errors: list[ChecklistError] = []
    unknown = set(done) - set(ITEM_CODES)
    if unknown:
        raise ValueError(f"unknown checklist items: {sorted(unknown)}")
    if appointment_at is not None and (
        appointment_at.tzinfo is None or appointment_at.utcoffset() is None
    ):
        raise ValueError("appointment_at must be timezone-aware")
    if done.get(APPOINTMENT_MADE):
        if appointment_at is None:
            errors.append(ChecklistError("appointment_at", _E_APPOINTMENT_NEEDS_TIME))
        if not appointment_contact.strip():
            errors.append(ChecklistError("appointment_contact", _E_APPOINTMENT_NEEDS_CONTACT))
    return errors


def followup_window(facts: ChecklistFacts, basis: Basis) -> list[ChecklistMessage]:
    """ "Time i hånden" in the first days after discharge (O 4627-4633), for the overdose set.

    The appointment may fall on any calendar day up to ``followup_within_days`` after the day of
    discharge, counted in the time zone of ``discharge_at`` (or of ``now``): discharged on Monday
    at 15:00 with 3 days, an appointment at any time on Thursday is in time, Friday is late.
    Discharge is ``discharge_at`` (the recorded or the planned discharge), else ``now``.
    """
    at, days = facts.appointment_at, facts.followup_within_days
    if at is None or days is None or basis == "not_required":
        return []
    if days < 1:
        raise ValueError("followup_within_days must be at least 1")
    reference: DischargeReference = facts.discharge_reference
    discharge_at = facts.discharge_at
    if discharge_at is None:
        reference, discharge_at = "now", facts.now
    local = at.astimezone(discharge_at.tzinfo)
    params: dict[str, Any] = {"at": at, "discharge": discharge_at, "days": days}
    if local.date() > discharge_at.date() + timedelta(days=days):
        return [
            ChecklistMessage(
                "appointment_too_late",
                _W_APPOINTMENT_LATE[reference],
                ("13.1-9",),
                {**params, "factor": OVERDOSE_RISK_FACTOR_FIRST_FOUR_WEEKS},
                resolution=True,
            )
        ]
    if reference == "planned" and at < discharge_at and at >= facts.now:
        return [
            ChecklistMessage(
                "appointment_before_discharge",
                _W_APPOINTMENT_BEFORE_DISCHARGE,
                ("13.1-9",),
                params,
                severity="info",
            )
        ]
    return []


# Discharging with these open needs a written reason: naloxone and the tolerance information
# are what keeps a patient alive in the first weeks (13.1-9, 10.3-2; O 1195-1201).
OPEN_SET_ITEMS: Final = (NALOXONE_GIVEN, TOLERANCE_INFO_GIVEN)


def open_set_at_discharge(
    uses_opioids: bool | None, ever_injected: bool | None, done: Mapping[str, bool]
) -> tuple[str, ...]:
    """The items of ``OPEN_SET_ITEMS`` not ticked, when the overdose set applies (also when the
    intake does not say, since the set is shown then); empty when a discharge needs no reason."""
    if overdose_basis(uses_opioids, ever_injected) == "not_required":
        return ()
    return tuple(code for code in OPEN_SET_ITEMS if not done.get(code, False))


# The intake's frequencies (``patients.models.UseFrequency``): use on four or more days a week is
# regular use; "weekly" (1-3 days) and "less" than weekly are now and then.
REGULAR_FREQUENCIES: Final = frozenset({"daily", "most_days"})
OCCASIONAL_FREQUENCIES: Final = frozenset({"weekly", "less"})
SEDATIVE_MAIN_SUBSTANCES: Final = ("benzodiazepines", "ghb")


@dataclass(frozen=True)
class SubstanceFacts:
    """One substance row of the intake: dependence and frequency ("" when not recorded)."""

    dependent: bool | None
    last_month_frequency: str = ""
    last_week_frequency: str = ""

    @property
    def regular(self) -> bool:
        return self.dependent is True or bool(
            {self.last_month_frequency, self.last_week_frequency} & REGULAR_FREQUENCIES
        )


def occasional_opioid_use(substances: Mapping[str, SubstanceFacts]) -> bool:
    """A benzodiazepine or GHB main user who takes opioids now and then (O 2170-2174).

    Local resolution: the main dependence is a benzodiazepine or GHB row marked dependent or used
    four or more days a week; "now and then" is an opioid row not marked dependent, used less
    than four days a week, and either marked not dependent or with a frequency of 1-3 days a
    week or less.
    """
    opioids = substances.get("opioids")
    if opioids is None or opioids.regular:
        return False
    frequencies = {opioids.last_month_frequency, opioids.last_week_frequency}
    if opioids.dependent is not False and not frequencies & OCCASIONAL_FREQUENCIES:
        return False
    return any(substances[name].regular for name in SEDATIVE_MAIN_SUBSTANCES if name in substances)
