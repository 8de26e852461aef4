"""Receiving a parcel 签收 as a technician at the service center does, in a real browser: an empty receipt asks
before recording units missing, 全选 ticks the whole checklist, and a keyboard-wedge scanner (which types the
return number and Enter) ticks exactly its unit without submitting the form.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from cases.choices import ReturnState, ShipmentDirection, ShipmentState
from cases.models import Return, Shipment
from tests.support.browser import ARTIFACTS, DEFAULT_TIMEOUT_MS

STYLE_NO = "226101JK001"


def parcel_in_transit(count: int) -> tuple[Shipment, list[Return]]:
    """store1 logs ``count`` units and dispatches them to the center in one parcel."""
    from django.contrib.auth import get_user_model

    from stores.models import Store
    from suppliers.models import Style

    store1 = get_user_model().objects.get(username="store1")
    store = Store.objects.get(code="S001")
    style = Style.objects.get(style_no=STYLE_NO)
    items = services.return_log(
        user=store1,
        store=store,
        receipt_no="POS-E2E-RCV",
        purchase_date=timezone.localdate() - dt.timedelta(days=3),
        onsite_handling="exchange",
        units=[
            services.ReturnUnit(style=style, color="黑色", size="L", production_year=2026, defect_description="拉链坏")
            for _ in range(count)
        ],
    )
    shipment = services.shipment_create(
        user=store1, direction=ShipmentDirection.TO_CENTER, store=store, return_ids=[item.pk for item in items]
    )
    return services.shipment_dispatch(
        user=store1, shipment=shipment, carrier="顺丰", tracking_no="SF1000000000077"
    ), items


def states(items) -> list[str]:
    rows = dict(Return.objects.filter(pk__in=[item.pk for item in items]).values_list("pk", "state"))
    return [rows[item.pk] for item in items]


def test_an_empty_receipt_asks_first_naming_the_count(page, live_server, login):
    # Given tech1 on a parcel of five units in transit, nothing ticked
    shipment, items = parcel_in_transit(5)
    login(page, "tech1")
    page.goto(f"{live_server.url}/shipments/{shipment.pk}/")
    expect(page.locator("[data-testid=select-all]")).to_be_visible()
    questions: list[str] = []

    # When they press 签收 and dismiss the question
    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("[data-testid=submit-receive]")

    # Then it named the five units, and nothing was recorded
    expect(page.locator("#shipment-panel")).to_have_attribute("data-state", "in_transit")
    assert questions == ["5 件未勾选，将记为缺件。确认签收？"]
    page.wait_for_timeout(500)  # a request that should not exist would have landed by now
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.IN_TRANSIT
    assert states(items) == [ReturnState.IN_TRANSIT] * 5

    # When they press 签收 again and accept
    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.click("[data-testid=submit-receive]")

    # Then the parcel is received with all five missing, shown as a warning, not a success
    expect(page.locator("#shipment-panel")).to_have_attribute("data-state", "received")
    alert = page.locator("[data-testid=panel-alert]")
    expect(alert).to_have_class("alert alert-warning mb-3")
    expect(alert).to_contain_text("缺件 5 件")
    expect(page.locator("[data-testid=discrepancy]")).to_be_visible()
    assert len(questions) == 2
    assert states(items) == [ReturnState.MISSING] * 5


@pytest.mark.parametrize("touch", [False, True], ids=["mouse", "touch"])
def test_select_all_then_receive_records_every_unit(browser, live_server, login, touch):
    # Given tech1 on a parcel of four units, on a desktop (mouse) or a phone (touch)
    shipment, items = parcel_in_transit(4)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}, has_touch=touch, is_mobile=touch
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        login(page, "tech1")  # the login helper checks the top bar, which a phone folds into the menu
        if touch:
            page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}/shipments/{shipment.pk}/")
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        checklist = page.locator("[data-testid=receive-checklist] input[type=checkbox]")
        expect(checklist).to_have_count(4)

        # When they tick 全选 (by its label, as a finger or a mouse would)
        label = page.locator("label", has_text="全选")
        label.tap() if touch else label.click()

        # Then every unit is ticked and the count says so
        for index in range(4):
            expect(checklist.nth(index)).to_be_checked()
        expect(page.locator("[data-tick-count]")).to_have_text("已勾选 4 / 4 件")

        # And 签收 records all four received, without a question, as a success
        button = page.locator("[data-testid=submit-receive]")
        button.tap() if touch else button.click()
        expect(page.locator("#shipment-panel")).to_have_attribute("data-state", "received")
        expect(page.locator("[data-testid=panel-alert]")).to_have_class("alert alert-success mb-3")
        expect(page.locator("[data-outcome=received]")).to_have_count(4)
        assert dialogs == []
        assert states(items) == [ReturnState.RECEIVED] * 4
    finally:
        context.close()


def test_scanning_a_number_ticks_exactly_its_unit_and_does_not_submit(page, live_server, login):
    # Given tech1 on a parcel of three units
    shipment, items = parcel_in_transit(3)
    login(page, "tech1")
    page.goto(f"{live_server.url}/shipments/{shipment.pk}/")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.evaluate("window.__notReloaded = true")
    box = page.locator("[data-testid=scan-box]")
    checklist = page.locator("[data-testid=receive-checklist]")

    # When a keyboard-wedge scanner types the second unit's number and Enter into the scan box
    box.click()
    page.keyboard.type(items[1].number, delay=5)
    page.keyboard.press("Enter")

    # Then exactly that unit is ticked, the box is cleared, and nothing was submitted
    expect(checklist.locator(f"input[value='{items[1].pk}']")).to_be_checked()
    expect(checklist.locator(f"input[value='{items[0].pk}']")).not_to_be_checked()
    expect(checklist.locator(f"input[value='{items[2].pk}']")).not_to_be_checked()
    expect(box).to_have_value("")
    expect(page.locator("[data-testid=scan-feedback]")).to_have_text(f"已勾选 {items[1].number}。")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "shipment_receive_scan.png"), full_page=True)
    page.wait_for_timeout(500)  # a submit that should not happen would have landed by now
    assert dialogs == []
    assert page.evaluate("window.__notReloaded") is True
    expect(page.locator("#shipment-panel")).to_have_attribute("data-state", "in_transit")
    assert states(items) == [ReturnState.IN_TRANSIT] * 3

    # When a number from another parcel is typed and Enter pressed
    box.fill("RT-209901-999999")
    box.press("Enter")

    # Then a short message says so inline, and still nothing is ticked or submitted
    expect(page.locator("[data-testid=scan-feedback]")).to_have_text("RT-209901-999999 不在此包裹中。")
    expect(page.locator("[data-testid=receive-checklist] input:checked")).to_have_count(1)
    expect(box).to_have_value("")
    assert dialogs == []
    assert states(items) == [ReturnState.IN_TRANSIT] * 3

    # When the other two are scanned, 签收 goes through with no question: the parcel was complete
    for item in (items[0], items[2]):
        box.click()
        page.keyboard.type(item.number, delay=5)
        page.keyboard.press("Enter")
    expect(page.locator("[data-tick-count]")).to_have_text("已勾选 3 / 3 件")
    page.click("[data-testid=submit-receive]")
    expect(page.locator("#shipment-panel")).to_have_attribute("data-state", "received")
    assert dialogs == []
    assert states(items) == [ReturnState.RECEIVED] * 3


def test_without_script_the_server_refuses_and_keeps_the_ticks(browser, live_server, login):
    # Given tech1 on a parcel of three units, in a browser running no script (no question can be asked)
    shipment, items = parcel_in_transit(3)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, java_script_enabled=False)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "tech1")
        page.fill("#id_password", "demo12345")
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/shipments/{shipment.pk}/")
        # the controls that need script are not offered
        expect(page.locator("[data-testid=scan-box]")).to_be_hidden()
        expect(page.locator("[data-testid=select-all]")).to_be_hidden()

        # When they tick one unit and press 签收
        page.locator(f"[data-testid=receive-checklist] input[value='{items[0].pk}']").check()
        page.click("[data-testid=submit-receive]")

        # Then nothing is recorded; the form says two would be missing and keeps the tick
        expect(page.locator("[data-testid=confirm-missing-error]")).to_contain_text("2 件未勾选，将记为缺件")
        expect(page.locator(f"[data-testid=receive-checklist] input[value='{items[0].pk}']")).to_be_checked()
        assert states(items) == [ReturnState.IN_TRANSIT] * 3

        # When they tick 将未勾选的件记为缺件 and press 签收 again
        page.check("input[name=confirm_missing]")
        page.click("[data-testid=submit-receive]")

        # Then it is received with two missing, shown as a warning
        expect(page.locator("main .alert-warning").first).to_contain_text("缺件 2 件")
        expect(page.locator("main .alert-success")).to_have_count(0)
        assert states(items) == [ReturnState.RECEIVED] + [ReturnState.MISSING] * 2
    finally:
        context.close()
