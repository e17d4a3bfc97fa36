"""FHIR R4 at ``/fhir/R4/`` (docs/interoperability.md)."""

from django.urls import path

from interop import views

urlpatterns = [
    path("metadata", views.Metadata.as_view(), name="fhir-metadata"),
    path("Questionnaire", views.QuestionnaireSearch.as_view(), name="fhir-questionnaire-search"),
    path("Questionnaire/<str:code>", views.QuestionnaireRead.as_view(), name="fhir-questionnaire"),
    path(
        "QuestionnaireResponse",
        views.QuestionnaireResponseCreate.as_view(),
        name="fhir-questionnaireresponse-create",
    ),
    path(
        "QuestionnaireResponse/<int:pk>",
        views.QuestionnaireResponseRead.as_view(),
        name="fhir-questionnaireresponse",
    ),
    path("Observation", views.ObservationSearch.as_view(), name="fhir-observation-search"),
    path("Observation/<int:pk>", views.ObservationRead.as_view(), name="fhir-observation"),
    path("Patient", views.PatientSearch.as_view(), name="fhir-patient-search"),
    path("Patient/<int:pk>", views.PatientRead.as_view(), name="fhir-patient"),
    path("Encounter", views.EncounterSearch.as_view(), name="fhir-encounter-search"),
    path("Encounter/<int:pk>", views.EncounterRead.as_view(), name="fhir-encounter"),
    path(
        "MedicationAdministration",
        views.MedicationAdministrationSearch.as_view(),
        name="fhir-medicationadministration-search",
    ),
    path(
        "MedicationAdministration/<str:pk>",
        views.MedicationAdministrationRead.as_view(),
        name="fhir-medicationadministration",
    ),
    path(
        "MedicationRequest",
        views.MedicationRequestSearch.as_view(),
        name="fhir-medicationrequest-search",
    ),
    path(
        "MedicationRequest/<str:pk>",
        views.MedicationRequestRead.as_view(),
        name="fhir-medicationrequest",
    ),
]
