"""Month-end documents in a real browser (issue 11, items 6 and 13).

Signing a loss report is final: the party ticks that it checked the units and the total, and the browser asks
before anything is sent; dismissing changes nothing. A party that disagrees disputes it with a reason instead.
Building the month's write-off list takes seconds: the form says 正在生成… and its button cannot be pressed twice.
"""

from __future__ import annotations

from playwright.sync_api import expect

from aftersales.periods import previous_period
from suppliers.choices import Responsibility
from tests.factories.writeoffs import scrapped_unit
from writeoffs.choices import LossReportState
from writeoffs.models import LossReport, WriteOffList
from writeoffs.services import writeofflist_approve, writeofflist_build, writeofflist_confirm, writeofflist_submit


def approved_loss_reports(demo_user) -> dict[str, LossReport]:
    scrapped_unit(style_no="226101JK001")
    scrapped_unit(style_no="226201TS003", responsibility=Responsibility.STORE)
    writeoff_list, _ = writeofflist_build(period=previous_period(), user=demo_user("tech1"))
    writeofflist_submit(writeoff_list=writeoff_list, user=demo_user("tech1"))
    writeofflist_confirm(writeoff_list=writeoff_list, user=demo_user("logistics1"))
    writeofflist_approve(writeoff_list=writeoff_list, user=demo_user("vp1"))
    return {report.party_key: report for report in LossReport.objects.all()}


def wait_for(page, items: list) -> None:
    for _ in range(60):  # a dialog is handled while Playwright processes events
        if items:
            return
        page.wait_for_timeout(50)


def test_signing_asks_first_and_a_loss_report_can_be_disputed(page, live_server, login, demo_user):
    reports = approved_loss_reports(demo_user)
    supplier_report, store_report = reports["supplier:SUP01"], reports["store:S001"]

    # Given supplier1 on its loss report, having ticked that it checked the units and the total
    login(page, "supplier1")
    page.goto(f"{live_server.url}/month-end/loss-reports/{supplier_report.pk}/")
    panel = page.locator("#lossreport-panel")
    panel.locator("[data-action=acknowledge] input[name=checked]").check()

    # When it presses 签认 and dismisses the browser's question, nothing is signed
    questions: list[str] = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    panel.locator("[data-testid=submit-acknowledge]").click()
    wait_for(page, questions)
    assert questions and "不可撤回" in questions[0]
    expect(panel).to_have_attribute("data-state", "issued")
    supplier_report.refresh_from_db()
    assert supplier_report.state == LossReportState.ISSUED

    # When it presses again and accepts, the report is signed
    page.once("dialog", lambda dialog: dialog.accept())
    panel.locator("[data-testid=submit-acknowledge]").click()
    expect(page.locator("#lossreport-panel")).to_have_attribute("data-state", "acknowledged")
    supplier_report.refresh_from_db()
    assert supplier_report.state == LossReportState.ACKNOWLEDGED

    # Given store1 disagreeing with its own loss report
    page.context.clear_cookies()
    login(page, "store1")
    page.goto(f"{live_server.url}/month-end/loss-reports/{store_report.pk}/")
    panel = page.locator("#lossreport-panel")
    panel.locator("[data-action=dispute] summary").click()

    # When it disputes with a reason
    panel.locator("[data-action=dispute] textarea[name=reason]").fill("这件不是本店寄出的")
    panel.locator("[data-testid=submit-dispute]").click()

    # Then the report is disputed, the reason is on the page, and nothing was signed
    panel = page.locator("#lossreport-panel")
    expect(panel).to_have_attribute("data-state", "disputed")
    expect(panel.locator("[data-testid=dispute-reason]")).to_have_text("这件不是本店寄出的")
    store_report.refresh_from_db()
    assert (store_report.state, store_report.acknowledged_by) == (LossReportState.DISPUTED, None)


def test_building_the_list_shows_that_work_is_under_way(page, live_server, login, demo_user):
    # Given a technician on the write-off lists page; the page is held where the browser would go to the server
    # (a listener on the window runs after the page's own and keeps the form from leaving, as a slow server would)
    scrapped_unit(style_no="226101JK001")
    login(page, "tech1")
    page.goto(f"{live_server.url}/month-end/writeoff-lists/")
    page.evaluate("() => window.addEventListener('submit', (event) => event.preventDefault())")
    form = page.locator("[data-testid=build-form]")
    busy = form.locator("[data-testid=busy]")
    expect(busy).to_be_hidden()
    form.locator("input[name=period]").fill(f"{previous_period():%Y-%m}")

    # When the build is pressed
    form.locator("button[type=submit]").click()

    # Then the form says 正在生成… and its button cannot be pressed again
    expect(busy).to_be_visible()
    expect(busy).to_have_text("正在生成…")
    expect(form.locator("button[type=submit]")).to_be_disabled()
    assert not WriteOffList.objects.exists()
