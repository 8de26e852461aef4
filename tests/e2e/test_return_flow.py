"""A unit's journey in a real browser: store1 logs a receipt of two units, packs and dispatches the weekly
shipment; tech1 receives the parcel with the checklist and inspects both units — all through the pages, the
transitions swapped in by htmx without a page reload.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Return
from tests.support.browser import ARTIFACTS

STYLE_NO = "226101JK001"


def log_out(page) -> None:
    page.context.clear_cookies()


def test_store_logs_and_ships_then_technician_receives_and_inspects(page, live_server, login):
    from suppliers.models import Style

    style = Style.objects.get(style_no=STYLE_NO)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # Given store1 on the log form, reached from the returns menu
    login(page, "store1")
    page.locator("[data-menu=returns] .dropdown-toggle").click()
    page.locator("[data-menu=returns] a[href='/returns/new/']").click()
    expect(page).to_have_url(f"{live_server.url}/returns/new/")

    # When they fill one receipt with two units (the second added with the button)
    page.fill("#id_receipt_no", "POS-E2E-1")
    page.fill("#id_purchase_date", (timezone.localdate() - dt.timedelta(days=2)).isoformat())
    page.check("input[name=onsite_handling][value=exchange]")
    page.fill("#id_customer_name", "王芳")
    page.fill("#id_customer_phone", "13900001111")
    page.select_option("#id_unit-0-style", str(style.pk))
    page.fill("#id_unit-0-color", "藏青")
    page.fill("#id_unit-0-size", "L")
    page.fill("#id_unit-0-production_year", "2025")
    page.fill("#id_unit-0-defect_description", "拉链脱齿")
    page.click("[data-testid=add-unit]")
    expect(page.locator("[data-testid=unit-form]")).to_have_count(2)
    # the new unit starts with the previous unit's style and colour
    expect(page.locator("#id_unit-1-style")).to_have_value(str(style.pk))
    page.fill("#id_unit-1-size", "XL")
    page.fill("#id_unit-1-defect_description", "面料起球")
    page.screenshot(path=str(ARTIFACTS / "return_log_form.png"), full_page=True)
    page.click("[data-testid=submit-return]")

    # Then the returns list greets them with the two new numbers
    expect(page).to_have_url(f"{live_server.url}/returns/")
    first, second = Return.objects.filter(receipt_no="POS-E2E-1").order_by("id")
    alert = page.locator(".alert-success")
    expect(alert).to_contain_text(first.number)
    expect(alert).to_contain_text(second.number)
    expect(page.locator("[data-testid=return-table] tbody tr")).to_have_count(2)

    # When they pack the weekly shipment (both logged units are offered and ticked)
    page.goto(f"{live_server.url}/shipments/new/?direction=to_center")
    checklist = page.locator("[data-testid=unit-checklist]")
    expect(checklist).to_contain_text(first.number)
    expect(checklist.locator("input[type=checkbox]:checked")).to_have_count(2)
    page.click("[data-testid=pack-shipment]")
    expect(page).to_have_url(re.compile(r"/shipments/\d+/$"))
    panel = page.locator("#shipment-panel")
    expect(panel).to_have_attribute("data-state", "draft")

    # And dispatch it; the panel is swapped by htmx (the page is not reloaded)
    page.evaluate("window.__notReloaded = true")
    page.fill("#shipment-panel [data-action=dispatch] input[name=carrier]", "顺丰")
    page.fill("#shipment-panel [data-action=dispatch] input[name=tracking_no]", "SF1234567890123")
    page.click("[data-testid=submit-dispatch]")
    expect(page.locator("#shipment-panel")).to_have_attribute("data-state", "in_transit")
    expect(page.locator("[data-testid=panel-alert]")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True
    shipment_url = page.url

    # Given tech1, who finds the parcel in the inbound list
    log_out(page)
    login(page, "tech1")
    page.goto(f"{live_server.url}/center/inbound/")
    expect(page.locator("[data-testid=inbound-table]")).to_contain_text("SF1234567890123")
    page.locator("[data-testid=inbound-table] a.btn").first.click()
    expect(page).to_have_url(shipment_url)

    # When they tick both units in the checklist and receive
    receive = page.locator("#shipment-panel [data-action=receive]")
    receive.locator(f"input[value='{first.pk}']").check()
    receive.locator(f"input[value='{second.pk}']").check()
    page.click("[data-testid=submit-receive]")

    # Then the parcel is received, every line counted present
    expect(page.locator("#shipment-panel")).to_have_attribute("data-state", "received")
    expect(page.locator("[data-outcome=received]")).to_have_count(2)
    expect(page.locator("[data-testid=discrepancy]")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "shipment_detail.png"), full_page=True)

    # When they open the inspection queue and inspect the first unit as without defect
    page.goto(f"{live_server.url}/center/inspection/")
    page.locator("[data-testid=queue-table]").get_by_role("link", name=first.number).click()
    expect(page.locator("#return-panel")).to_have_attribute("data-state", "received")
    inspect = page.locator("#return-panel [data-action=inspect]")
    expect(page.locator("[data-testid=responsibility-hint]")).to_contain_text("7")
    inspect.locator("input[name=verdict][value=no_defect]").check()
    inspect.locator("textarea[name=notes]").fill("鉴定无质量问题")
    page.click("[data-testid=submit-inspect]")

    # Then the unit is ready to return and the report shows on the page
    expect(page.locator("#return-panel")).to_have_attribute("data-state", "ready_to_return")
    expect(page.locator("[data-testid=inspection]")).to_contain_text("鉴定无质量问题")
    expect(page.locator("[data-testid=timeline] .timeline-step")).to_have_count(4)

    # When they inspect the second as unrepairable but forget the responsible party
    page.goto(f"{live_server.url}/returns/{second.pk}/")
    inspect = page.locator("#return-panel [data-action=inspect]")
    inspect.locator("input[name=verdict][value=unrepairable]").check()
    page.click("[data-testid=submit-inspect]")

    # Then the form says so and the unit has not moved
    expect(page.locator("[data-error-for=responsibility]")).to_be_visible()
    expect(page.locator("#return-panel")).to_have_attribute("data-state", "received")

    # When they choose head office and submit again
    inspect = page.locator("#return-panel [data-action=inspect]")
    inspect.locator("input[name=verdict][value=unrepairable]").check()
    inspect.locator("select[name=responsibility]").select_option("hq")
    page.click("[data-testid=submit-inspect]")

    # Then it waits for the write-off list
    expect(page.locator("#return-panel")).to_have_attribute("data-state", "scrap_pending")
    expect(page.locator("[data-testid=verdict]")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "return_detail.png"), full_page=True)
    assert Return.objects.get(pk=second.pk).responsibility == "hq"
