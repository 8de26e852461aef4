"""Quality management's ``/api/v1/`` routes (``rectification-orders/``, ``audits/``, ``audit-samples/``), which
aftersales.api.urls gathers."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = []
