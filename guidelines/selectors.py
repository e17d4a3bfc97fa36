"""Fetch-and-authorize: how views and the API reach recommendations and detox units."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from guidelines import permissions
from guidelines.models import Recommendation

VIEW_PERMISSION = permissions.VIEW_RECOMMENDATION
CHANGE_PERMISSION = permissions.CHANGE_RECOMMENDATION
VIEW_UNITS_PERMISSION = permissions.VIEW_DETOX_UNIT


def require_permission(user: AbstractBaseUser | AnonymousUser, permission: str) -> None:
    if not user.has_perm(permission):  # type: ignore[union-attr]
        raise PermissionDenied


def get_recommendation_for_user(
    user: AbstractBaseUser | AnonymousUser, ref: str, *, permission: str = VIEW_PERMISSION
) -> Recommendation:
    """The recommendation if the user holds ``permission`` (403 otherwise); 404 if unknown."""
    require_permission(user, permission)
    try:
        return Recommendation.objects.for_listing().get(ref=ref)
    except Recommendation.DoesNotExist:
        raise Http404 from None
