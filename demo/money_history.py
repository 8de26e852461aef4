"""Money in the demo desk's history 服务台金额历史 (issue 15): refunds by several methods, an exchange with a fee,
freight by the rule, a compensation above the threshold approved by QA and one at or below it approved at once,
made through the services at historic moments on the cases the desk history left running.

When one of those cases has a linked Return judged the supplier's fault (the full ``seed_demo`` links the
callers' Returns), its refund and compensation become lines of the current month's chargeback draft of that
supplier, as finance's build would make them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from servicedesk.choices import CASE_OPEN_STATES, CaseKind
from servicedesk.models import Compensation, ServiceCase
from servicedesk.services import money as money_services
from suppliers.choices import Responsibility


@dataclass
class MoneySummary:
    refunds: int = 0
    compensations: int = 0
    chargeback_lines: int = 0
    skipped: bool = False


def _user(username: str):
    return get_user_model().objects.get(username=username)


def money_history_build(*, end: dt.datetime) -> MoneySummary:
    """Money on the desk's running cases, each step a day or two after the case was opened (never after ``end``).

    Skipped when any compensation exists (``seed_demo`` twice adds nothing).
    """
    if Compensation.objects.exists():
        return MoneySummary(skipped=True)
    hotline, qa = _user("hotline1"), _user("qa1")
    running = list(ServiceCase.objects.filter(state__in=CASE_OPEN_STATES, logging_store__isnull=True).order_by("id"))
    if not running:
        return MoneySummary(skipped=True)
    by_kind = {case.kind: case for case in running}
    summary = MoneySummary()

    def at(case: ServiceCase, days: float):
        moment = min(case.created_at + dt.timedelta(days=days), end - dt.timedelta(minutes=5))
        return time_machine.travel(moment, tick=False)

    # A change-of-mind exchange with its fee, and the freight both ways at the customer's charge.
    exchange_case = by_kind.get(CaseKind.RETURN_EXCHANGE, running[0])
    with at(exchange_case, 1):
        money_services.exchange_record(
            user=hotline, case=exchange_case, reason="change_of_mind", fee=Decimal("20.00"), replacement="同款大一码"
        )
        money_services.freight_record(
            user=hotline, case=exchange_case, direction="inbound", reason="change_of_mind", carrier="顺丰",
            tracking_no="SF1402345678901", cost=Decimal("18.00"),
        )  # fmt: skip
    # Quality cases: refunds by different methods (the receipt's amount known), compensation both ways.
    quality = [case for case in running if case.kind == CaseKind.QUALITY] or running
    first, second = quality[0], quality[-1]
    with at(first, 1):
        money_services.refund_record(
            user=hotline, case=first, amount=Decimal("299.00"), method="original_payment",
            paid_on=timezone.localdate(), paid_amount=Decimal("299.00"), return_item=_supplier_unit(first),
        )  # fmt: skip
        summary.refunds += 1
        money_services.freight_record(
            user=hotline, case=first, direction="inbound", reason="quality", carrier="中通", tracking_no="ZT7788990011",
            cost=Decimal("12.00"),
        )  # fmt: skip
    with at(first, 1.5):
        small = money_services.compensation_propose(
            user=hotline, case=first, kind="coupon", amount=Decimal("100.00"), note="100 元优惠券, 致歉"
        )
        money_services.compensation_give(user=hotline, compensation=small)
        summary.compensations += 1
    with at(second, 1):
        if second.pk != first.pk:  # first's refunds took its whole receipt
            money_services.refund_record(user=hotline, case=second, amount=Decimal("89.00"), method="cash")
            money_services.refund_record(user=hotline, case=second, amount=Decimal("60.00"), method="e_payment")
            summary.refunds += 2
        large = money_services.compensation_propose(
            user=hotline, case=second, kind="money", amount=Decimal("800.00"), note="衣物洗后褪色染坏其他衣物, 赔偿"
        )
        summary.compensations += 1
    with at(second, 1.5):
        large = money_services.compensation_approve(user=qa, compensation=large, note="同意, 按损失赔偿")
    with at(second, 2):
        money_services.compensation_give(user=hotline, compensation=large)
    # The repair under warranty: the brand pays the freight both ways.
    repair = by_kind.get(CaseKind.REPAIR)
    if repair is not None:
        with at(repair, 0.5):
            money_services.freight_record(
                user=hotline, case=repair, direction="inbound", reason="warranty_repair", carrier="顺丰",
                tracking_no="SF1409876543210", cost=Decimal("15.00"),
            )  # fmt: skip
    summary.chargeback_lines = _charge_back(first, end=end)
    return summary


def _supplier_unit(case: ServiceCase):
    return case.returns.filter(responsibility=Responsibility.SUPPLIER, inspected_at__isnull=False).first()


def _charge_back(case: ServiceCase, *, end: dt.datetime) -> int:
    """Build the current month's chargeback drafts when the case's cost is the supplier's (as finance would)."""
    from chargebacks.choices import ChargebackLineKind
    from chargebacks.models import ChargebackLine
    from chargebacks.services import chargeback_build
    from servicedesk.models import Refund

    unit = _supplier_unit(case)
    refund = Refund.objects.filter(service_case=case, return_item=unit).first() if unit is not None else None
    if refund is None:
        return 0
    # The month the cost falls in: the later of its payment and the verdict (chargebacks.services.build).
    period = max(refund.paid_on, timezone.localdate(unit.inspected_at)).replace(day=1)
    with time_machine.travel(end - dt.timedelta(minutes=5), tick=False):
        chargeback_build(period=period, user=_user("finance1"))
    return ChargebackLine.objects.filter(
        kind__in=[ChargebackLineKind.DESK_REFUND, ChargebackLineKind.DESK_COMPENSATION],
        statement__period=period,
    ).count()
