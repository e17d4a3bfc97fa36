"""Scoring API, mounted at ``/api/v1/``."""

from django.urls import URLPattern, URLResolver, path

from scoring import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("scales/", api.ScaleListApi.as_view(), name="api-scale-list"),
    path("scales/<slug:code>/", api.ScaleDetailApi.as_view(), name="api-scale-detail"),
    path("scales/<slug:code>/score/", api.ScaleScoreApi.as_view(), name="api-scale-score"),
    # Stateless bedside advice (issue 11): nothing stored, no patient named.
    path("advice/ciwa-ar/", api.CiwaAdviceApi.as_view(), name="api-advice-ciwa-ar"),
    path("advice/<slug:code>/", api.OpioidAdviceApi.as_view(), name="api-advice-opioid"),
    path(
        "episodes/<int:episode_id>/assessments/",
        api.EpisodeAssessmentsApi.as_view(),
        name="api-episode-assessments",
    ),
    path(
        "assessments/<int:assessment_id>/",
        api.AssessmentDetailApi.as_view(),
        name="api-assessment-detail",
    ),
    path(
        "assessments/<int:assessment_id>/corrections/",
        api.AssessmentCorrectionsApi.as_view(),
        name="api-assessment-corrections",
    ),
    path(
        "episodes/<int:episode_id>/medications/",
        api.EpisodeMedicationsApi.as_view(),
        name="api-episode-medications",
    ),
    path(
        "medications/<int:administration_id>/corrections/",
        api.MedicationCorrectionsApi.as_view(),
        name="api-medication-corrections",
    ),
]
