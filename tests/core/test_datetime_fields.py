"""Local times through the DST nights (core/datetime_fields.py), in the field and on the ward's
score form. Oslo: 2027-03-28 02:00 → 03:00 (02:00-02:59 never happens); 2027-10-31 03:00 → 02:00
(02:00-02:59 happens twice: first at +02:00, then at +01:00)."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from core.datetime_fields import LocalDateTimeField, LocalDateTimeInput, ZonedText, local_moment
from scoring.models import Assessment
from tests.factories import make_unit
from tests.scoring.factories import items_for, make_inpatient

UTC = dt.UTC


def clean(text: str, offset: str | None = None) -> dt.datetime | None:
    value = ZonedText(text, offset) if offset else text
    moment: dt.datetime | None = LocalDateTimeField(required=False).clean(value)
    return moment


def found(pattern: str, html: str) -> str:
    match = re.search(pattern, html)
    assert match is not None, pattern
    return match.group(1)


# --- the field ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "utc"),
    [
        ("+02:00", dt.datetime(2027, 10, 31, 0, 20, tzinfo=UTC)),
        ("+01:00", dt.datetime(2027, 10, 31, 1, 20, tzinfo=UTC)),
    ],
)
def test_a_repeated_time_is_read_at_the_offset_the_form_carried(offset, utc):
    assert clean("2027-10-31T02:20", offset) == utc


@pytest.mark.parametrize("offset", [None, "+03:00", "nonsense"])
def test_a_repeated_time_without_a_fitting_offset_is_refused_saying_why(offset):
    with translation.override("nb"):
        with pytest.raises(ValidationError) as raised:
            clean("2027-10-31T02:20", offset)
        assert raised.value.code == "repeated"
        assert "Kl. 02.20 finnes to ganger" in str(raised.value.messages[0])


@pytest.mark.parametrize("text", ["2027-03-28T02:00", "2027-03-28T02:30", "2027-03-28T02:59"])
def test_a_time_in_the_skipped_hour_is_refused_whatever_the_offset(text):
    for offset in (None, "+01:00", "+02:00"):
        with translation.override("en"), pytest.raises(ValidationError) as raised:
            clean(text, offset)
        assert raised.value.code == "skipped"
        with translation.override("en"):
            assert "does not exist" in str(raised.value.messages[0])


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        # Either side of both nights, and any offset sent is not needed and not used.
        ("2027-03-28T01:59", dt.datetime(2027, 3, 28, 0, 59, tzinfo=UTC)),
        ("2027-03-28T03:00", dt.datetime(2027, 3, 28, 1, 0, tzinfo=UTC)),
        ("2027-10-31T01:59", dt.datetime(2027, 10, 30, 23, 59, tzinfo=UTC)),
        ("2027-10-31T03:00", dt.datetime(2027, 10, 31, 2, 0, tzinfo=UTC)),
        ("2026-12-05T08:22", dt.datetime(2026, 12, 5, 7, 22, tzinfo=UTC)),
        ("05.12.2026 08:22", dt.datetime(2026, 12, 5, 7, 22, tzinfo=UTC)),
    ],
)
def test_every_other_time_is_read_as_it_always_was(text, utc):
    assert clean(text) == utc
    assert clean(text, "+02:00") == utc
    assert clean(text, "+01:00") == utc


@pytest.mark.parametrize("text", ["31.02.2027 25:00", "2027-13-01T08:00", "kl. 8"])
def test_a_time_that_is_not_a_time_is_the_usual_invalid_error(text):
    with pytest.raises(ValidationError) as raised:
        clean(text, "+01:00")
    assert raised.value.code == "invalid"


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00",
        "0001-01-01T00:10",
        "1899-12-31T23:59",
        "2201-01-01T00:00",
        "9999-12-31T23:59",
    ],
)
def test_a_year_at_the_calendar_s_edge_is_refused_naming_the_years_allowed(text):
    """Review: year 1 overflowed in the conversion to UTC, and 9999-12-31 was stored and broke
    the discharge page's date arithmetic ever after (500s, not a form error)."""
    with translation.override("nb"), pytest.raises(ValidationError) as raised:
        clean(text, "+01:00")
    assert raised.value.code == "year"
    with translation.override("nb"):
        assert str(raised.value.messages[0]) == "Skriv et årstall fra 1900 til 2200."
    assert clean("1900-01-01T12:00") is not None
    assert clean("2200-12-31T12:00") is not None


def test_seconds_are_read_too():
    assert clean("2026-12-05T08:22:30") == dt.datetime(2026, 12, 5, 7, 22, 30, tzinfo=UTC)
    assert clean("2026-12-05 08:22:30") == dt.datetime(2026, 12, 5, 7, 22, 30, tzinfo=UTC)


def test_empty_is_none_and_the_offset_alone_means_nothing():
    assert clean("") is None
    assert LocalDateTimeInput().value_from_datadict({"at_utc_offset": "+01:00"}, {}, "at") is None


def test_every_minute_of_both_nights_round_trips_through_the_form():
    """What the form shows for a moment (text and offset) is read back as that moment."""
    widget = LocalDateTimeInput()
    field = LocalDateTimeField()
    for start in (
        dt.datetime(2027, 3, 27, 23, 0, tzinfo=UTC),
        dt.datetime(2027, 10, 30, 23, 0, tzinfo=UTC),
    ):
        for minute in range(0, 4 * 60, 5):
            moment = start + dt.timedelta(minutes=minute)
            html = widget.render("at", field.prepare_value(moment))
            text = found(r'name="at" value="([^"]+)"', html)
            offset = found(r'name="at_utc_offset" value="([^"]+)"', html)
            posted = widget.value_from_datadict({"at": text, "at_utc_offset": offset}, {}, "at")
            assert field.clean(posted) == moment, (moment, text, offset)


def test_local_moment_has_one_answer_or_none():
    wall = dt.datetime(2027, 10, 31, 2, 20)  # noqa: DTZ001 - a wall-clock time, no zone yet
    assert local_moment(wall) is None
    assert local_moment(wall, "+01:00") == dt.datetime(2027, 10, 31, 1, 20, tzinfo=UTC)
    skipped = dt.datetime(2027, 3, 28, 2, 20)  # noqa: DTZ001 - a wall-clock time, no zone yet
    assert local_moment(skipped, "+01:00") is None


@pytest.fixture
def ward(nurse):
    return make_unit(name="Avrusning Nord", staff=[nurse])


# --- the ward: a score at 02:20 on the autumn night, with the time the form filled in -------------


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2027, 10, 31, 0, 20, tzinfo=UTC),  # 02:20 summer time, the first pass
        dt.datetime(2027, 10, 31, 1, 20, tzinfo=UTC),  # 02:20 winter time, the second pass
    ],
)
def test_a_nurse_scores_in_the_repeated_hour_with_the_time_the_form_filled_in(
    client, ward, nurse, now
):
    with time_machine.travel(now, tick=False):
        episode = make_inpatient(unit=ward, admitted_at=now - dt.timedelta(days=1))
        client.force_login(nurse)
        url = reverse("assessment-create", args=[episode.pk, "ciwa-ar"])
        page = client.get(url).content.decode()
        text = found(r'name="observed_at" value="([^"]+)"', page)
        offset = found(r'name="observed_at_utc_offset" value="([^"]+)"', page)
        assert text == "2027-10-31T02:20"
        data = {key: str(value) for key, value in items_for("ciwa-ar", 12).items()}
        response = client.post(url, {**data, "observed_at": text, "observed_at_utc_offset": offset})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Assessment.objects.get(episode=episode).observed_at == now


def test_on_the_spring_night_a_skipped_time_is_refused_on_the_form_naming_the_field(
    client, ward, nurse
):
    now = dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 03:30 summer time
    with time_machine.travel(now, tick=False), translation.override("nb"):
        episode = make_inpatient(unit=ward, admitted_at=now - dt.timedelta(days=1))
        client.force_login(nurse)
        url = reverse("assessment-create", args=[episode.pk, "ciwa-ar"])
        data = {key: str(value) for key, value in items_for("ciwa-ar", 12).items()}
        response = client.post(
            url, {**data, "observed_at": "2027-03-28T02:30", "observed_at_utc_offset": "+02:00"}
        )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["observed_at"][0].startswith("Kl. 02.30 finnes ikke")
    assert not Assessment.objects.filter(episode=episode).exists()
    assert timezone.is_aware(now)
