"""The packing list 装箱单 that travels with a parcel (issue 20), and the scan of its code that opens the parcel.

The PDF is read back as text (pdftotext): what a technician unpacking the box would check against its contents.
"""

from __future__ import annotations

import subprocess

import pytest
import zxingcpp
from django.contrib.messages import get_messages
from PIL import Image
from rest_framework.test import APIClient

from cases.choices import ShipmentState
from cases.documents import shipment_qr_data_uri
from cases.models import Return
from recalls.choices import RecallState
from tests.factories.recalls import RecallFactory
from tests.support.returns import log_returns, ship_to_center

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "packing.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def page_size(content: bytes, tmp_path) -> str:
    path = tmp_path / "size.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return next(line for line in info.splitlines() if line.startswith("Page size:"))


def qr_codes(content: bytes, tmp_path) -> list[str]:
    """What a scanner reads from the printed page: the page drawn by pdftoppm, the QR codes read by zxing-cpp."""
    path = tmp_path / "qr.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")])
    codes = []
    for image_path in sorted(tmp_path.glob("p*.png")):
        with Image.open(image_path) as image:
            codes += [code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    return codes


def parcel_with_a_recall_unit():
    """S001's parcel of three units (one of them returned for a recall), dispatched by SF Express."""
    items = log_returns("S001", count=3)
    recall = RecallFactory(state=RecallState.COLLECTING, style=items[0].style)
    Return.objects.filter(pk=items[2].pk).update(recall=recall)
    return ship_to_center(items), items, recall


def test_the_packing_list_names_the_parcel_and_every_unit(api_as, tmp_path):
    # Given a dispatched parcel with a recalled unit
    shipment, items, recall = parcel_with_a_recall_unit()
    # When the store downloads its packing list
    response = api_as("store1").get(f"/api/v1/shipments/{shipment.pk}/packing-list/")
    # Then it is an A4 PDF naming the store, carrier, tracking number and each unit with style, colour and size
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "装箱单" in text and "Packing list" in text
    assert shipment.number in text
    assert "S001" in text and shipment.store.name in text
    assert "顺丰速运" in text and "SF1000000000001" in text
    for item in items:
        assert item.number in text
    assert items[0].style.style_no in text and "黑色" in text
    assert "合计 Total 3 件（其中召回 1 件）" in text
    # and the recall number only on the recalled unit's row
    assert text.count(recall.number) == 1
    assert "(A4)" in page_size(response.content, tmp_path)
    # and its QR code, scanned, is the shipment number
    assert qr_codes(response.content, tmp_path) == [shipment.number]


def test_the_qr_code_carries_the_shipment_number():
    # The QR is an SVG data URI the PDF renderer may fetch (no network), generated from the number alone
    uri = shipment_qr_data_uri("SH-202612-00001")
    assert uri.startswith("data:image/svg+xml")
    assert uri == shipment_qr_data_uri("SH-202612-00001")
    assert uri != shipment_qr_data_uri("SH-202612-00002")


@pytest.mark.parametrize(
    ("username", "status"),
    [
        (None, 401),  # anonymous
        ("store101", 404),  # another region's store
        ("store2", 404),  # another store of the region
        ("supplier1", 403),  # a supplier's role never reads shipments
        ("region1", 200),  # S001's region manager reads it
        ("tech1", 200),  # the center unpacks with it
        ("store1", 200),  # the store prints it
    ],
)
def test_who_may_read_the_packing_list(api_as, username, status):
    shipment, _items, _recall = parcel_with_a_recall_unit()
    client = api_as(username) if username else APIClient()
    response = client.get(f"/api/v1/shipments/{shipment.pk}/packing-list/")
    assert response.status_code == status, response.content[:200]


def test_the_shipment_page_prints_the_packing_list_before_dispatch(browser_as, tmp_path):
    # Given a parcel packed but not dispatched yet
    shipment = ship_to_center(log_returns("S001", count=2), dispatch=False)
    client = browser_as("store1")
    # Then its page offers the packing list, which prints the day it was packed
    page = client.get(f"/shipments/{shipment.pk}/").content.decode()
    assert f'href="/shipments/{shipment.pk}/packing-list/"' in page
    response = client.get(f"/shipments/{shipment.pk}/packing-list/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert shipment.number in pdf_text(response.content, tmp_path)
    # and another store cannot print it
    assert browser_as("store2").get(f"/shipments/{shipment.pk}/packing-list/").status_code == 404


def test_the_inbound_page_opens_a_scanned_parcel(browser_as):
    shipment, _items, _recall = parcel_with_a_recall_unit()
    tech = browser_as("tech1")
    assert 'data-testid="parcel-scan"' in tech.get("/center/inbound/").content.decode()
    # When the scanner types the number (with stray spaces, lower case) and Enter
    response = tech.get("/center/inbound/open/", {"code": f" {shipment.number.lower()} "})
    # Then the parcel's page opens, where it is received
    assert response.status_code == 302 and response["Location"] == f"/shipments/{shipment.pk}/"
    # When the code is not a parcel's, the inbound page says so and nothing opens
    response = tech.get("/center/inbound/open/", {"code": "SH-000000-99999"})
    assert response.status_code == 302 and response["Location"] == "/center/inbound/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["没有编号为 SH-000000-99999 的专卖店包裹。"]
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.IN_TRANSIT


def test_only_the_center_opens_parcels_by_code(browser_as):
    shipment, _items, _recall = parcel_with_a_recall_unit()
    assert browser_as("store1").get("/center/inbound/open/", {"code": shipment.number}).status_code == 403
    assert browser_as("region1").get("/center/inbound/open/", {"code": shipment.number}).status_code == 403
