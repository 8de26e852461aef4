"""The service desk's ``/api/v1/`` routes: ``service-cases/`` and ``customers/``, which aftersales.api.urls gathers.

The contract's ``visits/``, ``compensations/`` and ``refunds/`` of a case are
the next issue's (on-site service and money): their app adds them here as
nested routes under ``service-cases/<id>/``.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from servicedesk.api.views import CustomerViewSet, ServiceCaseAttachmentFileView, ServiceCaseViewSet
from servicedesk.api.views import money as money_views
from servicedesk.api.views import quality_forms as quality_form_views
from servicedesk.api.views import visits as visit_views

router = SimpleRouter()
router.register("service-cases", ServiceCaseViewSet, basename="servicecase")
router.register("customers", CustomerViewSet, basename="customer")
# Escalations 上报 of major incidents and safety cases (issue 15), acknowledged by QA and the production VP.
router.register("escalations", quality_form_views.EscalationViewSet, basename="escalation")

urlpatterns = [
    path(
        "service-cases/<int:case_pk>/attachments/<int:pk>/file/",
        ServiceCaseAttachmentFileView.as_view(),
        name="servicecase-attachment-file",
    ),
    # The quality information form 产品质量信息传递处置单 of a quality case (issue 15): one per case.
    path(
        "service-cases/<int:case_pk>/quality-form/",
        quality_form_views.QualityFormView.as_view(),
        name="servicecase-quality-form",
    ),
    path(
        "service-cases/<int:case_pk>/quality-form/approve/",
        quality_form_views.QualityFormApproveView.as_view(),
        name="servicecase-quality-form-approve",
    ),
    path(
        "service-cases/<int:case_pk>/quality-form/pdf/",
        quality_form_views.QualityFormPdfView.as_view(),
        name="servicecase-quality-form-pdf",
    ),
    # On-site service 现场服务 (issue 15): a case's visits, each visit's transitions and its two files.
    path(
        "service-cases/<int:case_pk>/visits/",
        visit_views.VisitViewSet.as_view({"get": "list", "post": "create"}),
        name="servicecase-visit-list",
    ),
    path(
        "service-cases/<int:case_pk>/visits/<int:pk>/",
        visit_views.VisitViewSet.as_view({"get": "retrieve"}),
        name="servicecase-visit-detail",
    ),
    *[
        path(
            f"service-cases/<int:case_pk>/visits/<int:pk>/{name}/",
            visit_views.VisitViewSet.as_view({"post": name}),
            name=f"servicecase-visit-{name}",
        )
        for name in ("arrive", "record_findings", "sign", "cancel")
    ],
    path(
        "service-cases/<int:case_pk>/visits/<int:pk>/signature/",
        visit_views.VisitSignatureFileView.as_view(),
        name="servicecase-visit-signature",
    ),
    path(
        "service-cases/<int:case_pk>/visits/<int:pk>/form/",
        visit_views.VisitFormFileView.as_view(),
        name="servicecase-visit-form",
    ),
    # Money at the desk (issue 15): a case's refunds, exchanges, freight and compensations, and its totals.
    path(
        "service-cases/<int:case_pk>/refunds/",
        money_views.RefundViewSet.as_view({"get": "list", "post": "create"}),
        name="servicecase-refund-list",
    ),
    path(
        "service-cases/<int:case_pk>/exchanges/",
        money_views.ExchangeViewSet.as_view({"get": "list", "post": "create"}),
        name="servicecase-exchange-list",
    ),
    path(
        "service-cases/<int:case_pk>/freight/",
        money_views.FreightViewSet.as_view({"get": "list", "post": "create"}),
        name="servicecase-freight-list",
    ),
    path(
        "service-cases/<int:case_pk>/compensations/",
        money_views.CompensationViewSet.as_view({"get": "list", "post": "create"}),
        name="servicecase-compensation-list",
    ),
    path(
        "service-cases/<int:case_pk>/compensations/<int:pk>/",
        money_views.CompensationViewSet.as_view({"get": "retrieve"}),
        name="servicecase-compensation-detail",
    ),
    *[
        path(
            f"service-cases/<int:case_pk>/compensations/<int:pk>/{name}/",
            money_views.CompensationViewSet.as_view({"post": name}),
            name=f"servicecase-compensation-{name}",
        )
        for name in ("approve", "reject", "give")
    ],
    path(
        "service-cases/<int:case_pk>/money/",
        money_views.CaseMoneyTotalsViewSet.as_view({"get": "totals"}),
        name="servicecase-money",
    ),
]
