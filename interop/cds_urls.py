"""CDS Hooks 2.0 at ``/cds-services`` (docs/interoperability.md)."""

from django.urls import path

from interop import cds

urlpatterns = [
    path("cds-services", cds.discovery, name="cds-discovery"),
    path("cds-services/<str:service_id>", cds.service, name="cds-service"),
]
