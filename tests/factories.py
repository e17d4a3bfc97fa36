"""Small factories for tests. Records with an audit trail are created through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from clinical.identity import FIRST_CHECK_WEIGHTS, SECOND_CHECK_WEIGHTS, check_digit
from patients import services
from patients.models import Episode, EpisodeStatus, Patient, Sex, Unit

_counter = {"n": 0}
DEFAULT_ADMITTED_AT = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def national_id(
    birth_date: dt.date = dt.date(1970, 1, 1), *, sex: str = Sex.MALE, start: int = 0
) -> str:
    """A valid synthetic fødselsnummer for the date and sex (born 1900-1999: individual number
    000-499), computed from the published mod-11 weights."""
    if not 1900 <= birth_date.year <= 1999:
        raise ValueError("this helper makes numbers for births in 1900-1999")
    for individual in range(start, 500):
        if (individual % 2 == 1) != (sex == Sex.MALE):
            continue
        digits = [int(c) for c in f"{birth_date:%d%m%y}{individual:03d}"]
        first = check_digit(digits, FIRST_CHECK_WEIGHTS)
        if first is None:
            continue
        second = check_digit([*digits, first], SECOND_CHECK_WEIGHTS)
        if second is None:
            continue
        return "".join(map(str, [*digits, first, second]))
    raise ValueError("no individual number left for this date")


def make_unit(*, name: str | None = None, staff: list[Any] | None = None, **fields: Any) -> Unit:
    n = _next()
    unit = Unit.objects.create(name=name or f"Avrusningsenhet {n}", code=f"unit-{n}", **fields)
    if staff:
        unit.staff.add(*staff)
    return unit


def _actor(user: User | None) -> User:
    if user is not None:
        return user
    actor, _created = User.objects.get_or_create(username="factory-clinician")
    return actor


def make_patient(*, unit: Unit, user: User | None = None, **fields: Any) -> Patient:
    """A patient registered through ``patient_create``; birth date and sex come from the number.

    ``birth_date`` and ``sex`` choose the number (a unique one per call) unless ``national_id``
    is given.
    """
    n = _next()
    unknown = set(fields) - {"birth_date", "sex", "national_id", "given_name", "family_name"}
    if unknown:
        raise TypeError(f"make_patient: unknown fields {sorted(unknown)}")
    birth_date = fields.pop("birth_date", dt.date(1970, 1, 1) + dt.timedelta(days=n))
    sex = fields.pop("sex", Sex.MALE)
    number = fields.pop("national_id", None) or national_id(birth_date, sex=sex, start=n % 400)
    return services.patient_create(
        unit=unit,
        national_id=number,
        given_name=fields.pop("given_name", "Ola"),
        family_name=fields.pop("family_name", f"Nordmann {n}"),
        user=_actor(user),
        today=dt.date(2026, 1, 1),
    )


def make_episode(
    *,
    patient: Patient,
    status: str = EpisodeStatus.ACTIVE,
    user: User | None = None,
    admitted_at: dt.datetime | None = None,
    discharged_at: dt.datetime | None = None,
    **fields: Any,
) -> Episode:
    """An episode taken through the services to ``status``; other ``fields`` are set directly
    (e.g. ``setting``, which in the app only a treatment-level decision sets)."""
    actor = _actor(user)
    episode = services.episode_create(
        patient=patient,
        user=actor,
        responsible_clinician=fields.pop("responsible_clinician", None),
    )
    if status != EpisodeStatus.PLANNED and not (
        status == EpisodeStatus.INTERRUPTED and admitted_at is None
    ):
        services.episode_start(
            episode=episode,
            user=actor,
            admitted_at=admitted_at or min(DEFAULT_ADMITTED_AT, timezone.now()),
        )
    if status == EpisodeStatus.DISCHARGED:
        # Without an intake the overdose-prevention set applies (not known), so a reason is given.
        services.episode_discharge(
            episode=episode,
            user=actor,
            discharged_at=discharged_at or timezone.now(),
            override_reason="Factory",
        )
    elif status == EpisodeStatus.INTERRUPTED:
        services.episode_interrupt(
            episode=episode,
            user=actor,
            reason="Factory",
            at=discharged_at,
            override_reason="Factory",
        )
    if fields:
        Episode.objects.filter(pk=episode.pk).update(**fields)
    episode.refresh_from_db()
    return episode
