"""Settings shared by every environment; every deploy-specific value comes from the environment.

| variable      | meaning                                                                       |
|---------------|-------------------------------------------------------------------------------|
| DATABASE_URL  | database; default a SQLite file in the project                                |
| POSTGRES_HOST | with _PORT, _DB, _USER, _PASSWORD: instead of DATABASE_URL (any password) |
| REDIS_URL     | Celery broker, result backend and cache; unset: tasks run eagerly in-process  |
| SECRET_KEY    | required when DEBUG is off                                                    |
| ALLOWED_HOSTS | comma-separated host names                                                    |
| DEBUG         | true/false (strictly parsed)                                                  |
| SESSION_IDLE_MINUTES | a session ends after this many minutes without user activity (30)      |
| LOGIN_FAILURE_LIMIT  | failed logins per username and IP address before a lockout (5)         |
| LOGIN_LOCKOUT_MINUTES | how long a lockout lasts (15)                                         |
| API_TOKEN_DAYS | an API token stops working this many days after it was made (90)          |
| CDS_HOOKS_ISSUERS | JSON: CDS Hooks issuer -> {"jwks_url"} or {"secret"}, with "units" ({})  |

Security measures and why: ``docs/security.md``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from detox.settings.env import database_url, env, env_bool, env_list, env_positive_int

# Lets annotations such as ``admin.ModelAdmin[Recommendation]`` work at runtime, not only in mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "axes",
    "csp",
    "accounts",
    "core",
    "guidelines",
    "patients",
    "scoring",
    "plans",
    "interop",
]

MIDDLEWARE = [
    # First: /healthz answers whatever the Host header (core/middleware.py); nothing else does.
    "core.middleware.HealthzAnyHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.ApiNotFoundMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.NorwegianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "accounts.middleware.RejectNulMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "detox.urls"
WSGI_APPLICATION = "detox.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "scoring.context_processors.overdue_badge",
            ],
        },
    },
]

DATABASES = {
    # DATABASE_URL, or POSTGRES_HOST/PORT/DB/USER/PASSWORD (any password; detox/settings/env.py).
    "default": env.db_url_config(database_url(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", 0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRESQL = DATABASES["default"]["ENGINE"].endswith("postgresql")

REDIS_URL = env.str("REDIS_URL", default="")

# django-redis: one client per connection pool (Django's own backend builds one per call), and a
# Redis that is down or hangs is a cache miss after at most half a second, logged, not an error:
# the pages keep working on the database (docs/operations.md). What is cached can always be read
# again from the database (accounts/grants.py, guidelines/citations.py).
REDIS_CACHE_OPTIONS = {
    "IGNORE_EXCEPTIONS": True,
    "SOCKET_CONNECT_TIMEOUT": 0.5,
    "SOCKET_TIMEOUT": 0.5,
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered fragments of pages, per process and never shared: a ward-board row's HTML, keyed by
# everything the row shows (templates/scoring/_board_rows.html), so an entry is never stale, only
# unused. In process memory rather than Redis: the rows carry patients' names.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "avrusning-fragments",
    "TIMEOUT": 600,
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

# Celery. Without a broker the embedded default runs every task eagerly, in-process, so the app
# works with no services at all; with REDIS_URL the web process only queues and a worker runs them.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when the broker is down instead of blocking a web request.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one username from one
# IP address, that pair is locked out for LOGIN_LOCKOUT_MINUTES, and the right password is refused
# too until then; every further failure restarts the wait. A successful login clears the count.
# Counting the pair, not the username alone, keeps one attacker from locking a nurse out of every
# ward tablet. Behind a proxy the IP address is REMOTE_ADDR as the proxy hands it on (the access
# log reads it the same way; see docs/security.md). Unlock early: manage.py axes_reset_username.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with each user's groups and permissions cached across requests until any of
    # them changes (accounts/grants.py); GRANTS_CACHE_SECONDS bounds an entry's life regardless.
    "accounts.grants.CachedPermissionBackend",
]
# An entry's whole life: what bounds how long a change goes unseen when the generation could not
# be replaced (Redis refusing writes, a change made in raw SQL). Reading a user's grants again
# costs three small queries every few seconds per active user (issue 12, item 9; docs/security.md).
GRANTS_CACHE_SECONDS = 5
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env_positive_int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env_positive_int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_CALLABLE = "accounts.middleware.lockout_response"

# Language and time: Norwegian bokmål first, English second; stored in UTC, shown in Oslo time.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
# One date and one date-and-time format per language (detox/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["detox.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# API tokens (machine clients) stop working this many days after they were made (docs/security.md).
API_TOKEN_DAYS = env_positive_int("API_TOKEN_DAYS", default=90)

# CDS Hooks callers (docs/interoperability.md): issuer -> {"jwks_url": ...} (RS256/ES256) or
# {"secret": ...} (HS256, for a trial), each with "units": the unit codes it may ask about.
CDS_HOOKS_ISSUERS: dict[str, dict[str, object]] = env.json("CDS_HOOKS_ISSUERS", default={})

REST_FRAMEWORK = {
    # Token first, so that an anonymous API call gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's TokenAuthentication with an expiry (API_TOKEN_DAYS, accounts/tokens.py).
        "accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers, with JSON nested deeper than core.parsers.MAX_JSON_DEPTH refused (400).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    # Every input error (serializer or clinical kernel) as one 400 body: core.exceptions.
    "EXCEPTION_HANDLER": "core.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Avrusning API",
    "DESCRIPTION": (
        "Clinical decision support for withdrawal management after the Norwegian national "
        "detox guideline. Every proposal cites the guideline recommendation behind it."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The advice API takes every registered drug but "other"; name the two sets apart.
    "ENUM_NAME_OVERRIDES": {
        "AdministeredDrugEnum": "scoring.models.Drug.choices",
        "AdviceDrugEnum": "scoring.serializers.ADVICE_DRUGS",
    },
    # Every operation's 400/401/403/404 answers, which the views do not declare one by one.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.complete_error_responses",
    ],
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Sessions end after SESSION_IDLE_MINUTES without user activity: the session is saved, and so its
# expiry moved on, by the requests a person makes (accounts.middleware.IdleSessionMiddleware; at
# most once every SESSION_ACTIVITY_RESOLUTION seconds, so a session ends 29-30 minutes after its
# user's last request), but not by the ward board's and the care-plan page's background polling,
# so a tablet left on the board still logs out. The cookie also ends when the browser closes: on a
# shared ward PC the next person to open the browser is not logged in as the last one.
SESSION_IDLE_MINUTES = env_positive_int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ACTIVITY_RESOLUTION = 60
# Sessions stay in the database (Django's default), not the cache: a logout must end the session
# even while Redis is unreachable, and a session must never come back from a cache that missed it.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The pages send the CSRF token from the page itself (forms, htmx's hx-headers), never from
# JavaScript reading the cookie; HttpOnly would add nothing (Django's documentation).
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"

# Response headers on every response (production adds HSTS and HTTPS-only cookies).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Features no page uses, switched off for the page and anything it might embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Content Security Policy (django-csp): scripts, styles and everything else from this site only;
# no inline script or style, no eval, no plugins, no framing, forms post here only. Pages keep
# their JavaScript in static/js and their CSS in static/css. Images may also be data: URIs
# (Swagger UI's icons); inline SVG needs no source.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own default config gives "django" a console handler of its own (shown under DEBUG);
    # with the root handler above every line would print twice under runserver. One path: the root.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

# The unit-local interval for COWS/SOWS, where the guideline gives none (CLINICAL.md).
OPIOID_SCALE_DEFAULT_INTERVAL_HOURS = 4
