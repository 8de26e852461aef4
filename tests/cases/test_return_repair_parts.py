"""The return page's 维修 card lists the parts the repair used: net per part, as the repair ticket does (issue 11,
item 7). Every ledger line used to be listed with its sign stripped, so a part taken 5 and 2 put back read 5 + 2.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from repairs.services import repairticket_update
from tests.factories.repairs import SparePartFactory
from tests.support.repairs import open_tickets


def spare_parts_shown(html: str) -> str:
    """The text of the 备件 row of the return page's repair card."""
    card = html.split('data-testid="repair"', 1)[1]
    match = re.search(r"备件</dt>\s*<dd[^>]*>(.*?)</dd>", card, re.S)
    assert match, "no spare-parts row on the repair card"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


@pytest.mark.parametrize("username", ["store1", "tech1", "supplier1"])
@pytest.mark.django_db
def test_the_return_page_lists_the_net_parts_used(demo_user, browser_as, username):
    # Given a repair that took 5 × P-NET, put 2 back, used 1 × P-TWO, and took and gave back 1 × P-ZERO
    (ticket,) = open_tickets(demo_user)
    tech1 = demo_user("tech1")
    net = SparePartFactory(part_no="P-NET", name="拉链头", stock_quantity=20)
    two = SparePartFactory(part_no="P-TWO", name="纽扣", stock_quantity=20)
    zero = SparePartFactory(part_no="P-ZERO", name="线", stock_quantity=20)
    repairticket_update(user=tech1, ticket=ticket, parts=[(net, 5), (zero, 1)])
    repairticket_update(user=tech1, ticket=ticket, parts=[(net, 3), (two, 1), (zero, 0)])

    # When a reader of the Return opens its page
    response = browser_as(username).get(reverse("cases:return_detail", kwargs={"pk": ticket.return_item_id}))
    if response.status_code == 404:
        pytest.skip(f"{username} does not see this Return")

    # Then the repair card lists 3 × P-NET and 1 × P-TWO, as the ticket holds them, and not P-ZERO
    assert response.status_code == 200
    shown = spare_parts_shown(response.content.decode())
    assert "P-NET" in shown and "P-TWO" in shown and "P-ZERO" not in shown
    assert re.search(r"P-NET\b.*×\s*3\b", shown) and re.search(r"P-TWO\b.*×\s*1\b", shown)
    assert not re.search(r"×\s*[25]\b", shown)


@pytest.mark.django_db
def test_the_return_page_runs_the_same_queries_for_one_part_or_many(demo_user, browser_as):
    # Given a repair using one part, then four (with some put back)
    (ticket,) = open_tickets(demo_user)
    tech1 = demo_user("tech1")
    parts = [SparePartFactory(stock_quantity=50) for _ in range(4)]
    client = browser_as("store1")
    url = reverse("cases:return_detail", kwargs={"pk": ticket.return_item_id})
    counts = []
    for used in ([(parts[0], 1)], [(part, 3) for part in parts], [(part, 2) for part in parts]):
        repairticket_update(user=tech1, ticket=ticket, parts=used)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))

    # Then the page's queries do not grow with the parts or the ledger lines
    assert counts[0] == counts[1] == counts[2]
