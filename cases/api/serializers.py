"""Returns 退货, their photos and shipments 寄送 over the API (api-contract.md).

Output serializers show master data by its code and the customer's contact as
the viewer may see it; input serializers resolve codes only among what the
user may see, so an unknown or out-of-scope code is a 400 naming the field.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from aftersales.api.fields import MAX_ID, AvailableTransitionsMixin, ScopedSlugRelatedField, request_user
from aftersales.api.rows import FlatRowsMixin
from aftersales.validation import validate_phone
from cases import hooks
from cases.carriers import tracking_url
from cases.choices import (
    COUNTER_HANDLING_CHOICES,
    AttachmentKind,
    DueStatus,
    ReasonKind,
    ShipmentDirection,
    ShipmentState,
)
from cases.models import MIN_PRODUCTION_YEAR, Attachment, BatchAlarm, Return, Shipment, ShipmentLine
from cases.permissions import customer_contact_for
from cases.services import extra_fee_due
from stores.models import Store
from suppliers.models import DefectCode, Style

MAX_PRODUCTION_YEAR = 2100
MAX_UNITS_PER_SHIPMENT = 500


# --- Returns ---


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id among the rows the requesting user may see: one outside reads like an unknown one."""

    def __init__(self, model, **kwargs):
        self.model = model
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.model.objects.visible_to(getattr(request, "user", None))


class ReturnSerializer(FlatRowsMixin, AvailableTransitionsMixin, serializers.ModelSerializer):
    """A Return as list rows and the detail show it; the customer's contact is masked for most viewers."""

    store = serializers.SlugRelatedField(slug_field="code", read_only=True)
    style = serializers.SlugRelatedField(slug_field="style_no", read_only=True)
    reported_defect = serializers.SlugRelatedField(slug_field="code", read_only=True)
    production_year = serializers.IntegerField(
        read_only=True, min_value=MIN_PRODUCTION_YEAR, max_value=MAX_PRODUCTION_YEAR
    )
    logged_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    repair_point = serializers.SlugRelatedField(slug_field="code", read_only=True)
    customer_name = serializers.SerializerMethodField()
    customer_phone = serializers.SerializerMethodField()
    on_time = serializers.BooleanField(read_only=True, allow_null=True)
    due_status = serializers.SerializerMethodField()
    # ``inspection`` (the nested report) is the inspection app's field, registered in cases.hooks; so is
    # ``status_url``, the customer's status page (customerview).
    repair_ticket = serializers.SerializerMethodField()

    class Meta:
        model = Return
        fields = [
            "id",
            "number",
            "state",
            "store",
            "style",
            "color",
            "size",
            "batch_no",
            "production_year",
            "purchase_date",
            "receipt_no",
            "defect_description",
            "reported_defect",
            "onsite_handling",
            "reason_kind",
            "resaleable",
            "paid_repair",
            "customer_name",
            "customer_phone",
            "policy_exception",
            "policy_exception_reason",
            "logged_by",
            "created_at",
            "verdict",
            "responsibility",
            "shipped_at",
            "due_at",
            "received_at",
            "inspected_at",
            "returned_at",
            "repair_point",
            "referred_at",
            "referral_note",
            "on_time",
            "due_status",
            "inspection",
            "repair_ticket",
            "recall",
            "status_url",
            "available_transitions",
        ]
        read_only_fields = fields

    def build_field(self, field_name, info, model_class, nested_depth):
        # A field a higher app registered (the inspection report): its serializer, where Meta.fields places it.
        registered = hooks.return_api_fields().get(field_name)
        if registered is not None:
            return registered.field_class, dict(registered.field_kwargs)
        return super().build_field(field_name, info, model_class, nested_depth)

    # The customer's contact and the due status are asked once per row, with what the page shares computed once
    # (issue 19, "Speed"): the rows themselves are built by FlatRowsMixin.
    def _contact(self, obj) -> tuple[str, str]:
        # Both fields come from one call, so name and phone are masked by the same rule.
        known = self.__dict__.get("_contact_of")
        if known is None or known[0] is not obj:
            known = self.__dict__["_contact_of"] = (obj, customer_contact_for(obj, request_user(self)))
        return known[1]

    def get_customer_name(self, obj) -> str:
        return self._contact(obj)[0]

    def get_customer_phone(self, obj) -> str:
        return self._contact(obj)[1]

    @extend_schema_field(serializers.ChoiceField(choices=DueStatus.choices, allow_null=True))
    def get_due_status(self, obj) -> str | None:
        # One clock for the page: every row's status is as of the moment the page was read.
        now = self.__dict__.get("_now")
        if now is None:
            now = self.__dict__["_now"] = timezone.now()
        status = obj.due_status(now)
        return str(status) if status else None

    @extend_schema_field(serializers.IntegerField(allow_null=True, min_value=1, max_value=MAX_ID))
    def get_repair_ticket(self, obj) -> int | None:
        try:
            return obj.repair_ticket.pk
        except ObjectDoesNotExist:
            return None


class ReturnCreateInputSerializer(serializers.Serializer):
    """One unit logged at the counter 退货登记 (``POST /api/v1/returns/``)."""

    store = ScopedSlugRelatedField(Store, slug_field="code", only_active=True)
    style = ScopedSlugRelatedField(Style, slug_field="style_no")
    color = serializers.CharField(max_length=40)
    size = serializers.CharField(max_length=20)
    batch_no = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    production_year = serializers.IntegerField(min_value=MIN_PRODUCTION_YEAR, max_value=MAX_PRODUCTION_YEAR)
    purchase_date = serializers.DateField()
    receipt_no = serializers.CharField(max_length=60)
    defect_description = serializers.CharField(max_length=2000)
    reported_defect = ScopedSlugRelatedField(
        DefectCode, slug_field="code", only_active=True, required=False, allow_null=True, default=None
    )
    onsite_handling = serializers.ChoiceField(choices=COUNTER_HANDLING_CHOICES)
    reason_kind = serializers.ChoiceField(
        choices=ReasonKind.choices,
        required=False,
        default=ReasonKind.QUALITY,
        help_text=_(
            "quality (checked against the quality-return window and the warranty) or change_of_mind (against the "
            "change-of-mind window; refund or exchange only, resolved at the store, never shipped)."
        ),
    )
    resaleable = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Tags and packaging intact, as checked at the counter: a change of mind must be."),
    )
    customer_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    customer_phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_phone],
        help_text=_(
            "A mobile (11 digits starting with 1, optionally after +86) or a landline with its area code "
            "(010-12345678); spaces and dashes between the groups are allowed."
        ),
    )
    policy_exception_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    recall = ScopedPrimaryKeyRelatedField(
        # The recalls app's model, reached through the Return's foreign key (cases imports no higher app).
        Return._meta.get_field("recall").related_model,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The batch recall this unit is returned for (its id), if any."),
    )


class ReturnResolveAtStoreInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReturnBatchAlarmInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text=_("What the store's customers report on the style."))


class BatchAlarmSerializer(serializers.ModelSerializer):
    store = serializers.SlugRelatedField(slug_field="code", read_only=True)
    style = serializers.SlugRelatedField(slug_field="style_no", read_only=True)
    defect_code = serializers.SlugRelatedField(slug_field="code", read_only=True)
    raised_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = BatchAlarm
        fields = ["id", "store", "style", "defect_code", "note", "raised_by", "created_at"]
        read_only_fields = fields


class ReturnDetailSerializer(ReturnSerializer):
    """A Return's detail: the list row plus the store's batch alarm 专卖店预警 (when, by whom, its note) or null."""

    batch_alarm = serializers.SerializerMethodField()

    class Meta(ReturnSerializer.Meta):
        fields = [*ReturnSerializer.Meta.fields[:-1], "batch_alarm", ReturnSerializer.Meta.fields[-1]]
        read_only_fields = fields

    @extend_schema_field(BatchAlarmSerializer(allow_null=True))
    def get_batch_alarm(self, obj) -> dict | None:
        try:
            alarm = obj.batch_alarm
        except ObjectDoesNotExist:
            return None
        return BatchAlarmSerializer(alarm, context=self.context).data


class ReturnCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReturnReferToRepairPointInputSerializer(serializers.Serializer):
    """The center refers a received unit for a local repair: ``repair_point`` (a store code: the unit's own store or
    an active authorized repair point) and what to repair."""

    repair_point = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Store.objects.all(),
        help_text=_("The unit's own store or an active authorized repair point 特约维修点, by code."),
    )
    note = serializers.CharField(max_length=2000)


class ReturnFoundInputSerializer(serializers.Serializer):
    """No input: a missing unit turned up at the center."""


class ReturnReceiveFromSupplierInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- attachments ---


class AttachmentSerializer(serializers.ModelSerializer):
    """A photo or PDF of a Return; ``url`` downloads it through the scope-checked file view."""

    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    size = serializers.IntegerField(read_only=True, min_value=0, max_value=MAX_ID)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return reverse(
            "return-attachment-file",
            kwargs={"return_pk": obj.return_item_id, "pk": obj.pk},
            request=self.context.get("request"),
        )


class AttachmentUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False)
    kind = serializers.ChoiceField(choices=AttachmentKind.choices, required=False, allow_blank=True, default="")


# --- shipments ---


class ShipmentLineSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="return_item_id", read_only=True, min_value=1, max_value=MAX_ID)
    number = serializers.CharField(source="return_item.number", read_only=True)

    class Meta:
        model = ShipmentLine
        fields = ["id", "number", "outcome"]
        read_only_fields = fields


class ShipmentSerializer(AvailableTransitionsMixin, serializers.ModelSerializer):
    """A shipment in lists: its units (``lines``) and what the user may do with it."""

    store = serializers.SlugRelatedField(slug_field="code", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    signed_off_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    lines = ShipmentLineSerializer(many=True, read_only=True)
    tracking_url = serializers.SerializerMethodField(
        help_text="The carrier's own tracking page for this number (a known carrier, cases/carriers.py), else empty."
    )

    class Meta:
        model = Shipment
        fields = [
            "id",
            "number",
            "direction",
            "store",
            "state",
            "carrier",
            "tracking_no",
            "tracking_url",
            "created_by",
            "created_at",
            "dispatched_at",
            "received_at",
            "extra_fee",
            "freight_cost",
            "signed_off_by",
            "signed_off_at",
            "lines",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_tracking_url(self, obj) -> str:
        return tracking_url(carrier=obj.carrier, tracking_no=obj.tracking_no)


class ShipmentDetailSerializer(ShipmentSerializer):
    """A shipment's detail, with ``extra_fee_warning``: the fee a dispatch now would carry (while packing)."""

    extra_fee_warning = serializers.SerializerMethodField()

    class Meta(ShipmentSerializer.Meta):
        fields = [*ShipmentSerializer.Meta.fields, "extra_fee_warning"]
        read_only_fields = fields

    @extend_schema_field(
        serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, coerce_to_string=True)
    )
    def get_extra_fee_warning(self, obj) -> str | None:
        if obj.state != ShipmentState.DRAFT:
            return None
        fee = extra_fee_due(obj)
        return None if fee is None else f"{fee:.2f}"


class ShipmentCreateInputSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=ShipmentDirection.choices)
    store = ScopedSlugRelatedField(Store, slug_field="code")
    returns = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=MAX_UNITS_PER_SHIPMENT
    )
    carrier = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    tracking_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ShipmentDispatchInputSerializer(serializers.Serializer):
    """Carrier and tracking number may be given (or corrected) at dispatch; left out, they stay as packed."""

    carrier = serializers.CharField(max_length=60, required=False, allow_blank=True)
    tracking_no = serializers.CharField(max_length=60, required=False, allow_blank=True)
    freight_cost = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        help_text=_("What the carrier charged for the parcel, in CNY."),
    )


class ShipmentSignOffInputSerializer(serializers.Serializer):
    """The region manager signs off a store's parcel to the center (where the region's policy asks for it)."""

    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ShipmentReceiveInputSerializer(serializers.Serializer):
    """The ticked units (Return ids); every other unit of the shipment becomes ``missing``."""

    received = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=True,
        max_length=MAX_UNITS_PER_SHIPMENT,
    )


class ShipmentConfirmReceivedInputSerializer(serializers.Serializer):
    """No input: the store has the center's parcel back."""


class ShipmentCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
