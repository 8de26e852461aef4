"""Opening a store's parcel at the service center by scanning its packing list 装箱单 (issue 20), in a real browser:
a keyboard-wedge scanner types the QR code's text (the shipment number) into the focused box and presses Enter.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.returns import log_returns, ship_to_center


def test_scanning_the_packing_list_opens_the_parcel(page, live_server, login):
    # Given a store's parcel on its way and tech1 on the inbound page
    shipment = ship_to_center(log_returns("S001", count=2))
    login(page, "tech1")
    page.goto(f"{live_server.url}/center/inbound/")
    scan_box = page.locator("[data-testid=parcel-scan]")
    # Then the scan box has the focus, so the scanner's keystrokes land in it
    expect(scan_box).to_be_focused()
    # When the scanner types the shipment number and Enter
    page.keyboard.type(shipment.number)
    page.keyboard.press("Enter")
    # Then the parcel's page opens, ready to receive
    expect(page).to_have_url(re.compile(rf"/shipments/{shipment.pk}/$"))
    expect(page.locator("#shipment-panel")).to_have_attribute("data-state", "in_transit")

    # When a code that is no parcel's is scanned, the inbound page says so and keeps the focus for the next scan
    page.goto(f"{live_server.url}/center/inbound/")
    # (as above: the scanner types once the page has put the focus in the box; typing before that lost keys)
    expect(page.locator("[data-testid=parcel-scan]")).to_be_focused()
    page.keyboard.type("SH-000000-99999")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/center/inbound/$"))
    expect(page.get_by_text("SH-000000-99999")).to_be_visible()
    expect(page.locator("[data-testid=parcel-scan]")).to_be_focused()
