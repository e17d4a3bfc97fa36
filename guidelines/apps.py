from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelinesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "guidelines"
    verbose_name = _("Guideline")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from guidelines.citations import guideline_changed
        from guidelines.models import Recommendation

        # Citations are cached per guideline generation (guidelines/citations.py).
        post_save.connect(guideline_changed, sender=Recommendation, dispatch_uid="cite-save")
        post_delete.connect(guideline_changed, sender=Recommendation, dispatch_uid="cite-delete")
