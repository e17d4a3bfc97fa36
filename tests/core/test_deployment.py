"""What `docker compose up` runs: read from docker-compose.yml and the Dockerfile (Docker itself is
not needed; the container run is described in docs/operations.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def _web_steps() -> list[str]:
    command = _compose()["services"]["web"]["command"]
    script = re.fullmatch(r'sh -c "(.*)"\s*', command, flags=re.DOTALL)
    assert script, command
    return [" ".join(step.split()) for step in script.group(1).split("&&")]


def test_the_web_container_migrates_loads_the_guideline_then_serves_with_gunicorn_conf():
    assert _web_steps() == [
        "python manage.py migrate --noinput",
        "python manage.py load_guideline",
        "gunicorn -c gunicorn.conf.py --bind 0.0.0.0:8000 detox.wsgi",
    ]


def test_the_image_default_command_uses_the_same_gunicorn_conf():
    assert (
        'CMD ["gunicorn", "-c", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "detox.wsgi"]'
        in (ROOT / "Dockerfile").read_text()
    )


def test_no_service_pastes_the_password_into_a_database_url():
    """A password with @ : / # would break a URL; the app builds it from the parts instead."""
    for name, service in _compose()["services"].items():
        environment = service.get("environment", {})
        assert "DATABASE_URL" not in environment, name
        if name in {"web", "worker", "beat"}:
            assert environment["POSTGRES_HOST"] == "postgres"
            assert environment["POSTGRES_DB"] == environment["POSTGRES_USER"] == "avrusning"
            assert service["env_file"] == ".env"  # POSTGRES_PASSWORD comes from there


def test_the_web_healthcheck_sends_no_host_or_proto_header_it_would_depend_on():
    test = _compose()["services"]["web"]["healthcheck"]["test"]
    assert test[-1] == "http://localhost:8000/healthz"
    assert "-H" not in test
