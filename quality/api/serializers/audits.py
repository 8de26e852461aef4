"""Serializers of ``/api/v1/audits/`` and ``/api/v1/audit-samples/`` (api-contract.md): the monthly audit 每月抽查."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quality.models.audits import CHECKLIST, MAX_FINDINGS, SCORE_MAX, SCORE_MIN, AuditSample, MonthlyAudit


class SampleObjectSerializer(serializers.Serializer):
    """The sampled Return or service case: its id (in ``/api/v1/returns/`` or ``/api/v1/service-cases/``)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()


class AuditSampleSerializer(serializers.ModelSerializer):
    """One drawn item: ``kind`` (``return`` or ``service_case``), the ``object``, and its review once made."""

    object = serializers.SerializerMethodField()
    reviewed = serializers.BooleanField(read_only=True)
    store = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agent = serializers.SlugRelatedField(slug_field="username", read_only=True)
    technician = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    rectification_order = serializers.SerializerMethodField()

    class Meta:
        model = AuditSample
        fields = [
            "id", "kind", "rank", "object", "store", "agent", "technician", "reviewed", "reviewed_at",
            "reviewed_by", "answers", "score", "findings", "rectification_order",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(SampleObjectSerializer)
    def get_object(self, sample) -> dict:
        subject = sample.subject
        return {"id": subject.pk, "number": subject.number, "state": subject.state}

    @extend_schema_field({"type": "object", "nullable": True, "properties": {
        "id": {"type": "integer"}, "number": {"type": "string"}, "state": {"type": "string"}}})  # fmt: skip
    def get_rectification_order(self, sample) -> dict | None:
        order = sample.rectification_order
        if order is None:
            return None
        return {"id": order.pk, "number": order.number, "state": order.state}


class MonthlyAuditSerializer(serializers.ModelSerializer):
    """An audit as the list shows it: its month, the population, the sample and the reviews so far."""

    period = serializers.DateField(format="%Y-%m", read_only=True)
    drawn_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sample_count = serializers.IntegerField(read_only=True)
    reviewed_count = serializers.IntegerField(read_only=True)
    average_score = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = MonthlyAudit
        fields = [
            "id", "period", "share_percent", "cases_closed", "returns_completed", "drawn_at", "drawn_by",
            "sample_count", "reviewed_count", "average_score",
        ]  # fmt: skip
        read_only_fields = fields


class MonthlyAuditDetailSerializer(MonthlyAuditSerializer):
    """The audit with its ``samples`` and the report's state (``report_pdf``: the download link once rendered)."""

    samples = serializers.SerializerMethodField()
    report_pdf = serializers.SerializerMethodField()

    class Meta(MonthlyAuditSerializer.Meta):
        fields = [*MonthlyAuditSerializer.Meta.fields, "samples", "report_pdf", "report_rendered_at", "report_error"]
        read_only_fields = fields

    @extend_schema_field(AuditSampleSerializer(many=True))
    def get_samples(self, audit) -> list:
        from quality.selectors.audits import audit_samples

        return AuditSampleSerializer(audit_samples(audit), many=True, context=self.context).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_report_pdf(self, audit) -> str | None:
        if not audit.report_pdf:
            return None
        request = self.context.get("request")
        path = f"/api/v1/audits/{audit.pk}/pdf/"
        return request.build_absolute_uri(path) if request else path


class AuditDrawInputSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="YYYY-MM, a month that is over.")


class AuditSampleReviewInputSerializer(serializers.Serializer):
    answers = serializers.JSONField(
        help_text="Each checklist item (" + ", ".join(CHECKLIST) + "): true, false, or null when it does not apply."
    )
    score = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    findings = serializers.CharField(allow_blank=True, required=False, default="", max_length=MAX_FINDINGS)


class AuditSampleOrderInputSerializer(serializers.Serializer):
    """Optional changes to the prefilled order (the sample's store or supplier, the findings, 30 days)."""

    due_date = serializers.DateField(required=False)
    problem = serializers.CharField(required=False, max_length=4000)
