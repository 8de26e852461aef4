"""``/api/v1/chargebacks/``: chargeback statements 扣款单 (api-contract.md).

Reads through the selectors (out of scope, or a draft for a party, is 404); ``build`` and every
transition go through ``reports.services.chargebacks`` and answer in ``aftersales.fsm``'s order:
409 wrong state, 403 wrong person, 400 bad input. ``/pdf/`` and ``/xlsx/`` serve the documents stored at
issue, byte for byte; a draft has no documents yet and answers 409 (finance reads a draft on its page).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse

from aftersales.api.fields import MAX_ID, AvailableTransitionsMixin
from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from cases.api.views import REFUSALS, NoContentNegotiation, ScopedWorkflowViewSet, transition_schema
from reports import permissions
from reports.choices import ChargebackLineKind, PartyType, StatementState
from reports.filters.chargebacks import ChargebackFilter
from reports.models import ChargebackLine, ChargebackStatement
from reports.periods import parse_period
from reports.selectors.chargebacks import chargeback_get, chargeback_list
from reports.services import chargebacks as services

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ChargebackLineSerializer(serializers.ModelSerializer):
    """A line: what was charged (kind, the Return's id or null), its production year 生产年份 and amount."""

    kind = serializers.ChoiceField(choices=ChargebackLineKind.choices, read_only=True)
    # Renamed from the model's ``return_item`` (``return`` is a Python keyword, the contract's name).
    return_item = serializers.IntegerField(source="return_item_id", read_only=True, allow_null=True, max_value=MAX_ID)
    shipment = serializers.IntegerField(source="shipment_id", read_only=True, allow_null=True, max_value=MAX_ID)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True, read_only=True)
    built_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True, read_only=True, allow_null=True
    )

    class Meta:
        model = ChargebackLine
        fields = [
            "id",
            "kind",
            "return_item",
            "shipment",
            "description",
            "style_no",
            "production_year",
            "amount",
            "built_amount",
            "adjustment_reason",
        ]
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        # The contract's name; ``return`` cannot be a class attribute.
        fields["return"] = fields.pop("return_item")
        return fields


class ChargebackStatementSerializer(AvailableTransitionsMixin, serializers.ModelSerializer):
    """A statement as list rows show it: number and version, period, party, state, total, checksums, links."""

    period = serializers.SerializerMethodField()
    party = serializers.SerializerMethodField()
    party_name = serializers.CharField(read_only=True)
    total = serializers.DecimalField(read_only=True, **MONEY)
    previous = serializers.IntegerField(source="previous_id", read_only=True, allow_null=True, max_value=MAX_ID)
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = ChargebackStatement
        fields = [
            "id",
            "number",
            "version",
            "previous",
            "period",
            "party_type",
            "party",
            "party_name",
            "state",
            "total",
            "issued_at",
            "pdf_sha256",
            "xlsx_sha256",
            "pdf_url",
            "xlsx_url",
            "answered_at",
            "dispute_reason",
            "settled_at",
            "settlement_reference",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_period(self, obj) -> str:
        return obj.period_label

    def get_party(self, obj) -> str | None:
        """The supplier's or store's code; null for HQ."""
        if obj.party_type == PartyType.SUPPLIER:
            return obj.supplier.code
        if obj.party_type == PartyType.STORE:
            return obj.store.code
        return None

    def _url(self, obj, name: str) -> str | None:
        if obj.state == StatementState.DRAFT:
            return None
        return reverse(f"chargeback-{name}", args=[obj.pk], request=self.context.get("request"))

    def get_pdf_url(self, obj) -> str | None:
        return self._url(obj, "pdf")

    def get_xlsx_url(self, obj) -> str | None:
        return self._url(obj, "xlsx")

    def get_available_transitions(self, obj) -> list[str]:
        names = super().get_available_transitions(obj)
        if services.may_revise(obj, self.context["request"].user):
            names.append("revise")
        return names


class ChargebackStatementDetailSerializer(ChargebackStatementSerializer):
    lines = ChargebackLineSerializer(many=True, read_only=True)

    class Meta(ChargebackStatementSerializer.Meta):
        fields = [*ChargebackStatementSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class ChargebackBuildInputSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=7, help_text="The month as YYYY-MM.")

    def validate_period(self, value):
        try:
            return parse_period(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class ChargebackBuildResultSerializer(serializers.Serializer):
    period = serializers.CharField()
    results = ChargebackStatementSerializer(many=True)


class ChargebackEmptyInputSerializer(serializers.Serializer):
    """No arguments."""


class ChargebackDisputeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ChargebackSettleInputSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100)


FILE_RESPONSES = {
    (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The stored document."),
    401: REFUSALS[401],
    404: REFUSALS[404],
    409: OpenApiResponse(description="A draft has no documents yet (they are stored when it is issued)."),
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
        ChargebackEmptyInputSerializer, ChargebackStatementDetailSerializer, "Issue: store the PDF and XLSX (finance)"
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

    def _download(self, field: str, content_type: str):
        statement = self.get_object()
        stored = getattr(statement, field)
        if statement.state == StatementState.DRAFT or not stored:
            raise TransitionStateConflict(_("A draft has no documents yet; they are stored when it is issued."))
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
