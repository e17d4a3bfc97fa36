from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from patients import extensions
        from scoring.selectors import screening_totals

        # patients sits below scoring: it asks for the screening totals through this hook.
        extensions.register(screening_totals=screening_totals)
