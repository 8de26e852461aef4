"""A store clerk returns recalled goods in a real browser (issue 11, item 5): acknowledged 在库 3, an attempt to log
4 is refused with the reason and creates nothing, 3 are logged; the compliance view then says 已登记 3, 已返还 0
until the units reach the service center.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Return
from recalls import services as recalls
from stores.models import Region
from suppliers.models import DefectCode, Style
from tests.support.browser import ARTIFACTS

STYLE_NO = "226101JK001"


def issued_recall():
    users = get_user_model().objects
    recall = recalls.recall_open(
        user=users.get(username="tech1"),
        style=Style.objects.get(style_no=STYLE_NO),
        defect_code=DefectCode.objects.filter(active=True).order_by("code").first(),
        test_report="拉链拉力测试 5 件, 3 件不合格",
        reported_return_ids=[],
    )
    recall = recalls.recall_approve(
        user=users.get(username="qa1"),
        recall=recall,
        deadline=timezone.localdate() + dt.timedelta(days=14),
        return_method="weekly_shipment",
        handling_plan="门店即日下架, 随周寄件寄回售后中心",
        cost_bearer="supplier",
    )
    return recalls.recall_issue_notice(
        user=users.get(username="qa1"), recall=recall, regions=[Region.objects.get(code="R01")]
    )


def test_a_clerk_cannot_log_more_recall_units_than_on_hand(page, live_server, login):
    # Given a recall whose notice went to the stores of R01
    recall = issued_recall()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # When store1 opens its notice and acknowledges it with 3 on hand
    login(page, "store1")
    page.goto(f"{live_server.url}/recall-notices/")
    page.locator("[data-testid=notice-table]").get_by_role("link", name=recall.number).click()
    panel = page.locator("#notice-panel")
    expect(page.locator("[data-testid=deadline-sentence]")).to_contain_text("请于")
    panel.locator("[data-action=acknowledge] input[name=on_hand]").fill("3")
    page.click("[data-testid=submit-acknowledge]")
    expect(panel).to_have_attribute("data-state", "acknowledged")
    expect(page.locator("[data-testid=on-hand]")).to_have_text("3")

    # And tries to log 4 units under its return document number
    form = panel.locator("[data-action=recall_returns]")
    form.locator("input[name=document_no]").fill("TH-2026-0099")
    form.locator("input[name=color_0]").fill("黑色")
    form.locator("input[name=size_0]").fill("L")
    form.locator("input[name=quantity_0]").fill("4")
    page.click("[data-testid=submit-recall_returns]")

    # Then it is refused with the reason, and nothing is logged
    error = page.locator("#notice-panel [data-testid=form-error]")
    expect(error).to_contain_text("最多还可登记 3 件")
    expect(error).to_contain_text("更正在库数量")
    expect(page.locator("[data-testid=logged]")).to_have_text("0")
    page.screenshot(path=str(ARTIFACTS / "recall_over_quantity.png"), full_page=True)
    assert not Return.objects.filter(recall=recall).exists()

    # When they log 3 (the form kept what they typed; they change the quantity)
    form = panel.locator("[data-action=recall_returns]")
    expect(form.locator("input[name=document_no]")).to_have_value("TH-2026-0099")
    form.locator("input[name=quantity_0]").fill("3")
    page.click("[data-testid=submit-recall_returns]")

    # Then the 3 units are logged at the store, none returned yet
    expect(page.locator("[data-testid=panel-alert]")).to_contain_text("3")
    expect(page.locator("[data-testid=logged]")).to_have_text("3")
    expect(page.locator("[data-testid=returned]")).to_have_text("0")
    expect(page.locator("[data-testid=store-returns] tbody tr")).to_have_count(3)
    assert Return.objects.filter(recall=recall, store__code="S001").count() == 3

    # And the service center's compliance view says 已登记 3, 已返还 0 for S001
    page.context.clear_cookies()
    login(page, "qa1")
    page.goto(f"{live_server.url}/recalls/{recall.pk}/compliance/")
    table = page.locator("[data-testid=store-table]")
    expect(table.locator("thead")).to_contain_text("已登记")
    expect(table.locator("thead")).to_contain_text("已返还")
    row = table.locator("tr[data-store=S001]")
    expect(row.locator("[data-figure=on_hand]")).to_have_text("3")
    expect(row.locator("[data-figure=logged]")).to_have_text("3")
    expect(row.locator("[data-figure=returned]")).to_have_text("0")
    page.screenshot(path=str(ARTIFACTS / "recall_compliance_logged.png"), full_page=True)


def test_a_clerk_corrects_the_on_hand_figure_and_confirms_a_reused_document_number(page, live_server, login):
    # Given store1 acknowledged 2 on hand and logged 2 under TH-2026-0100
    recall = issued_recall()
    users = get_user_model().objects
    notice = recall.notices.get(store__code="S001")
    recalls.recallnotice_acknowledge(user=users.get(username="store1"), notice=notice, on_hand=2)
    recalls.recall_returns_log(
        notice=notice,
        user=users.get(username="store1"),
        lines=[{"color": "黑色", "size": "L", "quantity": 2}],
        document_no="TH-2026-0100",
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    login(page, "store1")
    page.goto(f"{live_server.url}/recall-notices/{notice.pk}/")
    panel = page.locator("#notice-panel")

    # When they find one more unit and correct the on-hand figure to 3 with the reason
    correction = panel.locator("[data-action=correct_on_hand]")
    correction.locator("summary").click()
    correction.locator("input[name=on_hand]").fill("3")
    correction.locator("textarea[name=reason]").fill("仓库角落又找到 1 件")
    page.click("[data-testid=submit-correct_on_hand]")

    # Then the notice says 3 on hand, and its history names the clerk, the figures and the reason
    expect(page.locator("[data-testid=on-hand]")).to_have_text("3")
    history = page.locator("[data-testid=notice-history] tr[data-event=correct_on_hand]")
    expect(history).to_contain_text("仓库角落又找到 1 件")
    expect(history).to_contain_text(users.get(username="store1").get_full_name())

    # When they log the unit under the same document number, they are warned and nothing is logged
    form = panel.locator("[data-action=recall_returns]")
    form.locator("input[name=document_no]").fill("TH-2026-0100")
    form.locator("input[name=color_0]").fill("黑色")
    form.locator("input[name=size_0]").fill("M")
    form.locator("input[name=quantity_0]").fill("1")
    page.click("[data-testid=submit-recall_returns]")
    expect(panel.locator("[data-action=recall_returns]")).to_contain_text(recall.number)
    confirm = panel.locator("[data-testid=confirm-document-no] input[type=checkbox]")
    expect(confirm).to_be_visible()
    expect(page.locator("[data-testid=logged]")).to_have_text("2")
    page.screenshot(path=str(ARTIFACTS / "recall_reused_document_no.png"), full_page=True)

    # When they tick that the number is right and submit again, the unit is logged
    confirm.check()
    page.click("[data-testid=submit-recall_returns]")
    expect(page.locator("[data-testid=logged]")).to_have_text("3")
    assert Return.objects.filter(recall=recall, receipt_no="TH-2026-0100").count() == 3
