"""Reads of repair tickets 维修单, spare parts 备件 and the stock ledger 备件台账, always within the user's scope.

Spare parts are the service center's (other roles see none); stock per location, its ledger lines and
stocktakes are seen by the center's roles everywhere and by a store for its own location; a repair ticket is
seen by whoever sees its Return.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, ExpressionWrapper, F, Prefetch, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from repairs.models import CENTER, PartStock, RepairTicket, SparePart, StockMovement, Stocktake, StocktakeLine
from stores.models import Store


def sparepart_list(user) -> QuerySet[SparePart]:
    return SparePart.objects.visible_to(user)


def sparepart_get(user, pk) -> SparePart:
    """One spare part; 404 for roles that do not see spare parts."""
    return get_object_or_404(sparepart_list(user), pk=pk)


def sparepart_choices(user) -> QuerySet[SparePart]:
    """Parts a repair may take from stock: the active ones, by part number."""
    return sparepart_list(user).filter(active=True).order_by("part_no")


def repairticket_list(user) -> QuerySet[RepairTicket]:
    """The repair queue 维修队列: tickets the user may see, the Return due back soonest first."""
    return (
        RepairTicket.objects.visible_to(user)
        .select_related("return_item__store", "return_item__style", "technician", "quoted_by", "answer_recorded_by")
        .order_by(F("return_item__due_at").asc(nulls_last=True), "return_item_id")
    )


def repairticket_get(user, pk) -> RepairTicket:
    """One repair ticket with its Return; 404 outside the user's scope (the Return's store, or the center)."""
    queryset = RepairTicket.objects.visible_to(user).select_related(
        "return_item__store",
        "return_item__style__supplier",
        "return_item__inspection",
        "technician",
        "quoted_by",
        "answer_recorded_by",
        "payment_recorded_by",
    )
    return get_object_or_404(queryset, pk=pk)


@dataclass(frozen=True)
class PartUsed:
    """One line of the parts a repair used: the total per part and what it cost at the booked unit costs."""

    part: SparePart
    quantity: int
    cost: Decimal


def repairticket_parts(ticket: RepairTicket) -> list[PartUsed]:
    """The parts the ticket holds now (consumed minus given back), by part number."""
    money = DecimalField(max_digits=14, decimal_places=2)
    rows = (
        ticket.stock_movements.values("part_id")
        .annotate(
            total=Sum("quantity"),
            cost=Sum(ExpressionWrapper(F("quantity") * F("unit_cost"), output_field=money)),
        )
        .filter(total__lt=0)
        .order_by()
    )
    totals = {row["part_id"]: (-row["total"], -(row["cost"] or Decimal("0"))) for row in rows}
    parts = SparePart.objects.filter(pk__in=totals).order_by("part_no") if totals else []
    return [PartUsed(part=part, quantity=totals[part.pk][0], cost=totals[part.pk][1]) for part in parts]


def repairticket_parts_from_ledger(ticket: RepairTicket) -> list[PartUsed]:
    """As ``repairticket_parts``, from the ticket's prefetched ledger lines (``stock_movements__part``), no query.

    A ledger line is a movement (taken: negative, put back: positive), not a
    part used: the parts used are the net per part, and a part put back in
    full is not listed.
    """
    lines: dict[int, PartUsed] = {}
    for movement in ticket.stock_movements.all():
        line = lines.get(movement.part_id) or PartUsed(part=movement.part, quantity=0, cost=Decimal("0"))
        lines[movement.part_id] = PartUsed(
            part=line.part,
            quantity=line.quantity - movement.quantity,
            cost=line.cost - movement.quantity * movement.unit_cost,
        )
    return sorted((line for line in lines.values() if line.quantity > 0), key=lambda line: line.part.part_no)


def stockmovement_list(user) -> QuerySet[StockMovement]:
    """The stock ledger 备件台账, newest first, with the part, the repair's Return and who booked it joined in."""
    return StockMovement.objects.visible_to(user).select_related(
        "part", "store", "repair_ticket__return_item", "return_item", "moved_by"
    )


def sparepart_ledger(part: SparePart, limit: int = 50) -> list[StockMovement]:
    """The latest movements of one part, newest first."""
    return list(part.movements.select_related("repair_ticket__return_item", "moved_by").order_by("-id")[:limit])


def location_from_code(user, code: str):
    """The location a code names for this user: None for ``CENTER``, else the store (among the stores the user
    sees); an unknown or out-of-scope code is a 400 naming the field, like any unknown code."""
    if (code or "").strip().upper() == CENTER:
        return None
    store = Store.objects.visible_to(user).filter(code=(code or "").strip()).first()
    if store is None:
        raise ValidationError(
            {"location": [_("Unknown location “%(code)s”: give CENTER or a store code.") % {"code": code}]}
        )
    return store


def partstock_list(user) -> QuerySet[PartStock]:
    """Stock per location 库存 the user may see: a store its own, the center's roles every location's."""
    return PartStock.objects.visible_to(user).select_related("part", "store")


def stocktake_list(user) -> QuerySet[Stocktake]:
    return Stocktake.objects.visible_to(user).select_related("store", "counted_by")


def stocktake_get(user, pk) -> Stocktake:
    queryset = stocktake_list(user).prefetch_related(
        Prefetch("lines", queryset=StocktakeLine.objects.select_related("part"))
    )
    return get_object_or_404(queryset, pk=pk)
