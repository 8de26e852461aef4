"""A recall's units in a real browser (issue 13): tech1 records the factory's outcomes on the recall's page; the
repaired unit is back at the center waiting to go to its own store (its page says the 15-day turnaround does not
apply), the unrepairable one waits for the write-off list — the panel swapped in by htmx after each step.
"""

from __future__ import annotations

from playwright.sync_api import expect

from cases.models import Return
from tests.support.browser import ARTIFACTS
from tests.support.recalls import recall_at_supplier


def test_tech_records_outcomes_and_the_units_follow_their_recall(page, live_server, login):
    # Given a recall whose two units from S001 are at the supplier
    recall, (repaired, scrapped) = recall_at_supplier(count=2)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # When tech1 opens the recall and records the first unit repaired by the factory
    login(page, "tech1")
    page.goto(f"{live_server.url}/recalls/{recall.pk}/")
    panel = page.locator("#recall-panel")
    expect(panel).to_have_attribute("data-state", "shipped_to_supplier")
    units = page.locator("[data-testid=units]")
    expect(units.locator(f"tr[data-return='{repaired.number}'] [data-testid=unit-state]")).to_have_attribute(
        "data-state", "at_supplier"
    )
    page.evaluate("window.__notReloaded = true")
    form = page.locator("#recall-panel [data-action=record_outcome]")
    form.evaluate("details => { details.open = true; }")  # the only action starts open; a click would close it
    form.locator(f"input[name=returns][value='{repaired.pk}']").check()
    form.locator("select[name=outcome]").select_option("repaired_by_factory")
    page.click("[data-testid=submit-record_outcome]")

    # Then the unit is back at the center, ready to return, without a page reload
    row = units.locator(f"tr[data-return='{repaired.number}']")
    expect(row.locator("[data-testid=unit-state]")).to_have_attribute("data-state", "ready_to_return")
    assert page.evaluate("window.__notReloaded") is True

    # When they record the second unit unrepairable
    form = page.locator("#recall-panel [data-action=record_outcome]")
    form.evaluate("details => { details.open = true; }")  # the only action starts open; a click would close it
    form.locator(f"input[name=returns][value='{scrapped.pk}']").check()
    form.locator("select[name=outcome]").select_option("unrepairable")
    page.click("[data-testid=submit-record_outcome]")

    # Then it waits for the write-off list, the supplier's responsibility
    row = units.locator(f"tr[data-return='{scrapped.number}']")
    expect(row.locator("[data-testid=unit-state]")).to_have_attribute("data-state", "scrap_pending")
    page.screenshot(path=str(ARTIFACTS / "recall_units_round.png"), full_page=True)
    assert Return.objects.get(pk=scrapped.pk).responsibility == "supplier"

    # And the repaired unit's page says the 15-day clock is not its, and the ready-to-return queue lists it
    units.get_by_role("link", name=repaired.number).click()
    expect(page.locator("[data-testid=turnaround]")).to_contain_text("15")
    page.goto(f"{live_server.url}/center/ready-to-return/")
    expect(page.locator("main")).to_contain_text(repaired.number)
