"""Every HTML page runs at most 8 SQL queries, as every demo role, and as many with one row on a list as with 50
(issue 19, "Speed": a query per row is what makes a page slow at a million Returns).

The pages are found, not listed: for each demo login the walk starts at the home page and at every page of the
URL conf that takes no arguments, and follows the links each page shows (the menu, the rows' detail links, the
buttons to forms), one address per URL name. So a page another change adds is walked as soon as it is reachable.
The data is the demo brand (``demo``); the demo with its full history (``demo_history``) has fuller lists but
took longer to seed than the suite's 900 s limit on the shared machine.

Each page found is then requested again twice on the same data: as it is (up to 50 rows a page) and with every
paginated list cut to one row a page (``get_paginate_by`` → 1); both must stay within 8 queries and be equal.
Downloads (PDF, XLSX, images) and the API are not pages; the API's counts are fixed in its own tests.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.views.generic.list import MultipleObjectMixin

from demo.data import ACCOUNTS

MAX_QUERIES = 8
NOT_PAGES = ("/api/", "/admin/", "/i18n/", "/accounts/", "/static/", "/media/", "/healthz", "/readyz", "/favicon")
HREF = re.compile(r'href="(/[^"#]*)"')
ROLES = [username for username, *_ in ACCOUNTS]


def _named_paths(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """Every named URL of the URL conf that takes no arguments."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(_named_paths(entry, inner))
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.regex.groups:
            try:
                found.append(reverse(f"{namespace}{entry.name}"))
            except Exception:  # noqa: BLE001, S112 - a pattern with converters that reverse cannot fill
                continue
    return found


def _page_key(url: str) -> str | None:
    """The URL name an address resolves to, or None for what is not a page of the product."""
    path = urlsplit(url).path
    if path.startswith(NOT_PAGES) or "export=" in url:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _get(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, queries


def _is_page(response) -> bool:
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def walk(client) -> dict[str, str]:
    """{URL name: the first address of it} of every page the logged-in user reaches."""
    queue = deque(["/", *_named_paths()])
    pages: dict[str, str] = {}
    tried: set[str] = set()
    while queue:
        url = queue.popleft()
        key = _page_key(url)
        if key is None or key in pages or url in tried:
            continue
        tried.add(url)
        response, _ = _get(client, url)
        if not _is_page(response):
            continue
        pages[key] = url
        for href in HREF.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            if _page_key(href) not in pages:
                queue.append(href)
    return pages


def _deliveries_at_every_store() -> None:
    """The demo records no delivery: one per store, so the deliveries list shows rows to every role."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from stores.models import Delivery, Store
    from suppliers.models import Style

    style = Style.objects.order_by("pk").first()
    logistics = get_user_model().objects.get(username="logistics1")
    Delivery.objects.bulk_create(
        Delivery(store=store, style=style, delivered_on=dt.date(2026, 1, 5), quantity=3, recorded_by=logistics)
        for store in Store.objects.all()
    )


def _one_row_a_page(self, queryset):
    return 1


def _problems(client, username: str, monkeypatch) -> list[str]:
    """What is wrong with the pages ``username`` reaches: each over 8 queries, or not equal with one row a page."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    pages = walk(client)
    # the walk reaches the role's pages (the home page at least, and for every role some list)
    if "home" not in pages or len(pages) <= 3:
        return [f"the walk reached only {sorted(pages)}"]
    problems = []
    full = {}
    for key, url in pages.items():
        response, queries = _get(client, url)
        if _is_page(response):
            full[key] = (url, queries)
    with monkeypatch.context() as patch:
        patch.setattr(MultipleObjectMixin, "get_paginate_by", _one_row_a_page)
        for key, (url, many) in full.items():
            response, one = _get(client, url)
            if not _is_page(response):
                problems.append(f"{url} ({key}): {response.status_code} with one row a page")
                continue
            if len(many) > MAX_QUERIES or len(one) != len(many):
                lines = "\n      ".join(query["sql"][:300] for query in many.captured_queries)
                problems.append(f"{url} ({key}): {len(many)} queries (one row a page: {len(one)})\n      {lines}")
    return problems


@pytest.mark.django_db
def test_every_page_runs_at_most_8_queries_with_1_row_or_50(client, demo, monkeypatch):
    """Every role is walked on the same demo data, and every page over budget of every role is reported at once."""
    _deliveries_at_every_store()
    problems = []
    for username in ROLES:
        client.logout()
        problems += [f"{username}: {problem}" for problem in _problems(client, username, monkeypatch)]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_menus_unread_count_comes_with_the_user_and_stays_fresh(client, demo):
    """The unread count rides on the query that loads the session's user (aftersales/backends.py): no query of
    its own, counted anew on each request, and after a message is read in the same request."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from tests.aftersales.test_notifications import digest_for

    store1 = get_user_model().objects.get(username="store1")
    client.force_login(store1)
    # given no unread message, the home page's queries
    client.get("/")
    response, none_unread = _get(client, "/")
    assert 'data-testid="unread-count" data-count="0"' in response.text
    # when two messages arrive (another request's doing)
    (first,) = digest_for(store1)
    digest_for(store1)
    response, two_unread = _get(client, "/")
    # then the next page counts them, with as many queries as before
    assert 'data-testid="unread-count" data-count="2"' in response.text
    assert len(two_unread) == len(none_unread)
    # and opening one (which marks it read) shows one left on that very page
    response = client.get(reverse("inbox:notification_detail", args=[first.pk]))
    assert 'data-testid="unread-count" data-count="1"' in response.text
