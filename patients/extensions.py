"""What the patients app asks of the apps above it, without importing them (issue 13).

patients sits below scoring and plans (accounts, core ← guidelines ← patients ← scoring ← plans),
yet an episode's treatment-level input needs the latest screening totals (scoring), and a
discharge needs the state of the overdose-prevention set on the discharge checklist (plans). The
app that owns the answer registers it here once, in its ``AppConfig.ready()``; patients calls the
functions below. A provider that was never registered is a set-up error, never a silent "nothing":
a discharge must not skip the overdose-set check because an app forgot to register.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from patients.models import Episode

ScreeningTotals = Callable[["Episode"], dict[str, int | None]]
OverdoseSetOpen = Callable[["Episode"], tuple[str, ...]]
TodaysDoses = Callable[["AbstractBaseUser | AnonymousUser", "Episode", date], Any]
OpenDischargeItems = Callable[[Sequence[int]], dict[int, tuple[str, ...]]]


@dataclass(frozen=True)
class PlannedDose:
    """One dose the accepted plan says is due on a day (issue 14: the administration view).

    ``slot`` names the dose stably within the day (the taper and its time, or the plan line), so
    a given / not-given record can be matched to it; ``time`` is "HH:MM" or "" for a line without
    a fixed time; ``drugs`` are the drug codes (``thiamine``, ``diazepam``); ``drug`` and ``dose``
    are as the plan reads them.
    """

    slot: str
    time: str
    drug: str
    dose: str
    drugs: tuple[str, ...]
    refs: tuple[str, ...] = ()


class PlannedDoses(Protocol):
    def __call__(
        self, episode: Episode, day: date, *, drug: str | None = None
    ) -> tuple[PlannedDose, ...]: ...


@dataclass
class _Providers:
    screening_totals: ScreeningTotals | None = None
    overdose_set_open: OverdoseSetOpen | None = None
    todays_doses: TodaysDoses | None = None
    planned_doses: PlannedDoses | None = None
    open_discharge_items: OpenDischargeItems | None = None


_providers = _Providers()


def register(
    *,
    screening_totals: ScreeningTotals | None = None,
    overdose_set_open: OverdoseSetOpen | None = None,
    todays_doses: TodaysDoses | None = None,
    planned_doses: PlannedDoses | None = None,
    open_discharge_items: OpenDischargeItems | None = None,
) -> None:
    """Register the providers an app owns (the others are left as they are)."""
    if screening_totals is not None:
        _providers.screening_totals = screening_totals
    if overdose_set_open is not None:
        _providers.overdose_set_open = overdose_set_open
    if todays_doses is not None:
        _providers.todays_doses = todays_doses
    if planned_doses is not None:
        _providers.planned_doses = planned_doses
    if open_discharge_items is not None:
        _providers.open_discharge_items = open_discharge_items


def _missing(name: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"No provider is registered for patients.extensions.{name}.")


def screening_totals(episode: Episode) -> dict[str, int | None]:
    """The latest current total of each screening instrument recorded for the episode (scoring)."""
    if _providers.screening_totals is None:
        raise _missing("screening_totals")
    return _providers.screening_totals(episode)


def overdose_set_open(episode: Episode) -> tuple[str, ...]:
    """The overdose-set items (naloxone, tolerance information) a discharge would leave open
    (plans: the discharge checklist)."""
    if _providers.overdose_set_open is None:
        raise _missing("overdose_set_open")
    return _providers.overdose_set_open(episode)


def todays_doses(user: AbstractBaseUser | AnonymousUser, episode: Episode, today: date) -> Any:
    """What the nurse gives today from the medication plan (plans), for the episode page; None
    when the user may not read the plan (plans checks its own permission)."""
    if _providers.todays_doses is None:
        raise _missing("todays_doses")
    return _providers.todays_doses(user, episode, today)


def planned_doses(
    episode: Episode, day: date, *, drug: str | None = None
) -> tuple[PlannedDose, ...]:
    """What the accepted medication plan and its tapers say is due on ``day`` (plans), by time;
    the scoring app's administration view marks each given or not given. With ``drug`` (a drug
    code), only the doses of that drug, read without the rest of the plan."""
    if _providers.planned_doses is None:
        raise _missing("planned_doses")
    return _providers.planned_doses(episode, day, drug=drug)


def open_discharge_items(episode_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The discharge-checklist items that apply and are not done, per episode id (plans); a fixed
    number of queries for all the episodes (the handover lists a whole unit). None open: absent."""
    if _providers.open_discharge_items is None:
        raise _missing("open_discharge_items")
    return _providers.open_discharge_items(episode_ids)
