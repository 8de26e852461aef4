"""Courier tracking numbers 快递单号 (issue 20): validated for the carriers the brand uses, linked to their pages.

The patterns live in ``settings.AFTERSALES_CARRIERS``; a carrier the settings do not know (the store's own van)
keeps whatever number it is given.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from cases.carriers import carrier_for, tracking_no_clean, tracking_url
from cases.choices import ShipmentState
from cases.models import Shipment
from tests.support.returns import log_returns, ship_to_center

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}

GOOD = [
    ("顺丰", "SF1234567890123", "SF"),
    ("SF Express", "sf 1234 5678 9012", "SF"),
    ("京东物流", "JDVA12345678901", "JD"),
    ("中通快递", "731234567890", "ZTO"),
    ("ZTO", "75123456789012", "ZTO"),
    ("圆通", "YT1234567890123", "YTO"),
    ("EMS", "EA123456789CN", "EMS"),
    ("中国邮政", "1123456789012", "EMS"),
    ("德邦", "DPK123456789012", "DEPPON"),
]
BAD = [
    ("顺丰", "SF1"),
    ("顺丰速运", "YT1234567890123"),
    ("京东", "JD12"),
    ("中通", "531234567890"),
    ("圆通速递", "YT12345"),
    ("EMS", "EA123456789"),
    ("德邦快递", "DPK12"),
]


@pytest.mark.parametrize(("carrier", "number", "code"), GOOD)
def test_each_carriers_numbers_pass_and_link_to_its_page(carrier, number, code):
    assert carrier_for(carrier).code == code
    cleaned = tracking_no_clean(carrier=carrier, tracking_no=number)
    assert cleaned == number.replace(" ", "").upper()
    url = tracking_url(carrier=carrier, tracking_no=number)
    assert url.startswith("https://") and cleaned in url


@pytest.mark.parametrize(("carrier", "number"), BAD)
def test_a_mistyped_number_is_refused_naming_the_field(carrier, number):
    with pytest.raises(ValidationError) as refused:
        tracking_no_clean(carrier=carrier, tracking_no=number)
    assert list(refused.value.message_dict) == ["tracking_no"]
    assert tracking_url(carrier=carrier, tracking_no=number) == ""


def test_an_unknown_carrier_keeps_its_number_and_has_no_link():
    assert carrier_for("门店自送") is None
    assert tracking_no_clean(carrier="门店自送", tracking_no=" 车牌 粤A12345 ") == "车牌 粤A12345"
    assert tracking_url(carrier="门店自送", tracking_no="x") == ""


@override_settings(
    AFTERSALES_CARRIERS={
        "JT": {
            "name": "极兔速递",
            "aliases": ["极兔"],
            "pattern": r"JT\d{13}",
            "tracking_url": "https://jt.example/{number}",
        }
    }
)
def test_the_carriers_are_settings():
    # A carrier added in settings is validated and linked; one removed is free text again
    assert tracking_url(carrier="极兔", tracking_no="JT1234567890123") == "https://jt.example/JT1234567890123"
    with pytest.raises(ValidationError):
        tracking_no_clean(carrier="极兔", tracking_no="JT1")
    assert tracking_no_clean(carrier="顺丰", tracking_no="SF1") == "SF1"


def test_packing_with_a_bad_number_is_a_400_and_packs_nothing(api_as):
    items = log_returns("S001", count=1)
    response = api_as("store1").post(
        "/api/v1/shipments/",
        {"direction": "to_center", "store": "S001", "returns": [items[0].pk], "carrier": "顺丰", "tracking_no": "SF12"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["tracking_no"]
    assert "SF1234567890123" in response.json()["tracking_no"][0]
    assert not Shipment.objects.filter(lines__return_item=items[0]).exists()


def test_dispatching_with_a_bad_number_is_a_400_and_changes_nothing(api_as):
    shipment = ship_to_center(log_returns("S001", count=1), dispatch=False)
    client = api_as("store1")
    response = client.post(
        f"/api/v1/shipments/{shipment.pk}/dispatch/", {"carrier": "中通", "tracking_no": "12345"}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["tracking_no"]
    shipment.refresh_from_db()
    assert (shipment.state, shipment.carrier, shipment.tracking_no) == (ShipmentState.DRAFT, "", "")
    # When the number is right, it is stored as the courier prints it and links to the courier's page
    response = client.post(
        f"/api/v1/shipments/{shipment.pk}/dispatch/",
        {"carrier": "中通", "tracking_no": "7312 3456 7890"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["tracking_no"]) == ("in_transit", "731234567890")
    assert body["tracking_url"] == "https://www.zto.com/express/expressCheck.html?txtBill=731234567890"


def test_the_shipment_page_refuses_a_bad_number_and_links_a_good_one(browser_as):
    shipment = ship_to_center(log_returns("S001", count=1), dispatch=False)
    client = browser_as("store1")
    url = f"/shipments/{shipment.pk}/dispatch/"
    response = client.post(url, {"carrier": "德邦", "tracking_no": "DPK1"}, **HTMX)
    assert response.status_code == 400
    assert "DPK1" in response.content.decode()
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.DRAFT
    response = client.post(url, {"carrier": "德邦", "tracking_no": "DPK123456789012"}, **HTMX)
    assert response.status_code == 200
    page = client.get(f"/shipments/{shipment.pk}/").content.decode()
    assert 'href="https://www.deppon.com/newwebsite/track/ordersearch?nos=DPK123456789012"' in page
