"""Receiving a store's parcel 签收 on its page: a receipt that leaves units unticked is never recorded by accident.

A checklist submitted with nothing ticked used to mark every unit missing 缺件 under a green success banner.
The page form now refuses unticked units unless the technician confirms them as missing, keeps their ticks when
it refuses, and reports a receipt with missing units as a warning. The API keeps its contract: its caller lists
the received units explicitly, so ``{"received": []}`` still means "none arrived".
"""

import datetime as dt

import pytest
from django.contrib.messages import constants as message_levels
from django.utils import timezone

from aftersales.models import TransitionLog
from cases import services
from cases.choices import ReturnState, ShipmentDirection, ShipmentLineOutcome, ShipmentState
from cases.models import Return, Shipment
from stores.models import Store
from suppliers.models import Style

HTMX = {"HTTP_HX_REQUEST": "true"}
STYLE_NO = "226101JK001"


def parcel_in_transit(demo_user, count: int) -> tuple[Shipment, list[Return]]:
    """store1 logs ``count`` units and dispatches them to the center in one parcel."""
    store1 = demo_user("store1")
    style = Style.objects.get(style_no=STYLE_NO)
    items = services.return_log(
        user=store1,
        store=Store.objects.get(code="S001"),
        receipt_no="POS-RCV-1",
        purchase_date=timezone.localdate() - dt.timedelta(days=3),
        onsite_handling="exchange",
        units=[
            services.ReturnUnit(style=style, color="黑色", size="L", production_year=2026, defect_description="拉链坏")
            for _ in range(count)
        ],
    )
    shipment = services.shipment_create(
        user=store1,
        direction=ShipmentDirection.TO_CENTER,
        store=Store.objects.get(code="S001"),
        return_ids=[item.pk for item in items],
    )
    shipment = services.shipment_dispatch(user=store1, shipment=shipment, carrier="顺丰", tracking_no="SF1000000000001")
    return shipment, list(items)


def assert_nothing_received(shipment: Shipment, items: list[Return]) -> None:
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.IN_TRANSIT
    assert shipment.received_at is None
    assert set(Return.objects.filter(pk__in=[i.pk for i in items]).values_list("state", flat=True)) == {
        ReturnState.IN_TRANSIT
    }
    assert set(shipment.lines.values_list("outcome", flat=True)) == {ShipmentLineOutcome.PENDING}
    assert not TransitionLog.objects.filter(transition__in=["receive", "mark_missing"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain-post"])
def test_an_empty_receipt_without_confirmation_changes_nothing_and_names_the_count(browser_as, demo_user, htmx):
    # given a parcel of five units in transit
    shipment, items = parcel_in_transit(demo_user, 5)
    tech = browser_as("tech1")
    # when tech1 submits the checklist with nothing ticked (one click on 签收)
    response = tech.post(f"/shipments/{shipment.pk}/receive/", {}, **(HTMX if htmx else {}))
    # then the receipt is refused, nothing changed, and the page says how many would be recorded missing
    assert response.status_code == 400
    assert_nothing_received(shipment, items)
    body = response.content.decode()
    assert "5 件未勾选，将记为缺件" in body
    assert 'name="confirm_missing"' in body
    assert "alert-success" not in body


@pytest.mark.django_db
def test_a_refused_receipt_comes_back_with_its_ticks_kept(browser_as, demo_user):
    # given a parcel of three units
    shipment, items = parcel_in_transit(demo_user, 3)
    tech = browser_as("tech1")
    # when tech1 ticks two and submits without confirming the third as missing
    ticked = [items[0].pk, items[2].pk]
    response = tech.post(f"/shipments/{shipment.pk}/receive/", {"received": ticked}, **HTMX)
    # then nothing is recorded, the message names one unit, and the two ticks are still there
    assert response.status_code == 400
    assert_nothing_received(shipment, items)
    body = response.content.decode()
    assert "1 件未勾选，将记为缺件" in body
    checked = {
        pk for pk in (item.pk for item in items) if f'value="{pk}"' in body and _is_checked(body, f'value="{pk}"')
    }
    assert checked == set(ticked)


def _is_checked(body: str, marker: str) -> bool:
    tag_start = body.rfind("<input", 0, body.index(marker))
    tag = body[tag_start : body.index(">", body.index(marker))]
    return " checked" in tag


@pytest.mark.django_db
def test_a_confirmed_receipt_with_missing_units_is_a_warning_naming_the_count(browser_as, demo_user):
    # given a parcel of five units, of which only two arrived
    shipment, items = parcel_in_transit(demo_user, 5)
    tech = browser_as("tech1")
    # when tech1 ticks the two and confirms the other three as missing (a plain POST, no htmx)
    response = tech.post(
        f"/shipments/{shipment.pk}/receive/",
        {"received": [items[0].pk, items[1].pk], "confirm_missing": "on"},
        follow=True,
    )
    # then the parcel is received, three units missing
    assert response.status_code == 200
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.RECEIVED
    states = dict(Return.objects.filter(pk__in=[i.pk for i in items]).values_list("pk", "state"))
    assert [states[i.pk] for i in items] == [ReturnState.RECEIVED] * 2 + [ReturnState.MISSING] * 3
    # and the result is a warning naming the three, not a green success
    [message] = list(response.context["messages"])
    assert message.level == message_levels.WARNING
    assert "缺件 3 件" in message.message
    body = response.content.decode()
    assert "alert-warning" in body and "alert-success" not in body


@pytest.mark.django_db
def test_a_confirmed_empty_receipt_over_htmx_marks_all_missing_with_a_warning(browser_as, demo_user):
    # given a parcel of five units, none of which arrived
    shipment, items = parcel_in_transit(demo_user, 5)
    # when tech1 confirms that all five are missing
    response = browser_as("tech1").post(f"/shipments/{shipment.pk}/receive/", {"confirm_missing": "on"}, **HTMX)
    # then all five are missing and the panel shows a warning
    assert response.status_code == 200
    assert set(Return.objects.filter(pk__in=[i.pk for i in items]).values_list("state", flat=True)) == {
        ReturnState.MISSING
    }
    body = response.content.decode()
    assert 'data-testid="panel-alert"' in body
    assert "alert alert-warning mb-3" in body and "缺件 5 件" in body
    assert "alert-success" not in body


@pytest.mark.django_db
def test_a_complete_receipt_needs_no_confirmation_and_is_a_success(browser_as, demo_user):
    # given a parcel of three units, all present
    shipment, items = parcel_in_transit(demo_user, 3)
    # when tech1 ticks them all (全选) and receives
    response = browser_as("tech1").post(
        f"/shipments/{shipment.pk}/receive/", {"received": [i.pk for i in items]}, follow=True
    )
    # then every unit is received and the message is a success
    assert response.status_code == 200
    assert set(Return.objects.filter(pk__in=[i.pk for i in items]).values_list("state", flat=True)) == {
        ReturnState.RECEIVED
    }
    [message] = list(response.context["messages"])
    assert message.level == message_levels.SUCCESS


@pytest.mark.django_db
def test_the_receive_form_offers_select_all_and_a_scan_box(browser_as, demo_user):
    # given a parcel in transit
    shipment, items = parcel_in_transit(demo_user, 2)
    # when tech1 opens it
    body = browser_as("tech1").get(f"/shipments/{shipment.pk}/").content.decode()
    # then the checklist has a 全选 control, a scan box outside the form, and each box names its return number
    assert 'data-testid="select-all"' in body and "全选" in body
    assert 'data-testid="scan-box"' in body
    for item in items:
        assert f'data-number="{item.number}"' in body
    assert "js/receiving.js" in body


@pytest.mark.django_db
def test_the_api_keeps_its_contract_an_empty_list_means_none_arrived(api_as, demo_user):
    # given a parcel of two units
    shipment, items = parcel_in_transit(demo_user, 2)
    # when an API caller receives it listing no unit (the contract: the rest become missing)
    response = api_as("tech1").post(f"/api/v1/shipments/{shipment.pk}/receive/", {"received": []}, format="json")
    # then it is received with both missing, no confirmation field asked for
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "received"
    assert set(Return.objects.filter(pk__in=[i.pk for i in items]).values_list("state", flat=True)) == {
        ReturnState.MISSING
    }


@pytest.mark.django_db
def test_the_return_page_shipment_card_names_the_received_state_once(browser_as, demo_user):
    # given a unit received at the center
    shipment, [item] = parcel_in_transit(demo_user, 1)
    services.shipment_receive(user=demo_user("tech1"), shipment=shipment, received_ids=[item.pk])
    # when its return page is opened
    body = browser_as("tech1").get(f"/returns/{item.pk}/").content.decode()
    # then its shipment card says 已签收 once, not "已签收 已签收"
    start = body.index('data-testid="shipments"')
    card = body[start : body.index("</ul>", start)]
    assert card.count("已签收") == 1
