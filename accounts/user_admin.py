"""Users in the Django admin: administrators (fagansvarlige) give roles, but no more than that.

The administrator role holds ``auth.add_user``/``auth.change_user`` so that it can create staff
accounts and give them a role. Django's own ``UserAdmin`` would also let it tick "superuser" or
hand out single permissions (a nurse allowed to change medication plans, say), and so grant
itself or anyone more than the three roles allow. Here, for anyone but a superuser:

- the role groups are the only groups offered;
- "superuser" and single user permissions are shown, read-only;
- superuser accounts cannot be changed (only viewed).

Superusers (created with ``createsuperuser`` by whoever runs the server) keep Django's admin.

And, for everyone (issue 12, item 3):

- an administrator who is not a superuser cannot change their own role, staff or active status
  (no one gives themselves a clinical role); unit staff is guarded in ``patients.admin``;
- a password set here for someone else is a one-time password: its holder must choose a new one
  at the next login (``accounts.admin_audit``), and so must an account created here;
- every account created, changed or deleted, and every password set, is written to the
  administration log (``accounts.models.AdminAuditEntry``), which nobody can change;
- API tokens are listed without their keys, and can be revoked (deleted), which is logged too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ManyToManyField
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from accounts import admin_audit
from accounts.roles import ROLES
from accounts.tokens import token_expires_at

if TYPE_CHECKING:
    _UserAdmin = UserAdmin[User]
    _TokenAdmin = admin.ModelAdmin[TokenProxy]
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _UserAdmin = UserAdmin
    _TokenAdmin = _ModelAdmin = admin.ModelAdmin

# Only a superuser may change these on any account.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")
# ... and these on their own account: an administrator gives no role to themselves.
OWN_ACCOUNT_FIELDS = ("groups", "is_staff", "is_active")


def _out_of_reach(request: HttpRequest, obj: Any) -> bool:
    """A superuser's account, for anyone who is not a superuser."""
    return obj is not None and obj.is_superuser and not request.user.is_superuser


def _own_account(request: HttpRequest, obj: Any) -> bool:
    return obj is not None and obj.pk == request.user.pk


class RoleUserAdmin(_UserAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        if _own_account(request, obj):
            fields += OWN_ACCOUNT_FIELDS
        return fields + SUPERUSER_ONLY_FIELDS

    # --- The administration log ---------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # What the account was, read before the form's values are saved over it.
        obj._audit_before = admin_audit.user_state(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        now = timezone.now()
        admin_audit.account_saved(
            actor=request.user, user=user, before=getattr(user, "_audit_before", None), now=now
        )
        if not change and user.has_usable_password():
            # The password typed in the add form is the administrator's, not the holder's.
            admin_audit.one_time_password_set(actor=request.user, user=user, now=now)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        admin_audit.account_deleted(actor=request.user, user=obj, now=timezone.now())
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        now = timezone.now()
        for user in queryset:
            admin_audit.account_deleted(actor=request.user, user=user, now=now)
        super().delete_queryset(request, queryset)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's password form; a password set for anyone but oneself is a one-time password
        (its holder chooses a new one at the next login), and every change is logged."""
        with transaction.atomic():
            target = User.objects.filter(pk=id).first() if str(id).isdigit() else None
            before = target.password if target is not None else None
            response = super().user_change_password(request, id, form_url)
            if target is None or request.method != "POST":
                return response
            target.refresh_from_db()
            if target.password == before:
                return response  # the form was refused: nothing changed
            now = timezone.now()
            if target.pk == request.user.pk:
                admin_audit.password_changed_by_holder(user=target, now=now)
            else:
                admin_audit.one_time_password_set(actor=request.user, user=target, now=now)
            return response

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


class ApiTokenAdmin(_TokenAdmin):
    """API tokens, without their keys: who holds one, since when, until when; revoke by deleting.

    Tokens are made with ``manage.py drf_create_token`` (docs/security.md), never here: the key
    would be shown to whoever made it. Administrators (``authtoken.delete_tokenproxy``) may revoke
    anyone's token; each revocation is logged.
    """

    list_display = ("user", "created", "expires")
    list_filter = ("created",)
    fields = ("user", "created", "expires")
    readonly_fields = ("user", "created", "expires")
    search_fields = ("user__username",)
    ordering = ("user__username",)
    actions = None

    @admin.display(description=_("expires"))
    def expires(self, obj: Any) -> Any:
        return token_expires_at(obj)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> Any:
        from rest_framework.authtoken.admin import TokenChangeList

        return TokenChangeList

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        # The list links by the holder's id, as in DRF's own TokenAdmin.
        if not str(object_id).isdigit():
            return None
        return self.get_queryset(request).filter(user_id=int(object_id)).first()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        admin_audit.token_revoke(actor=request.user, token=obj, now=timezone.now())

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        now = timezone.now()
        for token in queryset:
            admin_audit.token_revoke(actor=request.user, token=token, now=now)


class UnitStaffGuard(_ModelAdmin):
    """For ``patients.admin.UnitAdmin``: nobody but a superuser adds themselves to a unit's staff
    (staff see the unit's patients), and every change to a unit's staff is logged."""

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        if request.user.is_superuser:
            return form_class
        me = request.user.pk
        already = obj is not None and obj.staff.filter(pk=me).exists()

        class NotMyself(form_class):  # type: ignore[valid-type,misc]
            def clean_staff(self) -> Any:
                staff = self.cleaned_data["staff"]
                if not already and any(user.pk == me for user in staff):
                    raise ValidationError(
                        _(
                            "You cannot add yourself to a unit's staff: staff see the unit's "
                            "patients. Ask a superuser."
                        ),
                        code="own_unit",
                    )
                return staff

        return NotMyself

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        unit = form.instance
        before = list(unit.staff.values_list("username", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        admin_audit.unit_staff_changed(
            actor=request.user,
            unit_id=unit.pk,
            unit_name=str(unit),
            before=before,
            after=unit.staff.values_list("username", flat=True),
            now=timezone.now(),
        )


def register() -> None:
    """Replace Django's UserAdmin and DRF's TokenAdmin (``detox.apps.DetoxConfig.ready``)."""
    if admin.site.is_registered(User):
        admin.site.unregister(User)
    admin.site.register(User, RoleUserAdmin)
    if admin.site.is_registered(TokenProxy):
        admin.site.unregister(TokenProxy)
    admin.site.register(TokenProxy, ApiTokenAdmin)
