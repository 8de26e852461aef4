"""The cases app's ``/api/v1/`` routes: its router and extra paths, which aftersales.api.urls gathers."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from cases.api.views import ReturnAttachmentFileView, ReturnViewSet, ShipmentViewSet

router = SimpleRouter()
router.register("returns", ReturnViewSet, basename="return")
router.register("shipments", ShipmentViewSet, basename="shipment")

urlpatterns = [
    # Scope-checked download of a Return's photo or PDF (the UI's <img> tags use it too, with the session).
    path(
        "returns/<int:return_pk>/attachments/<int:pk>/file/",
        ReturnAttachmentFileView.as_view(),
        name="return-attachment-file",
    ),
]
