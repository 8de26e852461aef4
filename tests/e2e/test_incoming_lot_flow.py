"""Incoming lots 大货批次 in a real browser (issue 16), every step on the pages as the people who take it:
logistics registers a lot, the technician starts the inspection and records the sample on the tablet form, logistics
releases it; failed lots go through QA's review with each disposition — rework (a new inspection under tightened),
return to the supplier, and a concession the production VP approves — and the day shows on the daily report.
"""

from __future__ import annotations

from playwright.sync_api import expect

from inspection.models import IncomingLot
from tests.support.incoming import register, rejected


def as_user(page, login, username: str):
    page.context.clear_cookies()
    login(page, username)


def open_lot(page, live_server, lot):
    page.goto(f"{live_server.url}/incoming/{lot.pk}/")
    return page.locator("#incominglot-panel")


def fire(page, name: str):
    """Open the action's form (unless it is already open) and send it."""
    details = page.locator(f"#incominglot-panel details[data-action={name}]")
    details.evaluate("details => { details.open = true; }")
    page.click(f"[data-testid=submit-{name}]")


def record(page, *, major: int = 0):
    form = page.locator("[data-testid=defect-entry]")
    for box in form.locator("input[name=items_checked]").all()[:3]:
        box.check()
    if major:
        form.locator("select[name=class_1]").select_option("major")
        form.locator("select[name=code_1]").select_option("D01")
        form.locator("input[name=quantity_1]").fill(str(major))
    page.click("[data-testid=submit-record_result]")


def review(page, disposition: str, notes: str):
    details = page.locator("#incominglot-panel details[data-action=review]")
    details.evaluate("details => { details.open = true; }")
    details.locator(f"input[name=disposition][value={disposition}]").check()
    details.locator("textarea[name=notes]").fill(notes)
    page.click("[data-testid=submit-review]")


def test_a_lot_from_registration_to_release(page, live_server, login):
    # Logistics registers the lot on the register page
    as_user(page, login, "logistics1")
    page.goto(f"{live_server.url}/incoming/new/")
    page.select_option("select[name=supplier]", "SUP01")
    page.select_option("select[name=style]", "226101JK001")
    page.fill("input[name=po_number]", "PO-E2E-001")
    page.fill("input[name=quantity]", "1500")
    page.fill("input[name=cartons]", "60")
    page.fill("input[name=delivery_date]", "2027-03-01")
    page.click("main form button[type=submit]")
    panel = page.locator("#incominglot-panel")
    expect(panel).to_have_attribute("data-state", "registered")
    lot = IncomingLot.objects.get(po_number="PO-E2E-001")
    expect(page.locator("[data-testid=cartons]")).to_have_text(
        ", ".join(str(n) for n in lot.current_inspection.cartons_to_open)
    )

    # The technician starts the inspection and records a clean sample on the defect-entry form
    as_user(page, login, "tech1")
    panel = open_lot(page, live_server, lot)
    fire(page, "start_inspection")
    expect(panel).to_have_attribute("data-state", "inspecting")
    record(page)
    expect(panel).to_have_attribute("data-state", "accepted")
    expect(page.locator("[data-testid=report-1]")).to_be_visible()

    # Logistics releases it to ship 准予出货
    as_user(page, login, "logistics1")
    panel = open_lot(page, live_server, lot)
    fire(page, "release")
    expect(panel).to_have_attribute("data-state", "released")
    lot.refresh_from_db()
    assert lot.state == "released"

    # And the daily report lists it as accepted today
    page.goto(f"{live_server.url}/incoming/daily/")
    row = page.locator(f"[data-testid=daily-lots] tr[data-lot='{lot.number}']")
    expect(row).to_be_visible()
    expect(page.locator("[data-testid=daily-by-supplier] tr[data-supplier=SUP01] [data-col=accepted]")).to_have_text(
        "1"
    )


def test_a_failed_lot_through_each_disposition(page, live_server, login):
    # Three lots rejected on inspection (8 major defects in 125), one per supplier so no switching rule interferes
    first = rejected()
    returned = rejected(supplier="SUP02", style="225101JK015")
    conceded = rejected(supplier="SUP03", style="226401ZZ002")
    assert {first.state, returned.state, conceded.state} == {"rejected"}

    # QA: rework → the lot waits for the supplier's rework, a second inspection under tightened is planned
    as_user(page, login, "qa1")
    panel = open_lot(page, live_server, first)
    review(page, "rework", "工厂返工后重检")
    expect(panel).to_have_attribute("data-state", "rework")
    expect(page.locator("[data-testid=inspection-2]")).to_contain_text("加严检验")
    assert first.inspections.get(round=2).severity == "tightened"

    # The technician inspects it again and finds it clean
    as_user(page, login, "tech1")
    panel = open_lot(page, live_server, first)
    fire(page, "start_inspection")
    expect(panel).to_have_attribute("data-state", "inspecting")
    record(page)
    expect(panel).to_have_attribute("data-state", "accepted")

    # QA: return to the supplier (terminal)
    as_user(page, login, "qa1")
    panel = open_lot(page, live_server, returned)
    review(page, "return_to_supplier", "整批退回工厂")
    expect(panel).to_have_attribute("data-state", "returned")
    expect(page.locator("[data-testid=disposition]")).to_contain_text("整批退回工厂")

    # QA: concession; only the production VP approves it, and the lot is released
    panel = open_lot(page, live_server, conceded)
    review(page, "concession", "轻微色差，让步接收")
    expect(panel).to_have_attribute("data-state", "concession")
    expect(page.locator("#incominglot-panel details[data-action=approve_concession]")).to_have_count(0)
    as_user(page, login, "vp1")
    panel = open_lot(page, live_server, conceded)
    fire(page, "approve_concession")
    expect(panel).to_have_attribute("data-state", "released")

    states = dict(IncomingLot.objects.filter(pk__in=[first.pk, returned.pk, conceded.pk]).values_list("pk", "state"))
    assert states == {first.pk: "accepted", returned.pk: "returned", conceded.pk: "released"}


def test_the_technician_rejects_a_lot_on_the_tablet_form(page, live_server, login):
    lot = register()
    as_user(page, login, "tech1")
    panel = open_lot(page, live_server, lot)
    fire(page, "start_inspection")
    record(page, major=8)
    expect(panel).to_have_attribute("data-state", "rejected")
    expect(page.locator("[data-testid=plan-1]")).to_contain_text("8")
