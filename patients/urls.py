from django.urls import URLPattern, URLResolver, path

from patients import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.patient_list, name="patient-list"),
    path("new/", views.patient_create, name="patient-create"),
    path("new/check-number/", views.national_id_check, name="patient-national-id-check"),
    path("<int:pk>/", views.patient_detail, name="patient-detail"),
    path("<int:pk>/edit/", views.patient_edit, name="patient-edit"),
    path("<int:pk>/contacts/", views.contact_add, name="patient-contact-add"),
    path("<int:pk>/episodes/new/", views.episode_create, name="episode-create"),
    path("episodes/", views.episode_list, name="episode-list"),
    path("episodes/<int:pk>/", views.episode_detail, name="episode-detail"),
    path(
        "episodes/<int:pk>/<str:action>/confirm/",
        views.episode_transition,
        name="episode-transition",
    ),
    path("episodes/<int:pk>/intake/", views.intake_edit, name="intake-edit"),
    path("episodes/<int:pk>/decision/", views.episode_decision, name="episode-decision"),
    path("episodes/<int:pk>/history/", views.episode_history, name="episode-history"),
    path("access-log/", views.access_log, name="access-log"),
]
