"""Paid repair past the warranty 保修期外有偿维修 (seed 004), through the services: the ticket starts as a quote, the
customer's answer is recorded before any part leaves stock, a refusal sends the unit back unrepaired."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.models import TransitionLog
from cases.choices import ReturnState
from repairs.models import QuoteAnswer, RepairTicketState
from repairs.quotes import (
    repairticket_accept_quote,
    repairticket_quote,
    repairticket_record_payment,
    repairticket_refuse_quote,
)
from repairs.services import repairticket_complete, repairticket_update
from suppliers.models import Category
from tests.support.paid_repair import (
    LABOUR_MINUTES,
    expected_total,
    free_ticket,
    paid_return,
    paid_ticket,
    quote_part,
    snapshot,
)
from tests.support.returns import fresh, user


@pytest.fixture(autouse=True)
def english():
    """The refusals are read in English here, whatever language an earlier test of the worker left active."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def test_an_out_of_warranty_repair_opens_as_a_quote_and_an_in_warranty_one_as_today(demo):
    # Given a jacket bought 400 days ago (12-month warranty, paid repair offered) and one bought 3 days ago
    paid = paid_return().repair_ticket
    free = free_ticket()
    # Then the first ticket waits for its quote, the second is in repair at once, as before
    assert (paid.state, paid.paid) == (RepairTicketState.QUOTING, True)
    assert (free.state, free.paid) == (RepairTicketState.OPEN, False)


def test_the_quote_is_parts_at_cost_and_labour_at_the_rate_and_takes_nothing_from_stock(demo):
    ticket = paid_return().repair_ticket
    stock = quote_part().stock_quantity
    ticket = repairticket_quote(
        user=user("tech1"), ticket=ticket, parts=[(quote_part(), 2)], labour_minutes=45, note="换拉链"
    )
    ticket = fresh(ticket)
    assert ticket.state == RepairTicketState.QUOTED
    assert ticket.quote_parts_amount == Decimal("13.00")  # 2 × CNY 6.50
    assert ticket.quote_labour_amount == Decimal("45.00")  # 45 minutes at CNY 60.00 an hour
    assert ticket.quote_total == Decimal("58.00") == expected_total(2, 45)
    assert ticket.quote_parts[0]["part_no"] == "P-ZIP-5" and ticket.quote_parts[0]["quantity"] == 2
    assert (ticket.quoted_by.username, quote_part().stock_quantity) == ("tech1", stock)


def test_parts_are_refused_while_the_quote_waits_for_the_customer(demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    before = snapshot(ticket)
    with pytest.raises(TransitionStateConflict, match="not accepted the paid-repair quote"):
        repairticket_update(user=user("tech1"), ticket=ticket, parts=[(quote_part(), 1)])
    assert snapshot(ticket) == before


def test_acceptance_records_who_when_how_and_the_amount_then_the_repair_takes_parts(demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    when = ticket.quoted_at  # the customer said yes on the phone while the technician was quoting
    ticket = repairticket_accept_quote(
        user=user("store1"), ticket=ticket, amount=expected_total(), name="王小明", channel="in_store", answered_at=when
    )
    ticket = fresh(ticket)
    assert ticket.state == RepairTicketState.OPEN
    answer = (ticket.customer_answer, ticket.answered_by_name, ticket.answer_channel)
    assert answer == ("accepted", "王小明", "in_store")
    assert ticket.answered_at == when and ticket.answer_recorded_by.username == "store1"
    assert ticket.accepted_amount == expected_total()
    stock = quote_part().stock_quantity
    ticket = repairticket_complete(
        user=user("tech1"), ticket=ticket, parts=[(quote_part(), 1)], labour_minutes=LABOUR_MINUTES, qc_passed=True
    )
    assert quote_part().stock_quantity == stock - 1
    assert fresh(ticket.return_item).state == ReturnState.READY_TO_RETURN
    # The customer pays what they accepted, whatever the repair cost in the end.
    ticket = repairticket_record_payment(user=user("store1"), ticket=ticket, method="e_payment")
    assert fresh(ticket).paid_at is not None and fresh(ticket).accepted_amount == expected_total()


def test_a_refusal_closes_the_ticket_and_sends_the_unit_back_unrepaired(demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    ticket = repairticket_refuse_quote(
        user=user("hotline1"), ticket=ticket, name="王小明", channel="phone", note="太贵"
    )
    ticket = fresh(ticket)
    assert (ticket.state, ticket.customer_answer, ticket.accepted_amount) == ("refused", QuoteAnswer.REFUSED, None)
    item = fresh(ticket.return_item)
    assert item.state == ReturnState.READY_TO_RETURN
    log = TransitionLog.objects.filter(object_id=item.pk, transition="return_unrepaired").get()
    assert log.actor.username == "hotline1" and log.target_state == ReturnState.READY_TO_RETURN


def test_a_quote_accepted_twice_is_a_conflict_and_changes_nothing(demo):
    ticket = paid_ticket(state=RepairTicketState.OPEN)
    before = snapshot(ticket)
    with pytest.raises(TransitionStateConflict):
        repairticket_accept_quote(
            user=user("hotline1"), ticket=ticket, amount=expected_total(), name="王小明", channel="phone"
        )
    assert snapshot(ticket) == before


@pytest.mark.parametrize(
    ("amount", "field"),
    [(Decimal("-1.00"), "amount"), (Decimal("99999.00"), "amount"), (None, "amount")],
)
def test_an_amount_other_than_the_quote_is_refused(demo, amount, field):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    before = snapshot(ticket)
    with pytest.raises(ValidationError) as error:
        repairticket_accept_quote(user=user("hotline1"), ticket=ticket, amount=amount, name="王小明", channel="phone")
    assert field in error.value.message_dict
    assert snapshot(ticket) == before


def test_acceptance_in_a_category_that_stopped_offering_paid_repair_is_refused(demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    Category.objects.filter(pk=ticket.return_item.style.category_id).update(paid_repair_offered=False)
    before = snapshot(ticket)
    with pytest.raises(ValidationError) as error:
        repairticket_accept_quote(
            user=user("hotline1"), ticket=ticket, amount=expected_total(), name="王小明", channel="phone"
        )
    assert "offers no paid repair" in error.value.message_dict["quote"][0]
    assert snapshot(ticket) == before


def test_acceptance_for_a_unit_within_its_warranty_is_refused(demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    # The purchase date was mistyped at the counter: the unit was in warranty after all.
    type(ticket.return_item).objects.filter(pk=ticket.return_item_id).update(
        purchase_date=timezone.localdate() - dt.timedelta(days=30)
    )
    before = snapshot(ticket)
    with pytest.raises(ValidationError) as error:
        repairticket_accept_quote(
            user=user("hotline1"), ticket=fresh(ticket), amount=expected_total(), name="王小明", channel="phone"
        )
    assert "warranty" in error.value.message_dict["quote"][0]
    assert snapshot(ticket) == before


def test_the_technician_and_another_store_may_not_answer_for_the_customer(demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    for login in ("tech1", "store2", "region1"):
        with pytest.raises(TransitionForbidden):
            repairticket_accept_quote(
                user=user(login), ticket=ticket, amount=expected_total(), name="王小明", channel="phone"
            )


def test_an_absurd_quote_is_refused(demo):
    ticket = paid_return().repair_ticket
    before = snapshot(ticket)
    with pytest.raises(ValidationError) as error:
        repairticket_quote(user=user("tech1"), ticket=ticket, parts=[(quote_part(), 5000)], labour_minutes=30)
    assert "quote_total" in error.value.message_dict
    assert snapshot(ticket) == before


def test_an_answer_in_the_future_is_refused(demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    with pytest.raises(ValidationError) as error:
        repairticket_refuse_quote(
            user=user("hotline1"),
            ticket=ticket,
            name="王小明",
            channel="phone",
            answered_at=timezone.now() + dt.timedelta(days=1),
        )
    assert "answered_at" in error.value.message_dict


def test_a_payment_is_recorded_once(demo):
    ticket = paid_ticket(state=RepairTicketState.COMPLETED)
    repairticket_record_payment(user=user("store1"), ticket=ticket, method="cash")
    before = snapshot(ticket)
    with pytest.raises(TransitionStateConflict, match="recorded already"):
        repairticket_record_payment(user=user("store1"), ticket=ticket, method="cash")
    assert snapshot(ticket) == before
