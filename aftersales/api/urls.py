"""The ``/api/v1/`` router: every app's viewsets, registered in one place."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from aftersales.api.views import TokenObtainView
from inspection.api.views import DefectCodeViewSet
from repairs.api.views import SparePartViewSet
from stores.api.views import RegionViewSet, StoreViewSet
from suppliers.api.views import CategoryViewSet, StyleViewSet, SupplierViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("stores", StoreViewSet, basename="store")
router.register("suppliers", SupplierViewSet, basename="supplier")
router.register("categories", CategoryViewSet, basename="category")
router.register("styles", StyleViewSet, basename="style")
router.register("defect-codes", DefectCodeViewSet, basename="defectcode")
router.register("spare-parts", SparePartViewSet, basename="sparepart")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="auth_token"),
    path("", include(router.urls)),
]
