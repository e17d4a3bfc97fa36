"""Users in the Django admin: administrators (fagansvarlige) give roles, but no more than that.

The administrator role holds ``auth.add_user``/``auth.change_user`` so that it can create staff
accounts and give them a role. Django's own ``UserAdmin`` would also let it tick "superuser" or
hand out single permissions (a nurse allowed to change medication plans, say), and so grant
itself or anyone more than the three roles allow. Here, for anyone but a superuser:

- the role groups are the only groups offered;
- "superuser" and single user permissions are shown, read-only;
- superuser accounts cannot be changed (only viewed).

Superusers (created with ``createsuperuser`` by whoever runs the server) keep Django's admin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import ManyToManyField
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest

from detox.roles import ROLES

if TYPE_CHECKING:
    _UserAdmin = UserAdmin[User]
else:
    _UserAdmin = UserAdmin

# Only a superuser may change these on any account.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


def _out_of_reach(request: HttpRequest, obj: Any) -> bool:
    """A superuser's account, for anyone who is not a superuser."""
    return obj is not None and obj.is_superuser and not request.user.is_superuser


class RoleUserAdmin(_UserAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + SUPERUSER_ONLY_FIELDS

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _out_of_reach(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _out_of_reach(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=list(ROLES))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def register() -> None:
    """Replace Django's UserAdmin (``detox.apps.DetoxConfig.ready``)."""
    if admin.site.is_registered(User):
        admin.site.unregister(User)
    admin.site.register(User, RoleUserAdmin)
