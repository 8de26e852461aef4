"""Repair tickets 维修单 and the spare-part stock ledger 备件台账 through their services."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.models import TransitionLog
from cases.choices import ReturnState
from cases.models import Return
from repairs.models import RepairTicket, RepairTicketState, SparePart, StockMovement, StockMovementReason
from repairs.services import (
    consumed_parts,
    labour_cost,
    repairticket_complete,
    repairticket_update,
    sparepart_receive,
)
from tests.factories.repairs import SparePartFactory
from tests.support.repairs import open_tickets, snapshot


@pytest.mark.django_db
def test_parts_used_are_taken_from_stock_through_the_ledger(demo_user):
    # Given an open ticket and a part with 20 in stock at 2.50
    (ticket,) = open_tickets(demo_user)
    part = SparePartFactory(stock_quantity=20, unit_cost=Decimal("2.50"))

    # When the technician records 3 of it
    ticket = repairticket_update(user=demo_user("tech1"), ticket=ticket, parts=[(part, 3)])

    # Then stock is 17, the ledger says −3 → 17 for this ticket, and parts cost 7.50
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 17
    line = StockMovement.objects.get(part=part)
    assert (line.quantity, line.balance_after, line.reason, line.repair_ticket_id) == (
        -3,
        17,
        StockMovementReason.CONSUMED,
        ticket.pk,
    )
    assert line.moved_by.username == "tech1" and line.unit_cost == Decimal("2.50")
    assert ticket.parts_cost == Decimal("7.50") and ticket.total_cost == Decimal("7.50")


@pytest.mark.django_db
def test_lowering_the_total_gives_parts_back_to_stock(demo_user):
    # Given a ticket holding 5 of a part (stock 15 left of 20)
    (ticket,) = open_tickets(demo_user)
    part = SparePartFactory(stock_quantity=20, unit_cost=Decimal("4.00"))
    tech1 = demo_user("tech1")
    repairticket_update(user=tech1, ticket=ticket, parts=[(part, 5)])

    # When the total is lowered to 2, then the part is dropped altogether
    ticket = repairticket_update(user=tech1, ticket=ticket, parts=[(part, 2)])
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 18
    assert ticket.parts_cost == Decimal("8.00")
    ticket = repairticket_update(user=tech1, ticket=ticket, parts=[])

    # Then every unit is back, and the ledger shows the two returns with their balances
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 20
    lines = list(
        StockMovement.objects.filter(part=part).order_by("id").values_list("quantity", "balance_after", "reason")
    )
    assert lines == [(-5, 15, "consumed"), (3, 18, "returned"), (2, 20, "returned")]
    assert consumed_parts(ticket) == {} and ticket.parts_cost == Decimal("0.00")


@pytest.mark.django_db
def test_a_shortage_names_the_part_and_changes_nothing(demo_user):
    # Given a ticket with labour recorded and one part already used, and a part with only 2 in stock
    (ticket,) = open_tickets(demo_user)
    tech1 = demo_user("tech1")
    plenty = SparePartFactory(part_no="P-OK-1", stock_quantity=50)
    scarce = SparePartFactory(part_no="P-LOW-1", stock_quantity=2)
    ticket = repairticket_update(user=tech1, ticket=ticket, parts=[(plenty, 1)], labour_minutes=30)
    before = snapshot(ticket, plenty, scarce)

    # When the repair asks for 4 more of the first part and 3 of the scarce one (and changes labour)
    with pytest.raises(ValidationError) as refused:
        repairticket_update(user=tech1, ticket=ticket, parts=[(plenty, 5), (scarce, 3)], labour_minutes=90)

    # Then the error names the scarce part and the stock, and nothing changed: stock, ledger, costs
    message = " ".join(refused.value.message_dict["parts"])
    assert "P-LOW-1" in message and "2" in message and "3" in message
    assert snapshot(ticket, plenty, scarce) == before


@pytest.mark.django_db
def test_negative_quantities_and_duplicates_are_refused(demo_user):
    (ticket,) = open_tickets(demo_user)
    part = SparePartFactory(stock_quantity=5)
    before = snapshot(ticket, part)
    for parts in ([(part, -1)], [(part, 1), (part, 1)]):
        with pytest.raises(ValidationError) as refused:
            repairticket_update(user=demo_user("tech1"), ticket=ticket, parts=parts)
        assert "parts" in refused.value.message_dict
    assert snapshot(ticket, part) == before


@pytest.mark.django_db
def test_labour_is_charged_at_the_labour_rate(demo_user, settings):
    # Given a ticket opened while the rate is 60.00 per hour
    (ticket,) = open_tickets(demo_user)
    assert ticket.labour_rate == Decimal("60.00")
    part = SparePartFactory(stock_quantity=10, unit_cost=Decimal("3.35"))

    # When 45 minutes and 2 parts are recorded
    ticket = repairticket_update(user=demo_user("tech1"), ticket=ticket, labour_minutes=45, parts=[(part, 2)])

    # Then labour is 45.00, parts 6.70, total 51.70 — all Decimal
    assert ticket.labour_cost == Decimal("45.00") and isinstance(ticket.labour_cost, Decimal)
    assert ticket.parts_cost == Decimal("6.70")
    assert ticket.total_cost == Decimal("51.70")
    stored = RepairTicket.objects.get(pk=ticket.pk)
    assert (stored.labour_cost, stored.total_cost) == (Decimal("45.00"), Decimal("51.70"))
    # And odd minutes round half up to the cent
    assert labour_cost(7, Decimal("60.00")) == Decimal("7.00")
    assert labour_cost(1, Decimal("50.00")) == Decimal("0.83")


@pytest.mark.django_db
def test_a_rate_change_does_not_reprice_an_open_ticket(demo_user, settings):
    # Given a ticket opened at 60.00/h, then the rate setting changes
    (ticket,) = open_tickets(demo_user)
    settings.AFTERSALES_LABOUR_RATE_PER_HOUR = Decimal("90.00")

    # When labour is recorded
    ticket = repairticket_update(user=demo_user("tech1"), ticket=ticket, labour_minutes=60)

    # Then it is charged at the rate in force when the ticket opened
    assert ticket.labour_cost == Decimal("60.00")


@pytest.mark.django_db
def test_a_failed_quality_check_keeps_the_unit_in_repair(demo_user):
    # Given an open ticket
    (ticket,) = open_tickets(demo_user)

    # When QC fails
    ticket = repairticket_update(user=demo_user("tech1"), ticket=ticket, qc_passed=False, qc_notes="线头未清")

    # Then the ticket stays open, the Return stays repairing, and the check is logged
    ticket = RepairTicket.objects.get(pk=ticket.pk)
    assert ticket.state == RepairTicketState.OPEN and ticket.qc_passed is False and ticket.qc_checked_at
    assert ticket.return_item.state == ReturnState.REPAIRING
    assert TransitionLog.objects.for_object(ticket).filter(transition="quality_check").count() == 1


@pytest.mark.parametrize("qc_passed", [None, False])
@pytest.mark.django_db
def test_completing_without_a_passed_quality_check_is_refused_and_changes_nothing(demo_user, qc_passed):
    # Given an open ticket not yet checked, or failed
    (ticket,) = open_tickets(demo_user)
    tech1 = demo_user("tech1")
    if qc_passed is False:
        ticket = repairticket_update(user=tech1, ticket=ticket, qc_passed=False, qc_notes="开线")
    part = SparePartFactory(stock_quantity=5)
    before = snapshot(ticket, part)

    # When the technician tries to complete it (even recording parts and labour on the way)
    with pytest.raises(ValidationError) as refused:
        repairticket_complete(user=tech1, ticket=ticket, parts=[(part, 1)], labour_minutes=20)

    # Then it is a 400 on the quality check and nothing changed
    assert "qc_passed" in refused.value.message_dict
    assert snapshot(ticket, part) == before


@pytest.mark.django_db
def test_completing_after_a_passed_check_makes_the_return_ready_to_return(demo_user):
    # Given a repaired ticket whose QC passed
    (ticket,) = open_tickets(demo_user)
    tech1 = demo_user("tech1")
    ticket = repairticket_update(user=tech1, ticket=ticket, labour_minutes=30, qc_passed=True, work_done="换拉链")

    # When it is completed
    ticket = repairticket_complete(user=tech1, ticket=ticket)

    # Then the ticket is closed and the Return is ready to go back, both logged
    ticket = RepairTicket.objects.get(pk=ticket.pk)
    assert ticket.state == RepairTicketState.COMPLETED and ticket.completed_at
    item = Return.objects.get(pk=ticket.return_item_id)
    assert item.state == ReturnState.READY_TO_RETURN
    assert TransitionLog.objects.for_object(item).filter(transition="complete_repair").exists()
    assert TransitionLog.objects.for_object(ticket).filter(transition="complete").exists()

    # And a completed ticket can no longer be changed (409) — nothing moves
    part = SparePartFactory(stock_quantity=5)
    before = snapshot(ticket, part)
    with pytest.raises(TransitionStateConflict):
        repairticket_update(user=tech1, ticket=ticket, parts=[(part, 1)])
    assert snapshot(ticket, part) == before


@pytest.mark.parametrize("username", ["finance1", "store1", "qa1"])
@pytest.mark.django_db
def test_only_technicians_record_repairs(demo_user, username):
    # Given an open ticket and someone who is not a technician
    (ticket,) = open_tickets(demo_user)
    part = SparePartFactory(stock_quantity=5)
    before = snapshot(ticket, part)

    # When they try to use parts, or complete it
    with pytest.raises(TransitionForbidden):
        repairticket_update(user=demo_user(username), ticket=ticket, parts=[(part, 1)])
    with pytest.raises(TransitionForbidden):
        repairticket_complete(user=demo_user(username), ticket=ticket, qc_passed=True)

    # Then nothing changed
    assert snapshot(ticket, part) == before


@pytest.mark.django_db
def test_the_last_unit_goes_to_one_repair_only(demo_user):
    # Given two open tickets and a part with exactly one unit left
    first, second = open_tickets(demo_user, count=2)
    tech1, tech2 = demo_user("tech1"), demo_user("tech2")
    part = SparePartFactory(part_no="P-LAST", stock_quantity=1)
    stale = SparePart.objects.get(pk=part.pk)  # both requests loaded the part while one unit was left

    # When both repairs take it, each with the part as it was loaded
    repairticket_update(user=tech1, ticket=first, parts=[(stale, 1)])
    with pytest.raises(ValidationError) as refused:
        repairticket_update(user=tech2, ticket=second, parts=[(stale, 1)])

    # Then only the first got it: stock 0, one ledger line, the second ticket holds nothing
    assert "P-LAST" in " ".join(refused.value.message_dict["parts"])
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 0
    assert list(StockMovement.objects.filter(part=part).values_list("repair_ticket_id", "balance_after")) == [
        (first.pk, 0)
    ]
    assert RepairTicket.objects.get(pk=second.pk).parts_cost == Decimal("0")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_repairs_cannot_both_take_the_last_unit(demo_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so the race cannot happen there")
    # Given two open tickets and one unit left
    first, second = open_tickets(demo_user, count=2)
    part = SparePartFactory(part_no="P-RACE", stock_quantity=1)
    tech = demo_user("tech1")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def take(ticket):
        try:
            barrier.wait()
            repairticket_update(user=tech, ticket=ticket, parts=[(part, 1)])
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    # When both take it at the same moment
    threads = [threading.Thread(target=take, args=(ticket,)) for ticket in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then exactly one succeeded and stock never went below zero
    assert sorted(outcomes) == ["ok", "refused"]
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 0
    assert StockMovement.objects.filter(part=part).count() == 1


@pytest.mark.django_db
def test_booking_stock_in_and_adjusting_it(demo_user):
    # Given a part with 10 in stock
    part = SparePartFactory(stock_quantity=10)
    tech1 = demo_user("tech1")

    # When a delivery of 25 is booked, then a count correction of −5 with a note
    sparepart_receive(user=tech1, part=part, quantity=25, note="到货")
    sparepart_receive(user=tech1, part=part, quantity=-5, note="盘点少5个")

    # Then stock is 30 and the ledger holds both with their balances and reasons
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 30
    lines = list(
        StockMovement.objects.filter(part=part).order_by("id").values_list("quantity", "balance_after", "reason")
    )
    assert lines == [(25, 35, "received"), (-5, 30, "adjusted")]


@pytest.mark.parametrize(
    ("username", "quantity", "note", "error"),
    [
        ("tech1", -3, "  ", "note"),
        ("tech1", 0, "", "quantity"),
        ("tech1", -11, "盘点", "parts"),
        ("finance1", 5, "", None),
    ],
)
@pytest.mark.django_db
def test_refused_stock_bookings_change_nothing(demo_user, username, quantity, note, error):
    # Given a part with 10 in stock
    part = SparePartFactory(stock_quantity=10)

    # When a booking without a reason, of zero, below zero, or by a non-technician is tried
    expected = TransitionForbidden if error is None else ValidationError
    with pytest.raises(expected) as refused:
        sparepart_receive(user=demo_user(username), part=part, quantity=quantity, note=note)

    # Then the right field is named and neither stock nor ledger moved
    if error is not None:
        assert error in refused.value.message_dict
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 10
    assert not StockMovement.objects.filter(part=part).exists()
