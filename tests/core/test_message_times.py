"""Times inside the kernel's advice lines follow the page's one date format (issue 14)."""

import pytest
from django.utils import translation

from core.messages import local_time_text, render_message


@pytest.mark.parametrize(
    ("language", "kernel", "shown"),
    [
        ("nb", "29.03.2026 03:30", "29.03.2026 kl. 03.30"),
        ("nb", "08:26", "08.26"),
        ("nb", "02:30 CEST", "02.30 CEST"),
        ("en", "29.03.2026 03:30", "2026-03-29 03:30"),
        ("en", "08:26", "08:26"),
        ("en", "25.10.2026 02:30 CET", "2026-10-25 02:30 CET"),
    ],
)
def test_a_kernel_time_is_shown_in_the_pages_format(language, kernel, shown):
    with translation.override(language):
        assert local_time_text(kernel) == shown


def test_only_time_parameters_are_reformatted():
    with translation.override("nb"):
        text = render_message(
            "The last diazepam dose was given at %(given_at_local)s: the next hourly dose"
            " is due at %(due_at_local)s.",
            {"given_at_local": "08:26", "due_at_local": "09:26"},
        )
    assert "kl. 08.26" in text
    assert "08:26" not in text
    with translation.override("en"):
        assert render_message("%(note)s", {"note": "10:30"}) == "10:30"
