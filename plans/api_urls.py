"""The plan API (tapers, care plans), mounted at ``/api/v1/``."""

from django.urls import URLPattern, URLResolver, path

from plans import api as plan_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("tapers/", plan_api.TaperView.as_view(), name="api-tapers"),
    path(
        "episodes/<int:pk>/care-plans/",
        plan_api.EpisodeCarePlansView.as_view(),
        name="api-episode-care-plans",
    ),
    path(
        "care-plans/<int:pk>/", plan_api.CarePlanDetailView.as_view(), name="api-care-plan-detail"
    ),
    path("care-plans/<int:pk>/pdf/", plan_api.CarePlanPdfView.as_view(), name="api-care-plan-pdf"),
]
