"""The user's saved language is the one source of truth for their pages and their messages (issue 11, item 12)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from aftersales.models import UserPreference
from aftersales.notifications import notify

pytestmark = pytest.mark.django_db

PASSWORD = "demo12345"


def log_in(client: Client, username: str):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def page_language(client: Client) -> str:
    body = client.get("/").content.decode()
    return body.split('<html lang="', 1)[1].split('"', 1)[0]


def digest(recipients):
    context = {"date": dt.date(2026, 12, 17), "units": [], "more": 0, "total": 2, "overdue_count": 2,
               "due_soon_count": 0}  # fmt: skip
    return {
        note.recipient.username: note
        for note in notify(
            recipients=recipients, kind="turnaround_digest", template="turnaround_digest", context=context, url="/"
        )
    }


@pytest.fixture
def passwords(demo_user):
    for username in ("tech1", "tech2"):
        user = demo_user(username)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def test_each_user_reads_pages_and_messages_in_their_own_saved_language(passwords, demo_user):
    # given tech1 and tech2 working in Chinese on two PCs
    first_pc, second_pc = Client(), Client()
    log_in(first_pc, "tech1")
    log_in(second_pc, "tech2")
    assert page_language(first_pc) == page_language(second_pc) == "zh-hans"

    # when tech1 switches to English on the first PC
    first_pc.post("/i18n/setlang/", {"language": "en", "next": "/"})

    # then tech1 reads English there, tech2 still reads Chinese on the other PC
    assert page_language(first_pc) == "en"
    assert page_language(second_pc) == "zh-hans"
    # and a message to both is written in each one's own language
    notes = digest([demo_user("tech1"), demo_user("tech2")])
    assert notes["tech1"].subject.startswith("Turnaround alert 2026-12-17")
    assert notes["tech2"].subject == "周转预警 2026-12-17：2 件即将超期或已超期"


def test_logging_in_again_restores_the_saved_language_whatever_the_browser_had(passwords, demo_user):
    # given tech1 chose English once, and a PC whose browser last showed Chinese to someone else
    UserPreference.objects.create(user=demo_user("tech1"), language="en")
    counter_pc = Client()
    counter_pc.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    # when tech1 logs in there
    response = log_in(counter_pc, "tech1")

    # then the pages are in English, and the browser now remembers English
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert page_language(counter_pc) == "en"

    # and when tech1 logs out and tech2 (who never chose a language) logs in at the same PC, tech2 reads Chinese
    counter_pc.post(reverse("logout"))
    log_in(counter_pc, "tech2")
    assert page_language(counter_pc) == "zh-hans"
    assert not UserPreference.objects.filter(user=demo_user("tech2"), language="en").exists()


def test_a_language_picked_on_the_login_page_is_saved_for_a_user_without_a_preference(passwords, demo_user):
    # given tech2 has never chosen a language and picks English on the login page
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    # when tech2 logs in
    log_in(client, "tech2")

    # then English is kept and saved for the messages
    assert page_language(client) == "en"
    assert UserPreference.objects.get(user=demo_user("tech2")).language == "en"
