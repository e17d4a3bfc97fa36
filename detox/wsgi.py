"""WSGI entry point (gunicorn detox.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "detox.settings.production")

application = get_wsgi_application()
