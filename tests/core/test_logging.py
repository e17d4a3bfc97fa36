"""Each log line is printed once under the development server (`make run`) and in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

EMIT = """
import django, logging
django.setup()
logging.getLogger("django.request").warning("marker-request")
logging.getLogger("django.server").info("marker-server")
logging.getLogger("django.security.DisallowedHost").error("marker-security")
logging.getLogger("core.views").warning("marker-app")
"""


@pytest.mark.parametrize(
    ("settings_module", "debug"),
    [("detox.settings.local", "true"), ("detox.settings.production", "false")],
)
def test_every_log_line_is_printed_once(settings_module, debug):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "POSTGRES_HOST"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DEBUG": debug,
        "SECRET_KEY": "a-long-random-secret-key-for-the-logging-test-" + "x7Qp9zR2" * 4,
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", EMIT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    for marker in ("marker-request", "marker-server", "marker-security", "marker-app"):
        assert output.count(marker) == 1, (marker, output)
