"""Ward pages, mounted at ``/ward/``."""

from django.urls import URLPattern, URLResolver, path

from scoring import views, ward_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ward_board, name="ward-board"),
    path("board/rows/", views.ward_board_rows, name="ward-board-rows"),
    path("handover/", ward_views.ward_handover, name="ward-handover"),
    path("episodes/<int:episode_id>/room/", ward_views.episode_room_bed, name="episode-room-bed"),
    path("episodes/<int:episode_id>/", views.episode_scores, name="episode-scores"),
    path(
        "episodes/<int:episode_id>/score/<slug:code>/",
        views.assessment_create,
        name="assessment-create",
    ),
    path("episodes/<int:episode_id>/monitoring/", views.monitoring_set, name="episode-monitoring"),
    path(
        "episodes/<int:episode_id>/medications/",
        views.administration_create,
        name="administration-create",
    ),
    path("episodes/<int:episode_id>/screening/", views.screening_index, name="screening-index"),
    path(
        "episodes/<int:episode_id>/screening/<slug:code>/",
        views.screening_create,
        name="screening-create",
    ),
    path(
        "episodes/<int:episode_id>/medication/",
        views.ward_medication,
        name="ward-medication",
    ),
    path(
        "episodes/<int:episode_id>/medication/record/",
        views.ward_medication_record,
        name="ward-medication-record",
    ),
    path(
        "planned-doses/<int:record_id>/correct/",
        views.planned_dose_correct_view,
        name="planned-dose-correct",
    ),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment-detail"),
    path(
        "assessments/<int:assessment_id>/correct/",
        views.assessment_correct_view,
        name="assessment-correct",
    ),
    path(
        "medications/<int:administration_id>/correct/",
        views.administration_correct_view,
        name="administration-correct",
    ),
]
