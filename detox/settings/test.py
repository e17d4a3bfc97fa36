"""Test settings: fast hashing, in-memory mail; DATABASE_URL / REDIS_URL used when set (CI)."""

from __future__ import annotations

import os
import secrets

from detox.settings.base import *  # noqa: F403
from detox.settings.base import BASE_DIR, CACHES, REDIS_URL

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

# With REDIS_URL, every cache key of this test run carries the run's own prefix (shared with the
# worker processes the tests start, through the environment), so runs never read each other's
# entries; tests/conftest.py deletes them after each test and fails the run if any are left.
TEST_RUN_ID = os.environ.setdefault("AVRUSNING_TEST_RUN_ID", secrets.token_hex(6))
TEST_REDIS_KEY_PREFIX = f"avrusning-test-{TEST_RUN_ID}"
if REDIS_URL:
    CACHES = {**CACHES, "default": {**CACHES["default"], "KEY_PREFIX": TEST_REDIS_KEY_PREFIX}}
