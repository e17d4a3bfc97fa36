"""The Celery application.

With ``REDIS_URL`` unset the settings make every task run eagerly in-process (the embedded default);
with it set, tasks go through Redis to a separate worker (``celery -A detox worker``).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "detox.settings.local")

app = Celery("detox")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
