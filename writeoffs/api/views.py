"""``/api/v1/writeoff-lists/`` and ``/api/v1/loss-reports/`` (api-contract.md).

POST ``{"period": "YYYY-MM"}`` builds the month's write-off list 报废清单 or
answers the existing one (201 vs 200). Transitions ``submit``, ``confirm``,
``approve``, ``reject``, ``record_destruction`` and the line removal
``remove_line`` are explicit actions: input serializer → service → the
list's detail. Loss reports 报损单 are read and signed (``acknowledge``) by
their party. ``/pdf/`` and ``/xlsx/`` render the document on demand, for
whoever may see it (404 for anyone else).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser

from aftersales.api.parsers import JSONParser
from aftersales.api.views import REFUSALS, ScopedWorkflowViewSet, transition_schema
from aftersales.exports import XLSX_CONTENT_TYPE
from aftersales.fsm import TransitionForbidden
from writeoffs import services
from writeoffs.api.serializers import (
    LossReportAcknowledgeInputSerializer,
    LossReportDetailSerializer,
    LossReportDisputeInputSerializer,
    LossReportSerializer,
    WriteOffLineRemoveInputSerializer,
    WriteOffListApproveInputSerializer,
    WriteOffListBuildInputSerializer,
    WriteOffListConfirmInputSerializer,
    WriteOffListDetailSerializer,
    WriteOffListRecordDestructionInputSerializer,
    WriteOffListRejectInputSerializer,
    WriteOffListSerializer,
    WriteOffListSubmitInputSerializer,
)
from writeoffs.filters import LossReportFilter, WriteOffListFilter
from writeoffs.models import LossReport, WriteOffList
from writeoffs.permissions import is_technician
from writeoffs.selectors import lossreport_get, lossreport_list, writeofflist_get, writeofflist_list

PDF_CONTENT_TYPE = "application/pdf"


def document_download(document, fmt: str) -> HttpResponse:
    """The write-off list or loss report as PDF or XLSX, rendered now, named by its number."""
    if isinstance(document, WriteOffList):
        if fmt == "pdf":
            from writeoffs.documents import writeofflist_pdf as render
        else:
            from writeoffs.documents import writeofflist_xlsx as render
    elif fmt == "pdf":
        from writeoffs.documents import lossreport_pdf as render
    else:
        from writeoffs.documents import lossreport_xlsx as render
    content = render(document)
    response = HttpResponse(content, content_type=PDF_CONTENT_TYPE if fmt == "pdf" else XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{document.number}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


DOWNLOAD_RESPONSES = {
    (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The document."),
    401: REFUSALS[401],
    403: REFUSALS[403],
    404: REFUSALS[404],
}


@extend_schema_view(
    list=extend_schema(summary="List write-off lists 报废清单, newest month first"),
    retrieve=extend_schema(summary="A write-off list with its units, approvals and the transitions you may fire"),
)
class WriteOffListViewSet(ScopedWorkflowViewSet):
    """Monthly write-off lists 报废清单: built and submitted by technicians, confirmed by logistics, approved by
    the production VP, closed by the destruction record."""

    selector = staticmethod(writeofflist_list)
    getter = staticmethod(writeofflist_get)
    serializer_class = WriteOffListSerializer
    detail_serializer_class = WriteOffListDetailSerializer
    filterset_class = WriteOffListFilter
    queryset_model = WriteOffList
    cursor_ordering = "-period"

    @extend_schema(
        summary="Build the month's draft, or answer the existing list (201 when built, 200 when it existed)",
        request=WriteOffListBuildInputSerializer,
        responses={
            201: WriteOffListDetailSerializer,
            200: WriteOffListDetailSerializer,
            **{code: REFUSALS[code] for code in (400, 401, 403)},
        },
    )
    def create(self, request, *args, **kwargs):
        if not is_technician(None, request.user):
            raise TransitionForbidden(
                _("Only the service center's technicians build the write-off list."), transition="build"
            )
        data = self.read_input(WriteOffListBuildInputSerializer)
        writeoff_list, created = services.writeofflist_build(period=data["period"], user=request.user)
        return self.detail_response(
            writeoff_list.pk, status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @transition_schema(WriteOffListSubmitInputSerializer, WriteOffListDetailSerializer, "Submit the draft (technician)")
    @action(detail=True, methods=["post"], url_path="submit")
    def submit(self, request, pk=None):
        obj = self.get_object()
        self.read_input(WriteOffListSubmitInputSerializer, obj, transition="submit")
        services.writeofflist_submit(writeoff_list=obj, user=request.user)
        return self.detail_response(obj.pk)

    @transition_schema(
        WriteOffListConfirmInputSerializer,
        WriteOffListDetailSerializer,
        "Confirm 确认 the submitted list (a logistics manager other than the submitter)",
    )
    @action(detail=True, methods=["post"], url_path="confirm")
    def confirm(self, request, pk=None):
        obj = self.get_object()
        self.read_input(WriteOffListConfirmInputSerializer, obj, transition="confirm")
        services.writeofflist_confirm(writeoff_list=obj, user=request.user)
        return self.detail_response(obj.pk)

    @transition_schema(
        WriteOffListApproveInputSerializer,
        WriteOffListDetailSerializer,
        "Approve 审批 the confirmed list: every unit is written off, all or none, and loss reports are issued "
        "(a production VP who neither submitted nor confirmed it)",
    )
    @action(detail=True, methods=["post"], url_path="approve")
    def approve(self, request, pk=None):
        obj = self.get_object()
        self.read_input(WriteOffListApproveInputSerializer, obj, transition="approve")
        services.writeofflist_approve(writeoff_list=obj, user=request.user)
        return self.detail_response(obj.pk)

    @transition_schema(
        WriteOffListRejectInputSerializer,
        WriteOffListDetailSerializer,
        "Send the list back to draft with a reason (whoever holds the approval it waits for)",
    )
    @action(detail=True, methods=["post"], url_path="reject")
    def reject(self, request, pk=None):
        obj = self.get_object()
        data = self.read_input(WriteOffListRejectInputSerializer, obj, transition="reject")
        services.writeofflist_reject(writeoff_list=obj, user=request.user, reason=data["reason"])
        return self.detail_response(obj.pk)

    @transition_schema(
        WriteOffListRecordDestructionInputSerializer,
        WriteOffListDetailSerializer,
        "Record the destruction 销毁记录 of the approved list, with optional photos (technician)",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="record_destruction",
        parser_classes=[JSONParser, MultiPartParser, FormParser],
    )
    def record_destruction(self, request, pk=None):
        from django.conf import settings

        obj = self.get_object()
        data = self.read_input(WriteOffListRecordDestructionInputSerializer, obj, transition="record_destruction")
        limit = settings.AFTERSALES_MAX_UPLOAD_BYTES
        # One byte over the limit is enough for the service to refuse; the rest is never read into memory.
        photos = [(upload.name or "", upload.read(limit + 1)) for upload in data["photos"]]
        services.writeofflist_record_destruction(
            writeoff_list=obj,
            user=request.user,
            destroyed_on=data["destroyed_on"],
            method=data["method"],
            warehouse_person=data["warehouse_person"],
            witness=data["witness"],
            photos=photos,
        )
        return self.detail_response(obj.pk)

    @transition_schema(
        WriteOffLineRemoveInputSerializer,
        WriteOffListDetailSerializer,
        "Take a unit off the draft with a reason; it waits for next month's list (technician)",
    )
    @action(detail=True, methods=["post"], url_path="remove_line")
    def remove_line(self, request, pk=None):
        obj = self.get_object()
        data = self.read_input(
            WriteOffLineRemoveInputSerializer,
            refuse=lambda: services.writeoffline_remove_refusal(writeoff_list=obj, user=request.user),
        )
        line = next((line for line in obj.lines.all() if line.pk == data["line"]), None)
        if line is None:
            services.writeoffline_remove_refusal(writeoff_list=obj, user=request.user)
            raise serializers.ValidationError({"line": [_("That line is not on this list.")]})
        services.writeoffline_remove(line=line, user=request.user, reason=data["reason"])
        return self.detail_response(obj.pk)

    @extend_schema(summary="The list as PDF (rendered now)", responses=DOWNLOAD_RESPONSES)
    @action(detail=True, methods=["get"], url_path="pdf", filterset_class=None)
    def pdf(self, request, pk=None):
        return document_download(self.get_object(), "pdf")

    @extend_schema(summary="The list as XLSX (rendered now)", responses=DOWNLOAD_RESPONSES)
    @action(detail=True, methods=["get"], url_path="xlsx", filterset_class=None)
    def xlsx(self, request, pk=None):
        return document_download(self.get_object(), "xlsx")


@extend_schema_view(
    list=extend_schema(summary="List the loss reports 报损单 you may see (a supplier or store its own)"),
    retrieve=extend_schema(summary="A loss report with its scrapped units"),
)
class LossReportViewSet(ScopedWorkflowViewSet):
    """Loss reports 报损单: one per responsible supplier or store of an approved write-off list, signed by it."""

    selector = staticmethod(lossreport_list)
    getter = staticmethod(lossreport_get)
    serializer_class = LossReportSerializer
    detail_serializer_class = LossReportDetailSerializer
    filterset_class = LossReportFilter
    queryset_model = LossReport
    cursor_ordering = "-id"

    @transition_schema(
        LossReportAcknowledgeInputSerializer, LossReportDetailSerializer, "Sign 签收 the loss report (its party)"
    )
    @action(detail=True, methods=["post"], url_path="acknowledge")
    def acknowledge(self, request, pk=None):
        obj = self.get_object()
        self.read_input(LossReportAcknowledgeInputSerializer, obj, transition="acknowledge")
        services.lossreport_acknowledge(loss_report=obj, user=request.user)
        return self.detail_response(obj.pk)

    @transition_schema(
        LossReportDisputeInputSerializer, LossReportDetailSerializer, "Dispute 异议 with a reason instead of signing"
    )
    @action(detail=True, methods=["post"], url_path="dispute")
    def dispute(self, request, pk=None):
        obj = self.get_object()
        data = self.read_input(LossReportDisputeInputSerializer, obj, transition="dispute")
        services.lossreport_dispute(loss_report=obj, user=request.user, reason=data["reason"])
        return self.detail_response(obj.pk)

    @extend_schema(summary="The loss report as PDF (rendered now)", responses=DOWNLOAD_RESPONSES)
    @action(detail=True, methods=["get"], url_path="pdf", filterset_class=None)
    def pdf(self, request, pk=None):
        return document_download(self.get_object(), "pdf")

    @extend_schema(summary="The loss report as XLSX (rendered now)", responses=DOWNLOAD_RESPONSES)
    @action(detail=True, methods=["get"], url_path="xlsx", filterset_class=None)
    def xlsx(self, request, pk=None):
        return document_download(self.get_object(), "xlsx")
