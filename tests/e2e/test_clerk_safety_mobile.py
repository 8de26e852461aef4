"""The returns list on a store clerk's phone (390×844): filters folded, each return a card whose state and due date
are on screen; the state filter is ticked by touch, with no Ctrl-click list box.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from cases.choices import ReturnState
from stores.models import Store
from suppliers.models import Style
from tests.factories.cases import ReturnFactory
from tests.support.browser import ARTIFACTS
from tests.support.demo import DEMO_PASSWORD

PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_returns_list_shows_state_and_due_date_and_folds_the_filters(browser, live_server, demo):
    # Given store1 has a return on its way to the center, due back in 12 days, and a newly logged one
    store = Store.objects.get(code="S001")
    style = Style.objects.order_by("style_no").first()
    due = timezone.now() + dt.timedelta(days=12)
    shipped = ReturnFactory(
        store=store, style=style, state=ReturnState.IN_TRANSIT, due_at=due, number="RT-209912-000002"
    )
    ReturnFactory(store=store, style=style, state=ReturnState.LOGGED, number="RT-209912-000001")

    # When store1 opens the returns list on a 390 px phone
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "store1")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/returns/")

    # Then the filters are folded behind one 筛选 toggle: none of the eleven fields is shown
    panel = page.locator("[data-testid=filter-panel]")
    expect(panel).not_to_have_attribute("open", "")
    expect(page.locator("[data-testid=filter-toggle]")).to_be_visible()
    expect(page.locator("#id_q")).to_be_hidden()

    # And the shipped return is a card whose state (寄送中) and due date sit inside the screen's width
    row = page.locator("[data-testid=return-table] tbody tr", has_text=shipped.number)
    state = row.locator("[data-testid=cell-state]")
    due_cell = row.locator("[data-testid=cell-due]")
    expect(state).to_contain_text("寄送中")
    expect(due_cell).to_contain_text(timezone.localtime(due).strftime("%Y-%m-%d"))
    for cell in (state, due_cell):
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # nothing on the page scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # and the card's labels name the fields
    expect(state).to_have_attribute("data-label", "状态")
    expect(due_cell).to_have_attribute("data-label", "应返还")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "returns_list_390.png"), full_page=True)

    # When the clerk taps 筛选 and ticks 已登记 in the state drop-down (tick boxes, no Ctrl-click), then 筛选
    page.locator("[data-testid=filter-toggle]").tap()
    expect(page.locator("#id_q")).to_be_visible()
    assert page.locator("select[multiple]").count() == 0
    checklist = page.locator("[data-testid=checklist-state]")
    checklist.locator("summary").tap()
    checklist.get_by_label("已登记").tap()
    page.screenshot(path=str(ARTIFACTS / "returns_filters_390.png"), full_page=True)
    page.locator("[data-testid=filter-panel] form button[type=submit]").tap()

    # Then only the logged return is listed, and the filters stay open, saying one filter is active
    expect(page.locator("[data-testid=return-table] tbody tr")).to_have_count(1)
    expect(page.locator("[data-testid=return-table]")).to_contain_text("RT-209912-000001")
    expect(panel).to_have_attribute("open", "")
    expect(page.locator("[data-testid=filter-toggle] .badge")).to_have_text("1")
    expect(checklist.locator("summary")).to_have_text("已登记")
    context.close()


def test_on_a_wide_screen_the_filters_are_open(page, live_server, login):
    # Given store1 on a 1280 px screen / When they open the returns list
    login(page, "store1")
    page.goto(f"{live_server.url}/returns/")

    # Then the filters are open without a tap, and the list is a table with its header row
    expect(page.locator("[data-testid=filter-panel]")).to_have_attribute("open", "")
    expect(page.locator("#id_q")).to_be_visible()
