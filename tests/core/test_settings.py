import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from detox.settings.env import env_bool, env_list, require_secret_key

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        ("yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
    ],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", default=not expected) is expected


def test_env_bool_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert env_bool("SOME_FLAG", default=True) is True


def test_env_bool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", default=False)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,, ")
    assert env_list("HOSTS", default=[]) == ["a.example", "b.example"]


def test_secret_key_is_required_without_debug():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        require_secret_key(debug=False, secret_key="")
    require_secret_key(debug=True, secret_key="")


def test_production_settings_refuse_to_start_without_secret_key():
    result = _run("manage.py", "check", "--settings=detox.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_local_settings_refuse_to_start_with_debug_off_and_no_secret_key():
    result = _run("manage.py", "check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        "--settings=detox.settings.production",
        SECRET_KEY="a-long-random-production-secret-key-" + "x7Qp9zR2" * 6,
        ALLOWED_HOSTS="avrusning.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_settings_pool_postgresql_connections_by_default():
    code = (
        "import json; from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps({'age': db['CONN_MAX_AGE'], 'checks': db['CONN_HEALTH_CHECKS'], "
        "'pool': sorted(db['OPTIONS']['pool'])}))"
    )
    result = _run(
        "-c",
        f"import django; django.setup(); {code}",
        DJANGO_SETTINGS_MODULE="detox.settings.production",
        SECRET_KEY="a-long-random-production-secret-key-" + "x7Qp9zR2" * 6,
        DATABASE_URL="postgres://app@db.example:5432/avrusning",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '{"age": 0, "checks": true, "pool": ["max_idle", "max_size", "min_size", "timeout"]}'
    )


def test_the_shipped_gunicorn_configuration_loads_and_serves_the_project():
    code = (
        "from gunicorn.app.wsgiapp import WSGIApplication; "
        "app = WSGIApplication(); app.load_config_from_file('gunicorn.conf.py'); "
        "c = app.cfg; print(c.worker_class_str, c.workers >= 2, c.threads, "
        "app.cfg.settings['wsgi_app'].get())"
    )
    result = _run("-c", f"import sys; sys.argv = ['gunicorn']; {code}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["gthread", "True", "2", "detox.wsgi:application"]
