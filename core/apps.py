from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting web plumbing: health checks, API parsing, errors, the OpenAPI hooks."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"
