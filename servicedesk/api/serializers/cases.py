"""Serializers of ``/api/v1/service-cases/`` and ``/api/v1/customers/`` (api-contract.md).

Phones are masked (138****1234) for everyone but the hotline and the store that
logged the case; each full phone an answer shows is recorded by the view in
the phone access log (``shown_full`` in the context collects them).
"""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from aftersales.api.fields import MAX_ID, AvailableTransitionsMixin, ScopedSlugRelatedField
from servicedesk.choices import (
    SATISFACTION_MAX,
    SATISFACTION_MIN,
    CaseKind,
    Channel,
    Outcome,
    ResponseMethod,
    Severity,
)
from servicedesk.hooks import case_status_url
from servicedesk.models import MAX_DESCRIPTION, MAX_TEXT, Customer, ServiceCase, ServiceCaseAttachment
from servicedesk.models.cases import CONSENT_REQUIRED
from servicedesk.selectors import case_contact
from stores.models import Store
from suppliers.models import Style

MAX_RETURNS = 100


class CaseCustomerSerializer(serializers.Serializer):
    """The case's customer as the viewer may see them."""

    id = serializers.IntegerField(min_value=1, max_value=MAX_ID, allow_null=True)
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField(help_text="The e-mail address, masked (z***@example.com) unless the phone is shown.")
    province = serializers.CharField()


class PromiseSerializer(serializers.Serializer):
    deadline = serializers.DateTimeField()
    outcome = serializers.CharField()


class ServiceCaseSerializer(AvailableTransitionsMixin, serializers.ModelSerializer):
    """A service case 服务单 as list rows show it: what, whose, where it stands and its clocks."""

    customer = serializers.SerializerMethodField()
    store = serializers.SlugRelatedField(slug_field="code", read_only=True)
    style = serializers.SlugRelatedField(slug_field="style_no", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    promise = serializers.SerializerMethodField()
    quantity = serializers.IntegerField(read_only=True, allow_null=True, min_value=1, max_value=1_000_000)
    satisfaction = serializers.IntegerField(
        read_only=True, allow_null=True, min_value=SATISFACTION_MIN, max_value=SATISFACTION_MAX
    )
    reopened_count = serializers.IntegerField(read_only=True, min_value=0, max_value=1)

    class Meta:
        model = ServiceCase
        fields = [
            "id",
            "number",
            "state",
            "channel",
            "kind",
            "severity",
            "customer",
            "store",
            "style",
            "batch_no",
            "production_date",
            "quantity",
            "description",
            "told_to_stop_using",
            "direct_loss",
            "major_incident",
            "owner",
            "created_at",
            "first_response_due",
            "responded_at",
            "appointment_due",
            "resolution_due",
            "next_due",
            "promise",
            "resolved_at",
            "outcome",
            "satisfaction",
            "reopened_count",
            "closed_at",
            "available_transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(CaseCustomerSerializer(allow_null=True))
    def get_customer(self, obj) -> dict | None:
        if obj.customer_id is None:
            return None
        contact = case_contact(obj, self.context["request"].user)
        if contact["full"]:
            self.context.setdefault("shown_full", []).append((obj.customer, obj))
        return {
            "id": obj.customer_id,
            "name": contact["name"],
            "phone": contact["phone"],
            "email": contact["email"],
            "province": contact["province"],
        }

    @extend_schema_field(PromiseSerializer(allow_null=True))
    def get_promise(self, obj) -> dict | None:
        if obj.promise_deadline is None:
            return None
        return PromiseSerializer({"deadline": obj.promise_deadline, "outcome": obj.promise_outcome}).data


class ServiceCaseAttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    size = serializers.IntegerField(read_only=True, min_value=0, max_value=MAX_ID)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ServiceCaseAttachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return reverse(
            "servicecase-attachment-file",
            kwargs={"case_pk": obj.service_case_id, "pk": obj.pk},
            request=self.context.get("request"),
        )


class PromiseChangeSerializer(serializers.Serializer):
    """One making or change of the promise, as the log keeps it."""

    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True)
    deadline = serializers.CharField()
    outcome = serializers.CharField()
    previous_deadline = serializers.CharField(allow_null=True)
    previous_outcome = serializers.CharField()


class ServiceCaseDetailSerializer(ServiceCaseSerializer):
    """A case's detail: besides the row, its linked Returns, photos, answers and the promise's history."""

    returns = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    attachments = ServiceCaseAttachmentSerializer(many=True, read_only=True)
    promise_history = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()

    class Meta(ServiceCaseSerializer.Meta):
        fields = [
            *ServiceCaseSerializer.Meta.fields,
            "channel",
            "returns",
            "opened_by",
            "response_method",
            "response_message",
            "resolution",
            "follow_up_remarks",
            "followed_up_at",
            "cancel_reason",
            "attachments",
            "promise_history",
            "status_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_status_url(self, obj) -> str:
        """The absolute link of the case's public status page 进度查询 (no login, nothing personal), for the
        agent to send the customer, like a Return's status_url."""
        return case_status_url(obj) or ""

    @extend_schema_field(PromiseChangeSerializer(many=True))
    def get_promise_history(self, obj) -> list[dict]:
        from servicedesk.selectors import servicecase_timeline

        return [
            {
                "at": entry.at,
                "by": entry.actor.username if entry.actor else None,
                "deadline": entry.payload.get("deadline"),
                "outcome": entry.payload.get("outcome", ""),
                "previous_deadline": entry.payload.get("previous_deadline"),
                "previous_outcome": entry.payload.get("previous_outcome") or "",
            }
            for entry in servicecase_timeline(obj).filter(transition="promise")
        ]


# --- input ---


class CustomerInputSerializer(serializers.Serializer):
    """The caller's contact data, kept only with ``consent`` true (when: now; ``purpose``: what it is kept for)."""

    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    # Optional: where the satisfaction survey's link is mailed (without one the hotline reads it out).
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    province = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    consent = serializers.BooleanField(required=False, default=False)
    purpose = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if (attrs["name"].strip() or attrs["phone"].strip() or attrs["email"].strip()) and not attrs["consent"]:
            raise serializers.ValidationError({"consent": [CONSENT_REQUIRED]})
        return attrs


class ServiceCaseCreateInputSerializer(serializers.Serializer):
    """A call, message or visit logged 受理 (``POST /api/v1/service-cases/``)."""

    channel = serializers.ChoiceField(choices=Channel.choices)
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.NORMAL)
    description = serializers.CharField(max_length=MAX_DESCRIPTION)
    customer = CustomerInputSerializer(required=False, allow_null=True, default=None)
    store = ScopedSlugRelatedField(Store, slug_field="code", required=False, allow_null=True, default=None)
    style = ScopedSlugRelatedField(Style, slug_field="style_no", required=False, allow_null=True, default=None)
    batch_no = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    production_date = serializers.DateField(required=False, allow_null=True, default=None)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False, allow_null=True, default=None)
    returns = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=MAX_RETURNS,
        required=False,
        default=list,
    )
    direct_loss = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), required=False, default=Decimal("0.00")
    )
    told_to_stop_using = serializers.BooleanField(required=False, default=False)
    # The escalation's words (required for a major incident or a safety hazard: 400 naming them otherwise).
    stop_using_instruction = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    initial_opinion = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    customer_demand = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class ServiceCaseRespondInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ResponseMethod.choices)
    message = serializers.CharField(max_length=MAX_TEXT)


class ServiceCaseResolveInputSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=MAX_TEXT)
    outcome = serializers.ChoiceField(choices=Outcome.choices)


class ServiceCaseFollowUpInputSerializer(serializers.Serializer):
    satisfaction = serializers.IntegerField(min_value=SATISFACTION_MIN, max_value=SATISFACTION_MAX)
    remarks = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class ServiceCaseCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


class ServiceCasePromiseInputSerializer(serializers.Serializer):
    deadline = serializers.DateTimeField()
    outcome = serializers.CharField(max_length=200)


class ServiceCaseAttachmentUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField()


# --- the customer archive ---


class CustomerCaseSerializer(serializers.ModelSerializer):
    store = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ServiceCase
        fields = ["id", "number", "state", "kind", "channel", "store", "created_at", "next_due"]
        read_only_fields = fields


class CustomerReturnSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    number = serializers.CharField()
    state = serializers.CharField()
    store = serializers.CharField(source="store.code")
    style = serializers.CharField(source="style.style_no")
    created_at = serializers.DateTimeField()


class CustomerSerializer(serializers.ModelSerializer):
    """A customer record 客户档案 (the hotline's): contact, consent, and their cases and Returns."""

    cases = serializers.SerializerMethodField()
    returns = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "phone",
            "email",
            "province",
            "consent_at",
            "consent_purpose",
            "erased_at",
            "created_at",
            "cases",
            "returns",
        ]
        read_only_fields = fields

    @extend_schema_field(CustomerCaseSerializer(many=True))
    def get_cases(self, obj) -> list[dict]:
        return CustomerCaseSerializer(obj.listed_cases, many=True).data

    @extend_schema_field(CustomerReturnSerializer(many=True))
    def get_returns(self, obj) -> list[dict]:
        return CustomerReturnSerializer(obj.listed_returns, many=True).data
