"""Reads of money at the service desk: a case's refunds, exchanges, freight and compensations, their totals, and
the compensations waiting for QA. Each starts from the case the user may see (``servicecase_get``: out of scope is
a 404), so the money of a case is seen by whoever sees the case."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404

from aftersales.roles import Role, roles_of
from servicedesk.choices import CompensationState, FreightPayer
from servicedesk.models import Compensation, Exchange, Freight, Refund, ServiceCase

ZERO = Decimal("0.00")
# Compensation that costs (or will cost) the brand: approved or given.
COUNTED_COMPENSATION = (CompensationState.APPROVED, CompensationState.GIVEN)


def refund_list(user, case: ServiceCase):
    return Refund.objects.filter(service_case=case).select_related("recorded_by", "return_item").order_by("-id")


def exchange_list(user, case: ServiceCase):
    return Exchange.objects.filter(service_case=case).select_related("recorded_by", "return_item").order_by("-id")


def freight_list(user, case: ServiceCase):
    return Freight.objects.filter(service_case=case).select_related("recorded_by", "return_item").order_by("-id")


def compensation_list(user, case: ServiceCase):
    # The case comes along: who may give a compensation is asked of its case for each row.
    return (
        Compensation.objects.filter(service_case=case)
        .select_related("service_case", "recorded_by", "decided_by", "given_by", "return_item")
        .order_by("-id")
    )


def compensation_get(user, case: ServiceCase, pk: int) -> Compensation:
    return get_object_or_404(compensation_list(user, case), pk=pk)


def case_money_totals(case: ServiceCase) -> dict[str, Decimal]:
    """The money of a case as its page shows it, summed in the database (four queries whatever the rows)."""
    refunds = Refund.objects.filter(service_case=case).aggregate(total=Sum("amount"))["total"] or ZERO
    fees = Exchange.objects.filter(service_case=case).aggregate(total=Sum("fee"))["total"] or ZERO
    freight = Freight.objects.filter(service_case=case).aggregate(
        brand=Sum("cost", filter=Q(payer=FreightPayer.BRAND)),
        customer=Sum("cost", filter=Q(payer=FreightPayer.CUSTOMER)),
    )
    compensation = Compensation.objects.filter(service_case=case).aggregate(
        counted=Sum("amount", filter=Q(state__in=COUNTED_COMPENSATION)),
        waiting=Sum("amount", filter=Q(state=CompensationState.PROPOSED)),
        waiting_count=Count("id", filter=Q(state=CompensationState.PROPOSED)),
    )
    return {
        "refunded": refunds,
        "exchange_fees": fees,
        "freight_brand": freight["brand"] or ZERO,
        "freight_customer": freight["customer"] or ZERO,
        "compensation": compensation["counted"] or ZERO,
        "compensation_waiting": compensation["waiting"] or ZERO,
        "compensation_waiting_count": compensation["waiting_count"],
        # What the case costs the brand: refunds, compensation and the freight it pays, less the fees it took.
        "cost": refunds + (compensation["counted"] or ZERO) + (freight["brand"] or ZERO) - fees,
    }


def compensations_waiting(user):
    """Compensations above the threshold waiting for approval, for QA's tile: none for anyone else."""
    if Role.QA_MANAGER not in roles_of(user):
        return Compensation.objects.none()
    return Compensation.objects.filter(
        state=CompensationState.PROPOSED, service_case__in=ServiceCase.objects.visible_to(user)
    )
