"""One date format per language on every page (issue 14): nb ``05.12.2026 kl. 08.22``,
en ``2026-12-05 08:22``; Oslo time; no "a.m." and no weekday or month names."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import formats, timezone, translation

from core.formatting import _strftime_pattern, local_date, local_datetime, local_time
from core.messages import drug_name, render_message

OSLO_ZONE = ZoneInfo("Europe/Oslo")
MORNING = dt.datetime(2026, 12, 5, 7, 22, tzinfo=dt.UTC)  # 08:22 in Oslo (CET)
EVENING = dt.datetime(2026, 7, 4, 20, 5, tzinfo=dt.UTC)  # 22:05 in Oslo (CEST)


@pytest.mark.parametrize(
    ("language", "morning", "evening", "day", "time"),
    [
        ("nb", "05.12.2026 kl. 08.22", "04.07.2026 kl. 22.05", "05.12.2026", "08.22"),
        ("en", "2026-12-05 08:22", "2026-07-04 22:05", "2026-12-05", "08:22"),
    ],
)
def test_the_helpers_give_the_one_format_of_the_language(language, morning, evening, day, time):
    with translation.override(language):
        assert local_datetime(MORNING) == morning
        assert local_datetime(EVENING) == evening
        assert local_date(MORNING) == day
        assert local_date(MORNING.date()) == day
        assert local_time(MORNING) == time
        assert local_datetime(None) == "–"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", "05.12.2026 kl. 08.22|05.12.2026|05.12.2026 kl. 08.22"),
        ("en", "2026-12-05 08:22|2026-12-05|2026-12-05 08:22"),
    ],
)
def test_the_template_date_filters_use_the_same_formats(language, expected):
    template = Template(
        '{{ at|date:"SHORT_DATETIME_FORMAT" }}|{{ at|date:"SHORT_DATE_FORMAT" }}|{{ at }}'
    )
    with translation.override(language):
        rendered = template.render(Context({"at": MORNING}))
    assert rendered == expected


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("nb", ["oksazepam", "klonazepam", "zopiklon", "diazepam"]),
        ("en", ["oxazepam", "clonazepam", "zopiclone", "diazepam"]),
    ],
)
def test_drug_codes_are_named_in_the_reader_s_language(language, names):
    with translation.override(language):
        assert [
            drug_name(code) for code in ("oxazepam", "clonazepam", "zopiclone", "diazepam")
        ] == names
        text = render_message(
            "%(drug)s: %(drugs)s", {"drug": "oxazepam", "drugs": "clonazepam, zopiclone"}
        )
    assert text == f"{names[0]}: {names[1]}, {names[2]}"


# --- the fast path (strftime) gives exactly what Django's formatter gives ------------------------


def _moments():
    """Every hour of two DST nights, New Year's Eve and a leap day, in UTC."""
    starts = [
        dt.datetime(2026, 3, 28, 22, 0, tzinfo=dt.UTC),  # spring forward, 29 March
        dt.datetime(2026, 10, 24, 22, 0, tzinfo=dt.UTC),  # fall back, 25 October
        dt.datetime(2026, 12, 31, 20, 0, tzinfo=dt.UTC),
        dt.datetime(2028, 2, 28, 22, 0, tzinfo=dt.UTC),
    ]
    for start in starts:
        for minutes in range(0, 8 * 60, 37):
            yield start + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_helpers_agree_with_django_s_formatter_on_dst_nights_and_year_ends(language):
    with translation.override(language):
        for moment in _moments():
            local = timezone.localtime(moment, OSLO_ZONE)
            assert local_datetime(moment) == formats.date_format(local, "SHORT_DATETIME_FORMAT")
            assert local_date(moment) == formats.date_format(local.date(), "SHORT_DATE_FORMAT")
            assert local_time(moment) == formats.time_format(local, "TIME_FORMAT")


@pytest.mark.parametrize(
    ("django_format", "pattern"),
    [
        (r"d.m.Y \k\l. H.i", "%d.%m.%Y kl. %H.%M"),
        ("Y-m-d H:i", "%Y-%m-%d %H:%M"),
        (r"d\%m 100%", "%d%%%m 100%%"),  # a literal % is not a strftime directive
        ("j. F", None),  # month names and unpadded days go to Django's formatter
        ("g:i A", None),
    ],
)
def test_only_numeric_formats_take_the_strftime_path(django_format, pattern):
    assert _strftime_pattern(django_format) == pattern


@pytest.mark.parametrize("text", ["08:00-09:00", "0800", "08", "T08:00", "08:00Z", "ved behov", ""])
def test_a_plan_time_that_is_not_exactly_hh_mm_is_shown_as_written(text):
    """Review: fromisoformat read '08:00-09:00' as 08:00 at offset -09:00 and dropped the end."""
    from core.formatting import clock_time

    with translation.override("nb"):
        assert clock_time(text) == text


def test_a_plan_time_follows_the_language():
    from core.formatting import clock_time

    with translation.override("nb"):
        assert clock_time("08:00") == "08.00"
    with translation.override("en"):
        assert clock_time("20:30") == "20:30"
