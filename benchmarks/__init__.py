"""Load benchmarks: a seeded ward on gunicorn and Celery, driven by Locust (see README.md)."""
