"""Paid repairs past the warranty 保修期外有偿维修 made the real way, on the demo data (repairs.quotes).

An S001 (or S002) customer brought a jacket (category JK: 12-month warranty, paid repair offered) back 400 days
after buying it, for a repair at the store's counter; the store logged it with its written reason, shipped it,
tech1 received it and found it repairable. Its ticket then opens as a quote.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from aftersales.models import TransitionLog
from cases import services as case_services
from cases.models import Return
from inspection.services import return_inspect
from repairs.models import RepairTicket, RepairTicketState, SparePart, StockMovement
from repairs.quotes import repairticket_accept_quote, repairticket_quote, repairticket_refuse_quote
from repairs.services import repairticket_complete
from tests.support.returns import fresh, log_returns, ship_to_center, user

OUT_OF_WARRANTY_DAYS = 400
LABOUR_MINUTES = 30  # at the demo's CNY 60.00 an hour: CNY 30.00


def quote_part() -> SparePart:
    return SparePart.objects.get(part_no="P-ZIP-5")


def expected_total(quantity: int = 1, minutes: int = LABOUR_MINUTES) -> Decimal:
    """Parts at their unit cost plus the labour at the ticket's rate (the setting, CNY 60.00 an hour)."""
    return quote_part().unit_cost * quantity + Decimal(minutes) * Decimal("60.00") / 60


def paid_return(store_code: str = "S001", *, days: int = OUT_OF_WARRANTY_DAYS, handling: str = "local_repair"):
    """A jacket bought ``days`` ago, logged for a repair, shipped, received and inspected ``repairable``."""
    reason = "客户愿意付费维修" if days > 365 else ""
    item = log_returns(
        store_code,
        purchase_date=timezone.localdate() - dt.timedelta(days=days),
        onsite_handling=handling,
        policy_exception_reason=reason,
        customer_name="王小明",
    )[0]
    shipment = ship_to_center([item])
    case_services.shipment_receive(user=user("tech1"), shipment=shipment, received_ids=[item.pk])
    return_inspect(user=user("tech1"), return_item=fresh(item), verdict="repairable", responsibility="customer")
    return fresh(item)


def paid_ticket(store_code: str = "S001", state: str = RepairTicketState.QUOTED) -> RepairTicket:
    """The paid repair's ticket brought to ``state``: ``quoting`` (as opened), ``quoted`` (tech1 quoted one zip and
    30 minutes), ``open`` (hotline1 recorded the acceptance), ``refused``, or ``completed``."""
    ticket = paid_return(store_code).repair_ticket
    if state == RepairTicketState.QUOTING:
        return ticket
    ticket = repairticket_quote(
        user=user("tech1"), ticket=ticket, parts=[(quote_part(), 1)], labour_minutes=LABOUR_MINUTES, note="换拉链"
    )
    if state == RepairTicketState.QUOTED:
        return fresh(ticket)
    if state == RepairTicketState.REFUSED:
        return fresh(
            repairticket_refuse_quote(user=user("hotline1"), ticket=ticket, name="王小明", channel="phone", note="太贵")
        )
    ticket = repairticket_accept_quote(
        user=user("hotline1"), ticket=ticket, amount=ticket.quote_total, name="王小明", channel="phone"
    )
    if state == RepairTicketState.OPEN:
        return fresh(ticket)
    return fresh(
        repairticket_complete(
            user=user("tech1"), ticket=ticket, parts=[(quote_part(), 1)], labour_minutes=30, qc_passed=True
        )
    )


def free_ticket(store_code: str = "S001") -> RepairTicket:
    """An in-warranty repair's ticket (bought 3 days ago): open at once, no quote."""
    return paid_return(store_code, days=3, handling="exchange").repair_ticket


def snapshot(ticket: RepairTicket) -> tuple:
    """What a refused request must leave as it was: the ticket's quote, answer and payment, the Return's state,
    stock and the ledger, the audit log."""
    row = fresh(ticket)
    return (
        row.state,
        row.quote_total,
        row.quote_parts,
        row.customer_answer,
        row.answered_by_name,
        row.accepted_amount,
        row.paid_at,
        row.payment_method,
        Return.objects.get(pk=row.return_item_id).state,
        StockMovement.objects.count(),
        tuple(SparePart.objects.order_by("pk").values_list("stock_quantity", flat=True)),
        TransitionLog.objects.count(),
    )
