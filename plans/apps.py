from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """The episode's medication plan, tapers, discharge checklist and care-plan PDFs.

    The app label stays ``detox`` (its name before the project package was split out), so the
    tables, the migration history, the content types and every permission name
    (``detox.change_medicationplan``) stay as they are: moving the code moved no data.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    label = "detox"
    verbose_name = _("Detox plan")

    def ready(self) -> None:
        from patients import extensions
        from plans.selectors import (
            open_discharge_items,
            overdose_set_open,
            planned_doses,
            todays_doses_for,
        )

        # patients sits below plans: a discharge checks the overdose set, the episode page shows
        # today's doses, the administration view the planned doses and the handover the open
        # discharge items, through these hooks.
        extensions.register(
            overdose_set_open=overdose_set_open,
            todays_doses=todays_doses_for,
            planned_doses=planned_doses,
            open_discharge_items=open_discharge_items,
        )
