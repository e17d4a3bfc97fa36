from django.urls import URLPattern, URLResolver, path

from patients import level_api as api

urlpatterns: list[URLPattern | URLResolver] = [
    path("treatment-level/", api.TreatmentLevelView.as_view(), name="api-treatment-level"),
    path(
        "episodes/<int:pk>/treatment-level/",
        api.EpisodeTreatmentLevelView.as_view(),
        name="api-episode-treatment-level",
    ),
]
