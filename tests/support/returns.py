"""Returns 退货 put into a state through the real services (logged, shipped, received, inspected), on the demo data.

Shared by the tests of several apps; each helper is the one a test module used to define for itself.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from aftersales.models import TransitionLog
from cases import services
from cases.choices import ReturnState, ShipmentDirection
from cases.models import Attachment, Return, Shipment
from inspection.models import InspectionReport
from inspection.services import return_inspect
from repairs.models import SparePart, StockMovement
from stores.models import Store
from suppliers.models import DefectCode, Style

JACKET = "226101JK001"  # category JK: 15-day quality-return window, 12-month warranty
PHONE = "13812341234"


def user(username):
    return get_user_model().objects.get(username=username)


def log_returns(store_code="S001", count=1, **overrides) -> list[Return]:
    """``count`` units of one receipt logged by the store's staff (store1 for S001, store2 for S002)."""
    staff = {"S001": "store1", "S002": "store2", "S101": "store101"}[store_code]
    style = Style.objects.get(style_no=JACKET)
    values = {
        "receipt_no": "POS-0001",
        "purchase_date": timezone.localdate() - dt.timedelta(days=3),
        "onsite_handling": "exchange",
        "units": [
            services.ReturnUnit(
                style=style,
                color="黑色",
                size="L",
                production_year=timezone.localdate().year - 1,
                defect_description="拉链坏",
            )
            for _ in range(count)
        ],
        "customer_name": "张三",
        "customer_phone": PHONE,
    }
    values.update(overrides)
    return services.return_log(user=user(staff), store=Store.objects.get(code=store_code), **values)


def ship_to_center(items: list[Return], *, dispatch=True) -> Shipment:
    store = items[0].store
    staff = {"S001": "store1", "S002": "store2", "S101": "store101"}[store.code]
    shipment = services.shipment_create(
        user=user(staff), direction=ShipmentDirection.TO_CENTER, store=store, return_ids=[item.pk for item in items]
    )
    if dispatch:
        shipment = services.shipment_dispatch(
            user=user(staff), shipment=shipment, carrier="顺丰", tracking_no="SF1000000000001"
        )
    return shipment


def fresh(item):
    """The row as the database has it now."""
    return type(item).objects.get(pk=item.pk)


def return_in(state: str, store_code="S001") -> Return:
    """A Return brought to ``state`` through the services."""
    tech1 = user("tech1")
    item = log_returns(store_code)[0]
    if state == ReturnState.LOGGED:
        return item
    if state == ReturnState.CANCELLED:
        staff = {"S001": "store1", "S002": "store2"}[store_code]
        return services.return_cancel(user=user(staff), return_item=item, reason="logged twice")
    shipment = ship_to_center([item])
    if state == ReturnState.IN_TRANSIT:
        return fresh(item)
    if state == ReturnState.MISSING:
        services.shipment_receive(user=tech1, shipment=shipment, received_ids=[])
        return fresh(item)
    services.shipment_receive(user=tech1, shipment=shipment, received_ids=[item.pk])
    if state == ReturnState.RECEIVED:
        return fresh(item)
    verdict = {
        ReturnState.REPAIRING: "repairable",
        ReturnState.AT_SUPPLIER: "supplier_rework",
        ReturnState.READY_TO_RETURN: "no_defect",
        ReturnState.SCRAP_PENDING: "unrepairable",
    }[state]
    return_inspect(user=tech1, return_item=fresh(item), verdict=verdict, responsibility="supplier")
    return fresh(item)


def snapshot(*objects) -> tuple:
    """What a refused request must leave as it was: states, audit rows, reports, attachments and stock."""
    rows = tuple((type(obj).__name__, obj.pk, fresh(obj).state) for obj in objects)
    return (
        rows,
        TransitionLog.objects.count(),
        InspectionReport.objects.count(),
        Attachment.objects.count(),
        StockMovement.objects.count(),
        tuple(SparePart.objects.order_by("pk").values_list("stock_quantity", flat=True)),
        Return.objects.count(),
        Shipment.objects.count(),
    )


def inspected(count: int, store_code="S001", verdict="repairable", responsibility="supplier"):
    """``count`` Returns of the store received and inspected through the services, with two defect codes each."""
    items = log_returns(store_code, count=count)
    shipment = ship_to_center(items)
    services.shipment_receive(user=user("tech1"), shipment=shipment, received_ids=[item.pk for item in items])
    codes = list(DefectCode.objects.order_by("code")[:2])
    return [
        return_inspect(
            user=user("tech1"),
            return_item=fresh(item),
            verdict=verdict,
            responsibility=responsibility,
            defect_codes=codes,
            notes="开线",
        )  # fmt: skip
        for item in items
    ]


def log_units(user, store_code="S001", count=1, **overrides):
    """``count`` units of one receipt logged by ``user`` (no customer's details, production year 2026)."""
    style = Style.objects.get(style_no=JACKET)
    values = {
        "receipt_no": "POS-0001",
        "purchase_date": timezone.localdate() - dt.timedelta(days=3),
        "onsite_handling": "exchange",
        "units": [
            services.ReturnUnit(style=style, color="黑色", size="L", production_year=2026, defect_description="拉链坏")
            for _ in range(count)
        ],
    }
    values.update(overrides)
    return services.return_log(user=user, store=Store.objects.get(code=store_code), **values)


def ship(user, items, store_code="S001"):
    """The units shipped to the center by ``user``, dispatched."""
    shipment = services.shipment_create(
        user=user,
        direction=ShipmentDirection.TO_CENTER,
        store=Store.objects.get(code=store_code),
        return_ids=[item.pk for item in items],
    )
    return services.shipment_dispatch(user=user, shipment=shipment, carrier="顺丰", tracking_no="SF1000000000001")


def received_unit(demo_user, store_code="S001"):
    """One unit logged (``log_units``), shipped and received at the center."""
    store_user = demo_user({"S001": "store1", "S002": "store2", "S101": "store101"}[store_code])
    item = log_units(store_user, store_code)[0]
    shipment = ship(store_user, [item], store_code)
    services.shipment_receive(user=demo_user("tech1"), shipment=shipment, received_ids=[item.pk])
    return Return.objects.get(pk=item.pk)


def received(demo_user, store_code: str = "S001", *, reported_defect=None, count: int = 1) -> list[Return]:
    """Units logged at ``store_code``, shipped and received at the center."""
    staff, store = demo_user({"S001": "store1", "S002": "store2"}[store_code]), Store.objects.get(code=store_code)
    units = services.return_log(
        user=staff,
        store=store,
        receipt_no=f"POS-{store_code}",
        purchase_date=timezone.localdate() - dt.timedelta(days=3),
        onsite_handling="exchange",
        units=[
            services.ReturnUnit(
                style=Style.objects.get(style_no="226101JK001"),
                color="黑色",
                size=size,
                production_year=2026,
                defect_description="拉链坏",
                reported_defect=reported_defect,
            )
            for size in ["S", "M", "L", "XL"][:count]
        ],
    )
    ids = [unit.pk for unit in units]
    shipment = services.shipment_create(user=staff, direction=ShipmentDirection.TO_CENTER, store=store, return_ids=ids)
    shipment = services.shipment_dispatch(user=staff, shipment=shipment, carrier="顺丰", tracking_no="SF1000000000001")
    services.shipment_receive(user=demo_user("tech1"), shipment=shipment, received_ids=ids)
    return list(Return.objects.filter(pk__in=ids).order_by("pk"))
