"""``/api/v1/chargebacks/``: chargeback statements 扣款单 (api-contract.md).

Reads through the selectors (out of scope, or a draft for a party, is 404); ``build`` and every
transition go through ``chargebacks.services`` and answer in ``aftersales.fsm``'s order:
409 wrong state, 403 wrong person, 400 bad input. ``/pdf/`` and ``/xlsx/`` serve the documents a task
rendered after issue, byte for byte; before they are stored (a draft; documents queued, being made or
failed: ``documents_status``) they answer 409 saying which (finance reads a draft on its page).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.api.views import REFUSALS, NoContentNegotiation, ScopedWorkflowViewSet, transition_schema
from aftersales.exports import XLSX_CONTENT_TYPE
from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from chargebacks import permissions, services
from chargebacks.api.serializers import (
    ChargebackBuildInputSerializer,
    ChargebackBuildResultSerializer,
    ChargebackDisputeInputSerializer,
    ChargebackEmptyInputSerializer,
    ChargebackSettleInputSerializer,
    ChargebackStatementDetailSerializer,
    ChargebackStatementSerializer,
)
from chargebacks.filters import ChargebackFilter
from chargebacks.models import ChargebackStatement
from chargebacks.selectors import chargeback_get, chargeback_list

FILE_RESPONSES = {
    (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The stored document."),
    401: REFUSALS[401],
    404: REFUSALS[404],
    409: OpenApiResponse(
        description="No documents yet: a draft, or an issued statement whose documents are still being made (or "
        "whose render failed; see `documents_status`)."
    ),
}


@extend_schema_view(
    list=extend_schema(summary="List chargeback statements 扣款单 within your scope, newest month first"),
    retrieve=extend_schema(summary="A chargeback statement with its lines and the transitions you may fire"),
)
class ChargebackStatementViewSet(ScopedWorkflowViewSet):
    """Chargeback statements 扣款单: built monthly per party, issued by finance, answered by the party."""

    selector = staticmethod(chargeback_list)
    getter = staticmethod(chargeback_get)
    serializer_class = ChargebackStatementSerializer
    detail_serializer_class = ChargebackStatementDetailSerializer
    filterset_class = ChargebackFilter
    queryset_model = ChargebackStatement
    cursor_ordering = "-id"

    @extend_schema(
        summary="Build the month's draft statements (finance; idempotent)",
        request=ChargebackBuildInputSerializer,
        responses={200: ChargebackBuildResultSerializer, **{code: REFUSALS[code] for code in (400, 401, 403)}},
    )
    @action(detail=False, methods=["post"], url_path="build", filterset_class=None, pagination_class=None)
    def build(self, request):
        if not permissions.is_finance(None, request.user):
            raise TransitionForbidden(_("Only finance builds chargeback statements."), transition="build")
        data = self.read_input(ChargebackBuildInputSerializer)
        try:
            drafts = services.chargeback_build(period=data["period"], user=request.user)
        except DjangoValidationError as error:
            return Response({"period": error.messages}, status=status.HTTP_400_BAD_REQUEST)
        rows = self.get_queryset().filter(pk__in=[draft.pk for draft in drafts]).order_by("party_type", "party_key")
        context = self.get_serializer_context()
        return Response(
            {
                "period": f"{data['period']:%Y-%m}",
                "results": ChargebackStatementSerializer(rows, many=True, context=context).data,
            }
        )

    @transition_schema(
        ChargebackEmptyInputSerializer,
        ChargebackStatementDetailSerializer,
        "Issue: freeze the lines and total; the PDF and XLSX are made by a task (finance)",
    )
    @action(detail=True, methods=["post"], url_path="issue")
    def issue(self, request, pk=None):
        statement = self.get_object()
        self.read_input(ChargebackEmptyInputSerializer, statement, transition="issue")
        services.chargeback_issue(statement=statement, user=request.user)
        return self.detail_response(statement.pk)

    @transition_schema(ChargebackEmptyInputSerializer, ChargebackStatementDetailSerializer, "Acknowledge (the party)")
    @action(detail=True, methods=["post"], url_path="acknowledge")
    def acknowledge(self, request, pk=None):
        statement = self.get_object()
        self.read_input(ChargebackEmptyInputSerializer, statement, transition="acknowledge")
        services.chargeback_acknowledge(statement=statement, user=request.user)
        return self.detail_response(statement.pk)

    @transition_schema(
        ChargebackDisputeInputSerializer, ChargebackStatementDetailSerializer, "Dispute with a reason (the party)"
    )
    @action(detail=True, methods=["post"], url_path="dispute")
    def dispute(self, request, pk=None):
        statement = self.get_object()
        data = self.read_input(ChargebackDisputeInputSerializer, statement, transition="dispute")
        services.chargeback_dispute(statement=statement, user=request.user, reason=data["reason"])
        return self.detail_response(statement.pk)

    @transition_schema(
        ChargebackSettleInputSerializer, ChargebackStatementDetailSerializer, "Record the deduction (finance)"
    )
    @action(detail=True, methods=["post"], url_path="settle")
    def settle(self, request, pk=None):
        statement = self.get_object()
        data = self.read_input(ChargebackSettleInputSerializer, statement, transition="settle")
        services.chargeback_settle(statement=statement, user=request.user, reference=data["reference"])
        return self.detail_response(statement.pk)

    @extend_schema(
        summary="Revise a disputed statement as a new draft version (finance); answers the new version",
        request=ChargebackEmptyInputSerializer,
        responses={201: ChargebackStatementDetailSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="revise")
    def revise(self, request, pk=None):
        statement = self.get_object()
        revision = services.chargeback_revise(statement=statement, user=request.user)
        return self.detail_response(revision.pk, status_code=status.HTTP_201_CREATED)

    @transition_schema(
        ChargebackEmptyInputSerializer,
        ChargebackStatementDetailSerializer,
        "Make the documents again after a failed render (finance or the service center)",
    )
    @action(detail=True, methods=["post"], url_path="retry_documents")
    def retry_documents(self, request, pk=None):
        statement = self.get_object()
        self.read_input(ChargebackEmptyInputSerializer, statement, transition="retry_documents")
        services.chargeback_documents_retry(statement=statement, user=request.user)
        return self.detail_response(statement.pk)

    def _download(self, field: str, content_type: str):
        statement = self.get_object()
        stored = getattr(statement, field)
        missing = services.documents_missing(statement)
        if missing:
            raise TransitionStateConflict(missing)
        try:
            handle = stored.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404 from error
        response = FileResponse(
            handle, content_type=content_type, as_attachment=True, filename=services.document_name(statement, field)
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["X-Checksum-SHA256"] = getattr(statement, f"{field}_sha256")
        return response

    @extend_schema(summary="The statement's stored PDF", responses=FILE_RESPONSES)
    @action(detail=True, methods=["get"], url_path="pdf", content_negotiation_class=NoContentNegotiation)
    def pdf(self, request, pk=None):
        return self._download("pdf", "application/pdf")

    @extend_schema(summary="The statement's stored XLSX", responses=FILE_RESPONSES)
    @action(detail=True, methods=["get"], url_path="xlsx", content_negotiation_class=NoContentNegotiation)
    def xlsx(self, request, pk=None):
        return self._download("xlsx", XLSX_CONTENT_TYPE)
