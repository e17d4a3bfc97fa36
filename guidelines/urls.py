from django.urls import path

from guidelines import views

urlpatterns = [
    path("", views.guideline_home, name="guideline-home"),
    path("grades/", views.grades, name="grades"),
    path("units/", views.detox_units, name="detox-units"),
    path("r/<str:ref>/", views.recommendation_detail, name="recommendation-detail"),
    path("r/<str:ref>/edit/", views.recommendation_edit, name="recommendation-edit"),
    path("r/<str:ref>/history/", views.recommendation_history, name="recommendation-history"),
]
