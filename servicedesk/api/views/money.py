"""A case's money over the API (api-contract.md, ``/api/v1/service-cases/``): ``refunds/``, ``exchanges/``,
``freight/`` and ``compensations/`` (with ``approve``, ``reject`` and ``give``), and ``money/`` (the totals).

The case comes through its selector first (out of scope, or any case for a supplier: 404); then the rule of the
service (``SERVICECASE_MONEY``: 409 for a closed case, 403 for anyone but the hotline or the logging store; a
compensation's transitions: 409 from the wrong state, 403 for anyone but QA) before the input (400).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from aftersales.api.transitions import valid_input
from aftersales.api.views import REFUSALS
from servicedesk.api.serializers.money import (
    CompensationApproveInputSerializer,
    CompensationCreateInputSerializer,
    CompensationGiveInputSerializer,
    CompensationRejectInputSerializer,
    CompensationSerializer,
    ExchangeCreateInputSerializer,
    ExchangeSerializer,
    FreightCreateInputSerializer,
    FreightSerializer,
    RefundCreateInputSerializer,
    RefundSerializer,
)
from servicedesk.models import ServiceCase
from servicedesk.selectors import money as money_selectors
from servicedesk.selectors import servicecase_get
from servicedesk.services import money as money_services

READ_REFUSALS = {401: REFUSALS[401], 404: REFUSALS[404]}


class _CaseMoneyViewSet(viewsets.GenericViewSet):
    """``GET`` a case's rows of one kind of money, ``POST`` a new one (``input_serializer`` → ``recorder``)."""

    permission_classes = [IsAuthenticated]
    cursor_ordering = "-id"
    filterset_class = None
    input_serializer: type[serializers.Serializer]
    lister = None
    # The service that records one row: ``recorder(user=, case=, **data)``, named by each viewset like ``lister``.
    recorder = None

    def get_case(self):
        if not hasattr(self, "_case"):
            self._case = servicecase_get(self.request.user, self.kwargs["case_pk"])
        return self._case

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no case
            meta = getattr(self.serializer_class, "Meta", None)
            return meta.model.objects.none() if meta is not None else ServiceCase.objects.none()
        return type(self).lister(self.request.user, self.get_case())

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        case = self.get_case()
        data = dict(
            valid_input(
                self.input_serializer(data=request.data),
                refuse=lambda: money_services.SERVICECASE_MONEY.refusal(case, request.user),
            )
        )
        data["return_item"] = data.pop("return", None)
        row = type(self).recorder(user=request.user, case=case, **data)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


def _list_and_create(serializer, input_serializer, *, what: str):
    return {
        "list": extend_schema(summary=f"The case's {what}", responses={200: serializer(many=True), **READ_REFUSALS}),
        "create": extend_schema(
            summary=f"Record {what} (the hotline, or the store that logged an in-store case)",
            request=input_serializer,
            responses={201: serializer, **REFUSALS},
        ),
    }


@extend_schema_view(**_list_and_create(RefundSerializer, RefundCreateInputSerializer, what="refunds"))
class RefundViewSet(_CaseMoneyViewSet):
    """Refunds 退款 of a case: amount, method, the day paid; never above what the receipt says was paid."""

    serializer_class = RefundSerializer
    input_serializer = RefundCreateInputSerializer
    lister = staticmethod(money_selectors.refund_list)
    recorder = staticmethod(money_services.refund_record)


@extend_schema_view(**_list_and_create(ExchangeSerializer, ExchangeCreateInputSerializer, what="exchanges"))
class ExchangeViewSet(_CaseMoneyViewSet):
    """Exchanges 换货 of a case: free for a quality problem, a fee for a change of mind."""

    serializer_class = ExchangeSerializer
    input_serializer = ExchangeCreateInputSerializer
    lister = staticmethod(money_selectors.exchange_list)
    recorder = staticmethod(money_services.exchange_record)


@extend_schema_view(**_list_and_create(FreightSerializer, FreightCreateInputSerializer, what="freight"))
class FreightViewSet(_CaseMoneyViewSet):
    """Freight 运费 of a case's parcels; who pays follows the rule (in-warranty repair and quality: the brand)."""

    serializer_class = FreightSerializer
    input_serializer = FreightCreateInputSerializer
    lister = staticmethod(money_selectors.freight_list)
    recorder = staticmethod(money_services.freight_record)


@extend_schema_view(
    **{
        **_list_and_create(CompensationSerializer, CompensationCreateInputSerializer, what="compensations"),
        "retrieve": extend_schema(
            summary="One compensation with its state and available transitions",
            responses={200: CompensationSerializer, **READ_REFUSALS},
        ),
    }
)
class CompensationViewSet(_CaseMoneyViewSet):
    """Compensation 补偿 of a case: approved at once at or below the threshold, else ``proposed`` until QA
    fires ``approve`` or ``reject``; an approved one is ``give``-n."""

    serializer_class = CompensationSerializer
    input_serializer = CompensationCreateInputSerializer
    lister = staticmethod(money_selectors.compensation_list)
    recorder = staticmethod(money_services.compensation_propose)

    def get_object(self):
        return money_selectors.compensation_get(self.request.user, self.get_case(), self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def _fire(self, name, input_serializer, service, **fixed):
        row = self.get_object()
        data = valid_input(
            input_serializer(data=self.request.data), instance=row, transition=name, user=self.request.user
        )
        row = service(user=self.request.user, compensation=row, **{**fixed, **data})
        return Response(
            self.get_serializer(money_selectors.compensation_get(self.request.user, self.get_case(), row.pk)).data
        )

    @extend_schema(
        summary="Approve a compensation above the threshold (qa_manager)",
        request=CompensationApproveInputSerializer,
        responses={200: CompensationSerializer, **REFUSALS},
    )
    def approve(self, request, *args, **kwargs):
        return self._fire("approve", CompensationApproveInputSerializer, money_services.compensation_approve)

    @extend_schema(
        summary="Reject a compensation above the threshold, with the reason (qa_manager)",
        request=CompensationRejectInputSerializer,
        responses={200: CompensationSerializer, **REFUSALS},
    )
    def reject(self, request, *args, **kwargs):
        return self._fire("reject", CompensationRejectInputSerializer, money_services.compensation_reject)

    @extend_schema(
        summary="Record that an approved compensation was given to the customer",
        request=None,
        responses={200: CompensationSerializer, **REFUSALS},
    )
    def give(self, request, *args, **kwargs):
        return self._fire("give", CompensationGiveInputSerializer, money_services.compensation_give)


class CaseMoneyTotalsViewSet(_CaseMoneyViewSet):
    """The money of a case in totals (CNY): refunded, exchange fees, freight by payer, compensation."""

    @extend_schema(
        summary="The case's money in totals (CNY)",
        responses={
            200: inline_serializer(
                "ServiceCaseMoneyTotals",
                {
                    name: serializers.DecimalField(max_digits=14, decimal_places=2)
                    for name in (
                        "refunded",
                        "exchange_fees",
                        "freight_brand",
                        "freight_customer",
                        "compensation",
                        "compensation_waiting",
                        "cost",
                    )
                }
                | {"compensation_waiting_count": serializers.IntegerField()},
            ),
            **READ_REFUSALS,
        },
    )
    def totals(self, request, *args, **kwargs):
        totals = money_selectors.case_money_totals(self.get_case())
        return Response(
            {key: (f"{value:.2f}" if not isinstance(value, int) else value) for key, value in totals.items()}
        )


__all__ = [
    "CaseMoneyTotalsViewSet",
    "CompensationViewSet",
    "ExchangeViewSet",
    "FreightViewSet",
    "RefundViewSet",
]
