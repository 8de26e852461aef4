"""Kits of spare parts 随货发送常用备件 riding a center → store parcel (issue 18): packed out of the center's stock by
a technician, booked into the store's stock when the store confirms the parcel, back to the center if the parcel
is cancelled; each step on the ledger with who and when."""

from __future__ import annotations

import pytest

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from cases import services as case_services
from cases.choices import ReturnState, ShipmentDirection
from repairs import services
from repairs.models import PartStock, SparePart, StockMovement, StockMovementReason
from stores.models import Store
from tests.support.returns import return_in, user

pytestmark = pytest.mark.django_db

ZIP = "P-ZIP-5"


def parcel_back():
    """tech1 packs a parcel back to S001 with a unit ready to return."""
    item = return_in(ReturnState.READY_TO_RETURN)
    return case_services.shipment_create(
        user=user("tech1"), direction=ShipmentDirection.TO_STORE, store=Store.objects.get(code="S001"),
        return_ids=[item.pk],
    )  # fmt: skip


def center():
    return SparePart.objects.get(part_no=ZIP).stock_quantity


def at_s001():
    row = PartStock.objects.filter(part__part_no=ZIP, store__code="S001").first()
    return row.quantity if row else 0


def test_a_kit_rides_the_parcel_into_the_store_stock(demo):
    # Given a parcel back to S001 being packed
    shipment = parcel_back()
    before = center()
    # When tech1 packs three zips into it
    kit = services.shipment_kit_add(
        user=user("tech1"), shipment=shipment, parts=[(SparePart.objects.get(part_no=ZIP), 3)]
    )
    # Then they leave the center's stock now, the store has none yet
    assert kit == {SparePart.objects.get(part_no=ZIP).pk: 3}
    assert center() == before - 3 and at_s001() == 0
    # When the parcel is dispatched and S001 confirms it
    shipment = case_services.shipment_dispatch(
        user=user("tech1"), shipment=shipment, carrier="顺丰", tracking_no="SF1234567890123"
    )
    case_services.shipment_confirm_received(user=user("store1"), shipment=shipment)
    # Then S001 holds the three zips, booked in by store1 against the parcel
    assert at_s001() == 3 and center() == before - 3
    booked = StockMovement.objects.get(shipment=shipment, store__code="S001")
    assert (booked.reason, booked.quantity, booked.moved_by.username) == (StockMovementReason.TRANSFER_IN, 3, "store1")


def test_a_cancelled_parcel_gives_its_kit_back_to_the_center(demo):
    shipment = parcel_back()
    before = center()
    services.shipment_kit_add(user=user("tech1"), shipment=shipment, parts=[(SparePart.objects.get(part_no=ZIP), 2)])
    case_services.shipment_cancel(user=user("tech1"), shipment=shipment, reason="packed twice")
    assert center() == before and at_s001() == 0
    assert StockMovement.objects.filter(shipment=shipment, reason=StockMovementReason.TRANSFER_BACK).count() == 1


def test_only_technicians_pack_kits_and_only_while_packing(demo):
    shipment = parcel_back()
    zip_part = SparePart.objects.get(part_no=ZIP)
    with pytest.raises(TransitionForbidden):
        services.shipment_kit_add(user=user("store1"), shipment=shipment, parts=[(zip_part, 1)])
    shipment = case_services.shipment_dispatch(
        user=user("tech1"), shipment=shipment, carrier="顺丰", tracking_no="SF1234567890123"
    )
    with pytest.raises(TransitionStateConflict):
        services.shipment_kit_add(user=user("tech1"), shipment=shipment, parts=[(zip_part, 1)])


@pytest.mark.parametrize(("who", "expected"), [(None, 401), ("store1", 403), ("supplier1", 403), ("tech1", 200)])
def test_kits_api(api_as, demo, who, expected):
    from tests.support.refusals import client_for

    shipment = parcel_back()
    before = center()
    response = client_for(api_as, who).post(
        "/api/v1/stock/kits/", {"shipment": shipment.pk, "parts": [{"part": ZIP, "quantity": 2}]}, format="json"
    )
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json() == {"shipment": shipment.pk, "parts": [{"part": ZIP, "quantity": 2}]}
        assert center() == before - 2
    else:
        assert center() == before
