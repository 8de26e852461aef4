"""``/api/v1/reports/``: monthly report runs 月度报表 — list, detail, request a build, retry, download.

POST ``{"kind", "period"}`` queues a build (201) or answers the run already
requested for that kind and month (200). The detail has ``status``
(``queued``/``running``/``done``/``failed``), ``progress``, ``error``, the
links to ``pdf/`` and ``xlsx/`` and, once done, the ``figures`` cut to the
caller (the whole brand for the service center; a store's or supplier's own
figures otherwise, whose ``xlsx/`` is an XLSX of those figures and who get no
``pdf/``: the center's PDF shows every store and supplier).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.api.views import REFUSALS, NoContentNegotiation, ScopedReadOnlyViewSet
from reports.api.serializers import (
    ReportRunDetailSerializer,
    ReportRunRequestInputSerializer,
    ReportRunRetryInputSerializer,
    ReportRunSerializer,
)
from reports.filters import ReportRunFilter
from reports.models import ReportRun
from reports.selectors import reportrun_get, reportrun_list, reportrun_newest
from reports.services import reportrun_request, reportrun_retry


@extend_schema_view(
    list=extend_schema(summary="List monthly report runs, newest month first"),
    retrieve=extend_schema(summary="A report run: status, progress, download links and your figures"),
)
class ReportRunViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(reportrun_list)
    serializer_class = ReportRunSerializer
    filterset_class = ReportRunFilter
    cursor_ordering = "-id"
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self):
        return ReportRunDetailSerializer if self.action != "list" else ReportRunSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportRun.objects.none()
        # The list shows each period's newest version (an older one stays readable by its id).
        if self.action == "list":
            return reportrun_newest(self.request.user)
        return reportrun_list(self.request.user)

    def _detail(self, run, status_code=status.HTTP_200_OK) -> Response:
        run = reportrun_get(self.request.user, run.pk)
        return Response(ReportRunDetailSerializer(run, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(
        summary="Request a build of one report for one month (201 queued, 200 already requested)",
        request=ReportRunRequestInputSerializer,
        responses={201: ReportRunDetailSerializer, 200: ReportRunDetailSerializer, **REFUSALS},
    )
    def create(self, request, *args, **kwargs):
        serializer = ReportRunRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run, created = reportrun_request(**serializer.validated_data, user=request.user)
        return self._detail(run, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Build a failed run again (service center)",
        request=ReportRunRetryInputSerializer,
        responses={200: ReportRunDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="retry")
    def retry(self, request, pk=None):
        run = reportrun_retry(run=self.get_object(), user=request.user)
        return self._detail(run)

    def _download(self, request, fmt: str):
        from reports.views import run_download

        return run_download(request, self.get_object(), fmt)

    @extend_schema(
        summary="Download the report as PDF (service center)",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The stored PDF."),
            403: REFUSALS[403],
            404: REFUSALS[404],
        },
    )
    @action(detail=True, methods=["get"], url_path="pdf", content_negotiation_class=NoContentNegotiation)
    def pdf(self, request, pk=None):
        return self._download(request, "pdf")

    @extend_schema(
        summary="Download the report as XLSX (the center's file; your own figures for a store or supplier)",
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The workbook, one sheet per table."
            ),
            404: REFUSALS[404],
        },
    )
    @action(detail=True, methods=["get"], url_path="xlsx", content_negotiation_class=NoContentNegotiation)
    def xlsx(self, request, pk=None):
        return self._download(request, "xlsx")
