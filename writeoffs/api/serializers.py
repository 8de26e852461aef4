"""Serializers of ``/api/v1/writeoff-lists/`` and ``/api/v1/loss-reports/`` (api-contract.md): the documents as
rows and with their lines, and the input of each transition."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.api.fields import MAX_ID, AvailableTransitionsMixin
from aftersales.periods import parse_period, require_not_future
from writeoffs.choices import PartyType
from writeoffs.models import DestructionPhoto, LossReport, WriteOffLine, WriteOffList
from writeoffs.selectors import lossreport_lines

PDF_CONTENT_TYPE = "application/pdf"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MoneyField(serializers.DecimalField):
    """CNY as a decimal string with two places (``"1757.50"``)."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, coerce_to_string=True, read_only=True, **kwargs)


class PeriodLabelField(serializers.Field):
    """A period as the contract writes it: ``YYYY-MM``."""

    def to_representation(self, value: dt.date) -> str:
        return f"{value:%Y-%m}"


PeriodLabelField = extend_schema_field(OpenApiTypes.STR)(PeriodLabelField)


class WriteOffLineSerializer(serializers.ModelSerializer):
    """One unit on the list, with what was copied at build time."""

    return_id = serializers.IntegerField(source="return_item_id", read_only=True, min_value=1, max_value=MAX_ID)
    number = serializers.CharField(source="return_item.number", read_only=True)
    style = serializers.CharField(source="style_no", read_only=True)
    unit_cost = MoneyField()
    store = serializers.CharField(source="store.code", read_only=True)
    party = serializers.SerializerMethodField()
    removed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = WriteOffLine
        fields = [
            "id",
            "return_id",
            "number",
            "style",
            "production_year",
            "unit_cost",
            "responsibility",
            "party",
            "store",
            "removed_at",
            "removed_by",
            "removal_reason",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_party(self, line) -> str | None:
        """The code of the supplier or store charged for the unit; null for HQ or the customer."""
        if line.responsibility == PartyType.SUPPLIER and line.supplier_id:
            return line.supplier.code
        if line.responsibility == PartyType.STORE:
            return line.store.code
        return None


class ApprovalSerializer(serializers.Serializer):
    step = serializers.CharField()
    by = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField(allow_null=True)


class DestructionPhotoSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = DestructionPhoto
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


class LossReportSummarySerializer(serializers.ModelSerializer):
    party = serializers.SerializerMethodField()
    total = MoneyField(source="total_cost")

    class Meta:
        model = LossReport
        fields = ["id", "number", "party_type", "party", "state", "total"]

    def get_party(self, report) -> str:
        return report.supplier.code if report.party_type == PartyType.SUPPLIER else report.store.code


class WriteOffListSerializer(AvailableTransitionsMixin, serializers.ModelSerializer):
    """A write-off list as a list row shows it."""

    period = PeriodLabelField(read_only=True)
    total = MoneyField(source="total_cost")
    unit_count = serializers.IntegerField(read_only=True, min_value=0, max_value=MAX_ID)

    class Meta:
        model = WriteOffList
        fields = ["id", "number", "period", "state", "total", "unit_count", "available_transitions"]


class WriteOffListDetailSerializer(WriteOffListSerializer):
    """A write-off list with its units, approvals, destruction record and loss reports."""

    lines = serializers.SerializerMethodField()
    removed_lines = serializers.SerializerMethodField()
    approvals = serializers.SerializerMethodField()
    destruction = serializers.SerializerMethodField()
    loss_reports = LossReportSummarySerializer(many=True, read_only=True)

    class Meta(WriteOffListSerializer.Meta):
        fields = [
            *WriteOffListSerializer.Meta.fields,
            "rejection_reason",
            "lines",
            "removed_lines",
            "approvals",
            "destruction",
            "loss_reports",
        ]

    @extend_schema_field(WriteOffLineSerializer(many=True))
    def get_lines(self, obj):
        return WriteOffLineSerializer([line for line in obj.lines.all() if line.removed_at is None], many=True).data

    @extend_schema_field(WriteOffLineSerializer(many=True))
    def get_removed_lines(self, obj):
        return WriteOffLineSerializer([line for line in obj.lines.all() if line.removed_at], many=True).data

    @extend_schema_field(ApprovalSerializer(many=True))
    def get_approvals(self, obj):
        steps = [
            ("submitted", obj.submitted_by, obj.submitted_at),
            ("confirmed", obj.confirmed_by, obj.confirmed_at),
            ("approved", obj.approved_by, obj.approved_at),
        ]
        rows = [{"step": step, "by": by.username if by else None, "at": at} for step, by, at in steps if at]
        return ApprovalSerializer(rows, many=True).data

    @extend_schema_field(
        serializers.DictField(allow_null=True, help_text="destroyed_on, method, warehouse_person, witness, photos")
    )
    def get_destruction(self, obj):
        if obj.destroyed_on is None:
            return None
        return {
            "destroyed_on": obj.destroyed_on.isoformat(),
            "method": obj.destruction_method,
            "warehouse_person": obj.warehouse_person,
            "witness": obj.witness,
            "recorded_by": obj.destruction_recorded_by.username if obj.destruction_recorded_by else None,
            "photos": DestructionPhotoSerializer(obj.photos.all(), many=True).data,
        }


class WriteOffListBuildInputSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=7, help_text="YYYY-MM")

    def validate_period(self, value: str) -> dt.date:
        try:
            return require_not_future(parse_period(value))
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class EmptyInputSerializer(serializers.Serializer):
    """No input."""


class WriteOffListSubmitInputSerializer(EmptyInputSerializer):
    pass


class WriteOffListConfirmInputSerializer(EmptyInputSerializer):
    pass


class WriteOffListApproveInputSerializer(EmptyInputSerializer):
    pass


class WriteOffListRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class WriteOffListRecordDestructionInputSerializer(serializers.Serializer):
    destroyed_on = serializers.DateField()
    method = serializers.CharField(max_length=200)
    warehouse_person = serializers.CharField(max_length=60)
    witness = serializers.CharField(max_length=60)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=20)


class WriteOffLineRemoveInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(max_length=2000)


class LossReportSerializer(AvailableTransitionsMixin, serializers.ModelSerializer):
    """A loss report 报损单 as a list row shows it."""

    period = PeriodLabelField(read_only=True)
    party = serializers.SerializerMethodField()
    party_name = serializers.CharField(read_only=True)
    total = MoneyField(source="total_cost")
    writeoff_list = serializers.CharField(source="writeoff_list.number", read_only=True)
    acknowledged_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = LossReport
        fields = [
            "id",
            "number",
            "period",
            "writeoff_list",
            "party_type",
            "party",
            "party_name",
            "state",
            "total",
            "acknowledged_by",
            "acknowledged_at",
            "dispute_reason",
            "available_transitions",
        ]

    def get_party(self, report) -> str:
        return report.supplier.code if report.party_type == PartyType.SUPPLIER else report.store.code


class LossReportDetailSerializer(LossReportSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(LossReportSerializer.Meta):
        fields = [*LossReportSerializer.Meta.fields, "lines"]

    @extend_schema_field(WriteOffLineSerializer(many=True))
    def get_lines(self, report):
        return WriteOffLineSerializer(lossreport_lines(report), many=True).data


class LossReportAcknowledgeInputSerializer(EmptyInputSerializer):
    pass


class LossReportDisputeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
