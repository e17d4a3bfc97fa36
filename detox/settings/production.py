"""Production: DEBUG off, SECRET_KEY required, HTTPS-only cookies and HSTS.

``python manage.py check --deploy --settings=detox.settings.production`` reports nothing.
"""

from __future__ import annotations

from detox.settings.base import *  # noqa: F403
from detox.settings.base import DEBUG, SECRET_KEY
from detox.settings.env import env, env_bool, require_secret_key

require_secret_key(debug=DEBUG, secret_key=SECRET_KEY)

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
