"""The suppliers app's ``/api/v1/`` routes: its router and extra paths, which aftersales.api.urls gathers."""

from rest_framework.routers import SimpleRouter

from suppliers.api.views import CategoryViewSet, DefectCodeViewSet, StyleViewSet, SupplierViewSet

router = SimpleRouter()
router.register("suppliers", SupplierViewSet, basename="supplier")
router.register("categories", CategoryViewSet, basename="category")
router.register("styles", StyleViewSet, basename="style")
router.register("defect-codes", DefectCodeViewSet, basename="defectcode")

urlpatterns = []
