"""API shapes for patients and episodes. Input serializers only parse; services store."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework import serializers

from patients.models import Episode, Patient, Unit
from patients.names import validate_person_name


class PatientSerializer(serializers.ModelSerializer[Patient]):
    class Meta:
        model = Patient
        fields = [
            "id",
            "national_id",
            "national_id_kind",
            "given_name",
            "family_name",
            "birth_date",
            "sex",
            "unit",
            # For a client that edits: the version it read (optimistic concurrency, issue 12).
            "version",
        ]
        read_only_fields = fields


class PatientCreateSerializer(serializers.Serializer[Any]):
    """The national identity number is checked by the service (both check digits, the date)."""

    national_id = serializers.CharField(max_length=20)
    given_name = serializers.CharField(max_length=100, validators=[validate_person_name])
    family_name = serializers.CharField(max_length=100, validators=[validate_person_name])
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.none(), required=False)
    access_reason = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=(
            "Only when the person is registered at another unit: the reason you need their "
            "record. The refusal and the request are written to that patient's access log."
        ),
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            unit_field = self.fields["unit"]
            assert isinstance(unit_field, serializers.PrimaryKeyRelatedField)  # noqa: S101
            unit_field.queryset = units


class EpisodeSerializer(serializers.ModelSerializer[Episode]):
    class Meta:
        model = Episode
        fields = [
            "id",
            "patient",
            "unit",
            "setting",
            "status",
            "admitted_at",
            "discharged_at",
            "responsible_clinician",
            "created_at",
        ]
        read_only_fields = fields


class EpisodeCreateSerializer(serializers.Serializer[Any]):
    patient = serializers.PrimaryKeyRelatedField(queryset=Patient.objects.none())
    responsible_clinician = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), required=False, allow_null=True
    )

    def __init__(self, *args: Any, patients: Any = None, clinicians: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, queryset in (("patient", patients), ("responsible_clinician", clinicians)):
            if queryset is not None:
                field = self.fields[name]
                assert isinstance(field, serializers.PrimaryKeyRelatedField)  # noqa: S101
                field.queryset = queryset
