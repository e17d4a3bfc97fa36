from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    # post_migrate is sent once per app that has a models module; permissions of every app exist
    # only after the last of those.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is with_models[-1]:
        from accounts.roles import sync_roles

        sync_roles()


class AccountsConfig(AppConfig):
    """Roles, permission grants, unit access, sessions, API tokens, the user admin and the
    administration log."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
        from accounts import admin_audit, grants, tokens
        from accounts.user_admin import register

        grants.connect_signals()
        tokens.connect_signals()
        admin_audit.connect_signals()
        register()
