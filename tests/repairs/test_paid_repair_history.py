"""Paid repair in the demo's history (demo/paid_repair_history.py): one quote accepted by phone, repaired and paid
at the store, one declined at the counter and sent back unrepaired, all through the services in the past."""

import pytest
from django.utils import timezone

from aftersales.models import TransitionLog
from cases.choices import ReturnState
from demo.paid_repair_history import RECEIPT_PREFIX, paid_repair_history_build
from repairs.models import RepairTicket, RepairTicketState


def story_tickets():
    return RepairTicket.objects.filter(return_item__receipt_no__startswith=RECEIPT_PREFIX).order_by("id")


@pytest.mark.django_db
def test_the_demo_has_one_paid_repair_accepted_and_paid_and_one_declined(demo):
    paid_repair_history_build()

    accepted, declined = story_tickets()
    start_of_today = timezone.make_aware(timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time()))
    # The accepted quote: the hotline's yes by phone, the repair, the parcel back, the payment at the store
    assert accepted.state == RepairTicketState.COMPLETED and accepted.paid
    assert (accepted.customer_answer, accepted.answer_channel, accepted.answer_recorded_by.username) == (
        "accepted", "phone", "hotline1",
    )  # fmt: skip
    assert accepted.accepted_amount == accepted.quote_total > 0
    assert accepted.paid_at is not None and accepted.payment_method == "e_payment"
    assert accepted.return_item.state == ReturnState.RETURNED
    assert accepted.stock_movements.exists()
    # The declined one: closed, nothing taken from stock, the unit back at the store unrepaired
    assert declined.state == RepairTicketState.REFUSED and declined.accepted_amount is None
    assert not declined.stock_movements.exists()
    assert declined.return_item.state == ReturnState.RETURNED
    assert TransitionLog.objects.filter(object_id=declined.return_item_id, transition="return_unrepaired").exists()
    # All of it in the past
    for ticket in (accepted, declined):
        assert ticket.quoted_at < ticket.answered_at < start_of_today
    assert accepted.paid_at < start_of_today
    # and running it again adds nothing
    paid_repair_history_build()
    assert story_tickets().count() == 2


@pytest.mark.django_db
def test_the_seeded_history_carries_the_paid_repairs(demo_history):
    tickets = RepairTicket.objects.filter(paid=True)
    assert tickets.filter(state=RepairTicketState.REFUSED).exists()
    assert tickets.filter(state=RepairTicketState.COMPLETED, paid_at__isnull=False).exists()
    # No paid repair took a part before its customer accepted
    for ticket in tickets.exclude(state=RepairTicketState.REFUSED).filter(stock_movements__isnull=False).distinct():
        first_part = ticket.stock_movements.order_by("moved_at").first().moved_at
        assert ticket.answered_at <= first_part
