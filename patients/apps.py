from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "patients"
    verbose_name = _("Patients")

    def ready(self) -> None:
        from accounts.grants import watch
        from patients.models import Unit

        # A unit's staff decides whose records a user sees (accounts.grants caches it).
        watch(Unit, links=(Unit.staff.through,))
