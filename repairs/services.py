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

from aftersales.fsm import Guard, fire, log_event
from aftersales.services import upsert
from aftersales.validation import reject_nul_bytes
from cases.permissions import is_technician
from repairs.models import (
    MAX_LABOUR_MINUTES,
    MAX_STOCK,
    RepairTicket,
    RepairTicketState,
    SparePart,
    StockMovement,
    StockMovementReason,
)

CENT = Decimal("0.01")


def sparepart_upsert(*, part_no: str, **values: Any) -> SparePart:
    """Create or update a spare part 备件 by its part number."""
    return upsert(SparePart, lookup={"part_no": part_no}, values=values)[0]


def _move_stock(
    *, user, part: SparePart, quantity: int, reason: str, ticket: RepairTicket | None = None, note: str = ""
) -> StockMovement:
    """Change a part's stock by ``quantity`` and write the ledger line; never below zero, never above the bound.

    One conditional UPDATE does the change, so two repairs taking the last
    unit at once cannot both succeed.
    """
    bounds = {"stock_quantity__gte": -quantity} if quantity < 0 else {"stock_quantity__lte": MAX_STOCK - quantity}
    changed = SparePart.objects.filter(pk=part.pk, **bounds).update(
        stock_quantity=F("stock_quantity") + quantity, updated_at=timezone.now()
    )
    if not changed:
        current = SparePart.objects.values_list("stock_quantity", flat=True).get(pk=part.pk)
        if quantity < 0:
            raise ValidationError(
                {
                    "parts": [
                        _("Only %(stock)s × %(part)s in stock; %(wanted)s needed.")
                        % {"stock": current, "part": part.part_no, "wanted": -quantity}
                    ]
                }
            )
        raise ValidationError({"quantity": [_("Stock cannot exceed %(max)s.") % {"max": MAX_STOCK}]})
    balance = SparePart.objects.values_list("stock_quantity", flat=True).get(pk=part.pk)
    movement = StockMovement(
        part=part,
        quantity=quantity,
        balance_after=balance,
        reason=reason,
        repair_ticket=ticket,
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
    ticket = RepairTicket(
        return_item=return_item, technician=user, labour_rate=settings.AFTERSALES_LABOUR_RATE_PER_HOUR
    )
    ticket.full_clean(exclude=["state"])
    ticket.save()
    log_event(ticket, "open", user=user, payload={"return": return_item.number})
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
REPAIRTICKET_UPDATE = Guard(
    "update",
    states=[RepairTicketState.OPEN],
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
