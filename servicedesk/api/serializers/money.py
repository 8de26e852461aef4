"""Serializers of a case's money over the API: ``/api/v1/service-cases/{id}/refunds/``, ``exchanges/``,
``freight/``, ``compensations/`` (api-contract.md). Money is a decimal string with two places; an amount with
more places, zero, negative or above a million yuan is a 400 naming the field."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from aftersales.api.fields import MAX_ID, AvailableTransitionsMixin
from servicedesk.choices import CompensationKind, ExchangeReason, FreightDirection, FreightReason, RefundMethod
from servicedesk.models import MAX_MONEY, Compensation, Exchange, Freight, Refund
from servicedesk.models.money import MAX_NOTE

CENT = Decimal("0.01")


def amount_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=kwargs.pop("min_value", CENT), max_value=MAX_MONEY, **kwargs
    )


class _MoneyRowSerializer(serializers.ModelSerializer):
    service_case = serializers.IntegerField(source="service_case_id", read_only=True, max_value=MAX_ID)
    # The linked Return's id (null when the money is for the case as a whole).
    return_item = serializers.IntegerField(source="return_item_id", read_only=True, allow_null=True, max_value=MAX_ID)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    COMMON = ("id", "service_case", "return_item", "note", "recorded_by", "created_at")


class RefundSerializer(_MoneyRowSerializer):
    class Meta:
        model = Refund
        fields = (*_MoneyRowSerializer.COMMON, "amount", "method", "paid_on", "paid_amount", "reference")
        read_only_fields = fields


class ExchangeSerializer(_MoneyRowSerializer):
    class Meta:
        model = Exchange
        fields = (*_MoneyRowSerializer.COMMON, "reason", "fee", "replacement")
        read_only_fields = fields


class FreightSerializer(_MoneyRowSerializer):
    class Meta:
        model = Freight
        fields = (*_MoneyRowSerializer.COMMON, "direction", "reason", "payer", "carrier", "tracking_no", "cost")
        read_only_fields = fields


class CompensationSerializer(AvailableTransitionsMixin, _MoneyRowSerializer):
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    given_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Compensation
        fields = (
            *_MoneyRowSerializer.COMMON,
            "kind",
            "amount",
            "state",
            "threshold",
            "decided_by",
            "decided_at",
            "decision_note",
            "given_by",
            "given_at",
            "available_transitions",
        )
        read_only_fields = fields


class _MoneyInputSerializer(serializers.Serializer):
    # ``return``: one of the case's linked Returns, by id (optional).
    note = serializers.CharField(max_length=MAX_NOTE, required=False, allow_blank=True, default="")

    def get_fields(self):
        fields = super().get_fields()
        fields["return"] = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
        return fields


class RefundCreateInputSerializer(_MoneyInputSerializer):
    amount = amount_field()
    method = serializers.ChoiceField(choices=RefundMethod.choices)
    paid_on = serializers.DateField(required=False, allow_null=True)
    # What the customer paid by the receipt, when known: the case's refunds together never exceed it.
    paid_amount = amount_field(required=False, allow_null=True)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ExchangeCreateInputSerializer(_MoneyInputSerializer):
    reason = serializers.ChoiceField(choices=ExchangeReason.choices)
    fee = amount_field(min_value=Decimal("0.00"), required=False, allow_null=True)
    replacement = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class FreightCreateInputSerializer(_MoneyInputSerializer):
    direction = serializers.ChoiceField(choices=FreightDirection.choices)
    reason = serializers.ChoiceField(choices=FreightReason.choices)
    tracking_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    carrier = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.00"), max_value=Decimal("10000"), required=False,
        allow_null=True,
    )  # fmt: skip


class CompensationCreateInputSerializer(_MoneyInputSerializer):
    kind = serializers.ChoiceField(choices=CompensationKind.choices)
    amount = amount_field()


class CompensationApproveInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_NOTE, required=False, allow_blank=True, default="")


class CompensationRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_NOTE)


class CompensationGiveInputSerializer(serializers.Serializer):
    pass
