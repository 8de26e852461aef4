"""Spare parts at the demo's stores 专卖店备件 over the history: kits that rode the center's parcels, local repairs at
the counter that used them, and one stocktake 清点 that found differences, all through the services.

``plan(builder)`` is called from ``demo.history.HistoryBuilder._plan`` and puts its events on the builder's own
clock, so each step runs at its historic moment between the history's other events (the ledger's balances read
in time order) and draws from a generator of its own (the rest of the history stays what it was):

- a kit for the three busiest stores every four weeks, booked with the latest parcel the store confirmed (its
  ledger lines name that parcel): out of the center's stock and into the store's (``stock_transfer``);
- twice a week, a store's recent local repairs 现场维修 record the part they used from the store's stock
  (``stock_use_at_store``, by the store's own staff);
- five days before the end, the busiest store counts its parts: one short and one over, each with a reason
  (``stocktake_post``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db.models import Max
from django.utils import timezone

from cases.choices import OnsiteHandling, ReturnState, ShipmentDirection, ShipmentState
from cases.models import Return, Shipment
from demo import data as demo_data
from repairs import services as repair_services
from repairs.models import PartStock, SparePart, StockMovement, StockMovementReason

SEED = 18
#: The stores that get kits: the busiest three of the demo.
KIT_STORES = sorted(demo_data.STORE_WEIGHTS, key=lambda code: -demo_data.STORE_WEIGHTS[code])[:3]
#: What a kit holds 常用辅料配件: part number and quantity.
KIT = [("P-ZIP-5", 6), ("P-BTN-18", 40), ("P-SNAP-15", 20)]
KIT_EVERY_DAYS = 28
FIRST_KIT_DAYS_BACK = 84
LOCAL_REPAIR_EVERY_DAYS = (3, 4)
STOCKTAKE_DAYS_BACK = 5


def plan(builder) -> None:
    """Schedule the parts' history on ``builder`` (a ``demo.history.HistoryBuilder``)."""
    rng = random.Random(SEED)
    parts = {part_no: builder.parts[part_no] for part_no, _quantity in KIT if part_no in builder.parts}
    if not parts:
        return
    for index, code in enumerate(KIT_STORES):
        for days_back in range(FIRST_KIT_DAYS_BACK - index, 0, -KIT_EVERY_DAYS):
            builder.at(builder.day(days_back, 18, 40 + index), _kit(builder, code, parts))
        days_back = FIRST_KIT_DAYS_BACK - 3 - index
        while days_back > 0:
            builder.at(builder.day(days_back, 19, 10 + index), _local_repairs(builder, code, rng))
            days_back -= rng.choice(LOCAL_REPAIR_EVERY_DAYS)
    builder.at(builder.day(STOCKTAKE_DAYS_BACK, 20, 15), _stocktake(builder, KIT_STORES[0]))


def _kit(builder, code: str, parts: dict) -> Callable[[], None]:
    def pack() -> None:
        store = builder.stores[code]
        # The store's latest confirmed parcel without a kit yet: the kit rode it.
        carried = StockMovement.objects.filter(shipment__isnull=False).values("shipment_id")
        parcel = (
            Shipment.objects.filter(
                direction=ShipmentDirection.TO_STORE,
                store=store,
                state=ShipmentState.RECEIVED,
                received_at__lte=timezone.now(),
            )
            .exclude(pk__in=carried)
            .order_by("-received_at")
            .first()
        )
        if parcel is None:
            return
        # Only what the center can spare above its reorder level goes out.
        stock = dict(
            SparePart.objects.filter(pk__in=[part.pk for part in parts.values()]).values_list("pk", "stock_quantity")
        )
        kit = [
            (parts[part_no], quantity)
            for part_no, quantity in KIT
            if part_no in parts and stock[parts[part_no].pk] - quantity >= parts[part_no].reorder_level
        ]
        if kit:
            # The first technician packs the kits (the history's own draws of a technician stay as they were).
            repair_services.stock_transfer(
                user=builder.technicians[0], store=store, parts=kit, note=f"随货配件 {parcel.number}", shipment=parcel
            )

    return pack


def _local_repairs(builder, code: str, rng: random.Random) -> Callable[[], None]:
    def use() -> None:
        store = builder.stores[code]
        held = dict(PartStock.objects.filter(store=store, quantity__gt=0).values_list("part_id", "quantity"))
        if not held:
            return
        used = StockMovement.objects.filter(reason=StockMovementReason.LOCAL_REPAIR).values("return_item_id")
        recent = (
            Return.objects.filter(
                store=store,
                onsite_handling=OnsiteHandling.LOCAL_REPAIR,
                state__in=(ReturnState.LOGGED, ReturnState.RESOLVED_AT_STORE),
                created_at__gte=timezone.now() - dt.timedelta(days=7),
            )
            .exclude(pk__in=used)
            .order_by("id")[:2]
        )
        parts = {part.pk: part for part in builder.parts.values()}
        for item in recent:
            part_id = rng.choice(sorted(held))
            if held[part_id] < 1:
                continue
            quantity = 1 if held[part_id] < 4 else rng.choice([1, 1, 2])
            repair_services.stock_use_at_store(
                user=builder.staff[code], return_item=item, parts=[(parts[part_id], quantity)]
            )
            held[part_id] -= quantity

    return use


def _stocktake(builder, code: str) -> Callable[[], None]:
    def count() -> None:
        store = builder.stores[code]
        rows = list(PartStock.objects.filter(store=store).select_related("part").order_by("part__part_no"))
        if not rows:
            return
        counts = []
        for index, row in enumerate(rows):
            if index == 0 and row.quantity > 0:
                counts.append((row.part, row.quantity - 1, "清点少一件，疑为维修时未登记"))
            elif index == 1:
                counts.append((row.part, row.quantity + 2, "上次调拨多发两件，未入账"))
            else:
                counts.append((row.part, row.quantity, ""))
        repair_services.stocktake_post(user=builder.staff[code], store=store, counts=counts, note="月度清点")

    return count


def summary() -> dict:
    """What the parts' history left, for seed_demo's report."""
    return {
        "stores_with_stock": PartStock.objects.filter(store__isnull=False, quantity__gt=0)
        .values("store")
        .distinct()
        .count(),
        "kits": StockMovement.objects.filter(reason=StockMovementReason.TRANSFER_IN, shipment__isnull=False)
        .values("shipment")
        .distinct()
        .count(),
        "local_repair_uses": StockMovement.objects.filter(reason=StockMovementReason.LOCAL_REPAIR).count(),
        "last_move": StockMovement.objects.aggregate(at=Max("moved_at"))["at"],
    }
