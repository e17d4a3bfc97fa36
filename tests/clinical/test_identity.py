"""Fødselsnummer, D-number and H-number: pure tests, no database.

Valid numbers are synthetic: ``number()`` below computes the check digits independently of the
code under test, from Skatteetaten's published weights.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import polib
import pytest

from clinical.identity import (
    NationalId,
    NationalIdError,
    check_digit,
    parse_national_id,
)

TODAY = date(2025, 11, 25)
ROOT = Path(__file__).resolve().parents[2]

FIRST_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
SECOND_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return {0: 0, 1: None}.get(remainder, 11 - remainder)


def number(ddmmyy: str, individual: int) -> str:
    """A valid number for these six date digits and this individual number."""
    nine = f"{ddmmyy}{individual:03d}"
    first = _mod11(nine, FIRST_WEIGHTS)
    assert first is not None, f"{nine} has no first check digit; pick another individual number"
    ten = f"{nine}{first}"
    second = _mod11(ten, SECOND_WEIGHTS)
    assert second is not None, f"{ten} has no second check digit; pick another individual number"
    return f"{ten}{second}"


def some_number(ddmmyy: str, individuals: range) -> str:
    """The first valid number in a range of individual numbers (some have no check digits)."""
    for individual in individuals:
        nine = f"{ddmmyy}{individual:03d}"
        first = _mod11(nine, FIRST_WEIGHTS)
        if first is not None and _mod11(f"{nine}{first}", SECOND_WEIGHTS) is not None:
            return number(ddmmyy, individual)
    raise AssertionError("no valid number in range")


def error_code(value: str, today: date = TODAY) -> str:
    with pytest.raises(NationalIdError) as caught:
        parse_national_id(value, today=today)
    return caught.value.code


# --- Valid numbers ---------------------------------------------------------------------------


def test_it_reads_a_fodselsnummer():
    value = some_number("170585", range(100, 200))
    assert parse_national_id(value, today=TODAY) == NationalId(
        number=value,
        kind="fnr",
        birth_date=date(1985, 5, 17),
        sex="male" if int(value[8]) % 2 else "female",
    )


def test_it_reads_male_from_an_odd_ninth_digit():
    value = some_number("170585", range(101, 200, 2))
    assert parse_national_id(value, today=TODAY).sex == "male"


def test_it_reads_female_from_an_even_ninth_digit():
    value = some_number("170585", range(100, 200, 2))
    assert parse_national_id(value, today=TODAY).sex == "female"


@pytest.mark.parametrize(
    "spaced",
    [
        "{0:.6} {1}",
        " {0:.6} {1} ",
        "{0:.6}\u00a0{1}",
        "{0:.2} {0[2]}{0[3]} {0[4]}{0[5]} {1}",
    ],
)
def test_it_allows_spaces_and_returns_the_bare_digits(spaced):
    value = some_number("170585", range(100, 200))
    text = spaced.format(value, value[6:])
    assert parse_national_id(text, today=TODAY).number == value


def test_it_reads_a_d_number_by_subtracting_40_from_the_day():
    value = some_number("570585", range(100, 200))
    parsed = parse_national_id(value, today=TODAY)
    assert (parsed.kind, parsed.birth_date) == ("dnr", date(1985, 5, 17))


@pytest.mark.parametrize(("day_digits", "day"), [("41", 1), ("71", 31)])
def test_it_accepts_d_number_days_41_to_71(day_digits, day):
    value = some_number(f"{day_digits}0185", range(100, 200))
    assert parse_national_id(value, today=TODAY).birth_date == date(1985, 1, day)


def test_it_reads_an_h_number_by_subtracting_40_from_the_month():
    value = some_number("174585", range(100, 200))
    parsed = parse_national_id(value, today=TODAY)
    assert (parsed.kind, parsed.birth_date) == ("hnr", date(1985, 5, 17))


@pytest.mark.parametrize(("month_digits", "month"), [("41", 1), ("52", 12)])
def test_it_accepts_h_number_months_41_to_52(month_digits, month):
    value = some_number(f"01{month_digits}85", range(100, 200))
    assert parse_national_id(value, today=TODAY).birth_date == date(1985, month, 1)


# --- Century from the individual number ------------------------------------------------------


def january_number(yy: str, individual: int) -> str:
    """A valid number with exactly this individual number, born on some day in January."""
    for day in range(1, 29):
        try:
            return number(f"{day:02d}01{yy}", individual)
        except AssertionError:
            continue
    raise AssertionError("no day in January gives check digits")


@pytest.mark.parametrize(
    ("yy", "individual", "year"),
    [
        ("00", 0, 1900),
        ("99", 499, 1999),
        ("54", 500, 1854),
        ("99", 749, 1899),
        ("00", 500, 2000),
        ("39", 500, 2039),
        ("39", 750, 2039),
        ("00", 999, 2000),
        ("39", 999, 2039),
        ("40", 900, 1940),
        ("99", 999, 1999),
    ],
)
def test_it_takes_the_century_from_the_individual_number(yy, individual, year):
    parsed = parse_national_id(january_number(yy, individual), today=date(2040, 1, 1))
    assert parsed.birth_date.year == year


@pytest.mark.parametrize(
    ("yy", "individual"),
    [
        ("53", 500),  # 500-749 are 1854-1899 only from year 54
        ("53", 749),
        ("40", 500),  # ... and 2000-2039 only up to year 39
        ("40", 749),
        ("40", 750),  # 750-899 are 2000-2039 only
        ("54", 750),
        ("99", 899),
        ("40", 899),
    ],
)
def test_it_rejects_an_individual_number_that_fits_no_century(yy, individual):
    assert error_code(january_number(yy, individual)) == "impossible_century"


# --- Check digits ----------------------------------------------------------------------------


def test_it_rejects_every_wrong_first_check_digit():
    value = some_number("170585", range(100, 200))
    wrong = [d for d in "0123456789" if d != value[9]]
    for digit in wrong:
        tampered = f"{value[:9]}{digit}{value[10]}"
        assert error_code(tampered) == "first_check_digit", tampered


def test_it_rejects_every_wrong_second_check_digit():
    value = some_number("170585", range(100, 200))
    for digit in (d for d in "0123456789" if d != value[10]):
        assert error_code(f"{value[:10]}{digit}") == "second_check_digit"


def test_it_rejects_a_number_whose_first_check_digit_would_be_10():
    nine = next(
        f"170585{i:03d}" for i in range(1000) if _mod11(f"170585{i:03d}", FIRST_WEIGHTS) is None
    )
    assert {error_code(f"{nine}{d}0") for d in "0123456789"} == {"first_check_digit"}


def test_it_rejects_a_number_whose_second_check_digit_would_be_10():
    ten = next(
        f"170585{i:03d}{k}"
        for i in range(1000)
        if (k := _mod11(f"170585{i:03d}", FIRST_WEIGHTS)) is not None
        and _mod11(f"170585{i:03d}{k}", SECOND_WEIGHTS) is None
    )
    assert {error_code(f"{ten}{d}") for d in "0123456789"} == {"second_check_digit"}


def test_it_checks_the_first_check_digit_before_the_second():
    value = some_number("170585", range(100, 200))
    both_wrong = f"{value[:9]}{(int(value[9]) + 1) % 10}{(int(value[10]) + 1) % 10}"
    assert error_code(both_wrong) == "first_check_digit"


def test_check_digit_is_0_when_the_remainder_is_0():
    assert check_digit([0] * 9, (3, 7, 6, 1, 8, 9, 4, 5, 2)) == 0


def test_check_digit_does_not_exist_when_the_remainder_is_1():
    # 1 × weight 1 (position 4) gives remainder 1.
    assert check_digit([0, 0, 0, 1, 0, 0, 0, 0, 0], (3, 7, 6, 1, 8, 9, 4, 5, 2)) is None


def test_check_digit_is_11_minus_the_remainder_otherwise():
    # 1 × weight 3 gives remainder 3, so the check digit is 8.
    assert check_digit([1, 0, 0, 0, 0, 0, 0, 0, 0], (3, 7, 6, 1, 8, 9, 4, 5, 2)) == 8


# --- Characters and length -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["17058512345a", "170585-12345", "1705851234٥", "17.05.85 12345", "+4717058512345"]
)
def test_it_rejects_anything_but_digits_and_spaces(value):
    assert error_code(value) == "invalid_characters"


@pytest.mark.parametrize(("value", "count"), [("", 0), ("   ", 0), ("1705851234", 10)])
def test_it_rejects_fewer_than_11_digits(value, count):
    with pytest.raises(NationalIdError) as caught:
        parse_national_id(value, today=TODAY)
    assert (caught.value.code, caught.value.params) == ("wrong_length", {"count": count})


def test_it_rejects_more_than_11_digits():
    value = some_number("170585", range(100, 200))
    assert error_code(f"{value}0") == "wrong_length"


def test_it_says_how_many_digits_it_got():
    with pytest.raises(NationalIdError, match="this one has 12"):
        parse_national_id("170585123456", today=TODAY)


# --- Dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ddmmyy",
    [
        "000185",  # day 0
        "320185",  # day 32
        "310485",  # 31 April
        "300285",  # 30 February
        "010085",  # month 0
        "011385",  # month 13
        "014085",  # month 40: neither a month nor an H-number month
        "015385",  # H-number month 53
        "400185",  # D-number day 0
        "720185",  # D-number day 32
        "810185",  # first digit 8
        "414185",  # D-number and H-number at once
    ],
)
def test_it_rejects_an_impossible_date(ddmmyy):
    assert error_code(some_number(ddmmyy, range(100, 200))) == "impossible_date"


@pytest.mark.parametrize(
    ("ddmmyy", "individuals", "year"),
    [
        ("290296", range(100, 200), 1996),
        ("290200", range(500, 600), 2000),  # 2000 is a leap year (divisible by 400)
        ("690296", range(100, 200), 1996),  # D-number
    ],
)
def test_it_accepts_29_february_in_a_leap_year(ddmmyy, individuals, year):
    value = some_number(ddmmyy, individuals)
    assert parse_national_id(value, today=TODAY).birth_date == date(year, 2, 29)


@pytest.mark.parametrize(
    ("ddmmyy", "individuals"),
    [
        ("290297", range(100, 200)),
        ("290200", range(100, 200)),  # 1900 is not a leap year (divisible by 100, not 400)
        ("290299", range(500, 600)),  # 1899
    ],
)
def test_it_rejects_29_february_outside_a_leap_year(ddmmyy, individuals):
    assert error_code(some_number(ddmmyy, individuals)) == "impossible_date"


def test_it_accepts_a_birth_date_of_today():
    value = some_number("251125", range(500, 600))
    assert parse_national_id(value, today=date(2025, 11, 25)).birth_date == date(2025, 11, 25)


def test_it_rejects_a_birth_date_after_today():
    value = some_number("261125", range(500, 600))
    with pytest.raises(NationalIdError) as caught:
        parse_national_id(value, today=date(2025, 11, 25))
    assert (caught.value.code, caught.value.params) == (
        "future_birth_date",
        {"birth_date": "2025-11-26"},
    )


def test_it_names_the_future_birth_date_in_the_message():
    value = some_number("261125", range(500, 600))
    with pytest.raises(NationalIdError, match=r"\(2025-11-26\) is after today"):
        parse_national_id(value, today=date(2025, 11, 25))


# --- Errors and translations -----------------------------------------------------------------


def test_its_error_is_a_value_error_with_a_translatable_message():
    with pytest.raises(ValueError, match="only digits and spaces") as caught:
        parse_national_id("abc", today=TODAY)
    assert isinstance(caught.value, NationalIdError)
    assert caught.value.message == "A national identity number may contain only digits and spaces."


def _msgids(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "gettext_noop"
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def test_every_message_has_a_norwegian_translation():
    catalogue = polib.pofile(str(ROOT / "patients" / "locale" / "nb" / "LC_MESSAGES" / "django.po"))
    translated = {e.msgid: e for e in catalogue if e.msgstr and not e.fuzzy}
    msgids = _msgids(ROOT / "clinical" / "identity.py")
    assert msgids, "no gettext_noop messages found"
    assert sorted(msgids - translated.keys()) == []
    for msgid in msgids:
        has_placeholders = bool(re.search(r"%\(\w+\)s", msgid))
        assert ("python-format" in translated[msgid].flags) == has_placeholders, msgid
        assert re.findall(r"%\(\w+\)s", msgid) == re.findall(
            r"%\(\w+\)s", translated[msgid].msgstr
        ), msgid
