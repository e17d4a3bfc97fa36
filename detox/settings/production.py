"""Production: DEBUG off, SECRET_KEY required, HTTPS-only cookies and HSTS.

``SECURE_SSL_REDIRECT`` (default true) is the one switch for HTTPS: on, HTTP is redirected, cookies
are sent only over HTTPS and HSTS is announced; off (``.env.example``, for a plain-HTTP trial on
``docker compose up``), none of the three, since each would break or pin a plain-HTTP site.

With it on and SECRET_KEY set,
``python manage.py check --deploy --settings=detox.settings.production`` reports nothing;
with it off it warns about exactly those three, as it should.
"""

from __future__ import annotations

from detox.settings.base import *  # noqa: F403
from detox.settings.base import DEBUG, SECRET_KEY
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
