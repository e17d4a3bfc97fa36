"""clinical/pregnancy.py: one reading of the intake's pregnancy answers for every engine."""

import pytest

from clinical.pregnancy import pregnancy


@pytest.mark.parametrize(
    ("answer", "test", "sex", "expected"),
    [
        (None, "positive", "male", True),  # audit: a positive test was stored beside "not pregnant"
        (False, "positive", "female", True),
        (True, "negative", "female", True),
        (False, "", "female", False),
        (None, "", "female", None),
        (None, "negative", "female", None),  # a negative test alone is not "not pregnant"
        (None, "", "male", False),
        (None, None, None, None),
        (None, "not_relevant", "female", None),
    ],
)
def test_pregnancy(answer, test, sex, expected):
    assert pregnancy(answer, test, sex) is expected
