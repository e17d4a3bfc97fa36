"""The embedded default: SQLite, eager Celery, debug on, demo users allowed."""

from __future__ import annotations

from detox.settings.base import *  # noqa: F403
from detox.settings.base import SECRET_KEY
from detox.settings.env import env_bool, require_secret_key

DEBUG = env_bool("DEBUG", default=True)
if DEBUG and not SECRET_KEY:
    # Only ever used with DEBUG on, on a developer's own machine.
    SECRET_KEY = "insecure-local-development-key-not-for-production"  # noqa: S105
require_secret_key(debug=DEBUG, secret_key=SECRET_KEY)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
