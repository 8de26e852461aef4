"""A hotline agent takes a call in a real browser, from the number typed to the closing callback.

The caller has called before: typing the number shows the earlier case and Return at once (htmx) and fills
the form; the agent logs the new case with the keyboard only, then responds, promises, resolves and records
the callback on the case's page, each move swapped in by htmx.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from servicedesk.choices import CaseState
from servicedesk.models import ServiceCase
from stores.models import Store
from tests.factories.cases import ReturnFactory
from tests.support.browser import ARTIFACTS
from tests.support.servicedesk import open_case


def open_action(page, name: str) -> None:
    """Open an action's form (a lone action's form is open already; a click would close it)."""
    details = page.locator(f"#case-panel details[data-action={name}]")
    if details.get_attribute("open") is None:
        page.click(f"[data-testid=open-{name}]")


def test_an_agent_takes_a_call_from_intake_to_close(page, live_server, login, demo):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    earlier = open_case()
    unit = ReturnFactory(store=Store.objects.get(code="S001"), customer_phone="13800138000")
    earlier.customer.returns.add(unit)

    # Given the agent on the intake page, reached from the menu
    login(page, "hotline1")
    page.locator("[data-menu=servicedesk] .dropdown-toggle").click()
    page.locator("[data-menu=servicedesk] a[href='/service-desk/intake/']").click()
    expect(page.locator("[data-testid=lookup-phone]")).to_be_focused()

    # When they type the caller's number
    page.keyboard.type("138 0013 8000")

    # Then the earlier case and Return appear at once and the form is filled from the record
    expect(page.locator("[data-testid=caller-cases]")).to_contain_text(earlier.number)
    expect(page.locator("[data-testid=caller-returns]")).to_contain_text(unit.number)
    expect(page.locator("#id_name")).to_have_value("李娜")
    expect(page.locator("#id_consent")).to_be_checked()

    # When they log the case without the mouse: arrows choose the kind, Tab moves on, Enter in a field sends
    page.focus("#id_kind")
    for _step in range(4):  # consultation → complaint → quality → return/exchange → repair
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # severity
    page.keyboard.press("Tab")  # told to stop using it
    page.keyboard.press("Tab")  # what they were told (the stop-using instruction)
    page.keyboard.press("Tab")  # description
    page.keyboard.type("台灯开关失灵, 接触不良")
    page.keyboard.press("Tab")  # store
    page.keyboard.press("Tab")  # style
    page.keyboard.press("Tab")  # batch number
    page.keyboard.type("B2026-07")
    page.screenshot(path=str(ARTIFACTS / "service_desk_intake.png"), full_page=True)
    page.keyboard.press("Enter")

    # Then the case's page opens with its clocks
    page.wait_for_url(f"{live_server.url}/service-desk/cases/*/")
    case = ServiceCase.objects.exclude(pk=earlier.pk).get()
    assert (case.kind, case.batch_no, case.customer_id) == ("repair", "B2026-07", earlier.customer_id)
    panel = page.locator("[data-testid=case-panel]")
    expect(panel).to_have_attribute("data-state", "open")
    expect(page.locator("[data-clock=appointment]")).to_be_visible()

    # When they respond, promise, resolve and record the callback
    open_action(page, "respond")
    page.fill("#case-panel [data-action=respond] textarea[name=message]", "已电话预约明天上门")
    page.click("[data-testid=submit-respond]")
    expect(panel).to_have_attribute("data-state", "in_progress")

    open_action(page, "promise")
    deadline = timezone.localtime() + dt.timedelta(days=2)
    page.fill("#case-panel [data-action=promise] input[name=deadline]", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#case-panel [data-action=promise] input[name=outcome]", "两天内上门维修")
    page.click("[data-testid=submit-promise]")
    expect(page.locator("[data-testid=case-promise]")).to_contain_text("两天内上门维修")

    open_action(page, "resolve")
    page.select_option("#case-panel [data-action=resolve] select[name=outcome]", "repaired")
    page.fill("#case-panel [data-action=resolve] textarea[name=resolution]", "更换开关, 已修好")
    page.click("[data-testid=submit-resolve]")
    expect(panel).to_have_attribute("data-state", "resolved")

    open_action(page, "follow_up")
    page.select_option("#case-panel [data-action=follow_up] select[name=satisfaction]", "5")
    page.click("[data-testid=submit-follow_up]")
    expect(panel).to_have_attribute("data-state", "closed")
    expect(page.locator("[data-testid=case-satisfaction]")).to_contain_text("5/5")
    page.screenshot(path=str(ARTIFACTS / "service_desk_case_closed.png"), full_page=True)

    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.satisfaction == 5 and case.promise_outcome == "两天内上门维修"
