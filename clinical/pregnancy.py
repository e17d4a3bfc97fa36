"""Whether the patient is pregnant, as every engine reads it: one rule for the intake's answers.

- A positive pregnancy test means pregnant, whatever the answer to "Gravid?" says (the safe
  reading of a conflict; it is also the only answer for a patient the form does not ask).
- Otherwise the answer, when given.
- No answer: not pregnant for a man (the form does not ask a man; sex from the identity number,
  correctable), else not recorded (None), which the engines show as such.
"""

from __future__ import annotations

POSITIVE = "positive"
MALE = "male"


def pregnancy(answer: bool | None, test: str | None, sex: str | None) -> bool | None:
    if test == POSITIVE:
        return True
    if answer is not None:
        return answer
    return False if sex == MALE else None
