"""``/api/v1/audits/`` and ``/api/v1/audit-samples/{id}/review/``: the monthly 10 % audit 每月抽查 (QA only).

POST ``{"period"}`` draws a month that is over (201) or answers the audit already drawn for it (200); a month not
over is a 400 naming ``period``. Other roles get 403 (the permission table gives them no audit).
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action

from aftersales.api.views import REFUSALS, NoContentNegotiation, ScopedWorkflowViewSet
from quality.api.serializers.audits import (
    AuditDrawInputSerializer,
    AuditSampleOrderInputSerializer,
    AuditSampleReviewInputSerializer,
    AuditSampleSerializer,
    MonthlyAuditDetailSerializer,
    MonthlyAuditSerializer,
)
from quality.models.audits import AuditSample, MonthlyAudit
from quality.selectors.audits import audit_get, audit_list, sample_get, sample_list
from quality.services.audits import audit_draw, audit_report_request, auditsample_open_order, auditsample_review


@extend_schema_view(
    list=extend_schema(summary="List monthly audits, newest month first (QA)"),
    retrieve=extend_schema(summary="A monthly audit with its samples (QA)"),
)
class MonthlyAuditViewSet(ScopedWorkflowViewSet):
    selector = staticmethod(audit_list)
    getter = staticmethod(audit_get)
    serializer_class = MonthlyAuditSerializer
    detail_serializer_class = MonthlyAuditDetailSerializer
    cursor_ordering = "-period"
    queryset_model = MonthlyAudit

    @extend_schema(
        summary="Draw the audit of a month that is over (201 drawn, 200 already drawn: the same samples)",
        request=AuditDrawInputSerializer,
        responses={201: MonthlyAuditDetailSerializer, 200: MonthlyAuditDetailSerializer, **REFUSALS},
    )
    def create(self, request, *args, **kwargs):
        data = self.read_input(AuditDrawInputSerializer)
        audit, created = audit_draw(period=data["period"], user=request.user)
        return self.detail_response(audit.pk, status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Render the audit report's PDF again from the reviews as they are now (in a task)",
        request=None,
        responses={202: MonthlyAuditDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="report")
    def report(self, request, pk=None):
        audit = audit_report_request(audit=self.get_object(), user=request.user)
        return self.detail_response(audit.pk, status_code=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Download the audit report (PDF), once rendered",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), 404: REFUSALS[404]},
    )
    @action(detail=True, methods=["get"], url_path="pdf", content_negotiation_class=NoContentNegotiation)
    def pdf(self, request, pk=None):
        audit = self.get_object()
        if not audit.report_pdf:
            raise Http404
        return FileResponse(audit.report_pdf.open("rb"), content_type="application/pdf",
                            filename=f"monthly-audit-{audit.period:%Y-%m}.pdf")  # fmt: skip

    @extend_schema(
        summary="Download the audit report (XLSX): samples and the scores by agent, technician and store",
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
            OpenApiTypes.BINARY), 404: REFUSALS[404]},
    )  # fmt: skip
    @action(detail=True, methods=["get"], url_path="xlsx", content_negotiation_class=NoContentNegotiation)
    def xlsx(self, request, pk=None):
        from quality.views.audits import audit_xlsx_response

        return audit_xlsx_response(self.get_object())


@extend_schema_view(
    list=extend_schema(summary="List audit samples (QA)"),
    retrieve=extend_schema(summary="An audit sample and its review (QA)"),
)
class AuditSampleViewSet(ScopedWorkflowViewSet):
    selector = staticmethod(sample_list)
    getter = staticmethod(sample_get)
    serializer_class = AuditSampleSerializer
    queryset_model = AuditSample

    @extend_schema(
        summary="Review a sample against the checklist with a score (0-100) and findings",
        request=AuditSampleReviewInputSerializer,
        responses={200: AuditSampleSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="review")
    def review(self, request, pk=None):
        sample = self.get_object()
        data = self.read_input(AuditSampleReviewInputSerializer)
        auditsample_review(sample=sample, user=request.user, **data)
        return self.detail_response(sample.pk)

    @extend_schema(
        summary="Open a rectification order from the sample's findings (prefilled; once per sample)",
        request=AuditSampleOrderInputSerializer,
        responses={200: AuditSampleSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="open-order")
    def open_order(self, request, pk=None):
        sample = self.get_object()
        data = self.read_input(AuditSampleOrderInputSerializer)
        auditsample_open_order(sample=sample, user=request.user, **data)
        return self.detail_response(sample.pk)
