from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    # post_migrate is sent once per app that has a models module; permissions of every app exist
    # only after the last of those.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is with_models[-1]:
        from detox.roles import sync_roles

        sync_roles()


class DetoxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "detox"
    verbose_name = _("Detox plan")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="detox.sync_roles")
        from detox.admin_audit import connect_signals as connect_audit_signals
        from detox.grants import connect_signals
        from detox.user_admin import register

        connect_signals()
        connect_audit_signals()
        register()
