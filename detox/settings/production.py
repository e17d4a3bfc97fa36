"""Production: DEBUG off, SECRET_KEY required, HTTPS-only cookies and HSTS.

``SECURE_SSL_REDIRECT`` (default true) is the one switch for HTTPS: on, HTTP is redirected, cookies
are sent only over HTTPS and HSTS is announced; off (``.env.example``, for a plain-HTTP trial on
``docker compose up``), none of the three, since each would break or pin a plain-HTTP site.

With it on and SECRET_KEY and REDIS_URL set,
``python manage.py check --deploy --settings=detox.settings.production`` reports nothing;
with it off it warns about exactly those three, as it should; without REDIS_URL it warns that the
cache is per process (``core.checks``, avrusning.W001).
"""

from __future__ import annotations

from detox.settings.base import *  # noqa: F403
from detox.settings.base import DATABASES, DEBUG, SECRET_KEY
from detox.settings.env import env, env_bool, require_secret_key

require_secret_key(debug=DEBUG, secret_key=SECRET_KEY)

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = SECURE_SSL_REDIRECT
CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000) if SECURE_SSL_REDIRECT else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# PostgreSQL through Django's native psycopg connection pool (psycopg-pool, pinned): a request
# borrows an open connection instead of opening one (a TCP connect, authentication and backend
# start-up: several milliseconds, and most of /healthz before). Each gunicorn worker process holds
# its own pool; min_size keeps one connection warm, max_size bounds a worker's connections (a sync
# worker uses one at a time; a gthread worker one per thread, gunicorn.conf.py). The pool checks a
# connection before lending it, so one closed by PostgreSQL or a failover is replaced, not handed
# out (with CONN_HEALTH_CHECKS Django passes psycopg-pool's check_connection). CONN_MAX_AGE must
# be 0 with a pool (Django refuses both). DB_POOL=0 turns it off.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool("DB_POOL", default=True):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=4),
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        "max_idle": 300.0,
    }
