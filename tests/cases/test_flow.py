"""The whole single-unit journey through the services: store → center → inspection → repair → back to the store."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.models import TransitionLog
from cases import services
from cases.choices import ReturnState, ShipmentDirection, ShipmentLineOutcome
from cases.models import Return
from inspection.services import return_inspect
from repairs.models import SparePart, StockMovement
from repairs.services import repairticket_complete, repairticket_update
from stores.models import Store
from suppliers.models import DefectCode, Style


def log_units(user, store, count=1, **overrides):
    style = Style.objects.get(style_no="226101JK001")
    values = {
        "receipt_no": "POS-0001",
        "purchase_date": timezone.localdate() - dt.timedelta(days=3),
        "onsite_handling": "exchange",
        "units": [
            services.ReturnUnit(style=style, color="黑色", size="L", production_year=2026, defect_description="拉链坏")
            for _ in range(count)
        ],
        "customer_name": "张三",
        "customer_phone": "13812341234",
    }
    values.update(overrides)
    return services.return_log(user=user, store=store, **values)


@pytest.mark.django_db
def test_unit_goes_from_logging_to_back_on_the_shelf(demo_user):
    # Given a store user and a technician of the demo brand
    store1, tech1 = demo_user("store1"), demo_user("tech1")
    store = Store.objects.get(code="S001")

    # When the store logs two units of one receipt and ships them
    first, second = log_units(store1, store, count=2)
    assert first.number.startswith("RT-") and first.number != second.number
    shipment = services.shipment_create(
        user=store1, direction=ShipmentDirection.TO_CENTER, store=store, return_ids=[first.pk, second.pk]
    )
    shipment = services.shipment_dispatch(user=store1, shipment=shipment, carrier="顺丰", tracking_no="SF1000000000001")
    first = Return.objects.get(pk=first.pk)
    assert first.state == ReturnState.IN_TRANSIT
    assert first.due_at - first.shipped_at == dt.timedelta(days=15)
    assert shipment.extra_fee is None

    # And the center receives only the first
    services.shipment_receive(user=tech1, shipment=shipment, received_ids=[first.pk])
    assert Return.objects.get(pk=second.pk).state == ReturnState.MISSING
    assert shipment.lines.get(return_item=second).outcome == ShipmentLineOutcome.MISSING
    services.return_found(user=tech1, return_item=Return.objects.get(pk=second.pk))
    assert Return.objects.get(pk=second.pk).state == ReturnState.RECEIVED

    # And inspects it as repairable, repairs it with a part and passes QC
    code = DefectCode.objects.first()
    report = return_inspect(
        user=tech1, return_item=first, verdict="repairable", responsibility="supplier", defect_codes=[code]
    )
    ticket = Return.objects.get(pk=first.pk).repair_ticket
    part = SparePart.objects.filter(stock_quantity__gte=2).first()
    stock_before = part.stock_quantity
    ticket = repairticket_update(user=tech1, ticket=ticket, parts=[(part, 2)], labour_minutes=30)
    assert SparePart.objects.get(pk=part.pk).stock_quantity == stock_before - 2
    assert ticket.total_cost == 2 * part.unit_cost + Decimal("30.00")
    with pytest.raises(ValidationError):
        repairticket_complete(user=tech1, ticket=ticket, qc_passed=False)
    ticket = repairticket_complete(user=tech1, ticket=ticket, qc_passed=True)
    assert Return.objects.get(pk=first.pk).state == ReturnState.READY_TO_RETURN

    # And ships it back; the store confirms
    back = services.shipment_create(
        user=tech1, direction=ShipmentDirection.TO_STORE, store=store, return_ids=[first.pk]
    )
    back = services.shipment_dispatch(user=tech1, shipment=back)
    services.shipment_confirm_received(user=store1, shipment=back)

    # Then the unit is back, on time, and every step is in its timeline
    first = Return.objects.get(pk=first.pk)
    assert first.state == ReturnState.RETURNED and first.on_time is True
    names = list(TransitionLog.objects.for_object(first).values_list("transition", flat=True))
    assert names == ["log", "dispatch", "receive", "inspect", "complete_repair", "ship_back", "confirm_returned"]
    assert report.return_item_id == first.pk
    assert StockMovement.objects.filter(repair_ticket=ticket).count() == 1


@pytest.mark.django_db
def test_refusals_change_nothing(demo_user):
    store1, store2, tech1 = demo_user("store1"), demo_user("store2"), demo_user("tech1")
    item = log_units(store1, Store.objects.get(code="S001"))[0]
    with pytest.raises(TransitionStateConflict):
        return_inspect(user=tech1, return_item=item, verdict="no_defect")
    with pytest.raises(TransitionForbidden):
        services.return_cancel(user=store2, return_item=item, reason="x")
    with pytest.raises(ValidationError):
        services.return_cancel(user=store1, return_item=item, reason="  ")
    assert Return.objects.get(pk=item.pk).state == ReturnState.LOGGED
    assert TransitionLog.objects.for_object(item).count() == 1


@pytest.mark.django_db
def test_second_dispatch_in_a_week_carries_the_fee(demo_user):
    store1 = demo_user("store1")
    store = Store.objects.get(code="S001")
    fees = []
    for _ in range(2):
        item = log_units(store1, store)[0]
        shipment = services.shipment_create(user=store1, direction="to_center", store=store, return_ids=[item.pk])
        fees.append(services.shipment_dispatch(user=store1, shipment=shipment).extra_fee)
    assert fees == [None, store.extra_dispatch_fee]
