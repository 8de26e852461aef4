"""The customer's yes and no recorded at the same moment (the hotline and the store), on PostgreSQL: exactly one
wins, the other is refused, and the ticket and the Return show only the winner's answer."""

from __future__ import annotations

import pytest
from django.db import connection

from aftersales.fsm import TransitionStateConflict
from aftersales.models import TransitionLog
from cases.choices import ReturnState
from repairs.models import RepairTicket, RepairTicketState
from repairs.quotes import repairticket_accept_quote, repairticket_refuse_quote
from tests.support.concurrency import run_together
from tests.support.paid_repair import paid_ticket
from tests.support.returns import fresh, user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks, so concurrent writers cannot race there",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_acceptance_and_refusal_at_the_same_moment_never_both_win(demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)

    def answer(index: int):
        row = RepairTicket.objects.get(pk=ticket.pk)
        if index == 0:
            return repairticket_accept_quote(
                user=user("hotline1"), ticket=row, amount=row.quote_total, name="王小明", channel="phone"
            )
        return repairticket_refuse_quote(user=user("store1"), ticket=row, name="王小明", channel="in_store")

    results = run_together(2, answer)

    winners = [result for result in results if isinstance(result, RepairTicket)]
    refused = [result for result in results if isinstance(result, TransitionStateConflict)]
    assert len(winners) == 1 and len(refused) == 1, results
    row = fresh(ticket)
    answers = TransitionLog.objects.filter(object_id=row.pk, transition__in=["accept_quote", "refuse_quote"])
    assert answers.count() == 1
    if row.state == RepairTicketState.OPEN:
        assert row.customer_answer == "accepted" and fresh(row.return_item).state == ReturnState.REPAIRING
    else:
        assert row.state == RepairTicketState.REFUSED and row.accepted_amount is None
        assert fresh(row.return_item).state == ReturnState.READY_TO_RETURN


def test_two_acceptances_at_the_same_moment_record_one(demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)

    def accept(index: int):
        row = RepairTicket.objects.get(pk=ticket.pk)
        login = ("hotline1", "store1")[index]
        return repairticket_accept_quote(
            user=user(login), ticket=row, amount=row.quote_total, name="王小明", channel="phone"
        )

    results = run_together(2, accept)
    assert sum(isinstance(result, RepairTicket) for result in results) == 1, results
    assert sum(isinstance(result, TransitionStateConflict) for result in results) == 1, results
    assert TransitionLog.objects.filter(object_id=ticket.pk, transition="accept_quote").count() == 1
