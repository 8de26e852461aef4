"""Concurrency of money at the desk on PostgreSQL: QA's approve and reject of one compensation racing leave
exactly one decision, and two refunds racing on one receipt never exceed what was paid.

Real threads with their own connections start together at a barrier and commit for real; SQLite has no row
locks, so these are skipped there.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from aftersales.fsm import http_status
from aftersales.models import TransitionLog
from servicedesk.choices import CompensationState
from servicedesk.models import Compensation, Refund
from servicedesk.services import money as money_services
from tests.support.concurrency import run_together
from tests.support.servicedesk import in_progress, user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks, so concurrent writers cannot race there",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_approve_and_reject_at_once_exactly_one_wins(demo):
    # given a compensation above the threshold, loaded by two QA requests
    comp = money_services.compensation_propose(
        user=user("hotline1"), case=in_progress(), kind="money", amount=Decimal("900.00")
    )
    copies = [Compensation.objects.get(pk=comp.pk) for _ in range(2)]
    qa = user("qa1")

    def decide(index: int):
        if index == 0:
            return money_services.compensation_approve(user=qa, compensation=copies[0]).state
        return money_services.compensation_reject(user=qa, compensation=copies[1], reason="超标").state

    # when
    results = run_together(2, decide)

    # then
    winners = [result for result in results if isinstance(result, str)]
    losers = [result for result in results if isinstance(result, Exception)]
    assert len(winners) == 1 and len(losers) == 1 and http_status(losers[0]) == 409
    comp.refresh_from_db()
    assert comp.state == winners[0] in (CompensationState.APPROVED, CompensationState.REJECTED)
    assert TransitionLog.objects.for_object(comp).exclude(transition="propose").count() == 1


def test_two_refunds_of_one_receipt_at_once_never_exceed_it(demo):
    # given a case with a receipt of 100.00 known and 40.00 refunded
    case = in_progress()
    money_services.refund_record(
        user=user("hotline1"), case=case, amount=Decimal("40.00"), method="cash", paid_amount=Decimal("100.00")
    )

    # when two agents refund 50.00 each at the same moment
    results = run_together(
        2,
        lambda index: (
            money_services.refund_record(
                user=user("hotline1"), case=case, amount=Decimal("50.00"), method="bank_card"
            ).amount
        ),
    )

    # then one refund went through and the other was refused naming the amount
    assert sorted(str(type(result).__name__) for result in results) == ["Decimal", "ValidationError"]
    assert sum(Refund.objects.filter(service_case=case).values_list("amount", flat=True)) == Decimal("90.00")
