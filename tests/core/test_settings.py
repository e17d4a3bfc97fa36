import json
import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from detox.settings.env import database_url, env_bool, env_list, require_secret_key

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
            "POSTGRES_HOST",
            "SECURE_SSL_REDIRECT",
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
        REDIS_URL="redis://127.0.0.1:6379/0",  # the check reads the setting; it connects nowhere
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_of_a_cache_each_process_keeps_to_itself():
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--settings=detox.settings.production",
        SECRET_KEY="a-long-random-production-secret-key-" + "x7Qp9zR2" * 6,
        ALLOWED_HOSTS="avrusning.example",
        REDIS_URL="",
    )
    assert "avrusning.W001" in result.stderr + result.stdout
    assert "REDIS_URL" in result.stderr + result.stdout


def _production_values(**env: str) -> dict[str, object]:
    code = (
        "import json, django; from django.conf import settings as s; django.setup();"
        "print(json.dumps({k: getattr(s, k) for k in ('SECURE_SSL_REDIRECT',"
        " 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS')}))"
    )
    result = _run(
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="detox.settings.production",
        SECRET_KEY="a-long-random-production-secret-key-" + "x7Qp9zR2" * 6,
        **env,
    )
    assert result.returncode == 0, result.stderr
    values: dict[str, object] = json.loads(result.stdout)
    return values


def test_production_is_https_only_unless_the_trial_switch_is_off():
    assert _production_values() == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
    }
    # The plain-HTTP trial of .env.example: no redirect, cookies a browser sends over HTTP, no HSTS.
    assert _production_values(SECURE_SSL_REDIRECT="false") == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
    }


def test_env_example_is_the_plain_http_trial_the_readme_describes():
    lines = (ROOT / ".env.example").read_text().splitlines()
    values = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert values["SECURE_SSL_REDIRECT"] == "false"
    assert "SECURE_SSL_REDIRECT=false" in (ROOT / "README.md").read_text()


PASSWORDS = ["p@ss:w/rd#1", "a%40b", "x?y=z&", "only#hash", "sp ace@:/#?%"]


@pytest.mark.parametrize("password", PASSWORDS)
def test_a_postgres_password_with_url_characters_reaches_the_driver(monkeypatch, password):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("POSTGRES_HOST", "postgres")
    monkeypatch.setenv("POSTGRES_DB", "avrusning")
    monkeypatch.setenv("POSTGRES_USER", "avrus@ning")
    monkeypatch.setenv("POSTGRES_PASSWORD", password)
    monkeypatch.delenv("POSTGRES_PORT", raising=False)
    config = environ.Env.db_url_config(database_url(default="sqlite:///unused"))
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("postgres", 5432, "avrusning")
    assert (config["USER"], config["PASSWORD"]) == ("avrus@ning", password)


def test_the_settings_read_the_postgres_parts():
    result = _run(
        "-c",
        "import django; from django.conf import settings as s; django.setup();"
        "d = s.DATABASES['default']; print(d['PASSWORD'] == 'p@ss:w/rd#1', d['HOST'], d['PORT'])",
        DJANGO_SETTINGS_MODULE="detox.settings.test",
        POSTGRES_HOST="db.internal",
        POSTGRES_PORT="6543",
        POSTGRES_DB="avrusning",
        POSTGRES_USER="avrusning",
        POSTGRES_PASSWORD="p@ss:w/rd#1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "db.internal", "6543"]


def test_database_url_alone_or_the_default_is_used_without_parts(monkeypatch):
    monkeypatch.delenv("POSTGRES_HOST", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url(default="sqlite:///x.db") == "sqlite:///x.db"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@h:5432/d")
    assert database_url(default="sqlite:///x.db") == "postgres://u:p@h:5432/d"


def test_database_url_and_postgres_parts_together_are_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@h:5432/d")
    monkeypatch.setenv("POSTGRES_HOST", "postgres")
    with pytest.raises(ImproperlyConfigured, match="not both"):
        database_url(default="sqlite:///x.db")


def test_postgres_parts_must_be_complete(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("POSTGRES_HOST", "postgres")
    monkeypatch.delenv("POSTGRES_DB", raising=False)
    monkeypatch.setenv("POSTGRES_USER", "avrusning")
    with pytest.raises(ImproperlyConfigured, match="POSTGRES_DB"):
        database_url(default="sqlite:///x.db")
    monkeypatch.setenv("POSTGRES_DB", "avrusning")
    monkeypatch.setenv("POSTGRES_PORT", "54x")
    with pytest.raises(ImproperlyConfigured, match="POSTGRES_PORT"):
        database_url(default="sqlite:///x.db")


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
