"""A person's name as people read it: no invisible characters and no direction controls.

A name is shown on the ward board, in lists, on the care plan and in the access log. Unicode's
direction controls (U+202E RIGHT-TO-LEFT OVERRIDE and the like) make a name display as something
else than it is ("Kari", U+202E, "nessaN" shows as "KariNassen"); zero-width characters make two
names that look alike differ, or one that looks empty not be (issue 12, item 11). Names of the
population register use letters, spaces, hyphens and apostrophes; so a name here must have at
least one letter and no character of Unicode's control, format, private-use, surrogate or
unassigned categories, nor a line or paragraph separator, nor a letter-like filler that shows
nothing (Hangul fillers, the blank braille pattern).
"""

from __future__ import annotations

import unicodedata
from typing import Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

# Control, format (bidi controls, zero-width space/joiners, BOM, soft hyphen), private use,
# surrogates, unassigned; line and paragraph separators.
_REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
# Characters of visible categories that show nothing.
_BLANK_LOOKALIKES: Final = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"})


def invisible_characters(value: str) -> list[str]:
    """The refused characters in ``value``, as ``U+XXXX``, each once, in order."""
    found = (
        char
        for char in value
        if unicodedata.category(char) in _REFUSED_CATEGORIES or char in _BLANK_LOOKALIKES
    )
    return [f"U+{ord(char):04X}" for char in dict.fromkeys(found)]


def validate_person_name(value: str) -> None:
    """A form field's and a serializer field's validator (raises ``ValidationError``)."""
    refused = invisible_characters(value)
    if refused:
        raise ValidationError(
            gettext(
                "The name contains invisible or text-direction characters (%(characters)s); "
                "type it again without them."
            )
            % {"characters": ", ".join(refused)},
            code="invisible_characters",
        )
    if not any(unicodedata.category(char).startswith("L") for char in value):
        raise ValidationError(
            gettext("The name must contain at least one letter."), code="no_letter"
        )
