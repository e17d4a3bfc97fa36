"""A local date-and-time field that works through the DST nights (Europe/Oslo).

A ``datetime-local`` input sends a wall-clock time with no offset. On the autumn night the hour
02:00-02:59 happens twice (summer time, then winter time), and Django's ``DateTimeField`` refuses
every time in it: a nurse scoring at 02:20 could not save with the time the form itself had filled
in. Here the form also carries the UTC offset of the time it showed (a hidden
``<name>_utc_offset``, the offset of "now" when the field was empty), and a time that happens
twice is read at that offset: the pass of the night the form was filled in. A time that happens
twice and comes without an offset, or with one that fits neither pass, is refused with a message
that says why; a time in the spring night's skipped hour (02:00-02:59 does not exist) is refused
too. Every other time ignores the offset and is read as Django reads it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final, cast

from django import forms
from django.forms.fields import BaseTemporalField
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.widgets import PythonRenderedInputMixin

DATETIME_LOCAL_FORMAT: Final = "%Y-%m-%dT%H:%M"
OFFSET_SUFFIX: Final = "_utc_offset"
# Years a time may be entered in: wide for any record, narrow enough that date arithmetic never
# reaches the calendar's edge.
FIRST_YEAR: Final = 1900
LAST_YEAR: Final = 2200


class ZonedText(str):
    """The text of a ``datetime-local`` input with the UTC offset the form carried beside it."""

    offset: str

    def __new__(cls, text: str, offset: str) -> ZonedText:
        instance = super().__new__(cls, text)
        instance.offset = offset
        return instance


def offset_text(offset: dt.timedelta | None) -> str:
    """``+01:00`` / ``+02:00`` (``-hh:mm`` west of Greenwich)."""
    minutes = int((offset or dt.timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _offset_of(value: Any) -> str:
    """The offset the form shows beside ``value``: its own, or now's when it has none."""
    if isinstance(value, ZonedText):
        return value.offset
    zone = timezone.get_current_timezone()
    if isinstance(value, dt.datetime):
        # A naive value is a wall-clock time of the display zone (Django's prepare_value);
        # its fold says which pass of a repeated hour it is.
        moment = value.replace(tzinfo=zone) if timezone.is_naive(value) else value.astimezone(zone)
        return offset_text(moment.utcoffset())
    return offset_text(timezone.localtime().utcoffset())


def _exists(moment: dt.datetime) -> bool:
    """Whether the wall-clock time of ``moment`` happens (it does not in a skipped hour)."""
    zone = moment.tzinfo
    back = moment.astimezone(dt.UTC).astimezone(zone)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def local_moment(wall: dt.datetime, offset: str = "") -> dt.datetime | None:
    """The moment (in UTC) of a wall-clock time in the display zone, or ``None`` when there is not
    exactly one (skipped, or repeated and ``offset`` fits neither pass).

    In UTC: Python compares a zone's times in a repeated hour unequal to every other zone's
    (PEP 495), so a moment of the second pass would not equal itself written in UTC."""
    zone = timezone.get_current_timezone()
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(dt.UTC)
    if not _exists(first):
        return None
    for moment in (first, second):
        if offset and offset_text(moment.utcoffset()) == offset:
            return moment.astimezone(dt.UTC)
    return None


class LocalDateTimeInput(PythonRenderedInputMixin, forms.DateTimeInput):
    """A ``datetime-local`` input (the browser's picker, in the display zone) and the hidden UTC
    offset of the time it shows."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_LOCAL_FORMAT)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return super().format_value(value)

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        return format_html(
            '{}<input type="hidden" name="{}" value="{}">',
            super().render(name, value, attrs, renderer),
            name + OFFSET_SUFFIX,
            _offset_of(value),
        )

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        offset = data.get(name + OFFSET_SUFFIX)
        if isinstance(value, str) and value and isinstance(offset, str) and offset:
            return ZonedText(value, offset.strip())
        return value


class LocalDateTimeField(forms.DateTimeField):
    """``forms.DateTimeField`` for a wall-clock time in the display zone, DST nights included."""

    widget = LocalDateTimeInput
    input_formats = [
        DATETIME_LOCAL_FORMAT,
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%d.%m.%Y %H:%M",
    ]
    default_error_messages = {
        "repeated": _(
            "%(time)s happens twice this night (first summer time, then winter time) and the "
            "form did not say which. Open the form again and enter the time once more."
        ),
        "skipped": _(
            "%(time)s does not exist: this night the clocks went forward from 02:00 to 03:00."
        ),
        "year": _("Enter a year from %(first)s to %(last)s."),
    }

    def prepare_value(self, value: Any) -> Any:
        # Aware, so the widget knows the offset of a time in the repeated hour.
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.localtime(value)
        return value

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        offset = value.offset if isinstance(value, ZonedText) else ""
        wall: dt.datetime
        if isinstance(value, dt.datetime):
            wall = value
        elif isinstance(value, dt.date):
            wall = dt.datetime.combine(value, dt.time())
        else:
            # strptime with input_formats, or the "invalid" error.
            wall = cast(dt.datetime, BaseTemporalField.to_python(self, str(value).strip()))
        if not FIRST_YEAR <= wall.year <= LAST_YEAR:
            # A typo in the picker (year 1, 9999): no clinical time, and a date so near the
            # calendar's edge that adding a day to it overflows later.
            raise forms.ValidationError(
                self.error_messages["year"],
                code="year",
                params={"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        if timezone.is_aware(wall):
            return wall
        zone = timezone.get_current_timezone()
        try:
            moment = local_moment(wall, offset)
            exists = _exists(wall.replace(tzinfo=zone))
        except (OverflowError, ValueError):
            # Year 1 or 9999 at the calendar's edge: no moment in UTC (a typo in the picker).
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if moment is not None:
            return moment
        code = "repeated" if exists else "skipped"
        raise forms.ValidationError(
            self.error_messages[code], code=code, params={"time": formats.time_format(wall.time())}
        )
