"""Store stock in the demo history (issue 18, ``demo.parts_history``): several stores hold parts that came as kits
with the center's parcels, local repairs at the counter used them, and one store's stocktake posted differences,
each step through the services at its historic moment, so every store's ledger reads right in time order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.choices import OnsiteHandling, ShipmentDirection, ShipmentState
from repairs.models import PartStock, StockMovement, StockMovementReason, Stocktake
from stores.access import scope_for

pytestmark = pytest.mark.django_db


def test_the_demo_stores_hold_parts_that_rode_parcels_and_were_used(demo_history):
    start_of_today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
    # Several stores hold stock
    holding = set(PartStock.objects.filter(store__isnull=False, quantity__gt=0).values_list("store__code", flat=True))
    assert len(holding) >= 3
    # Kits rode the center's parcels: booked into the parcel's store once the store had confirmed it
    kits = StockMovement.objects.filter(reason=StockMovementReason.TRANSFER_IN, shipment__isnull=False)
    assert kits.values("shipment").distinct().count() >= 6
    for move in kits.select_related("shipment"):
        parcel = move.shipment
        assert (parcel.direction, parcel.state, parcel.store_id) == (
            ShipmentDirection.TO_STORE,
            ShipmentState.RECEIVED,
            move.store_id,
        )
        assert move.moved_at >= parcel.received_at
        # ... and left the center against the same parcel at the same moment
        assert StockMovement.objects.filter(
            shipment=parcel, store__isnull=True, part=move.part, quantity=-move.quantity, moved_at=move.moved_at
        ).exists()
    # Local repairs used parts from their own store's stock, recorded by that store's staff
    uses = StockMovement.objects.filter(reason=StockMovementReason.LOCAL_REPAIR).select_related("return_item")
    assert uses.count() >= 5
    for move in uses:
        assert move.return_item.onsite_handling == OnsiteHandling.LOCAL_REPAIR
        assert move.return_item.store_id == move.store_id and move.quantity < 0
        assert move.store_id in scope_for(move.moved_by).staff_store_ids
    # One stocktake posted differences, each with its reason, on the ledger
    stocktake = Stocktake.objects.get(store__isnull=False)
    differences = [line for line in stocktake.lines.all() if line.difference]
    assert len(differences) == 2 and all(line.reason for line in differences)
    assert StockMovement.objects.filter(stocktake=stocktake).count() == 2
    # All at historic moments, spread over the months
    store_moves = StockMovement.objects.filter(store__isnull=False)
    assert all(at < start_of_today for at in store_moves.values_list("moved_at", flat=True))
    assert store_moves.order_by("moved_at").first().moved_at < start_of_today - dt.timedelta(days=45)
    # And every store's ledger adds up in time order to what the store holds
    for code in holding:
        balance = {}
        for move in store_moves.filter(store__code=code).order_by("moved_at", "id"):
            balance[move.part_id] = balance.get(move.part_id, 0) + move.quantity
            assert move.balance_after == balance[move.part_id]
        held = dict(PartStock.objects.filter(store__code=code).values_list("part_id", "quantity"))
        assert {part: quantity for part, quantity in balance.items() if quantity} == {
            part: quantity for part, quantity in held.items() if quantity
        }
