"""Error pages, the favicon, the API docs link, and no link a viewer cannot open.

A 403 or 404 page keeps the brand and the menu and offers a way back; the 500 page renders without a request or
the database; a supplier or a store clerk who follows every link on the pages they can open never meets a 404
or a 403.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.views.defaults import server_error

HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)"')


def test_an_unknown_address_answers_a_branded_translated_404_with_the_menu_and_a_way_back(browser_as):
    # Given store1 logged in / When they open an address that does not exist
    response = browser_as("store1").get("/returns/999999/")

    # Then the page answers 404 in Chinese, inside the usual frame with the menu, with a way home and back
    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到页面" in page and "此页面不存在" in page
    assert 'data-menu="returns"' in page and 'data-testid="current-user"' in page
    assert 'data-testid="go-home" href="/"' in page.replace("\n", " ") or 'href="/" data-testid="go-home"' in page
    assert "返回上一页" in page and "回到首页" in page


def test_a_page_the_role_may_not_open_answers_a_branded_403_with_the_menu(browser_as):
    # Given supplier1, whose role does not see the spare-part ledger / When they open it by address
    response = browser_as("supplier1").get("/repairs/stock-ledger/")

    # Then a translated 403 page with the menu and a way back
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "系统管理员" in page
    assert 'data-menu="month-end"' in page
    assert "回到首页" in page


def test_an_error_answered_to_htmx_is_the_message_alone(browser_as):
    # Given an htmx request (a panel swap) for a record the user cannot see
    response = browser_as("store1").get("/returns/999999/", HTTP_HX_REQUEST="true")

    # Then the 404 body is only the message, not a second navbar inside the panel
    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到页面" in page
    assert "<nav" not in page and "<html" not in page


def test_the_500_page_renders_without_a_request_context_or_the_database(rf: RequestFactory):
    # Given a request whose view failed / When Django's server_error renders the 500 page (this test has no
    # database: pytest-django refuses any query, so the page must not make one)
    response = server_error(rf.get("/anything/"))

    # Then it is the branded, translated page with a way home, and it touched no database
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错" in page and "售后服务" in page and 'href="/"' in page
    assert "favicon.svg" in page


def test_the_favicon_is_linked_and_favicon_ico_is_not_a_404(browser_as):
    client = browser_as("store1")
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in client.get("/").content.decode()

    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"


@pytest.mark.parametrize(
    ("username", "shown"),
    [
        ("tech1", True),
        ("hotline1", True),
        ("qa1", True),
        ("logistics1", True),
        ("finance1", True),
        ("admin", True),
        ("store1", False),
        ("region1", False),
        ("supplier1", False),
        ("vp1", False),
    ],
)
def test_the_api_docs_link_is_in_the_menu_only_for_roles_that_use_the_api(browser_as, username, shown):
    page = browser_as(username).get("/").content.decode()
    assert ('href="/api/docs/"' in page) is shown


def links_that_fail(client, *, max_pages: int = 80, per_route: int = 6) -> tuple[set[str], list[tuple]]:
    """Open the pages reachable from home (each kind of page a few times) and follow every link on them.

    Returns the pages opened and every (page, link, status) that answered 403 or 404.
    """
    opened: set[str] = set()
    checked: dict[str, int] = {}
    per_kind: Counter = Counter()
    queue = ["/"]
    failures = []
    while queue and len(opened) < max_pages:
        url = queue.pop(0)
        if url in opened:
            continue
        opened.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            if not href.startswith("/") or href.startswith("/static/") or "export=" in href or href in checked:
                continue
            try:
                route = resolve(urlsplit(href).path).route
            except Resolver404:
                failures.append((url, href, 404))
                checked[href] = 404
                continue
            # A list links fifty records of one kind: a few of each kind show whether the kind opens.
            if per_kind[route] >= per_route:
                continue
            per_kind[route] += 1
            status = client.get(href).status_code
            checked[href] = status
            if status in (403, 404):
                failures.append((url, href, status))
            elif status == 200:
                queue.append(href)
    return opened, failures


@pytest.mark.parametrize("username", ["supplier1", "store1"])
def test_every_link_on_the_pages_a_supplier_or_a_store_opens_leads_somewhere_they_may_go(
    client, demo_history, django_user_model, username
):
    # Given the demo brand with its history (seeded once for the suite, tests/fixtures/demo_history.py): returns
    # shipped, inspected, repaired, scrapped and charged back, recalls, service cases, incoming lots, documents
    client.force_login(django_user_model.objects.get(username=username))

    # When the user opens the pages the menu and the home page lead to, and follows every link on them
    opened, failures = links_that_fail(client)

    # Then they saw the return pages (with their shipments) and no link answered 404 or 403
    assert any(re.fullmatch(r"/returns/\d+/", url) for url in opened)
    assert failures == []
