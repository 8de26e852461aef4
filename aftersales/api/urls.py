"""The ``/api/v1/`` router: every app's viewsets, registered in one place."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from aftersales.api.notifications import NotificationViewSet
from aftersales.api.views import TokenObtainView
from cases.api.views import ReturnAttachmentFileView, ReturnViewSet, ShipmentViewSet
from chargebacks.api.views import ChargebackStatementViewSet
from inspection.api.views import InspectionReportViewSet
from recalls.api.views import RecallAttachmentFileView, RecallCandidateView, RecallNoticeViewSet, RecallViewSet
from repairs.api.views import RepairTicketViewSet, SparePartViewSet, StockMovementViewSet
from reports.api.views import ReportRunViewSet
from stores.api.views import RegionViewSet, StoreViewSet
from suppliers.api.views import CategoryViewSet, DefectCodeViewSet, StyleViewSet, SupplierViewSet
from writeoffs.api.views import LossReportViewSet, WriteOffListViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("stores", StoreViewSet, basename="store")
router.register("suppliers", SupplierViewSet, basename="supplier")
router.register("categories", CategoryViewSet, basename="category")
router.register("styles", StyleViewSet, basename="style")
router.register("defect-codes", DefectCodeViewSet, basename="defectcode")
router.register("spare-parts", SparePartViewSet, basename="sparepart")
router.register("returns", ReturnViewSet, basename="return")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("shipments", ShipmentViewSet, basename="shipment")
router.register("recalls", RecallViewSet, basename="recall")
router.register("recall-notices", RecallNoticeViewSet, basename="recallnotice")
router.register("inspections", InspectionReportViewSet, basename="inspectionreport")
router.register("repair-tickets", RepairTicketViewSet, basename="repairticket")
router.register("stock-movements", StockMovementViewSet, basename="stockmovement")
router.register("reports", ReportRunViewSet, basename="reportrun")
router.register("chargebacks", ChargebackStatementViewSet, basename="chargeback")
router.register("writeoff-lists", WriteOffListViewSet, basename="writeofflist")
router.register("loss-reports", LossReportViewSet, basename="lossreport")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="auth_token"),
    # Scope-checked download of a Return's photo or PDF (the UI's <img> tags use it too, with the session).
    path(
        "returns/<int:return_pk>/attachments/<int:pk>/file/",
        ReturnAttachmentFileView.as_view(),
        name="return-attachment-file",
    ),
    path("recall-candidates/", RecallCandidateView.as_view(), name="recall-candidates"),
    path(
        "recalls/<int:recall_pk>/attachments/<int:pk>/file/",
        RecallAttachmentFileView.as_view(),
        name="recall-attachment-file",
    ),
    path("", include(router.urls)),
]
