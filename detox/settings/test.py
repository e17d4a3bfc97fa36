"""Test settings: fast hashing, in-memory mail; DATABASE_URL / REDIS_URL used when set (CI)."""

from __future__ import annotations

from detox.settings.base import *  # noqa: F403
from detox.settings.base import BASE_DIR

DEBUG = False
SECRET_KEY = "test-only-secret-key-with-enough-length-to-satisfy-checks"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
MEDIA_ROOT = BASE_DIR / ".test-media"

# Tests run tasks eagerly unless a test asks for the real worker (tests/conftest.py: celery_worker),
# which switches this off for itself and talks to REDIS_URL.
CELERY_TASK_ALWAYS_EAGER = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
