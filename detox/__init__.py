"""Avrusning project package: settings, root URLs, WSGI/ASGI and the Celery app."""

from detox.celery import app as celery_app

__all__ = ["celery_app"]
