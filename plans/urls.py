"""The episode's plan pages, mounted at ``/plans/``."""

from django.urls import URLPattern, URLResolver, path

from plans import views as plan_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("episodes/<int:pk>/medication/", plan_views.medication_plan, name="medication-plan"),
    path(
        "episodes/<int:pk>/medication/print/",
        plan_views.medication_plan_print,
        name="medication-plan-print",
    ),
    path(
        "episodes/<int:pk>/medication/versions/<int:version>/",
        plan_views.medication_plan_version,
        name="medication-plan-version",
    ),
    path(
        "episodes/<int:pk>/discharge/", plan_views.discharge_checklist, name="discharge-checklist"
    ),
    path("episodes/<int:pk>/care-plans/", plan_views.care_plans, name="care-plans"),
    path(
        "episodes/<int:pk>/care-plans/list/",
        plan_views.care_plans_list,
        name="care-plans-list",
    ),
    path(
        "care-plans/<int:care_plan_id>/pdf/",
        plan_views.care_plan_download,
        name="care-plan-download",
    ),
]
