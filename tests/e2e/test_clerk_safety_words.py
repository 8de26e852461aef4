"""In a real browser (issue 11, items 12 and 16): the unread badge drops as a message is marked read, and the
language a user saved comes back at their next login while another user keeps theirs."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from aftersales.notifications import notify


def digest(username: str, count: int):
    user = get_user_model().objects.get(username=username)
    context = {"date": dt.date(2026, 12, 17), "units": [], "more": 0, "total": 1, "overdue_count": 1,
               "due_soon_count": 0}  # fmt: skip
    for _ in range(count):
        notify(recipients=[user], kind="turnaround_digest", template="turnaround_digest", context=context, url="/")


def test_marking_a_message_read_lowers_the_badge_without_reloading(page, live_server, login):
    # given two unread messages for tech1
    login(page, "tech1")
    digest("tech1", 2)
    page.goto(f"{live_server.url}/inbox/")
    badge = page.locator("#unread-badge")
    expect(badge).to_have_attribute("data-count", "2")

    # when tech1 marks the first one read (htmx, no page load)
    page.locator("[data-testid=notification-row] button[type=submit]").first.click()

    # then the badge reads 1 at once
    expect(badge).to_have_attribute("data-count", "1")
    expect(badge).to_contain_text("1")


def test_the_saved_language_returns_at_login_and_stays_the_users_own(page, browser, live_server, login):
    # given tech1 switches to English
    login(page, "tech1")
    page.select_option("select[name=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("form[action='/accounts/logout/'] button").click()

    # when tech2 logs in on the same browser
    login(page, "tech2")
    # then tech2 reads Chinese
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    # and when tech1 logs in on another browser, English is back
    other = browser.new_context(locale="zh-CN")
    try:
        second = other.new_page()
        login(second, "tech1")
        expect(second.locator("html")).to_have_attribute("lang", "en")
        expect(second.locator("[data-testid=inbox-link]")).to_contain_text("Inbox")
    finally:
        other.close()
