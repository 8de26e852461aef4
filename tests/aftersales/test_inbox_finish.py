"""The inbox and the admin, finished (issue 11, item 16): the unread badge follows a read, a message links to its
record by name instead of printing a path, and the admin speaks the product's names."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.models import Notification
from aftersales.notifications import notify
from cases.choices import ReturnState
from stores.models import Store
from tests.factories.cases import ReturnFactory

pytestmark = pytest.mark.django_db


def message_about_a_return(user):
    item = ReturnFactory(store=Store.objects.get(code="S001"), state=ReturnState.RECEIVED)
    url = reverse("cases:return_detail", args=[item.pk])
    row = {"number": item.number, "store_code": "S001", "store_name": "x", "style_no": "ST1", "due_date": None,
           "overdue": True, "url": url}  # fmt: skip
    context = {"date": None, "units": [row], "more": 0, "total": 1, "overdue_count": 1, "due_soon_count": 0}
    (note,) = notify(recipients=[user], kind="turnaround_digest", template="turnaround_digest", context=context,
                     url=url, target=item)  # fmt: skip
    return note, item, url


def test_marking_a_message_read_updates_the_menu_badge_at_once(browser_as, demo_user):
    # given two unread messages for store1
    store1 = demo_user("store1")
    first, _item, _url = message_about_a_return(store1)
    message_about_a_return(store1)
    client = browser_as("store1")

    # when store1 marks one read from the inbox (htmx)
    response = client.post(reverse("inbox:notification_read", args=[first.pk]), HTTP_HX_REQUEST="true")

    # then the answer carries the row and the badge, swapped out of band, now counting 1
    html = response.content.decode()
    assert f'id="notification-{first.pk}"' in html
    assert '<span id="unread-badge" hx-swap-oob="true" data-testid="unread-count" data-count="1">' in html


def test_a_message_links_to_its_record_by_name_not_by_path(browser_as, demo_user):
    # given a message about a return
    note, item, url = message_about_a_return(demo_user("tech1"))

    # when tech1 opens it in the inbox
    html = browser_as("tech1").get(reverse("inbox:notification_detail", args=[note.pk])).content.decode()

    # then the body prints no bare address, and the button names what it opens
    body = html.split('data-testid="notification-body">', 1)[1].split("</div>", 1)[0]
    assert url not in body and "http" not in body
    assert item.number in body
    link = html.split('data-testid="notification-link">', 1)[1].split("</a>", 1)[0]
    assert link == f"打开退货 {item.number}"
    assert f'href="{url}"' in html
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_the_admin_speaks_the_products_names(browser_as, demo_user):
    client = browser_as("admin")
    index = client.get("/admin/").content.decode()
    assert "Django" not in index and "售后服务管理后台" in index
    assert "Model name" not in index and "Add link" not in index
    users = client.get("/admin/auth/user/?role=technician").content.decode()
    assert "售后服务部技术员" in users and "tech1" in users and "store1" not in users
    groups = client.get("/admin/auth/group/").content.decode()
    assert "物流部经理" in groups and ">logistics_manager<" not in groups
    change = client.get(f"/admin/auth/user/{demo_user('tech1').pk}/change/")
    assert change.status_code == 200
    html = change.content.decode()
    assert "售后服务部技术员" in html and "Can add" not in html


def test_e_mails_link_to_the_site_not_to_a_bare_path(demo_user, settings):
    # given a write-off list submitted to logistics
    from tests.factories.writeoffs import WriteOffListFactory

    writeoff_list = WriteOffListFactory()
    url = reverse("writeoffs:writeofflist_detail", args=[writeoff_list.pk])
    (note,) = notify(recipients=[demo_user("logistics1")], kind="writeofflist_submitted",
                     template="writeofflist_submitted", context={"writeoff_list": writeoff_list, "url": url},
                     url=url, target=writeoff_list)  # fmt: skip

    # then the text and the HTML link to the full address, never to the path alone
    address = f"{settings.AFTERSALES_SITE_URL}{url}"
    assert address in note.body
    assert url not in [line.strip() for line in note.body.splitlines()]
    assert f'href="{address}"' in note.body_html or not note.body_html
    assert f'href="{url}"' not in note.body_html
