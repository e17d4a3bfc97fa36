"""The clinical kernel is pure: importing any module under ``clinical/`` loads no Django, DRF or
Celery (issue 13). Each module is imported in a fresh interpreter without a settings module and
with a Celery setting that would fail to parse, so an import that reaches the project's settings
or the broker configuration fails loudly here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KERNEL = ROOT / "clinical"
PROBE = (
    "import {module}; import sys; print(sorted(m for m in sys.modules "
    "if m.split('.')[0] in {{'django','rest_framework','celery','kombu'}}))"
)


def _modules() -> list[str]:
    names = []
    for path in sorted(KERNEL.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def test_the_walk_finds_the_engines():
    modules = _modules()
    for name in ("clinical", "clinical.tapers", "clinical.levels.rules", "clinical.regimens"):
        assert name in modules


@pytest.mark.parametrize("module", _modules())
def test_importing_a_kernel_module_loads_no_framework(module):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["AVRUSNING_CELERY_VISIBILITY_TIMEOUT"] = "abc"
    code = PROBE.format(module=module)
    result = subprocess.run(  # noqa: S603 - our own interpreter, a fixed probe
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout
