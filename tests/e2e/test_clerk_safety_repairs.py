"""A technician in a hurry on a repair ticket, in a real browser (issue 11, item 1).

Enter in 添加备件's 数量 must add the part, never press a row's 移除; removing a part is its own action and
asks first, naming the part and the quantity.
"""

from __future__ import annotations

from playwright.sync_api import expect

from repairs.models import SparePart, StockMovement
from repairs.services import repairticket_update
from tests.factories.repairs import SparePartFactory
from tests.support.browser import ARTIFACTS
from tests.support.repairs import open_tickets
from tests.support.returns import received


def test_enter_adds_the_part_and_removing_asks_first(page, live_server, login, demo_user):
    # Given a ticket that already uses 2 × P-E2E-OLD, and P-E2E-NEW with 10 in stock
    (ticket,) = open_tickets(demo_user)
    old = SparePartFactory(part_no="P-E2E-OLD", name="旧拉链头", stock_quantity=10)
    new = SparePartFactory(part_no="P-E2E-NEW", name="新纽扣", stock_quantity=10)
    repairticket_update(user=demo_user("tech1"), ticket=ticket, parts=[(old, 2)])
    login(page, "tech1")
    page.goto(f"{live_server.url}/repairs/{ticket.pk}/")
    panel = page.locator("#repair-panel")
    expect(panel.locator("tr[data-part=P-E2E-OLD]")).to_be_visible()

    # When the technician picks P-E2E-NEW in 添加备件, types 1 in 数量 and presses Enter
    page.select_option("#id_add_part", "P-E2E-NEW")
    page.fill("#id_add_quantity", "1")
    page.press("#id_add_quantity", "Enter")

    # Then the new part is added, the old one is still there, and stock only went down
    expect(panel.locator("tr[data-part=P-E2E-NEW]")).to_be_visible()
    expect(panel.locator("tr[data-part=P-E2E-OLD]")).to_be_visible()
    expect(panel.locator("[data-testid=success]")).to_have_text("备件已保存。")
    assert SparePart.objects.get(pk=old.pk).stock_quantity == 8
    assert SparePart.objects.get(pk=new.pk).stock_quantity == 9
    assert not StockMovement.objects.filter(quantity__gt=0).exists()

    # When they press 移除 on the old part, the browser asks first, naming the part and the quantity;
    # dismissing changes nothing
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    panel.locator("tr[data-part=P-E2E-OLD] [data-testid=remove-part]").click()
    for _ in range(40):  # the dialog is handled while Playwright processes events
        if questions:
            break
        page.wait_for_timeout(50)
    assert questions and "P-E2E-OLD" in questions[0] and "旧拉链头" in questions[0] and "共 2" in questions[0]
    expect(panel.locator("tr[data-part=P-E2E-OLD]")).to_be_visible()
    assert SparePart.objects.get(pk=old.pk).stock_quantity == 8

    # When they press it again and accept, the old part goes back to stock and the new one stays
    page.once("dialog", lambda dialog: dialog.accept())
    panel.locator("tr[data-part=P-E2E-OLD] [data-testid=remove-part]").click()
    expect(panel.locator("tr[data-part=P-E2E-OLD]")).to_have_count(0)
    expect(panel.locator("[data-testid=success]")).to_contain_text("P-E2E-OLD")
    expect(panel.locator("tr[data-part=P-E2E-NEW]")).to_be_visible()
    assert SparePart.objects.get(pk=old.pk).stock_quantity == 10
    assert SparePart.objects.get(pk=new.pk).stock_quantity == 9


def test_the_ready_queue_lines_up_its_columns_and_fits_a_phone(page, live_server, login, demo_user):
    from inspection.services import return_inspect

    # Given units ready to go back to two stores
    tech1 = demo_user("tech1")
    for item in received(demo_user, "S001", count=2) + received(demo_user, "S002"):
        return_inspect(user=tech1, return_item=item, verdict="no_defect")
    login(page, "tech1")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # When the technician opens the ready-to-return queue on a desk screen
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/center/ready-to-return/")
    page.screenshot(path=str(ARTIFACTS / "ready_queue_1366.png"), full_page=True)

    # Then each column starts at the same place in every store's group, under its header
    table = page.locator("[data-testid=ready-table]")
    header_x = table.locator("thead th").nth(1).bounding_box()["x"]
    numbers = table.locator("tbody tr:not(.group-row) td:nth-child(2)")
    expect(numbers).to_have_count(3)
    assert {round(numbers.nth(i).bounding_box()["x"]) for i in range(3)} == {round(header_x)}

    # When on a phone, the page does not scroll sideways and each store keeps its "Ship back" button in view
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/center/ready-to-return/")
    page.screenshot(path=str(ARTIFACTS / "ready_queue_390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for code in ("S001", "S002"):
        button = page.locator(f"[data-testid=ship-back-{code}]")
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["x"] + box["width"] <= 390
