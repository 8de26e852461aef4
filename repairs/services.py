"""Writes of spare parts, their stock ledger 备件台账 and repair tickets 维修单."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.fsm import Guard, TransitionError, TransitionForbidden, TransitionStateConflict, fire, log_event
from aftersales.roles import Role, roles_of
from aftersales.services import upsert
from aftersales.validation import reject_nul_bytes
from cases.choices import ReturnState
from cases.permissions import is_technician
from repairs.models import (
    MAX_LABOUR_MINUTES,
    MAX_STOCK,
    PartStock,
    RepairTicket,
    RepairTicketState,
    SparePart,
    StockMovement,
    StockMovementReason,
    Stocktake,
    StocktakeLine,
)
from stores.access import scope_for

CENT = Decimal("0.01")


def sparepart_upsert(*, part_no: str, **values: Any) -> SparePart:
    """Create or update a spare part 备件 by its part number; a new part gets its stock row at the service center."""
    part = upsert(SparePart, lookup={"part_no": part_no}, values=values)[0]
    PartStock.objects.get_or_create(part=part, store=None, defaults={"quantity": part.stock_quantity})
    return part


def _move_stock(
    *,
    user,
    part: SparePart,
    quantity: int,
    reason: str,
    store=None,
    ticket: RepairTicket | None = None,
    note: str = "",
    shipment=None,
    return_item=None,
    stocktake: Stocktake | None = None,
) -> StockMovement:
    """Change a part's stock at one location (``store``; None: the service center) by ``quantity`` and write the
    ledger line; never below zero, never above the bound.

    One conditional UPDATE of the location's row does the change, so two uses of the last unit at one location
    cannot both succeed. At the center that row is ``SparePart.stock_quantity`` (what repair tickets have always
    moved), mirrored into the center's ``PartStock`` row in the same transaction, under the same row lock.
    """
    bounds = {"__gte": -quantity} if quantity < 0 else {"__lte": MAX_STOCK - quantity}
    if store is None:
        changed = SparePart.objects.filter(
            pk=part.pk, **{f"stock_quantity{key}": value for key, value in bounds.items()}
        ).update(stock_quantity=F("stock_quantity") + quantity, updated_at=timezone.now())
        current = SparePart.objects.values_list("stock_quantity", flat=True).get(pk=part.pk)
    else:
        row, _created = PartStock.objects.get_or_create(part=part, store=store)
        changed = PartStock.objects.filter(
            pk=row.pk, **{f"quantity{key}": value for key, value in bounds.items()}
        ).update(quantity=F("quantity") + quantity, updated_at=timezone.now())
        current = PartStock.objects.values_list("quantity", flat=True).get(pk=row.pk)
    if not changed:
        if quantity < 0 and store is None:
            raise ValidationError(
                {
                    "parts": [
                        _("Only %(stock)s × %(part)s in stock; %(wanted)s needed.")
                        % {"stock": current, "part": part.part_no, "wanted": -quantity}
                    ]
                }
            )
        if quantity < 0:
            raise ValidationError(
                {
                    "parts": [
                        _("Only %(stock)s × %(part)s in stock at %(location)s; %(wanted)s needed.")
                        % {"stock": current, "part": part.part_no, "wanted": -quantity, "location": store.code}
                    ]
                }
            )
        raise ValidationError({"quantity": [_("Stock cannot exceed %(max)s.") % {"max": MAX_STOCK}]})
    if store is None:
        PartStock.objects.update_or_create(part=part, store=None, defaults={"quantity": current})
    movement = StockMovement(
        part=part,
        quantity=quantity,
        balance_after=current,
        reason=reason,
        store=store,
        repair_ticket=ticket,
        shipment=shipment,
        return_item=return_item,
        stocktake=stocktake,
        unit_cost=part.unit_cost,
        note=note,
        moved_by=user,
        moved_at=timezone.now(),
    )
    movement.full_clean()
    movement.save()
    return movement


# Booking spare parts in or adjusting their count: technicians.
SPAREPART_STOCK = Guard(
    "stock",
    permission=is_technician,
    forbidden=gettext_lazy("Only service-center technicians manage spare-part stock."),
)


@transaction.atomic
def sparepart_receive(*, user, part: SparePart, quantity: int, note: str = "") -> StockMovement:
    """Book spare parts into stock (a delivery, or a count adjustment when negative)."""
    part = SPAREPART_STOCK(part, user=user)
    reject_nul_bytes(note=note)
    if quantity == 0:
        raise ValidationError({"quantity": [_("Enter a quantity other than zero.")]})
    reason = StockMovementReason.RECEIVED if quantity > 0 else StockMovementReason.ADJUSTED
    if quantity < 0 and not note.strip():
        raise ValidationError({"note": [_("Say why the stock is reduced.")]})
    return _move_stock(user=user, part=part, quantity=quantity, reason=reason, note=note.strip())


def repairticket_open(*, user, return_item) -> RepairTicket:
    """Open the repair ticket of a Return judged ``repairable`` (called by the inspection service)."""
    from repairs.quotes import opens_as_quote

    # Past the warranty, where the category offers paid repair, the ticket starts as a quote (repairs.quotes).
    paid = opens_as_quote(return_item)
    ticket = RepairTicket(
        return_item=return_item,
        technician=user,
        labour_rate=settings.AFTERSALES_LABOUR_RATE_PER_HOUR,
        paid=paid,
        state=RepairTicketState.QUOTING if paid else RepairTicketState.OPEN,
    )
    ticket.full_clean(exclude=["state"])
    ticket.save()
    log_event(ticket, "open", user=user, payload={"return": return_item.number, "paid": paid})
    return ticket


def labour_cost(minutes: int, rate_per_hour: Decimal) -> Decimal:
    return (Decimal(minutes) * rate_per_hour / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def consumed_parts(ticket: RepairTicket) -> dict[int, int]:
    """Units of each part the ticket holds now (consumed minus given back)."""
    rows = ticket.stock_movements.values("part_id").annotate(total=Sum("quantity"))
    return {row["part_id"]: -row["total"] for row in rows if row["total"]}


def _apply(
    ticket: RepairTicket,
    *,
    user,
    parts: Sequence[tuple[SparePart, int]] | None,
    labour_minutes: int | None,
    work_done: str | None,
    qc_passed: bool | None,
    qc_notes: str | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if labour_minutes is not None and not 0 <= labour_minutes <= MAX_LABOUR_MINUTES:
        errors["labour_minutes"] = [_("Enter minutes between 0 and %(max)s.") % {"max": MAX_LABOUR_MINUTES}]
    if parts is not None:
        if any(quantity < 0 for _part, quantity in parts):
            errors["parts"] = [_("Quantities cannot be negative.")]
        elif len({part.pk for part, _quantity in parts}) != len(parts):
            errors["parts"] = [_("List each part once.")]
    if errors:
        raise ValidationError(errors)
    reject_nul_bytes(work_done=work_done, qc_notes=qc_notes)

    if parts is not None:
        # ``parts`` is what the repair used in all: consume or give back the difference, part by part in id order.
        held = consumed_parts(ticket)
        wanted = {part.pk: quantity for part, quantity in parts}
        by_id = {part.pk: part for part, _quantity in parts}
        missing_ids = [pk for pk in held if pk not in by_id]
        by_id.update({part.pk: part for part in SparePart.objects.filter(pk__in=missing_ids)})
        for part_id in sorted(set(held) | set(wanted)):
            difference = wanted.get(part_id, 0) - held.get(part_id, 0)
            if difference:
                reason = StockMovementReason.CONSUMED if difference > 0 else StockMovementReason.RETURNED
                _move_stock(user=user, part=by_id[part_id], quantity=-difference, reason=reason, ticket=ticket)
    if labour_minutes is not None:
        ticket.labour_minutes = labour_minutes
    if work_done is not None:
        ticket.work_done = work_done.strip()
    if qc_notes is not None:
        ticket.qc_notes = qc_notes.strip()
    if qc_passed is not None and qc_passed != ticket.qc_passed:
        ticket.qc_passed = qc_passed
        ticket.qc_checked_at = timezone.now()
        log_event(ticket, "quality_check", user=user, payload={"passed": qc_passed, "notes": ticket.qc_notes})
    parts_cost = ticket.stock_movements.aggregate(
        total=Sum(F("quantity") * F("unit_cost") * -1, output_field=ticket._meta.get_field("parts_cost"))
    )["total"] or Decimal("0")
    ticket.parts_cost = parts_cost.quantize(CENT)
    ticket.labour_cost = labour_cost(ticket.labour_minutes, ticket.labour_rate)
    ticket.total_cost = ticket.parts_cost + ticket.labour_cost


# Recording a repair (parts, labour, work, quality check) or giving a part back: an open ticket, technicians.
def _update_conflict(ticket: RepairTicket) -> str | None:
    """409 unless the ticket is in repair; a paid repair's quote not yet accepted says so (no part leaves stock)."""
    if ticket.waits_for_quote:
        return _(
            "The customer has not accepted the paid-repair quote yet: no spare part may be taken from stock and no "
            "repair recorded until the hotline or the store records the acceptance."
        )
    if ticket.state != RepairTicketState.OPEN:
        return _("“%(name)s” is not possible while the record is “%(state)s”.") % {
            "name": "update",
            "state": ticket.get_state_display(),
        }
    return None


REPAIRTICKET_UPDATE = Guard(
    "update",
    related_state=_update_conflict,
    permission=is_technician,
    forbidden=gettext_lazy("Only service-center technicians record repairs."),
)


@transaction.atomic
def repairticket_update(
    *,
    user,
    ticket: RepairTicket,
    parts: Sequence[tuple[SparePart, int]] | None = None,
    labour_minutes: int | None = None,
    work_done: str | None = None,
    qc_passed: bool | None = None,
    qc_notes: str | None = None,
) -> RepairTicket:
    """Record the repair: parts used (from stock, through the ledger), labour minutes, work done, quality check.

    A failed quality check keeps the unit in repair; the ticket stays open.
    """
    row = REPAIRTICKET_UPDATE(ticket, user=user)
    _apply(
        row,
        user=user,
        parts=parts,
        labour_minutes=labour_minutes,
        work_done=work_done,
        qc_passed=qc_passed,
        qc_notes=qc_notes,
    )
    row.full_clean(exclude=["state"])
    row.save()
    return row


@transaction.atomic
def repairticket_remove_part(*, user, ticket: RepairTicket, part: SparePart, quantity: int) -> RepairTicket:
    """Give one part the repair used back to stock in full (移除), the other parts untouched.

    ``quantity`` is the figure the technician confirmed; if the ticket holds
    another number of that part by now (a colleague changed it), nothing is
    given back and the technician is told the current figure.
    """
    row = REPAIRTICKET_UPDATE(ticket, user=user)
    held = consumed_parts(row)
    if not held.get(part.pk):
        raise ValidationError({"parts": [_("This repair does not use %(part)s.") % {"part": part.part_no}]})
    if held[part.pk] != quantity:
        raise ValidationError(
            {
                "parts": [
                    _("The repair now uses %(held)s of %(part)s, not %(quantity)s: check the list and try again.")
                    % {"held": held[part.pk], "part": part.part_no, "quantity": quantity}
                ]
            }
        )
    # ``parts`` is what the repair uses in all, so every other part is listed with what it holds now.
    in_use = SparePart.objects.in_bulk(list(held))
    parts = [(in_use[pk], 0 if pk == part.pk else units) for pk, units in held.items()]
    _apply(row, user=user, parts=parts, labour_minutes=None, work_done=None, qc_passed=None, qc_notes=None)
    row.full_clean(exclude=["state"])
    row.save()
    return row


@transaction.atomic
def repairticket_complete(
    *,
    user,
    ticket: RepairTicket,
    parts: Sequence[tuple[SparePart, int]] | None = None,
    labour_minutes: int | None = None,
    work_done: str | None = None,
    qc_passed: bool | None = None,
    qc_notes: str | None = None,
) -> RepairTicket:
    """Close the repair once quality control passed; the Return's ``complete_repair`` fires (ready to go back)."""

    def check(row: RepairTicket) -> None:
        _apply(
            row,
            user=user,
            parts=parts,
            labour_minutes=labour_minutes,
            work_done=work_done,
            qc_passed=qc_passed,
            qc_notes=qc_notes,
        )
        if row.qc_passed is not True:
            raise ValidationError({"qc_passed": [_("The quality check after repair has not passed.")]})

    row = fire(
        ticket,
        "complete",
        user=user,
        before=check,
        arguments={"at": timezone.now()},
        payload={"labour_minutes": labour_minutes, "qc_passed": qc_passed, "work_done": work_done},
    )
    fire(row.return_item, "complete_repair", user=user, payload={"repair_ticket": row.pk})
    return row


# --- Stock at the stores 专卖店备件: transfers, local repairs, stocktakes ---------------------------------------


def may_manage_stock_at(user, store) -> bool:
    """Who books a location's stock: technicians everywhere; a store's own staff at that store."""
    if is_technician(None, user):
        return True
    if store is None or not getattr(user, "is_authenticated", False) or Role.STORE_STAFF not in roles_of(user):
        return False
    return store.pk in scope_for(user).staff_store_ids


def _positive_quantities(parts: Sequence[tuple[SparePart, int]], field: str = "parts") -> None:
    if not parts:
        raise ValidationError({field: [_("List at least one part.")]})
    if any(not 0 < quantity <= MAX_STOCK for _part, quantity in parts):
        raise ValidationError({field: [_("Quantities are whole numbers from 1 to %(max)s.") % {"max": MAX_STOCK}]})
    if len({part.pk for part, _quantity in parts}) != len(parts):
        raise ValidationError({field: [_("List each part once.")]})


@transaction.atomic
def stock_transfer(
    *, user, store, parts: Sequence[tuple[SparePart, int]], note: str = "", shipment=None
) -> list[StockMovement]:
    """Send spare parts from the service center to a store 调拨 (a kit of 常用辅料配件): out of the center's
    stock and into the store's, one ledger line each, all or nothing. Technicians only."""
    if not is_technician(None, user):
        raise TransitionForbidden(_("Only service-center technicians send parts to stores."), transition="transfer")
    reject_nul_bytes(note=note)
    _positive_quantities(parts)
    movements = []
    for part, quantity in sorted(parts, key=lambda pair: pair[0].pk):
        common = {"user": user, "part": part, "note": note.strip(), "shipment": shipment}
        movements.append(_move_stock(**common, quantity=-quantity, reason=StockMovementReason.TRANSFER_OUT))
        movements.append(_move_stock(**common, quantity=quantity, reason=StockMovementReason.TRANSFER_IN, store=store))
    return movements


def stock_use_refusal(*, user, return_item) -> TransitionError | None:
    """Why ``user`` may not record parts used on ``return_item`` at its store (403, then 409), or None.

    The repairing store is the repair point a unit was referred to 转维修点 (its parts come from that store's
    stock), otherwise the unit's own store."""
    repairing_store_id = return_item.repair_point_id or return_item.store_id
    if Role.STORE_STAFF not in roles_of(user) or repairing_store_id not in scope_for(user).staff_store_ids:
        return TransitionForbidden(
            _("Only the store's own staff record the parts of its local repairs."), transition="use_parts"
        )
    if return_item.state not in (ReturnState.LOGGED, ReturnState.REFERRED, ReturnState.RESOLVED_AT_STORE):
        return TransitionStateConflict(
            _("Parts are recorded only for a unit repaired at the store."), transition="use_parts"
        )
    return None


@transaction.atomic
def stock_use_at_store(*, user, return_item, parts: Sequence[tuple[SparePart, int]]) -> list[StockMovement]:
    """Record the parts a store's local repair 现场维修 used, from that store's own stock (never below zero).

    The repairing store's own staff (the unit's store, or the repair point it was referred to), on a unit still
    at that store (logged, referred, or resolved there).
    """
    store = return_item.repair_point if return_item.repair_point_id else return_item.store
    refused = stock_use_refusal(user=user, return_item=return_item)
    if refused is not None:
        raise refused
    _positive_quantities(parts)
    return [
        _move_stock(
            user=user,
            part=part,
            quantity=-quantity,
            reason=StockMovementReason.LOCAL_REPAIR,
            store=store,
            return_item=return_item,
        )
        for part, quantity in sorted(parts, key=lambda pair: pair[0].pk)
    ]


def _locked_stock(store, parts: Sequence[SparePart]) -> dict[int, int]:
    """The book stock of ``parts`` at the location, its rows locked (in id order) until the transaction ends."""
    ids = sorted(part.pk for part in parts)
    if store is None:
        return dict(
            SparePart.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", "stock_quantity")
        )
    for part in parts:
        PartStock.objects.get_or_create(part=part, store=store)
    rows = PartStock.objects.select_for_update().filter(store=store, part_id__in=ids).order_by("pk")
    return dict(rows.values_list("part_id", "quantity"))


@transaction.atomic
def stocktake_post(*, user, store, counts: Sequence[tuple[SparePart, int, str]], note: str = "") -> Stocktake:
    """Post a stocktake 清点 of one location (``store``; None: the service center): each part's count against its
    book stock, every difference booked on the ledger as a stocktake adjustment with its reason; the stocktake and
    its lines are the count's report. A difference without a reason is refused, and nothing is posted."""
    if not may_manage_stock_at(user, store):
        raise TransitionForbidden(_("You may not count the stock of this location."), transition="stocktake")
    reject_nul_bytes(note=note, **{f"reason_{index}": reason for index, (_p, _c, reason) in enumerate(counts)})
    if not counts:
        raise ValidationError({"counts": [_("Count at least one part.")]})
    if len({part.pk for part, _counted, _reason in counts}) != len(counts):
        raise ValidationError({"counts": [_("List each part once.")]})
    if any(not 0 <= counted <= MAX_STOCK for _part, counted, _reason in counts):
        raise ValidationError({"counts": [_("Counts are whole numbers from 0 to %(max)s.") % {"max": MAX_STOCK}]})
    book = _locked_stock(store, [part for part, _counted, _reason in counts])
    unexplained = [
        part.part_no for part, counted, reason in counts if counted != book.get(part.pk, 0) and not reason.strip()
    ]
    if unexplained:
        raise ValidationError(
            {"counts": [_("Give the reason for each difference: %(parts)s.") % {"parts": ", ".join(unexplained)}]}
        )
    stocktake = Stocktake(store=store, counted_by=user, counted_at=timezone.now(), note=note.strip())
    stocktake.full_clean()
    stocktake.save()
    for part, counted, reason in sorted(counts, key=lambda row: row[0].part_no):
        expected = book.get(part.pk, 0)
        line = StocktakeLine(
            stocktake=stocktake,
            part=part,
            expected=expected,
            counted=counted,
            difference=counted - expected,
            reason=reason.strip(),
        )
        line.full_clean()
        line.save()
        if line.difference:
            _move_stock(
                user=user,
                part=part,
                quantity=line.difference,
                reason=StockMovementReason.STOCKTAKE,
                store=store,
                stocktake=stocktake,
                note=line.reason,
            )
    return stocktake


# --- Kits 常用辅料配件 riding a center → store shipment --------------------------------------------------------


def shipment_kit(shipment) -> dict[int, int]:
    """Units of each part packed into ``shipment`` (taken out of the center's stock, net of any given back)."""
    rows = (
        StockMovement.objects.filter(shipment=shipment, store__isnull=True)
        .values("part_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["part_id"]: -row["total"] for row in rows if row["total"]}


def shipment_kit_refusal(*, user, shipment) -> TransitionError | None:
    """Why ``user`` may not pack parts into ``shipment`` or take them out again (403, then 409), or None:
    technicians, on a center → store parcel still being packed."""
    from cases.choices import ShipmentDirection, ShipmentState

    if not is_technician(None, user):
        return TransitionForbidden(_("Only service-center technicians pack parts into parcels."), transition="kit")
    if shipment.direction != ShipmentDirection.TO_STORE or shipment.state != ShipmentState.DRAFT:
        return TransitionStateConflict(
            _("Parts ride only a parcel to a store that is still being packed."), transition="kit"
        )
    return None


def _locked_kit_shipment(*, user, shipment):
    """The shipment re-read under a row lock, once the kit may change (else the refusal is raised)."""
    from cases.models import Shipment

    refused = shipment_kit_refusal(user=user, shipment=shipment)
    if refused is None:
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        refused = shipment_kit_refusal(user=user, shipment=shipment)
    if refused is not None:
        raise refused
    return shipment


@transaction.atomic
def shipment_kit_add(*, user, shipment, parts: Sequence[tuple[SparePart, int]]) -> dict[int, int]:
    """Pack spare parts into a center → store parcel 随货发送常用备件: out of the center's stock now (they are in
    the box), into the store's when the store confirms the parcel. Technicians, while the parcel is being packed."""
    shipment = _locked_kit_shipment(user=user, shipment=shipment)
    _positive_quantities(parts)
    for part, quantity in sorted(parts, key=lambda pair: pair[0].pk):
        _move_stock(
            user=user,
            part=part,
            quantity=-quantity,
            reason=StockMovementReason.TRANSFER_OUT,
            shipment=shipment,
            note=shipment.number,
        )
    return shipment_kit(shipment)


@transaction.atomic
def shipment_kit_remove(*, user, shipment, part: SparePart) -> dict[int, int]:
    """Take a part out of a parcel still being packed: every unit of it packed goes back into the center's stock,
    on the ledger against the parcel. Technicians, while the parcel is being packed; a part not in the parcel is
    refused (400) and nothing changes."""
    shipment = _locked_kit_shipment(user=user, shipment=shipment)
    quantity = shipment_kit(shipment).get(part.pk, 0)
    if quantity <= 0:
        raise ValidationError({"part": [_("%(part)s is not in this parcel.") % {"part": part.part_no}]})
    _move_stock(
        user=user,
        part=part,
        quantity=quantity,
        reason=StockMovementReason.TRANSFER_BACK,
        shipment=shipment,
        note=shipment.number,
    )
    return shipment_kit(shipment)


def shipment_kit_event(*, user, shipment, event: str) -> None:
    """The hook ``cases.services`` calls when a parcel is received or cancelled (registered in ``repairs.hooks``):
    the kit goes into the store's stock on receipt, back into the center's on cancellation, once."""
    kit = shipment_kit(shipment)
    if not kit:
        return
    booked = dict(
        StockMovement.objects.filter(shipment=shipment, store__isnull=False)
        .values("part_id")
        .annotate(total=Sum("quantity"))
        .values_list("part_id", "total")
    )
    parts = SparePart.objects.in_bulk(list(kit))
    for part_id, quantity in sorted(kit.items()):
        if event == "received" and quantity - (booked.get(part_id) or 0) > 0:
            _move_stock(
                user=user,
                part=parts[part_id],
                quantity=quantity - (booked.get(part_id) or 0),
                reason=StockMovementReason.TRANSFER_IN,
                store=shipment.store,
                shipment=shipment,
                note=shipment.number,
            )
        elif event == "cancelled":
            _move_stock(
                user=user,
                part=parts[part_id],
                quantity=quantity,
                reason=StockMovementReason.TRANSFER_BACK,
                shipment=shipment,
                note=shipment.number,
            )
