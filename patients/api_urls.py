from django.urls import URLPattern, URLResolver, path

from patients import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("patients/", api.PatientListCreateView.as_view(), name="api-patient-list"),
    path("patients/<int:pk>/", api.PatientDetailView.as_view(), name="api-patient-detail"),
    path("episodes/", api.EpisodeListCreateView.as_view(), name="api-episode-list"),
    path("episodes/<int:pk>/", api.EpisodeDetailView.as_view(), name="api-episode-detail"),
]
