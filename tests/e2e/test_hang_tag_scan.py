"""A hang tag 挂牌 scanned at the service center ticks its unit (issue 18), in a real browser: store1 prints the
tags of a customer's units from a Return's page, the QR codes are read off the printed sheet (zxing-cpp), and a
keyboard-wedge scanner types each code and Enter into the receiving page's scan box."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from cases.choices import ReturnState, ShipmentDirection
from cases.models import Return
from stores.models import Store
from suppliers.models import Style
from tests.support.printed import qr_codes


def test_a_scanned_hang_tag_ticks_its_unit_on_the_receiving_page(page, live_server, login):
    # Given store1 logged a customer's two units in one form and dispatched them to the center
    store1 = get_user_model().objects.get(username="store1")
    store = Store.objects.get(code="S001")
    style = Style.objects.get(style_no="226101JK001")
    items = services.return_log(
        user=store1,
        store=store,
        receipt_no="POS-E2E-TAG",
        purchase_date=timezone.localdate() - dt.timedelta(days=3),
        onsite_handling="exchange",
        form_token=uuid.uuid4(),
        units=[
            services.ReturnUnit(style=style, color="黑色", size="L", production_year=2026, defect_description="拉链坏")
            for _ in range(2)
        ],
    )
    shipment = services.shipment_create(
        user=store1, direction=ShipmentDirection.TO_CENTER, store=store, return_ids=[item.pk for item in items]
    )
    services.shipment_dispatch(user=store1, shipment=shipment, carrier="顺丰", tracking_no="SF1234567890123")

    # When store1 prints the hang tags from the first unit's page
    login(page, "store1")
    page.goto(f"{live_server.url}/returns/{items[0].pk}/")
    tags_href = page.locator("[data-testid=print-tags]").get_attribute("href")
    printed = page.request.get(f"{live_server.url}{tags_href}")
    assert printed.ok and printed.headers["content-type"] == "application/pdf"
    scanned = qr_codes(printed.body())
    assert sorted(scanned) == sorted(item.number for item in items)

    # And tech1 at the center scans the second tag into the receiving page's scan box (the scanner types, then Enter)
    page.context.clear_cookies()
    login(page, "tech1")
    page.goto(f"{live_server.url}/shipments/{shipment.pk}/")
    box = page.locator("[data-testid=scan-box]")
    checklist = page.locator("[data-testid=receive-checklist]")
    second = next(code for code in scanned if code == items[1].number)
    box.click()
    page.keyboard.type(second, delay=5)
    page.keyboard.press("Enter")

    # Then exactly that unit is ticked, and nothing was submitted
    expect(checklist.locator(f"input[value='{items[1].pk}']")).to_be_checked()
    expect(checklist.locator(f"input[value='{items[0].pk}']")).not_to_be_checked()
    expect(page.locator("[data-testid=scan-feedback]")).to_have_text(f"已勾选 {items[1].number}。")
    assert (
        list(Return.objects.filter(pk__in=[i.pk for i in items]).values_list("state", flat=True))
        == [ReturnState.IN_TRANSIT] * 2
    )
