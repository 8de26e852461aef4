"""The service desk's ``/api/v1/`` routes: ``service-cases/`` and ``customers/``, which aftersales.api.urls gathers.

The contract's ``visits/``, ``compensations/`` and ``refunds/`` of a case are
the next issue's (on-site service and money): their app adds them here as
nested routes under ``service-cases/<id>/``.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from servicedesk.api.views import CustomerViewSet, ServiceCaseAttachmentFileView, ServiceCaseViewSet

router = SimpleRouter()
router.register("service-cases", ServiceCaseViewSet, basename="servicecase")
router.register("customers", CustomerViewSet, basename="customer")

urlpatterns = [
    path(
        "service-cases/<int:case_pk>/attachments/<int:pk>/file/",
        ServiceCaseAttachmentFileView.as_view(),
        name="servicecase-attachment-file",
    ),
]
