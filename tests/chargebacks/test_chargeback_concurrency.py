"""Concurrency of the chargeback statements 扣款单 on PostgreSQL: builds racing for one month make each
statement once, and a party's two answers racing on one statement leave exactly one.

Real threads with their own connections start together at a barrier and commit for real; SQLite has no
row locks, so these are skipped there.
"""

from __future__ import annotations

import pytest
from django.db import connection

from aftersales.fsm import http_status
from chargebacks.choices import StatementState
from chargebacks.models import ChargebackLine, ChargebackStatement
from chargebacks.services import chargeback_acknowledge, chargeback_build, chargeback_dispute, chargeback_issue
from tests.support.chargebacks import charged_month, statement_of
from tests.support.concurrency import run_together
from tests.support.returns import user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks, so concurrent writers cannot race there",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_five_builds_of_one_month_at_once_make_each_statement_once(demo):
    # given
    month = charged_month()

    # when
    results = run_together(5, lambda index: sorted(s.pk for s in chargeback_build(period=month.period)))

    # then
    assert not [result for result in results if isinstance(result, Exception)]
    assert all(result == results[0] for result in results)
    assert ChargebackStatement.objects.count() == 4
    assert ChargebackStatement.objects.values("number").distinct().count() == 4
    assert ChargebackLine.objects.count() == 6


def test_acknowledge_and_dispute_at_once_exactly_one_wins(demo, fast_documents):
    # given
    month = charged_month()
    chargeback_build(period=month.period)
    statement = statement_of(month.period, "supplier:SUP01")
    chargeback_issue(statement=statement, user=user("finance1"))
    copies = [ChargebackStatement.objects.get(pk=statement.pk) for _ in range(2)]
    supplier = user("supplier1")

    def answer(index: int):
        if index == 0:
            return chargeback_acknowledge(statement=copies[0], user=supplier).state
        return chargeback_dispute(statement=copies[1], user=supplier, reason="数量不符").state

    # when
    results = run_together(2, answer)

    # then
    winners = [result for result in results if isinstance(result, str)]
    losers = [result for result in results if isinstance(result, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    assert http_status(losers[0]) == 409
    statement.refresh_from_db()
    assert statement.state == winners[0]
    assert statement.state in (StatementState.ACKNOWLEDGED, StatementState.DISPUTED)
