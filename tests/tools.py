"""Command-line tools some tests read their output with (poppler-utils: pdftotext, pdftoppm)."""

import shutil

import pytest


def need(tool):
    """The tool's full path; the test is skipped when poppler-utils is missing (CI installs it)."""
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (poppler-utils); CI installs it")
    return path
