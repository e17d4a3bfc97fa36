"""One date format per language on every page (issue 14): nb ``05.12.2026 kl. 08.22``,
en ``2026-12-05 08:22``; Oslo time; no "a.m." and no weekday or month names."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from core.formatting import local_date, local_datetime, local_time
from core.messages import drug_name, render_message

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
