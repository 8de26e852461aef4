"""Two verdicts on one answered rectification order at the same moment, on PostgreSQL: exactly one wins, the other
is refused (409), and the log has one verification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from aftersales.fsm import TransitionStateConflict
from aftersales.models import TransitionLog
from quality.models.orders import OrderState, RectificationOrder
from quality.services.orders import open_order, order_respond, order_verify
from suppliers.models import Supplier
from tests.support.concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks, so concurrent writers cannot race there",
    ),
    pytest.mark.django_db(transaction=True),
]

ANSWERS = {key: "已整改" for key in ("root_cause", "corrective_action", "accountability", "staff_education")}


def user(name):
    return get_user_model().objects.get(username=name)


def test_effective_and_not_effective_at_the_same_moment_never_both_win(demo):
    order = open_order(
        by=user("qa1"), party_type="supplier", party=Supplier.objects.get(code="SUP01"), problem="开线",
        due_date=timezone.localdate() + dt.timedelta(days=7),
    )  # fmt: skip
    order_respond(order=order, user=user("supplier1"), answers=ANSWERS)

    def verify(index: int):
        row = RectificationOrder.objects.get(pk=order.pk)
        return order_verify(order=row, user=user("qa1"), effective=index == 0, notes="" if index == 0 else "仍复发")

    results = run_together(2, verify)

    winners = [result for result in results if isinstance(result, RectificationOrder)]
    refused = [result for result in results if isinstance(result, TransitionStateConflict)]
    assert len(winners) == 1 and len(refused) == 1, results
    row = RectificationOrder.objects.get(pk=order.pk)
    assert TransitionLog.objects.filter(object_id=row.pk, transition="verify").count() == 1
    assert (row.state, row.times_sent_back) in {(OrderState.CLOSED, 0), (OrderState.ISSUED, 1)}
