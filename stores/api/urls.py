"""The stores app's ``/api/v1/`` routes: its router and extra paths, which aftersales.api.urls gathers."""

from rest_framework.routers import SimpleRouter

from stores.api.views import DeliveryViewSet, RegionViewSet, StoreViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("stores", StoreViewSet, basename="store")
router.register("deliveries", DeliveryViewSet, basename="delivery")

urlpatterns = []
