"""Serializers of ``/api/v1/rectification-orders/`` (api-contract.md): the row, the detail with ``recurrences``
and ``available_transitions``, and the input of ``POST``, ``respond`` and ``verify``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.api.fields import MAX_ID, AvailableTransitionsMixin, ScopedSlugRelatedField
from quality.models.orders import MAX_TEXT, PartyType, RectificationOrder
from suppliers.models import DefectCode, Style

MAX_SOURCES = 200


class RectificationOrderSerializer(AvailableTransitionsMixin, serializers.ModelSerializer):
    """An order 质量整改令 as list rows show it."""

    party = serializers.SerializerMethodField()
    party_name = serializers.CharField(read_only=True)
    style = serializers.SlugRelatedField(slug_field="style_no", read_only=True)
    defect = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = RectificationOrder
        fields = [
            "id", "number", "state", "party_type", "party", "party_name", "problem", "due_date", "style", "defect",
            "recall", "lot", "issued_at", "responded_at", "verified_at", "times_sent_back", "available_transitions",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_party(self, obj) -> str:
        """The supplier's or store's code, or the department's name."""
        return getattr(obj.party, "code", None) or obj.department


class RecurrencesSerializer(serializers.Serializer):
    returns = serializers.IntegerField(min_value=0)
    lots = serializers.IntegerField(min_value=0)
    total = serializers.IntegerField(min_value=0)


class RectificationOrderDetailSerializer(RectificationOrderSerializer):
    """The detail: the sources, the party's four answers, QA's verification, the recurrence count and the log."""

    returns = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    service_cases = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    issued_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    responded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    verified_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    recurrences = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    pdf_ready = serializers.BooleanField(source="documents_ready", read_only=True)

    class Meta(RectificationOrderSerializer.Meta):
        fields = [
            *RectificationOrderSerializer.Meta.fields,
            "returns", "service_cases", "issued_by", "root_cause", "corrective_action", "accountability",
            "staff_education", "responded_by", "verified_by", "verification_notes", "closed_at", "recurrences",
            "timeline", "pdf_ready",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(RecurrencesSerializer)
    def get_recurrences(self, obj) -> dict:
        from quality.selectors.orders import order_recurrences

        return order_recurrences(obj)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_timeline(self, obj) -> list[dict]:
        from quality.selectors.orders import order_timeline

        return [
            {"at": entry.at, "transition": entry.transition, "from": entry.source_state, "to": entry.target_state,
             "by": entry.actor.username if entry.actor else None, "payload": entry.payload}
            for entry in order_timeline(obj)
        ]  # fmt: skip


# --- input ---


class RectificationOrderCreateInputSerializer(serializers.Serializer):
    """``POST /api/v1/rectification-orders/`` (QA): the party by code (a department by name), sources optional."""

    party_type = serializers.ChoiceField(choices=PartyType.choices)
    party = serializers.CharField(max_length=60)
    problem = serializers.CharField(max_length=MAX_TEXT)
    due_date = serializers.DateField()
    returns = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=MAX_SOURCES, required=False,
        default=list,
    )  # fmt: skip
    service_cases = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=MAX_SOURCES, required=False,
        default=list,
    )  # fmt: skip
    recall = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None)
    lot = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None)
    style = ScopedSlugRelatedField(Style, slug_field="style_no", required=False, allow_null=True, default=None)
    defect = ScopedSlugRelatedField(DefectCode, slug_field="code", required=False, allow_null=True, default=None)

    def validate(self, attrs):
        """Resolve the party and the sources within the user's scope; an unknown one is a 400 naming the field."""
        from cases.models import Return
        from inspection.models import IncomingLot
        from recalls.models import Recall
        from servicedesk.models import ServiceCase
        from stores.models import Store
        from suppliers.models import Supplier

        user = self.context["request"].user
        errors: dict[str, list[str]] = {}
        party = attrs["party"].strip()
        if "\x00" in party:
            errors["party"] = ["Null characters are not allowed."]
        elif attrs["party_type"] == PartyType.SUPPLIER:
            attrs["party"] = Supplier.objects.visible_to(user).filter(code=party).first()
            if attrs["party"] is None:
                errors["party"] = [f"Unknown supplier “{party}”."]
        elif attrs["party_type"] == PartyType.STORE:
            attrs["party"] = Store.objects.visible_to(user).filter(code=party).first()
            if attrs["party"] is None:
                errors["party"] = [f"Unknown store “{party}”."]
        else:
            attrs["party"] = party
        for name, model in (("recall", Recall), ("lot", IncomingLot)):
            if attrs[name] is not None:
                attrs[name] = model.objects.visible_to(user).filter(pk=attrs[name]).first()
                if attrs[name] is None:
                    errors[name] = ["Unknown id."]
        for name, model in (("returns", Return), ("service_cases", ServiceCase)):
            wanted = set(attrs[name])
            found = list(model.objects.visible_to(user).filter(pk__in=wanted))
            missing = sorted(wanted - {row.pk for row in found})
            if missing:
                errors[name] = [f"Unknown ids: {', '.join(map(str, missing))}."]
            attrs[name] = found
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class RectificationOrderRespondInputSerializer(serializers.Serializer):
    """The party's answer 四不放过: all four required, none blank."""

    root_cause = serializers.CharField(max_length=MAX_TEXT)
    corrective_action = serializers.CharField(max_length=MAX_TEXT)
    accountability = serializers.CharField(max_length=MAX_TEXT)
    staff_education = serializers.CharField(max_length=MAX_TEXT)


class RectificationOrderVerifyInputSerializer(serializers.Serializer):
    """QA's verdict: effective closes the order; not effective sends it back, ``notes`` giving the reason."""

    effective = serializers.BooleanField()
    notes = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not attrs["effective"] and not attrs["notes"].strip():
            raise serializers.ValidationError({"notes": ["Give the reason the rectification is not effective."]})
        return attrs
