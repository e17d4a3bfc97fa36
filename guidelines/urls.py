from django.urls import path

from guidelines import views

urlpatterns = [
    path("", views.guideline_home, name="guideline-home"),
]
