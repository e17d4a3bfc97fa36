from typing import Any

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
        _replace_the_ward_generation_on_saves()


def _replace_the_ward_generation_on_saves() -> None:
    """The overdue badge's remembered counts (``scoring.selectors.overdue_count``) stand until
    the ward's data changes: any saved or deleted score, episode (admission, discharge, setting,
    unit, room), scale choice, unit (its COWS/SOWS interval), patient (the board's name and birth
    date) or intake substance (the scale the board suggests) replaces the ward's generation (for
    every process sharing the cache when the save's transaction commits; see
    ``accounts.generations``); the board's rows and the badge's count are remembered under it.
    Signals rather than calls in each service, so that no writer can forget it; none of these is
    written with ``update()`` or ``bulk_create()`` outside the benchmarks' seed."""
    from django.db.models.signals import post_delete, post_save

    from accounts import generations
    from patients.models import Episode, Patient, SubstanceUse, Unit
    from scoring.models import Assessment, MonitoringChoice
    from scoring.selectors import WARD_GENERATION

    def replace(**_kwargs: Any) -> None:
        generations.replace(WARD_GENERATION)

    for model in (Assessment, Episode, MonitoringChoice, Patient, SubstanceUse, Unit):
        uid = f"ward-generation-{model._meta.label_lower}"
        post_save.connect(replace, sender=model, weak=False, dispatch_uid=uid + "-save")
        post_delete.connect(replace, sender=model, weak=False, dispatch_uid=uid + "-delete")
