from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting web plumbing: health checks, API parsing, errors, the OpenAPI hooks."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the deployment checks)
