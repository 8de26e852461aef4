"""A batch recall 整款退货 in a real browser: qa1 approves a proposed recall with the handling plan, a future
deadline and the regions, then issues the notice; store1 finds the notice and acknowledges it with its on-hand
quantity — the panels swapped in by htmx, the page text checked after each step.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from recalls import services as recalls
from recalls.models import Recall, RecallNotice
from stores.models import Region, Store
from suppliers.models import DefectCode, Style
from tests.support.browser import ARTIFACTS

STYLE_NO = "226101JK001"
PLAN = "门店即日下架, 随周寄件寄回售后中心, 统一返厂维修"


def log_out(page) -> None:
    page.context.clear_cookies()


def test_qa_approves_and_issues_a_recall_then_a_store_acknowledges_it(page, live_server, login):
    # Given a recall tech1 proposed with the style test report
    recall = recalls.recall_open(
        user=get_user_model().objects.get(username="tech1"),
        style=Style.objects.get(style_no=STYLE_NO),
        defect_code=DefectCode.objects.filter(active=True).order_by("code").first(),
        test_report="拉链拉力测试 5 件, 3 件不合格",
    )
    r01 = Region.objects.get(code="R01")
    deadline = timezone.localdate() + dt.timedelta(days=14)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # When qa1 opens it from the batch recalls menu
    login(page, "qa1")
    page.locator("[data-menu=recalls] .dropdown-toggle").click()
    page.locator("[data-menu=recalls] a[href='/recalls/']").click()
    page.locator("[data-testid=recall-table]").get_by_role("link", name=recall.number).click()
    panel = page.locator("#recall-panel")
    expect(panel).to_have_attribute("data-state", "proposed")
    expect(page.locator("[data-testid=test-report-text]")).to_contain_text("拉链拉力测试")

    # And approves it with the return method, a future deadline, the plan, the cost bearer and region R01
    page.evaluate("window.__notReloaded = true")
    page.click("[data-testid=open-approve]")
    approve = page.locator("#recall-panel [data-action=approve]")
    approve.locator("select[name=return_method]").select_option("weekly_shipment")
    approve.locator("input[name=deadline]").fill(deadline.isoformat())
    approve.locator("textarea[name=handling_plan]").fill(PLAN)
    approve.locator("select[name=cost_bearer]").select_option("supplier")
    approve.locator(f"input[name=regions][value='{r01.pk}']").check()
    page.click("[data-testid=submit-approve]")

    # Then the panel says approved, with the plan, the deadline and the region, without a page reload
    expect(panel).to_have_attribute("data-state", "approved")
    expect(page.locator("[data-testid=panel-alert]")).to_be_visible()
    expect(page.locator("[data-testid=handling-plan]")).to_contain_text(PLAN)
    expect(page.locator("[data-testid=deadline]")).to_contain_text(deadline.isoformat())
    expect(page.locator("[data-testid=regions]")).to_contain_text("R01")
    assert page.evaluate("window.__notReloaded") is True

    # When they issue the notice (R01 is already ticked)
    issue = page.locator("#recall-panel [data-action=issue_notice]")
    expect(issue.locator(f"input[name=regions][value='{r01.pk}']")).to_be_checked()
    page.click("[data-testid=submit-issue_notice]")

    # Then every active store of R01 is listed as notified
    expect(panel).to_have_attribute("data-state", "notice_issued")
    notices = page.locator("[data-testid=notices]")
    for code in Store.objects.filter(region=r01, active=True).values_list("code", flat=True):
        expect(notices.locator(f"tr[data-store={code}]")).to_have_count(1)
    expect(notices.locator("tr[data-store=S101]")).to_have_count(0)
    expect(page.locator("[data-testid=timeline] .timeline-step")).to_have_count(4)
    page.screenshot(path=str(ARTIFACTS / "recall_detail.png"), full_page=True)
    assert Recall.objects.get(pk=recall.pk).state == "notice_issued"

    # Given store1, who finds the notice under the recall notices menu
    log_out(page)
    login(page, "store1")
    page.locator("[data-menu=recalls] .dropdown-toggle").click()
    page.locator("[data-menu=recalls] a[href='/recall-notices/']").click()
    table = page.locator("[data-testid=notice-table]")
    expect(table).to_contain_text(recall.number)
    expect(table.locator("tbody tr")).to_have_count(1)
    table.get_by_role("link", name=recall.number).click()
    notice_panel = page.locator("#notice-panel")
    expect(notice_panel).to_have_attribute("data-state", "notified")
    expect(page.locator("[data-testid=handling-plan]")).to_contain_text(PLAN)
    expect(page.locator("[data-testid=deadline]")).to_contain_text(deadline.isoformat())

    # When they acknowledge it with 7 units on hand
    page.evaluate("window.__notReloaded = true")
    page.locator("#notice-panel [data-action=acknowledge] input[name=on_hand]").fill("7")
    page.click("[data-testid=submit-acknowledge]")

    # Then the notice is acknowledged with 7 on hand and the date, and the bulk return form is offered
    expect(notice_panel).to_have_attribute("data-state", "acknowledged")
    expect(notice_panel).to_have_attribute("data-recall-state", "collecting")
    expect(page.locator("[data-testid=panel-alert]")).to_contain_text("7")
    expect(page.locator("[data-testid=on-hand]")).to_have_text("7")
    expect(page.locator("[data-testid=acknowledged]")).to_contain_text(timezone.localdate().isoformat())
    expect(page.locator("#notice-panel [data-action=acknowledge]")).to_have_count(0)
    expect(page.locator("#notice-panel [data-action=recall_returns]")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True
    page.screenshot(path=str(ARTIFACTS / "recall_notice.png"), full_page=True)
    notice = RecallNotice.objects.get(recall=recall, store__code="S001")
    assert (notice.state, notice.on_hand) == ("acknowledged", 7)
