"""Notifications 通知: rendering in the recipient's language, e-mail after commit, the inbox pages, the menu badge."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from aftersales.models import Notification, UserPreference
from aftersales.notifications import language_of, notify
from aftersales.services import notification_email_send
from cases.choices import ReturnState
from stores.models import Store
from tests.factories.cases import ReturnFactory

pytestmark = pytest.mark.django_db


def digest_for(user, *, units=1):
    """A real message through notify(): the turnaround digest template."""
    store = Store.objects.get(code="S001")
    rows = [
        {
            "number": ReturnFactory(store=store, state=ReturnState.RECEIVED).number,
            "store_code": "S001",
            "store_name": store.name,
            "style_no": "ST1",
            "due_date": None,
            "overdue": True,
            "url": "/returns/1/",
        }
        for _ in range(units)
    ]
    context = {"date": None, "units": rows, "more": 0, "total": units, "overdue_count": units, "due_soon_count": 0}
    return notify(
        recipients=[user], kind="turnaround_digest", template="turnaround_digest", context=context, url="/returns/"
    )


def test_notify_e_mails_after_commit_in_the_recipients_language(demo_user, django_capture_on_commit_callbacks):
    # given store1 reads English
    store1 = demo_user("store1")
    UserPreference.objects.create(user=store1, language="en")

    # when a message is sent to store1 and tech1 and the transaction commits
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        store1_note, tech1_note = notify(
            recipients=[store1, demo_user("tech1"), store1],
            kind="turnaround_digest",
            template="turnaround_digest",
            context={
                "date": dt.date(2026, 11, 14),
                "units": [],
                "more": 0,
                "total": 2,
                "overdue_count": 2,
                "due_soon_count": 0,
            },
            url="/returns/",
        )
        # then nothing is e-mailed before the commit
        assert mail.outbox == []

    # then each got one inbox message (duplicates dropped) and one e-mail with text and HTML
    assert len(callbacks) == 2
    assert Notification.objects.count() == 2
    assert {m.to[0] for m in mail.outbox} == {"store1@aftersales.example.cn", "tech1@aftersales.example.cn"}
    english = next(m for m in mail.outbox if m.to[0].startswith("store1"))
    assert english.subject == store1_note.subject == "Turnaround alert 2026-11-14: 2 units due soon or overdue"
    assert english.alternatives[0].mimetype == "text/html"
    assert '<html lang="en">' in english.alternatives[0].content
    assert "http://127.0.0.1:8000/returns/" in english.body
    # and the rows record the sending time
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
    assert tech1_note.body_html.startswith("<!DOCTYPE html>") or "<html" in tech1_note.body_html


def test_language_of_defaults_to_chinese_and_ignores_unknown_languages(demo_user):
    # given a user without a preference, and one with a language no longer offered
    plain = demo_user("tech1")
    odd = demo_user("store2")
    UserPreference.objects.create(user=odd, language="en")
    UserPreference.objects.filter(user=odd).update(language="fr")
    odd.refresh_from_db()
    # when / then
    assert language_of(plain) == "zh-hans"
    assert language_of(odd) == "zh-hans"


def test_an_e_mailed_notification_is_not_sent_twice(demo_user):
    # given a message already e-mailed (a redelivered task)
    note = digest_for(demo_user("tech1"))[0]
    assert notification_email_send(notification_id=note.pk) == "sent"
    # when the task runs again
    again = notification_email_send(notification_id=note.pk)
    # then nothing is sent a second time
    assert again == "skipped"
    assert len(mail.outbox) == 1


def test_switching_the_language_remembers_it_for_e_mails(browser_as, demo_user):
    # given store1 is logged in
    client = browser_as("store1")
    # when store1 switches to English in the menu
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    # then the switch works as before and the choice is stored
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert UserPreference.objects.get(user=demo_user("store1")).language == "en"
    # and an unknown language changes nothing
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert UserPreference.objects.get(user=demo_user("store1")).language == "en"


def test_anonymous_language_switch_stores_nothing(client, demo):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert UserPreference.objects.count() == 0


# --- inbox pages ------------------------------------------------------------------


def test_inbox_lists_only_the_users_own_messages(browser_as, demo_user):
    # given a message for store1 and one for store2
    mine = digest_for(demo_user("store1"))[0]
    theirs = digest_for(demo_user("store2"))[0]
    # when store1 opens the inbox
    response = browser_as("store1").get(reverse("inbox:notification_list"))
    # then only store1's message is listed
    assert response.status_code == 200
    assert reverse("inbox:notification_detail", args=[mine.pk]) in response.text
    assert reverse("inbox:notification_detail", args=[theirs.pk]) not in response.text


def test_inbox_needs_a_login(client, demo):
    response = client.get(reverse("inbox:notification_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_opening_a_message_marks_it_read_and_another_users_is_404(browser_as, demo_user):
    # given a message for store1 and one for store2
    mine = digest_for(demo_user("store1"))[0]
    theirs = digest_for(demo_user("store2"))[0]
    client = browser_as("store1")
    # when store1 opens both
    own = client.get(reverse("inbox:notification_detail", args=[mine.pk]))
    other = client.get(reverse("inbox:notification_detail", args=[theirs.pk]))
    # then store1's is shown and now read; store2's is not found and stays unread
    assert own.status_code == 200
    assert mine.subject in own.text
    assert 'data-testid="notification-link"' in own.text
    assert other.status_code == 404
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_mark_read_and_mark_all_read(browser_as, demo_user):
    # given three unread messages for store1 and one for store2
    store1 = demo_user("store1")
    first, second, third = (digest_for(store1)[0] for _ in range(3))
    theirs = digest_for(demo_user("store2"))[0]
    client = browser_as("store1")

    # when store1 marks one read via htmx, tries store2's, then marks all read
    row = client.post(reverse("inbox:notification_read", args=[first.pk]), HTTP_HX_REQUEST="true")
    foreign = client.post(reverse("inbox:notification_read", args=[theirs.pk]))
    first.refresh_from_db()
    first_read_at = first.read_at
    everything = client.post(reverse("inbox:notification_read_all"))

    # then the row comes back read, the foreign one is 404 and unchanged, all of store1's are read
    assert row.status_code == 200 and f'id="notification-{first.pk}"' in row.text and "data-unread" not in row.text
    assert foreign.status_code == 404
    assert everything.status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert not Notification.objects.filter(recipient=store1, read_at__isnull=True).exists()
    # and marking all read again keeps the first read time
    first.refresh_from_db()
    assert first.read_at == first_read_at


def test_mark_read_needs_post(browser_as, demo_user):
    note = digest_for(demo_user("store1"))[0]
    response = browser_as("store1").get(reverse("inbox:notification_read", args=[note.pk]))
    assert response.status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_unread_filter(browser_as, demo_user):
    store1 = demo_user("store1")
    read, unread = digest_for(store1)[0], digest_for(store1)[0]
    Notification.objects.filter(pk=read.pk).update(subject="already read one")
    client = browser_as("store1")
    client.post(reverse("inbox:notification_read", args=[read.pk]))
    response = client.get(reverse("inbox:notification_list") + "?unread=1")
    assert reverse("inbox:notification_detail", args=[unread.pk]) in response.text
    assert reverse("inbox:notification_detail", args=[read.pk]) not in response.text


def test_menu_shows_the_unread_count(browser_as, demo_user):
    # given two unread messages for store1, one already read, and one for store2
    store1 = demo_user("store1")
    for _ in range(3):
        digest_for(store1)
    digest_for(demo_user("store2"))
    Notification.objects.filter(pk=Notification.objects.filter(recipient=store1).first().pk).update(
        read_at="2026-11-01T00:00:00+08:00"
    )
    # when store1 opens any page
    response = browser_as("store1").get(reverse("home"))
    # then the menu's inbox link shows 2
    assert 'data-testid="unread-count" data-count="2"' in response.text
    assert reverse("inbox:notification_list") in response.text


def test_menu_badge_is_empty_without_unread_messages(browser_as, demo):
    response = browser_as("tech1").get(reverse("home"))
    assert 'data-testid="unread-count" data-count="0"' in response.text


def test_unread_count_is_one_query(demo_user, django_assert_num_queries):
    from aftersales.notifications import notification_unread_count

    store1 = demo_user("store1")
    digest_for(store1, units=2)
    with django_assert_num_queries(1):
        assert notification_unread_count(store1) == 1


def test_inbox_page_uses_a_fixed_number_of_queries(browser_as, demo_user, django_assert_max_num_queries):
    # given store1 with a few messages, then with many
    store1 = demo_user("store1")
    client = browser_as("store1")
    digest_for(store1)
    client.get(reverse("inbox:notification_list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("inbox:notification_list"))
    for _ in range(15):
        digest_for(store1)
    # when the page is rendered again, then the query count does not grow
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("inbox:notification_list"))
