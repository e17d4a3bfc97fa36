"""Avrusning project package: settings, URLs, the Celery app and the episode plan."""

from detox.celery import app as celery_app

__all__ = ["celery_app"]
