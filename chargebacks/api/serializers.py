"""Serializers of ``/api/v1/chargebacks/`` (api-contract.md): statements as rows and with their lines, the build\x27s
input and result, and the input of each transition."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.reverse import reverse

from aftersales.api.fields import MAX_ID, AvailableTransitionsMixin
from aftersales.periods import parse_period
from chargebacks import services
from chargebacks.choices import ChargebackLineKind, DocumentsStatus, StatementState
from chargebacks.models import ChargebackLine, ChargebackStatement
from writeoffs.choices import PartyType

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


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
    documents_status = serializers.ChoiceField(
        choices=DocumentsStatus.choices,
        allow_blank=True,
        read_only=True,
        help_text="Blank on a draft; `queued` or `running` while the PDF and XLSX are made after issue, `done` "
        "once they are stored (then `pdf_sha256`, `xlsx_sha256` and the download links), `failed` when the "
        "render gave up (`documents_error`; finance may `retry_documents`).",
    )

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
            "documents_status",
            "documents_progress",
            "documents_attempts",
            "documents_error",
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
        """The download link, once the documents are stored (null on a draft and while they are being made)."""
        if obj.state == StatementState.DRAFT or not obj.documents_ready:
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
        if services.may_retry_documents(obj, self.context["request"].user):
            names.append("retry_documents")
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
