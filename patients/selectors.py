"""Fetch-and-authorize: the only way views and APIs reach patient records.

Nurses and clinicians see the patients and episodes of their own unit(s); nobody else sees patient
records (administrators maintain guideline text and read the access log, not records).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from detox.access import has_role
from detox.roles import CLINICIAN, NURSE
from patients.models import Episode, Patient, Unit


def units_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Unit]:
    if not user.is_authenticated or not has_role(user, CLINICIAN, NURSE):
        return Unit.objects.none()
    return Unit.objects.filter(staff__pk=user.pk)


def patients_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Patient]:
    return Patient.objects.filter(unit__in=units_of(user))


def episodes_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Episode]:
    return Episode.objects.filter(unit__in=units_of(user))


def get_patient_for_user(user: AbstractBaseUser | AnonymousUser, patient_id: int) -> Patient:
    """The patient, if the user may see it; 404 otherwise (no hint that it exists elsewhere)."""
    try:
        return patients_visible_to(user).get(pk=patient_id)
    except Patient.DoesNotExist:
        raise Http404 from None


def get_episode_for_user(user: AbstractBaseUser | AnonymousUser, episode_id: int) -> Episode:
    try:
        return episodes_visible_to(user).select_related("patient", "unit").get(pk=episode_id)
    except Episode.DoesNotExist:
        raise Http404 from None
