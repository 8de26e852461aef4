"""Serializers of a case's quality information form (``/api/v1/service-cases/<id>/quality-form/``) and of the
escalations (``/api/v1/escalations/``)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from aftersales.api.fields import AvailableTransitionsMixin
from servicedesk.models import MAX_TEXT
from servicedesk.models.quality_forms import Escalation, EscalationAcknowledgement, QualityForm


class QualityFormSerializer(AvailableTransitionsMixin, serializers.ModelSerializer):
    """产品质量信息传递处置单: the product, the problem, QA's handling opinion, and the frozen PDF once approved."""

    service_case = serializers.PrimaryKeyRelatedField(read_only=True)
    case_number = serializers.CharField(source="service_case.number", read_only=True)
    style = serializers.SlugRelatedField(slug_field="style_no", read_only=True)
    drafted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    quantity = serializers.IntegerField(read_only=True, allow_null=True, min_value=1, max_value=1_000_000)
    pdf_url = serializers.SerializerMethodField()
    copies = serializers.SerializerMethodField()

    class Meta:
        model = QualityForm
        fields = [
            "id",
            "number",
            "service_case",
            "case_number",
            "state",
            "available_transitions",
            "style",
            "product_name",
            "production_date",
            "batch_no",
            "quantity",
            "problem",
            "handling_opinion",
            "drafted_by",
            "created_at",
            "approved_by",
            "approved_at",
            "pdf_sha256",
            "pdf_url",
            "copies",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, obj) -> str:
        return reverse(
            "servicecase-quality-form-pdf", kwargs={"case_pk": obj.service_case_id}, request=self.context["request"]
        )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_copies(self, obj) -> list[str]:
        """The three copies' recipients printed on the form (seed 001: 一式三份)."""
        return ["营销分公司", "质量部", "主管质量领导"]


class QualityFormCreateInputSerializer(serializers.Serializer):
    """Corrections to what is copied from the case (all optional): the product, production date, batch, quantity,
    the user's problem; QA may write the handling opinion at once."""

    product_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    production_date = serializers.DateField(required=False, allow_null=True)
    batch_no = serializers.CharField(max_length=40, required=False, allow_blank=True)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False, allow_null=True)
    problem = serializers.CharField(max_length=MAX_TEXT * 3, required=False)
    handling_opinion = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


class QualityFormUpdateInputSerializer(QualityFormCreateInputSerializer):
    """PATCH of a draft: any of the fields; the handling opinion is QA's (403 for anyone else)."""


class QualityFormApproveInputSerializer(serializers.Serializer):
    """The department leader's 批示: the handling opinion (optional when the draft has it already)."""

    handling_opinion = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


class EscalationAcknowledgementSerializer(serializers.ModelSerializer):
    acknowledged_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = EscalationAcknowledgement
        fields = ["role", "acknowledged_by", "acknowledged_at", "note"]
        read_only_fields = fields


class EscalationSerializer(serializers.ModelSerializer):
    """上报: a major incident or a safety hazard reported to QA and the production VP, and who acknowledged it."""

    service_case = serializers.PrimaryKeyRelatedField(read_only=True)
    case_number = serializers.CharField(source="service_case.number", read_only=True)
    raised_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    acknowledgements = EscalationAcknowledgementSerializer(many=True, read_only=True)
    pending_roles = serializers.SerializerMethodField()

    class Meta:
        model = Escalation
        fields = [
            "id",
            "service_case",
            "case_number",
            "kind",
            "direct_loss",
            "initial_opinion",
            "customer_demand",
            "stop_using_instruction",
            "raised_by",
            "raised_at",
            "acknowledgements",
            "pending_roles",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_pending_roles(self, obj) -> list[str]:
        """The roles (``qa_manager``, ``production_vp``) that have not acknowledged it yet."""
        from servicedesk.models import ESCALATION_ROLES

        done = {ack.role for ack in obj.acknowledgements.all()}
        return [role.value for role in ESCALATION_ROLES if role not in done]


class EscalationAcknowledgeInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
