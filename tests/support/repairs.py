"""Repair tickets 维修单 made the real way, and what a refused repair write must leave untouched."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from aftersales.models import TransitionLog
from cases import services as case_services
from cases.choices import ShipmentDirection
from cases.models import Return
from inspection.services import return_inspect
from repairs.models import RepairTicket, SparePart, StockMovement
from stores.models import Store
from suppliers.models import Style

STAFF_OF = {"S001": "store1", "S002": "store2"}


def open_tickets(demo_user, count: int = 1, store: str = "S001") -> list[RepairTicket]:
    """Repair tickets made the real way: logged, shipped, received and inspected ``repairable``."""
    staff, tech = demo_user(STAFF_OF[store]), demo_user("tech1")
    shop = Store.objects.get(code=store)
    style = Style.objects.get(style_no="226101JK001")
    units = case_services.return_log(
        user=staff,
        store=shop,
        receipt_no="POS-R1",
        purchase_date=timezone.localdate() - dt.timedelta(days=3),
        onsite_handling="exchange",
        units=[
            case_services.ReturnUnit(
                style=style, color="黑色", size="L", production_year=2026, defect_description="拉链坏"
            )
            for _ in range(count)
        ],
    )
    ids = [unit.pk for unit in units]
    shipment = case_services.shipment_create(
        user=staff, direction=ShipmentDirection.TO_CENTER, store=shop, return_ids=ids
    )
    shipment = case_services.shipment_dispatch(
        user=staff, shipment=shipment, carrier="顺丰", tracking_no="SF1000000000001"
    )
    case_services.shipment_receive(user=tech, shipment=shipment, received_ids=ids)
    for item in Return.objects.filter(pk__in=ids).order_by("pk"):
        return_inspect(user=tech, return_item=item, verdict="repairable", responsibility="supplier")
    return list(RepairTicket.objects.filter(return_item__in=ids).order_by("pk"))


def snapshot(ticket: RepairTicket, *parts: SparePart) -> tuple:
    """What a refused write must leave untouched: stock, ledger, the ticket's costs and state, the Return's state."""
    ticket = RepairTicket.objects.get(pk=ticket.pk)
    return (
        [SparePart.objects.get(pk=part.pk).stock_quantity for part in parts],
        StockMovement.objects.count(),
        (ticket.parts_cost, ticket.labour_cost, ticket.total_cost, ticket.labour_minutes, ticket.qc_passed),
        ticket.state,
        Return.objects.get(pk=ticket.return_item_id).state,
        TransitionLog.objects.count(),
    )
