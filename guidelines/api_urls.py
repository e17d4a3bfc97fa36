from rest_framework.routers import SimpleRouter

from guidelines.api import DetoxUnitViewSet, RecommendationViewSet

# SimpleRouter: no API root view, which would clash with the other apps' routes at /api/v1/.
# Basenames start with "api-" so that "recommendation-detail" stays the page's URL name.
router = SimpleRouter()
router.register("recommendations", RecommendationViewSet, basename="api-recommendation")
router.register("detox-units", DetoxUnitViewSet, basename="api-detox-unit")

urlpatterns = router.urls
