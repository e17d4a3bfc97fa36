from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from core import views

api_v1 = [
    path("", include("guidelines.api_urls")),
    path("", include("patients.api_urls")),
    path("", include("scoring.api_urls")),
    path("", include("patients.level_api_urls")),
    path("", include("plans.api_urls")),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("start/administrator/", account_views.start_administrator, name="start-administrator"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", account_views.PasswordChange.as_view(), name="password-change"),
    path("account/api-token/", account_views.api_token, name="api-token"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("guidelines/", include("guidelines.urls")),
    path("patients/", include("patients.urls")),
    path("ward/", include("scoring.urls")),
    path("plans/", include("plans.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("fhir/R4/", include("interop.urls")),
    path("", include("interop.cds_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
