"""Quality management's ``/api/v1/`` routes (``rectification-orders/``, ``audits/``, ``audit-samples/``), which
aftersales.api.urls gathers."""

from rest_framework.routers import SimpleRouter

from quality.api.views.audits import AuditSampleViewSet, MonthlyAuditViewSet
from quality.api.views.orders import RectificationOrderViewSet

router = SimpleRouter()
router.register("rectification-orders", RectificationOrderViewSet, basename="rectificationorder")
router.register("audits", MonthlyAuditViewSet, basename="monthlyaudit")
router.register("audit-samples", AuditSampleViewSet, basename="auditsample")

urlpatterns = []
