"""A customer answers the satisfaction survey 满意度调查 on a phone (390×844), without logging in: the page fits the
screen, shows nothing personal, takes a score and a comment once, and the link is spent afterwards."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from quality.models import SurveyInvitation
from quality.services.surveys import previous_quarter, quarter_bounds, survey_build
from servicedesk.models import ServiceCase
from tests.support.servicedesk import CALLER, closed

PHONE = {"width": 390, "height": 844}


def test_a_customer_answers_the_survey_on_a_phone(browser, live_server, demo):
    # Given a case closed last quarter and the quarter's survey built
    quarter = previous_quarter()
    first, _last = quarter_bounds(quarter)
    case = closed()
    ServiceCase.objects.filter(pk=case.pk).update(
        closed_at=timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=10), dt.time(15)))
    )
    survey_build(quarter=quarter)
    token = SurveyInvitation.objects.get().pending_token

    # When the customer opens the link on a phone, not logged in
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/survey/{token}/")

    # Then the page asks in Chinese, fits the screen, and shows nothing personal
    expect(page.locator("h1")).to_contain_text("满意")
    body = page.locator("body").inner_text()
    for personal in (CALLER["name"], CALLER["phone"], "138****8000", case.number):
        assert personal not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    submit = page.locator("[data-testid=submit]")
    box = submit.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    # When the customer taps 4, writes a comment and sends it
    page.locator("[data-testid=score-4]").tap()
    page.fill("#comment", "上门很准时")
    submit.tap()

    # Then the page thanks them and the answer is stored once
    expect(page.locator("[data-testid=thanks]")).to_be_visible()
    invitation = SurveyInvitation.objects.get()
    assert (invitation.score, invitation.comment) == (4, "上门很准时") and invitation.answered_at is not None

    # And the link is spent: opening it again is the refusal page
    response = page.goto(f"{live_server.url}/survey/{token}/")
    assert response is not None and response.status == 404
    expect(page.locator("[data-testid=refused]")).to_be_visible()
    context.close()
