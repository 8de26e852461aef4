"""Serializers of ``/api/v1/service-cases/{id}/visits/``: on-site service 现场服务 and its signed feedback form."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from aftersales.api.fields import MAX_ID, AvailableTransitionsMixin
from servicedesk.choices import SignatureSource, VisitHandling
from servicedesk.models import MAX_TEXT, Visit


class VisitTechnicianSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    lead = serializers.BooleanField()


class VisitSignatureSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=SignatureSource.choices)
    content_type = serializers.CharField()
    sha256 = serializers.CharField()
    url = serializers.URLField()


class VisitSerializer(AvailableTransitionsMixin, serializers.ModelSerializer):
    """An on-site visit 现场服务: crew, SLA, arrival, findings, handling and the signed form."""

    service_case = serializers.PrimaryKeyRelatedField(read_only=True)
    technicians = serializers.SerializerMethodField()
    lead = serializers.SerializerMethodField()
    dispatched_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    arrival_recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    arrived_on_time = serializers.SerializerMethodField()
    quantity_used = serializers.IntegerField(read_only=True, allow_null=True, min_value=0, max_value=1_000_000)
    signature = serializers.SerializerMethodField()
    form_url = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "number",
            "service_case",
            "state",
            "technicians",
            "lead",
            "dispatched_by",
            "dispatched_at",
            "planned_arrival",
            "address",
            "province",
            "in_province",
            "arrival_due",
            "arrived_at",
            "arrival_recorded_by",
            "arrived_on_time",
            "product",
            "batch_no",
            "production_point",
            "production_date",
            "quantity_used",
            "misuse",
            "findings",
            "handling",
            "handling_notes",
            "findings_recorded_at",
            "signer_name",
            "signed_at",
            "signature",
            "form_url",
            "form_sha256",
            "cancel_reason",
            "available_transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(VisitTechnicianSerializer(many=True))
    def get_technicians(self, obj) -> list[dict]:
        return [
            {"username": row.user.get_username(), "name": row.user.get_full_name() or row.user.get_username(),
             "lead": row.lead}
            for row in obj.crew.all()
        ]  # fmt: skip

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_lead(self, obj) -> str | None:
        lead = obj.lead()
        return lead.get_username() if lead else None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_arrived_on_time(self, obj) -> bool | None:
        return None if obj.arrived_at is None else obj.arrived_at <= obj.arrival_due

    @extend_schema_field(VisitSignatureSerializer(allow_null=True))
    def get_signature(self, obj) -> dict | None:
        signature = getattr(obj, "signature", None)
        if signature is None:
            return None
        return {
            "source": signature.source,
            "content_type": signature.content_type,
            "sha256": signature.sha256,
            "url": reverse(
                "servicecase-visit-signature",
                kwargs={"case_pk": obj.service_case_id, "pk": obj.pk},
                request=self.context.get("request"),
            ),
        }

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_form_url(self, obj) -> str | None:
        """The signed feedback form's PDF (null until signed; answers 409 while it is being made)."""
        if not obj.signed_at:
            return None
        return reverse(
            "servicecase-visit-form",
            kwargs={"case_pk": obj.service_case_id, "pk": obj.pk},
            request=self.context.get("request"),
        )


# --- input ---


class TechnicianField(serializers.SlugRelatedField):
    """A technician by username (only active users; the service checks the role and says which is not)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="username", queryset=get_user_model().objects.filter(is_active=True), **kwargs)


class VisitDispatchInputSerializer(serializers.Serializer):
    """Dispatch 派工: ``technicians`` (usernames, at least one), ``lead`` (required when several),
    ``planned_arrival``; ``province`` of the site (default: the customer's) and ``address``."""

    technicians = serializers.ListField(child=TechnicianField(), min_length=1, max_length=10)
    lead = TechnicianField(required=False, allow_null=True, default=None)
    planned_arrival = serializers.DateTimeField()
    province = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class VisitArriveInputSerializer(serializers.Serializer):
    arrived_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class VisitFindingsInputSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    batch_no = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    production_point = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    production_date = serializers.DateField(required=False, allow_null=True, default=None)
    quantity_used = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, allow_null=True, default=None
    )
    misuse = serializers.BooleanField(allow_null=False)
    findings = serializers.CharField(max_length=MAX_TEXT)
    handling = serializers.ChoiceField(choices=VisitHandling.choices)
    handling_notes = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class VisitSignInputSerializer(serializers.Serializer):
    """The signed form: ``file`` (multipart: the canvas's PNG or a photo of the signed paper) or ``image`` (the
    canvas's ``data:image/png;base64,...``), ``source`` (``drawn`` or ``photo``) and ``signer_name``."""

    file = serializers.FileField(required=False, allow_null=True, default=None)
    image = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    source = serializers.ChoiceField(choices=SignatureSource.choices)
    signer_name = serializers.CharField(max_length=60)

    def validate(self, attrs):
        if attrs["file"] is None and not attrs["image"]:
            raise serializers.ValidationError({"signature": ["Send the signature as file or image."]})
        return attrs


class VisitCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


__all__ = [
    "MAX_ID",
    "VisitArriveInputSerializer",
    "VisitCancelInputSerializer",
    "VisitDispatchInputSerializer",
    "VisitFindingsInputSerializer",
    "VisitSerializer",
    "VisitSignInputSerializer",
    "VisitSignatureSerializer",
    "VisitTechnicianSerializer",
]
