"""The weekly shipment 寄送 between a store and the service center: packing, sign-off, dispatch, receipt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.fsm import TransitionError, TransitionForbidden, fire, lock, log_event
from aftersales.roles import Role, roles_of
from aftersales.services import sequence_take
from aftersales.validation import reject_nul_bytes
from cases import hooks, permissions
from cases.carriers import tracking_no_clean
from cases.choices import (
    ReasonKind,
    ReturnState,
    ShipmentDirection,
    ShipmentLineOutcome,
    ShipmentState,
)
from cases.models import Return, Shipment, ShipmentLine
from cases.services.returns import store_proxy
from stores.models import Store

# --- shipments ---


def _unit_problems(*, direction: str, store: Store, items: Sequence[Return], requested: Iterable[int]) -> list[str]:
    wanted_state = ReturnState.LOGGED if direction == ShipmentDirection.TO_CENTER else ReturnState.READY_TO_RETURN
    found = {item.pk: item for item in items}
    problems = [_("Return %(id)s is unknown.") % {"id": pk} for pk in requested if pk not in found]
    for item in items:
        if item.store_id != store.pk:
            problems.append(_("%(number)s belongs to another store.") % {"number": item.number})
        elif item.reason_kind == ReasonKind.CHANGE_OF_MIND:
            problems.append(
                _("%(number)s is a change of mind: it is resolved at the store, never sent to the center.")
                % {"number": item.number}
            )
        elif item.state != wanted_state:
            problems.append(
                _("%(number)s is “%(state)s”, not “%(wanted)s”.")
                % {"number": item.number, "state": item.get_state_display(), "wanted": ReturnState(wanted_state).label}
            )
    busy = ShipmentLine.objects.filter(
        return_item__in=list(found),
        shipment__direction=direction,
        shipment__state__in=[ShipmentState.DRAFT, ShipmentState.IN_TRANSIT],
    ).select_related("return_item", "shipment")
    problems.extend(
        _("%(number)s is already on shipment %(shipment)s.")
        % {"number": line.return_item.number, "shipment": line.shipment.number}
        for line in busy
    )
    return problems


@transaction.atomic
def shipment_create(
    *, user, direction: str, store: Store, return_ids: Sequence[int], carrier: str = "", tracking_no: str = ""
) -> Shipment:
    """Pack a shipment: a store's parcel of logged units to the center, or the center's parcel of ready units back.

    The units must belong to the store, be in the right state and not already
    be on another open shipment; the shipment stays a draft until dispatched.
    """
    refused = shipment_create_refusal(user=user, direction=direction, store=store)
    if refused is not None:
        raise refused
    if direction not in ShipmentDirection.values:
        raise ValidationError({"direction": [_("Choose to_center or to_store.")]})
    reject_nul_bytes(carrier=carrier, tracking_no=tracking_no)
    requested = list(dict.fromkeys(return_ids))
    if not requested:
        raise ValidationError({"returns": [_("Choose at least one unit.")]})
    items = lock(Return, requested)
    problems = _unit_problems(direction=direction, store=store, items=items, requested=requested)
    if problems:
        raise ValidationError({"returns": problems})
    tracking_no = tracking_no_clean(carrier=carrier, tracking_no=tracking_no)
    period = timezone.localtime().strftime("%Y%m")
    number = sequence_take(name=f"SH-{period}")[0]
    shipment = Shipment(
        number=f"SH-{period}-{number:05d}",
        direction=direction,
        store=store,
        carrier=carrier.strip(),
        tracking_no=tracking_no.strip(),
        created_by=user,
    )
    shipment.full_clean(exclude=["state"])
    shipment.save()
    ShipmentLine.objects.bulk_create(ShipmentLine(shipment=shipment, return_item=item) for item in items)
    log_event(shipment, "pack", user=user, payload={"returns": [item.number for item in items]})
    return shipment


def shipment_create_refusal(*, user, direction: str = "", store: Store | None = None) -> TransitionError | None:
    """Who packs a shipment (403 for anyone else): a store's staff to the center, technicians back to a store.

    Without a known direction or store (the API's bad input) the question is
    whether the user packs shipments at all.
    """
    if not roles_of(user) & {Role.STORE_STAFF, Role.TECHNICIAN}:
        return TransitionForbidden(_("You may not pack shipments."), transition="create")
    if direction == ShipmentDirection.TO_CENTER and store is not None:
        may = permissions.is_store_staff_of(store_proxy(store), user)
    elif direction == ShipmentDirection.TO_STORE:
        may = permissions.is_technician(None, user)
    else:
        may = True
    if not may:
        return TransitionForbidden(_("You may not pack this shipment."), transition="create")
    return None


def dispatches_this_week(shipment: Shipment, at: dt.datetime) -> int:
    """How many store → center shipments the store has already dispatched in the ISO week of ``at``."""
    iso_year, iso_week, _weekday = timezone.localtime(at).isocalendar()
    return (
        Shipment.objects.filter(
            store_id=shipment.store_id,
            direction=ShipmentDirection.TO_CENTER,
            dispatch_iso_year=iso_year,
            dispatch_iso_week=iso_week,
        )
        .exclude(pk=shipment.pk)
        .exclude(dispatched_at=None)
        .count()
    )


def extra_fee_due(shipment: Shipment, at: dt.datetime | None = None) -> Decimal | None:
    """The store's extra-dispatch fee if dispatching now would exceed its free dispatches this week (每周寄一次)."""
    if shipment.direction != ShipmentDirection.TO_CENTER:
        return None
    store = shipment.store
    if dispatches_this_week(shipment, at or timezone.now()) < store.free_dispatches_per_week:
        return None
    return store.extra_dispatch_fee


@transaction.atomic
def shipment_dispatch(
    *,
    user,
    shipment: Shipment,
    carrier: str | None = None,
    tracking_no: str | None = None,
    freight_cost: Decimal | None = None,
) -> Shipment:
    """Send a packed shipment; each unit's ``dispatch`` (to the center) or ``ship_back`` (to the store) fires.

    A store's dispatch beyond its free ones in the ISO week records the
    store's extra-dispatch fee on the shipment (the store's chargeback bills
    it). The store row is locked while counting, so two parcels dispatched at
    the same moment cannot both be the week's free one. ``freight_cost`` is
    what the carrier charged (CNY). Where the store's region asks for it, a
    parcel to the center leaves only once the region manager signed it off.
    """
    Store.objects.select_for_update().filter(pk=shipment.store_id).first()
    now = timezone.now()

    def check(row: Shipment) -> None:
        reject_nul_bytes(carrier=carrier or "", tracking_no=tracking_no or "")
        if row.awaits_sign_off:
            raise ValidationError(
                _("The region asks for its manager's sign-off before this parcel leaves; it has none yet.")
            )
        if freight_cost is not None:
            row.freight_cost = freight_cost_clean(freight_cost)
        if carrier is not None:
            row.carrier = carrier.strip()
        if tracking_no is not None:
            row.tracking_no = tracking_no.strip()
        # A known courier's number must fit its pattern (cases/carriers.py): 400 on tracking_no, nothing changes.
        row.tracking_no = tracking_no_clean(carrier=row.carrier, tracking_no=row.tracking_no)
        if not row.lines.exists():
            raise ValidationError({"returns": [_("The shipment is empty.")]})

    fee = extra_fee_due(shipment, now)
    row = fire(
        shipment,
        "dispatch",
        user=user,
        before=check,
        arguments={"at": now, "extra_fee": fee},
        payload={"carrier": carrier, "tracking_no": tracking_no, "extra_fee": fee, "freight_cost": freight_cost},
    )
    unit_transition = "dispatch" if row.is_to_center else "ship_back"
    unit_arguments = {"at": now} if row.is_to_center else {}
    for item in lock(Return, row.lines.values_list("return_item_id", flat=True)):
        fire(item, unit_transition, user=user, arguments=unit_arguments, payload={"shipment": row.number}, locked=True)
    return row


def freight_cost_clean(value) -> Decimal:
    """A freight cost in CNY: a decimal of at most two places, not negative (400 on ``freight_cost`` otherwise)."""
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"freight_cost": [_("Give the freight cost in yuan, at most two decimal places.")]})
    if amount >= Decimal("1e10"):
        raise ValidationError({"freight_cost": [_("The freight cost is too large.")]})
    return amount


@transaction.atomic
def shipment_sign_off(*, user, shipment: Shipment, note: str = "") -> Shipment:
    """The region manager signs off a store's parcel to the center 区域审批, where the region's policy asks for it."""
    now = timezone.now()

    def check(row: Shipment) -> None:
        reject_nul_bytes(note=note)
        if not row.needs_sign_off:
            raise ValidationError(_("This parcel needs no sign-off."))
        if row.signed_off_at is not None:
            raise ValidationError(_("This parcel is signed off already."))

    return fire(
        shipment,
        "sign_off",
        user=user,
        before=check,
        arguments={"at": now, "by": user, "note": note.strip()},
        payload={"note": note.strip()},
    )


@transaction.atomic
def shipment_receive(*, user, shipment: Shipment, received_ids: Sequence[int]) -> Shipment:
    """Receive a store's parcel 签收 as a checklist: ticked units are ``received``, the rest ``missing``."""
    ticked = set(received_ids)

    def check(row: Shipment) -> None:
        on_board = set(row.lines.values_list("return_item_id", flat=True))
        strangers = sorted(ticked - on_board)
        if strangers:
            raise ValidationError(
                {"received": [_("Not on this shipment: %(ids)s.") % {"ids": ", ".join(map(str, strangers))}]}
            )

    now = timezone.now()
    row = fire(
        shipment, "receive", user=user, before=check, arguments={"at": now}, payload={"received": sorted(ticked)}
    )
    for item in lock(Return, row.lines.values_list("return_item_id", flat=True)):
        if item.pk in ticked:
            fire(item, "receive", user=user, arguments={"at": now}, payload={"shipment": row.number}, locked=True)
        else:
            fire(item, "mark_missing", user=user, payload={"shipment": row.number}, locked=True)
    row.lines.filter(return_item_id__in=ticked).update(outcome=ShipmentLineOutcome.RECEIVED)
    row.lines.exclude(return_item_id__in=ticked).update(outcome=ShipmentLineOutcome.MISSING)
    return row


@transaction.atomic
def shipment_confirm_received(*, user, shipment: Shipment) -> Shipment:
    """The store has the center's parcel: each unit's ``confirm_returned`` fires and its clock stops."""
    now = timezone.now()
    row = fire(shipment, "confirm_received", user=user, arguments={"at": now}, payload={})
    for item in lock(Return, row.lines.values_list("return_item_id", flat=True)):
        fire(item, "confirm_returned", user=user, arguments={"at": now}, payload={"shipment": row.number}, locked=True)
    row.lines.update(outcome=ShipmentLineOutcome.RECEIVED)
    for callback in hooks.shipment_event_callbacks():
        callback(user=user, shipment=row, event="received")
    return row


@transaction.atomic
def shipment_cancel(*, user, shipment: Shipment, reason: str = "") -> Shipment:
    """Unpack a shipment that has not left; its units may go on another one."""
    row = fire(
        shipment,
        "cancel",
        user=user,
        before=lambda row: reject_nul_bytes(reason=reason),
        arguments={"reason": reason.strip()},
    )
    for callback in hooks.shipment_event_callbacks():
        callback(user=user, shipment=row, event="cancelled")
    return row
