"""The supplier's rework page 返修确认 in a real browser (issue 13): supplier1 opens /rework/, agrees to one unit with
the date it will be back and declines another with its reason; each answer is on the page after the submit, the
buttons are gone, and the technicians see the answers in the database the services wrote.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from aftersales.models import TransitionLog
from inspection.models import InspectionReport
from tests.support.browser import ARTIFACTS
from tests.support.returns import inspected


def test_supplier_agrees_with_a_date_and_declines_with_a_reason(page, live_server, login):
    # Given two units sent to SUP01 for rework (responsibility the store's: only the request shows them to it)
    agreed, declined = inspected(2, verdict="supplier_rework", responsibility="store")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    promised = timezone.localdate() + dt.timedelta(days=6)

    # When supplier1 opens its rework list, both wait for an answer
    login(page, "supplier1")
    page.goto(f"{live_server.url}/rework/")
    rows = page.locator("[data-testid=rework-list] tbody tr")
    expect(rows.filter(has_text=agreed.return_item.number)).to_have_attribute("data-answer", "requested")
    expect(rows.filter(has_text=declined.return_item.number)).to_have_attribute("data-answer", "requested")

    # And agrees to the first with the date it will be back
    page.get_by_role("link", name=agreed.return_item.number).click()
    agree = page.locator("[data-testid=action-agree_rework]")
    agree.locator("input[name=promised_date]").fill(promised.isoformat())
    agree.locator("[data-testid=submit-agree_rework]").click()

    # Then the page shows the promised date and no more buttons
    expect(page.locator("[data-testid=promised-date]")).to_have_text(promised.isoformat())
    expect(page.locator("[data-testid=action-agree_rework]")).to_have_count(0)
    expect(page.locator("[data-testid=action-decline_rework]")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "supplier_rework_agreed.png"), full_page=True)

    # When it declines the second, first without a reason (refused on the page), then with one
    page.goto(f"{live_server.url}/rework/")
    page.get_by_role("link", name=declined.return_item.number).click()
    decline = page.locator("[data-testid=action-decline_rework]")
    decline.locator("textarea[name=reason]").evaluate("el => el.removeAttribute('required')")
    decline.locator("[data-testid=submit-decline_rework]").click()
    expect(page.locator("[data-testid=action-decline_rework]")).to_be_visible()
    assert InspectionReport.objects.get(pk=declined.pk).rework_answer == "requested"
    decline = page.locator("[data-testid=action-decline_rework]")
    decline.locator("textarea[name=reason]").fill("面料为门店保管不当所致，不属返修范围")
    decline.locator("[data-testid=submit-decline_rework]").click()

    # Then the reason is on the page and the answer is recorded, each through the services' log
    expect(page.locator("[data-testid=decline-reason]")).to_have_text("面料为门店保管不当所致，不属返修范围")
    expect(page.locator("[data-testid=action-decline_rework]")).to_have_count(0)
    page.goto(f"{live_server.url}/rework/")
    expect(rows.filter(has_text=agreed.return_item.number)).to_have_attribute("data-answer", "agreed")
    expect(rows.filter(has_text=declined.return_item.number)).to_have_attribute("data-answer", "declined")
    answers = InspectionReport.objects.filter(pk__in=[agreed.pk, declined.pk]).order_by("pk")
    assert [(row.rework_answer, row.supplier_promised_date) for row in answers] == [
        ("agreed", promised),
        ("declined", None),
    ]
    logged = TransitionLog.objects.filter(object_id__in=[agreed.pk, declined.pk], transition__endswith="_rework")
    assert sorted(logged.values_list("transition", "actor__username")) == [
        ("agree_rework", "supplier1"),
        ("decline_rework", "supplier1"),
    ]
