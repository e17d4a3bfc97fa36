"""Norwegian national identity numbers: fødselsnummer, D-number and H-number.

Pure: no ORM, no clock (``today`` is passed in). The layout is Skatteetaten's (Folkeregisteret):

    DDMMYY III KK
    birth date, individual number (III), two mod-11 check digits (KK)

- D-number (``"dnr"``, issued to people not resident in Norway): 4 is added to the first digit,
  so the day is 41-71.
- H-number (``"hnr"``, "hjelpenummer" that health services issue to patients who have neither,
  e.g. an unidentified patient): 4 is added to the third digit, so the month is 41-52. A clinical
  application meets these, so they are accepted and reported as their own kind. A number with
  both additions is rejected.
- Century from the individual number: 000-499 → 1900-1999; 500-749 with year 54-99 →
  1854-1899; 500-999 with year 00-39 → 2000-2039; 900-999 with year 40-99 → 1940-1999. Any
  other combination (500-749 with year 40-53, 750-899 with year 40-99) was never issued.
- Sex: the ninth digit (the last of the individual number) is odd for men, even for women.
  Numbers issued from 2032 may stop carrying sex; that change is not handled here.

Error messages are English msgids marked with ``gettext_noop``; the Norwegian text is in
``patients/locale/nb/LC_MESSAGES/django.po``. Render as ``gettext(error.message) % error.params``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

from clinical.messages import gettext_noop

NationalIdKind = Literal["fnr", "dnr", "hnr"]
Sex = Literal["male", "female"]

LENGTH: Final = 11
FIRST_CHECK_WEIGHTS: Final = (3, 7, 6, 1, 8, 9, 4, 5, 2)
SECOND_CHECK_WEIGHTS: Final = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# The D-number adds 4 to the first digit (day + 40), the H-number to the third (month + 40).
D_NUMBER_DAY_OFFSET: Final = 40
H_NUMBER_MONTH_OFFSET: Final = 40

_DIGITS: Final = frozenset("0123456789")

_E_CHARACTERS = gettext_noop("A national identity number may contain only digits and spaces.")
_E_LENGTH = gettext_noop("A national identity number has 11 digits; this one has %(count)s.")
_E_FIRST_CHECK = gettext_noop(
    "The first check digit (digit 10) is wrong. Check the number for a typing error."
)
_E_SECOND_CHECK = gettext_noop(
    "The second check digit (digit 11) is wrong. Check the number for a typing error."
)
_E_DATE = gettext_noop("The first six digits are not a possible date of birth.")
_E_CENTURY = gettext_noop(
    "The individual number (digits 7 to 9) does not fit the year of birth: no such number is "
    "issued."
)
_E_FUTURE = gettext_noop("The date of birth in the number (%(birth_date)s) is after today.")


@dataclass(frozen=True)
class NationalId:
    """A checked national identity number. ``number`` is the 11 digits without spaces."""

    number: str
    kind: NationalIdKind
    birth_date: date
    sex: Sex


class NationalIdError(ValueError):
    """The number is not a valid national identity number; ``code`` says why.

    Codes: ``invalid_characters``, ``wrong_length``, ``first_check_digit``,
    ``second_check_digit``, ``impossible_date``, ``impossible_century``, ``future_birth_date``.
    """

    def __init__(self, code: str, message: str, params: Mapping[str, Any] | None = None) -> None:
        self.code = code
        self.message = message
        self.params: Mapping[str, Any] = params or {}
        super().__init__(message % self.params if self.params else message)


def parse_national_id(value: str, *, today: date) -> NationalId:
    """Check a fødselsnummer, D-number or H-number and read its birth date and sex.

    Spaces (any whitespace) are allowed anywhere, as in "010190 12345". The checks run in the
    order a person typing the number would want them: characters, length, the two check digits
    (which catch typing errors), then the date it encodes.
    """
    if not isinstance(value, str):
        raise NationalIdError("invalid_characters", _E_CHARACTERS)
    number = "".join(value.split())
    if not set(number) <= _DIGITS:
        raise NationalIdError("invalid_characters", _E_CHARACTERS)
    if len(number) != LENGTH:
        raise NationalIdError("wrong_length", _E_LENGTH, {"count": len(number)})
    digits = [int(c) for c in number]
    if check_digit(digits[:9], FIRST_CHECK_WEIGHTS) != digits[9]:
        raise NationalIdError("first_check_digit", _E_FIRST_CHECK)
    if check_digit(digits[:10], SECOND_CHECK_WEIGHTS) != digits[10]:
        raise NationalIdError("second_check_digit", _E_SECOND_CHECK)
    kind, birth_date = _birth_date(number)
    if birth_date > today:
        raise NationalIdError(
            "future_birth_date", _E_FUTURE, {"birth_date": birth_date.isoformat()}
        )
    sex: Sex = "male" if digits[8] % 2 == 1 else "female"
    return NationalId(number=number, kind=kind, birth_date=birth_date, sex=sex)


def check_digit(digits: Sequence[int], weights: Sequence[int]) -> int | None:
    """The mod-11 check digit for ``digits``, or ``None`` when none exists.

    Remainder 0 gives 0; remainder 1 would need the digit 10, so no valid number starts with
    those digits.
    """
    remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def _birth_date(number: str) -> tuple[NationalIdKind, date]:
    day, month, year = int(number[0:2]), int(number[2:4]), int(number[4:6])
    kind: NationalIdKind = "fnr"
    if day > D_NUMBER_DAY_OFFSET:
        kind, day = "dnr", day - D_NUMBER_DAY_OFFSET
    if month > H_NUMBER_MONTH_OFFSET:
        if kind == "dnr":
            raise NationalIdError("impossible_date", _E_DATE)
        kind, month = "hnr", month - H_NUMBER_MONTH_OFFSET
    # Reject day and month out of range before the century, so the error names the real
    # problem; whether the day exists in that month (29 February) needs the century.
    if not (1 <= day <= 31 and 1 <= month <= 12):
        raise NationalIdError("impossible_date", _E_DATE)
    full_year = _full_year(year, int(number[6:9]))
    try:
        birth_date = date(full_year, month, day)
    except ValueError:
        # 31 in a 30-day month, 30-31 February, 29 February outside leap years.
        raise NationalIdError("impossible_date", _E_DATE) from None
    return kind, birth_date


def _full_year(year: int, individual: int) -> int:
    if individual <= 499:
        return 1900 + year
    if individual <= 749 and year >= 54:
        return 1800 + year
    if year <= 39:
        return 2000 + year
    if individual >= 900:
        return 1900 + year
    raise NationalIdError("impossible_century", _E_CENTURY)
