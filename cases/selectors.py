"""Reads of Returns and shipments, always within the user's scope."""

from __future__ import annotations

from django.db.models import (
    Count,
    Prefetch,
    QuerySet,
)
from django.shortcuts import get_object_or_404

from aftersales.models import TransitionLog
from aftersales.roles import Role, roles_of
from cases.choices import ReasonKind, ReturnState, ShipmentDirection, ShipmentState
from cases.models import Attachment, BatchAlarm, Return, Shipment, ShipmentLine
from stores.access import scope_for
from stores.models import RegionMembership, Store
from suppliers.models import Style


def return_list(user) -> QuerySet[Return]:
    """Returns the user may see, with what a list row shows (store, style) joined in."""
    # A recall's unit asks its recall unit (the recalls app's reverse one-to-one) whether it may come back.
    return Return.objects.visible_to(user).select_related("store", "style", "recall_unit")


def return_get(user, pk) -> Return:
    """One Return with its inspection, repair ticket, photos and shipments; 404 outside the user's scope."""
    queryset = (
        Return.objects.visible_to(user)
        .select_related(
            "store__region",
            "style__category",
            "style__supplier",
            "reported_defect",
            "logged_by",
            "inspection__inspector",
            "repair_ticket__technician",
            # The store's batch alarm on the unit (the API detail shows it): a reverse one-to-one, one join.
            "batch_alarm__raised_by",
            "batch_alarm__store",
            "batch_alarm__style",
            "batch_alarm__defect_code",
        )
        .prefetch_related(
            "inspection__defect_codes",
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
            Prefetch("shipment_lines", queryset=ShipmentLine.objects.select_related("shipment")),
            "repair_ticket__stock_movements__part",
        )
    )
    return get_object_or_404(queryset, pk=pk)


def return_queue(user, states) -> QuerySet[Return]:
    """A service-center queue: open units in ``states``, the most urgent (earliest due) first."""
    return return_list(user).filter(state__in=states).order_by("due_at", "id")


def return_timeline(item) -> QuerySet[TransitionLog]:
    """Every logged state change of the Return, oldest first, with who did it."""
    return TransitionLog.objects.for_object(item).select_related("actor")


def style_known_values(style: Style, field: str, *, limit: int = 30) -> list[str]:
    """The colours (``field="color"``) or sizes already logged for ``style``, the most used first."""
    assert field in ("color", "size")
    return list(
        Return.objects.filter(style=style)
        .exclude(**{field: ""})
        .values_list(field, flat=True)
        .annotate(uses=Count("pk"))
        .order_by("-uses", field)[:limit]
    )


def shipment_list(user) -> QuerySet[Shipment]:
    return Shipment.objects.visible_to(user).select_related("store__region", "created_by", "signed_off_by")


def shipment_get(user, pk) -> Shipment:
    queryset = shipment_list(user).prefetch_related(
        Prefetch("lines", queryset=ShipmentLine.objects.select_related("return_item__style").order_by("id"))
    )
    return get_object_or_404(queryset, pk=pk)


def inbound_shipments(user) -> QuerySet[Shipment]:
    """Stores' parcels on their way to the center: what the technicians receive next, oldest first."""
    return (
        shipment_list(user)
        .filter(direction=ShipmentDirection.TO_CENTER, state=ShipmentState.IN_TRANSIT)
        .order_by("dispatched_at", "id")
    )


def shippable_returns(user, store, direction: str) -> QuerySet[Return]:
    """Units that may go on a new shipment of ``store`` in ``direction`` (logged, or ready to return)."""
    state = ReturnState.LOGGED if direction == ShipmentDirection.TO_CENTER else ReturnState.READY_TO_RETURN
    busy = ShipmentLine.objects.filter(
        shipment__direction=direction, shipment__state__in=[ShipmentState.DRAFT, ShipmentState.IN_TRANSIT]
    ).values("return_item")
    units = return_list(user).filter(store=store, state=state).exclude(pk__in=busy)
    if direction == ShipmentDirection.TO_CENTER:
        # A change of mind is resolved at the store: it never goes to the center.
        units = units.exclude(reason_kind=ReasonKind.CHANGE_OF_MIND)
    return units.order_by("due_at", "id")


def store_staff_stores(user) -> QuerySet[Store]:
    """The stores the user may act for as store staff 专卖店 (log returns, pack shipments)."""
    if Role.STORE_STAFF not in roles_of(user):
        return Store.objects.none()
    return Store.objects.filter(pk__in=sorted(scope_for(user).staff_store_ids)).order_by("code")


def return_batch_alarm(item: Return) -> BatchAlarm | None:
    """The store's batch alarm raised on this Return, or None."""
    return BatchAlarm.objects.filter(return_item=item).select_related("raised_by").first()


def sign_off_queue(user) -> QuerySet[Shipment]:
    """Parcels to the center packed at the stores of regions the user manages, waiting for the sign-off 待区域审批.

    Only regions whose policy asks for it; the oldest packed first.
    """
    regions = RegionMembership.objects.filter(user=user).values("region_id")
    return (
        shipment_list(user)
        .filter(
            direction=ShipmentDirection.TO_CENTER,
            state=ShipmentState.DRAFT,
            signed_off_at__isnull=True,
            store__region__shipment_sign_off_required=True,
            store__region__in=regions,
        )
        .select_related("store__region")
        .annotate(unit_count=Count("lines"))
        .order_by("created_at", "id")
    )
