"""The repair pages in the browser: the repair queue 维修队列, the repair ticket 维修单, spare parts and the ledger."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.choices import ReturnState
from cases.models import Return
from repairs.models import RepairTicket, RepairTicketState, SparePart, StockMovement
from repairs.services import repairticket_update, sparepart_receive
from tests.factories.repairs import SparePartFactory
from tests.support.repairs import open_tickets, snapshot

HTMX = {"HTTP_HX_REQUEST": "true"}


def detail_url(ticket) -> str:
    return reverse("repairs:repairticket_detail", kwargs={"pk": ticket.pk})


def action_url(ticket, action: str) -> str:
    return reverse(f"repairs:repairticket_{action}", kwargs={"pk": ticket.pk})


def queue_rows(response) -> list[int]:
    return [ticket.pk for ticket in response.context["object_list"]]


# --- pages per role -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status", "edits"),
    [
        ("tech1", 200, True),
        ("tech2", 200, True),
        ("finance1", 200, False),
        ("qa1", 200, False),
        ("store1", 200, False),
        ("region1", 200, False),
        ("store2", 404, False),
        ("store101", 404, False),
    ],
)
@pytest.mark.django_db
def test_the_repair_ticket_page_by_role(demo_user, browser_as, username, status, edits):
    # Given an open ticket of a Return from store S001
    (ticket,) = open_tickets(demo_user)

    # When each role opens its page
    response = browser_as(username).get(detail_url(ticket))

    # Then technicians get the forms, other center roles and S001's own people read it, other stores get 404
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert ticket.return_item.number in body
        assert ('data-testid="parts-form"' in body) is edits
        assert ('data-testid="work-form"' in body) is edits
        assert reverse("cases:return_detail", kwargs={"pk": ticket.return_item_id}) in body


@pytest.mark.parametrize(
    "url_name", ["repairs:repairticket_list", "repairs:stockmovement_list", "repairs:sparepart_list"]
)
@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, demo, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_anonymous_visitors_cannot_open_or_change_a_ticket(client, demo_user):
    (ticket,) = open_tickets(demo_user)
    part = SparePartFactory(stock_quantity=5)
    before = snapshot(ticket, part)
    for response in (
        client.get(detail_url(ticket)),
        client.post(action_url(ticket, "parts"), {"add_part": part.part_no, "add_quantity": 1}, **HTMX),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert snapshot(ticket, part) == before


@pytest.mark.django_db
def test_store_users_see_only_their_own_stores_tickets_in_the_queue(demo_user, browser_as):
    # Given one ticket from S001 and one from S002
    (ours,) = open_tickets(demo_user, store="S001")
    (theirs,) = open_tickets(demo_user, store="S002")

    # Then store1 sees only S001's, a technician both
    assert queue_rows(browser_as("store1").get(reverse("repairs:repairticket_list"))) == [ours.pk]
    assert set(queue_rows(browser_as("tech1").get(reverse("repairs:repairticket_list")))) == {ours.pk, theirs.pk}


@pytest.mark.parametrize("username", ["store1", "region1", "supplier1"])
@pytest.mark.django_db
def test_spare_parts_and_the_ledger_are_for_the_service_center(demo, browser_as, username):
    part = SparePart.objects.order_by("pk").first()
    client = browser_as(username)
    # Since issue 18 a store (and its region manager) may read its own stock's ledger lines, none of the center's.
    ledger = client.get(reverse("repairs:stockmovement_list"))
    assert ledger.status_code == (403 if username == "supplier1" else 200)
    if ledger.status_code == 200:
        assert all(line.store_id is not None for line in ledger.context["object_list"])
    assert client.get(reverse("repairs:sparepart_list")).status_code == 403
    assert client.get(reverse("repairs:sparepart_detail", kwargs={"pk": part.pk})).status_code == 404


# --- the repair queue -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_sorts_by_due_date_and_marks_due_soon_and_overdue(demo_user, browser_as):
    # Given three open tickets: one overdue, one due in two days, one due in ten
    late, soon, later = open_tickets(demo_user, count=3)
    now = timezone.now()
    for ticket, due in ((late, now - dt.timedelta(days=1)), (soon, now + dt.timedelta(days=2)),
                        (later, now + dt.timedelta(days=10))):  # fmt: skip
        Return.objects.filter(pk=ticket.return_item_id).update(due_at=due)

    # When the technician opens the queue
    response = browser_as("tech1").get(reverse("repairs:repairticket_list"))

    # Then the most urgent comes first and each row carries its badge
    assert queue_rows(response) == [late.pk, soon.pk, later.pk]
    body = response.content.decode()
    rows = body.split('data-ticket="')[1:]
    assert ['data-due="overdue"' in rows[0], 'data-due="due_soon"' in rows[1], 'data-due="on_track"' in rows[2]] == [
        True,
        True,
        True,
    ]


@pytest.mark.django_db
def test_the_queue_shows_open_tickets_unless_asked_and_searches_by_return_number(demo_user, browser_as):
    # Given an open and a completed ticket
    done, open_ = open_tickets(demo_user, count=2)
    tech1 = demo_user("tech1")
    from repairs.services import repairticket_complete

    repairticket_complete(user=tech1, ticket=done, qc_passed=True)
    client = browser_as("tech1")
    url = reverse("repairs:repairticket_list")

    # Then the queue shows open ones by default, completed ones on request, both with "All"
    assert queue_rows(client.get(url)) == [open_.pk]
    assert queue_rows(client.get(url, {"state": "completed"})) == [done.pk]
    assert set(queue_rows(client.get(url, {"state": ""}))) == {done.pk, open_.pk}
    # And a search by the Return's number finds it
    number = RepairTicket.objects.get(pk=done.pk).return_item.number
    assert queue_rows(client.get(url, {"state": "", "q": number})) == [done.pk]
    assert queue_rows(client.get(url, {"q": "RT-NOPE"})) == []
    # And a state outside the choices is a plain empty list, not an error
    assert client.get(url, {"state": "bogus"}).status_code == 200


@pytest.mark.django_db
def test_the_queue_runs_a_fixed_number_of_queries_at_1_and_50_rows(demo_user, browser_as):
    # Given one ticket, then fifty
    open_tickets(demo_user, count=1)
    client = browser_as("tech1")
    url = reverse("repairs:repairticket_list")
    counts = []
    for extra in (0, 49):
        if extra:
            open_tickets(demo_user, count=extra)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append((len(response.context["object_list"]), len(captured)))

    # Then the query count is the same for 1 and 50 rows
    assert counts[0][0] == 1 and counts[1][0] == 50
    assert counts[0][1] == counts[1][1]


@pytest.mark.django_db
def test_the_queue_downloads_as_xlsx(demo_user, browser_as):
    (ticket,) = open_tickets(demo_user)
    response = browser_as("tech1").get(reverse("repairs:repairticket_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in list(sheet.iter_rows())[1]]
    assert ticket.return_item.number in values


# --- the repair ticket: parts picker --------------------------------------------------------------------------


@pytest.mark.django_db
def test_picking_parts_with_htmx_takes_them_from_stock_and_answers_the_panel(demo_user, browser_as):
    # Given an open ticket and a part with 10 in stock at 2.50
    (ticket,) = open_tickets(demo_user)
    part = SparePartFactory(part_no="P-PICK", stock_quantity=10, unit_cost=Decimal("2.50"))
    client = browser_as("tech1")

    # Then the picker offers it with its stock
    page = client.get(detail_url(ticket)).content.decode()
    assert 'value="P-PICK"' in page

    # When the technician adds 3 with htmx
    response = client.post(action_url(ticket, "parts"), {"add_part": "P-PICK", "add_quantity": 3}, **HTMX)

    # Then the panel comes back (no whole page) with the part, its cost and the new totals
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'id="repair-panel"' in body
    assert 'data-part="P-PICK"' in body and "7.50" in body
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 7
    assert StockMovement.objects.get(part=part).balance_after == 7

    # When the listed total is raised to 5 and another 1 added, then the part removed (its own action, for 6)
    field = f"quantity_{part.pk}"
    client.post(action_url(ticket, "parts"), {field: 5, "add_part": "P-PICK", "add_quantity": 1}, **HTMX)
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 4
    client.post(action_url(ticket, "remove_part"), {"part": part.pk, "quantity": 6}, **HTMX)

    # Then the part is given back in full
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 10
    assert RepairTicket.objects.get(pk=ticket.pk).parts_cost == Decimal("0.00")


@pytest.mark.django_db
def test_a_plain_post_redirects_with_a_message(demo_user, browser_as):
    (ticket,) = open_tickets(demo_user)
    part = SparePartFactory(part_no="P-PLAIN", stock_quantity=10)
    client = browser_as("tech1")

    response = client.post(action_url(ticket, "parts"), {"add_part": "P-PLAIN", "add_quantity": 2})

    assert response.status_code == 302 and response["Location"] == detail_url(ticket)
    page = client.get(response["Location"])
    assert len(list(page.context["messages"])) == 1
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 8


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.django_db
def test_a_shortage_shows_the_error_and_changes_nothing(demo_user, browser_as, htmx):
    # Given a ticket already holding one part, and a part with only 2 in stock
    (ticket,) = open_tickets(demo_user)
    plenty = SparePartFactory(part_no="P-PLENTY", stock_quantity=50)
    scarce = SparePartFactory(part_no="P-SCARCE", stock_quantity=2)
    repairticket_update(user=demo_user("tech1"), ticket=ticket, parts=[(plenty, 1)])
    before = snapshot(ticket, plenty, scarce)

    # When the technician asks for 3 of the scarce part while raising the other
    response = browser_as("tech1").post(
        action_url(ticket, "parts"),
        {f"quantity_{plenty.pk}": 4, "add_part": "P-SCARCE", "add_quantity": 3},
        **(HTMX if htmx else {}),
    )

    # Then it is a 400 naming the part, shown in the panel, and nothing changed
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="parts-error"' in body and "P-SCARCE" in body
    assert ("<html" in body) is not htmx
    assert snapshot(ticket, plenty, scarce) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"add_part": "NO-SUCH-PART", "add_quantity": 1}, "add_part"),
        ({"add_quantity": 1}, "add_part"),
        ({"add_part": "P-BAD", "add_quantity": 0}, "add_quantity"),
        ({"add_part": "P-BAD"}, "add_quantity"),
        ({"add_part": "P-BAD", "add_quantity": "many"}, "add_quantity"),
    ],
)
@pytest.mark.django_db
def test_bad_picker_input_is_a_400_on_the_field(demo_user, browser_as, data, field):
    (ticket,) = open_tickets(demo_user)
    part = SparePartFactory(part_no="P-BAD", stock_quantity=5)
    before = snapshot(ticket, part)

    response = browser_as("tech1").post(action_url(ticket, "parts"), data, **HTMX)

    assert response.status_code == 400
    assert field in response.context["parts_form"].errors
    assert snapshot(ticket, part) == before


@pytest.mark.parametrize(("username", "status"), [("finance1", 403), ("store1", 403), ("store2", 404)])
@pytest.mark.django_db
def test_only_technicians_may_change_a_ticket(demo_user, browser_as, username, status):
    # Given an open ticket with QC passed
    (ticket,) = open_tickets(demo_user)
    repairticket_update(user=demo_user("tech1"), ticket=ticket, qc_passed=True)
    part = SparePartFactory(part_no="P-DENY", stock_quantity=5)
    before = snapshot(ticket, part)
    client = browser_as(username)

    # When someone else posts parts, work, or completion (even with bad input)
    responses = [
        client.post(action_url(ticket, "parts"), {"add_part": "P-DENY", "add_quantity": 1}, **HTMX),
        client.post(action_url(ticket, "parts"), {"add_quantity": "x"}, **HTMX),
        client.post(action_url(ticket, "work"), {"labour_minutes": 30}, **HTMX),
        client.post(action_url(ticket, "complete"), {}, **HTMX),
    ]

    # Then each is refused (403 for readers, with the reason shown; 404 outside the scope) and nothing changed
    assert [response.status_code for response in responses] == [status] * 4
    if status == 403:
        assert all('data-testid="error"' in response.content.decode() for response in responses)
    assert snapshot(ticket, part) == before


# --- the repair ticket: work, QC, completion ------------------------------------------------------------------


@pytest.mark.django_db
def test_labour_shows_its_cost_at_the_labour_rate(demo_user, browser_as):
    # Given an open ticket with a part used (2 × 2.50) and the rate at 60.00 per hour
    (ticket,) = open_tickets(demo_user)
    part = SparePartFactory(stock_quantity=10, unit_cost=Decimal("2.50"))
    repairticket_update(user=demo_user("tech1"), ticket=ticket, parts=[(part, 2)])

    # When 45 minutes are recorded
    response = browser_as("tech1").post(
        action_url(ticket, "work"), {"work_done": "换拉链", "labour_minutes": 45, "qc_result": ""}, **HTMX
    )

    # Then labour 45.00, parts 5.00 and total 50.00 are shown in CNY with two decimals, and the rate
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="labour-cost">¥45.00<' in body
    assert 'data-testid="parts-cost">¥5.00<' in body
    assert 'data-testid="total-cost">¥50.00<' in body
    assert "¥60.00" in body
    ticket = RepairTicket.objects.get(pk=ticket.pk)
    assert (ticket.labour_minutes, ticket.work_done, ticket.total_cost) == (45, "换拉链", Decimal("50.00"))


@pytest.mark.django_db
def test_a_failed_quality_check_is_shown_and_keeps_the_unit_in_repair(demo_user, browser_as):
    (ticket,) = open_tickets(demo_user)
    client = browser_as("tech1")

    # When QC fails with a note
    response = client.post(
        action_url(ticket, "work"), {"labour_minutes": 20, "qc_result": "fail", "qc_notes": "线头未清"}, **HTMX
    )

    # Then the panel says so, offers no completion, and the unit stays in repair
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="qc-failed"' in body and "线头未清" in body
    assert 'data-testid="complete-form"' not in body
    assert RepairTicket.objects.get(pk=ticket.pk).state == RepairTicketState.OPEN
    assert Return.objects.get(pk=ticket.return_item_id).state == ReturnState.REPAIRING

    # And a reader sees the failure too
    assert 'data-testid="qc-failed"' in browser_as("finance1").get(detail_url(ticket)).content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"labour_minutes": 20, "qc_result": "fail", "qc_notes": "  "}, "qc_notes"),
        ({"labour_minutes": -5}, "labour_minutes"),
        ({"labour_minutes": 10_000_000}, "labour_minutes"),
        ({"labour_minutes": ""}, "labour_minutes"),
        ({"labour_minutes": 5, "qc_result": "maybe"}, "qc_result"),
        ({"labour_minutes": 5, "work_done": "a\x00b"}, "work_done"),
    ],
)
@pytest.mark.django_db
def test_bad_work_input_is_a_400_on_the_field(demo_user, browser_as, data, field):
    (ticket,) = open_tickets(demo_user)
    before = snapshot(ticket)

    response = browser_as("tech1").post(action_url(ticket, "work"), data, **HTMX)

    assert response.status_code == 400
    assert field in response.context["work_form"].errors
    assert snapshot(ticket) == before


@pytest.mark.django_db
def test_complete_repair_appears_after_qc_passed_and_makes_the_return_ready(demo_user, browser_as):
    (ticket,) = open_tickets(demo_user)
    client = browser_as("tech1")

    # Given the button is not offered before QC passed
    assert 'data-testid="complete-form"' not in client.get(detail_url(ticket)).content.decode()

    # When QC passes, the button appears
    response = client.post(action_url(ticket, "work"), {"labour_minutes": 30, "qc_result": "pass"}, **HTMX)
    assert 'data-testid="complete-form"' in response.content.decode()

    # And when it is pressed
    response = client.post(action_url(ticket, "complete"), {}, **HTMX)

    # Then the ticket is completed, the Return ready to return, and the panel is read-only
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="completed"' in body and 'data-state="completed"' in body
    assert 'data-testid="parts-form"' not in body and 'data-testid="complete-form"' not in body
    assert Return.objects.get(pk=ticket.return_item_id).state == ReturnState.READY_TO_RETURN

    # And a second press is a 409 with the message, changing nothing
    before = snapshot(ticket)
    again = client.post(action_url(ticket, "complete"), {}, **HTMX)
    assert again.status_code == 409 and 'data-testid="error"' in again.content.decode()
    assert snapshot(ticket) == before


@pytest.mark.django_db
def test_completing_before_qc_passed_is_a_400_that_changes_nothing(demo_user, browser_as):
    (ticket,) = open_tickets(demo_user)
    before = snapshot(ticket)

    response = browser_as("tech1").post(action_url(ticket, "complete"), {}, **HTMX)

    assert response.status_code == 400 and 'data-testid="error"' in response.content.decode()
    assert snapshot(ticket) == before


@pytest.mark.django_db
def test_a_plain_complete_redirects_to_the_ticket_with_a_message(demo_user, browser_as):
    (ticket,) = open_tickets(demo_user)
    repairticket_update(user=demo_user("tech1"), ticket=ticket, qc_passed=True)

    response = browser_as("tech1").post(action_url(ticket, "complete"), {})

    assert response.status_code == 302 and response["Location"] == detail_url(ticket)
    assert Return.objects.get(pk=ticket.return_item_id).state == ReturnState.READY_TO_RETURN


# --- spare parts and the stock ledger -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_spare_part_list_shows_stock_and_filters_what_needs_reordering(demo, browser_as):
    client = browser_as("tech1")
    response = client.get(reverse("repairs:sparepart_list"))
    body = response.content.decode()
    # demo data: 3号尼龙拉链 P-ZIP-3 (35 ≤ 40) is the one to reorder
    low = SparePart.objects.get(part_no="P-ZIP-3")
    assert reverse("repairs:sparepart_detail", kwargs={"pk": low.pk}) in body
    assert body.count('data-testid="needs-reorder"') == 1
    reorder = client.get(reverse("repairs:sparepart_list"), {"below_reorder_level": "true"})
    assert [part.part_no for part in reorder.context["object_list"]] == ["P-ZIP-3"]


@pytest.mark.django_db
def test_a_technician_books_stock_in_on_the_part_page(demo_user, browser_as):
    part = SparePartFactory(part_no="P-IN", stock_quantity=4, reorder_level=5)
    client = browser_as("tech1")
    url = reverse("repairs:sparepart_receive", kwargs={"pk": part.pk})

    # Given the part page shows it needs reordering and offers the form
    page = client.get(reverse("repairs:sparepart_detail", kwargs={"pk": part.pk})).content.decode()
    assert 'data-testid="stock-form"' in page and 'data-testid="needs-reorder"' in page

    # When 20 are booked in with htmx
    response = client.post(url, {"quantity": 20, "note": "到货"}, **HTMX)

    # Then the panel shows 24 in stock and the ledger line
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'data-testid="stock">24<' in body and "到货" in body
    assert 'data-testid="needs-reorder"' not in body
    assert StockMovement.objects.get(part=part).balance_after == 24


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quantity": -2, "note": ""}, "note"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": "ten"}, "quantity"),
        ({"quantity": 99_999_999}, "quantity"),
        ({"quantity": 5, "note": "x\x00"}, "note"),
    ],
)
@pytest.mark.django_db
def test_bad_stock_bookings_are_a_400_on_the_field(demo_user, browser_as, data, field):
    part = SparePartFactory(stock_quantity=4)
    url = reverse("repairs:sparepart_receive", kwargs={"pk": part.pk})

    response = browser_as("tech1").post(url, data, **HTMX)

    assert response.status_code == 400 and field in response.context["form"].errors
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 4 and not StockMovement.objects.exists()


@pytest.mark.django_db
def test_a_reduction_below_zero_is_refused_with_the_message(demo_user, browser_as):
    part = SparePartFactory(part_no="P-UNDER", stock_quantity=4)
    url = reverse("repairs:sparepart_receive", kwargs={"pk": part.pk})

    response = browser_as("tech1").post(url, {"quantity": -5, "note": "盘点"}, **HTMX)

    assert response.status_code == 400 and "P-UNDER" in response.content.decode()
    assert SparePart.objects.get(pk=part.pk).stock_quantity == 4 and not StockMovement.objects.exists()


@pytest.mark.django_db
def test_readers_see_the_part_but_may_not_book_stock(demo, browser_as):
    part = SparePart.objects.order_by("pk").first()
    stock = part.stock_quantity
    client = browser_as("finance1")

    page = client.get(reverse("repairs:sparepart_detail", kwargs={"pk": part.pk}))
    assert page.status_code == 200 and 'data-testid="stock-form"' not in page.content.decode()

    response = client.post(reverse("repairs:sparepart_receive", kwargs={"pk": part.pk}), {"quantity": 5}, **HTMX)
    assert response.status_code == 403
    assert SparePart.objects.get(pk=part.pk).stock_quantity == stock and not StockMovement.objects.exists()


@pytest.mark.django_db
def test_the_stock_ledger_filters_by_part_and_reason_and_exports(demo_user, browser_as):
    # Given a delivery of one part and a repair using another
    (ticket,) = open_tickets(demo_user)
    tech1 = demo_user("tech1")
    delivered = SparePartFactory(part_no="P-DELIV", stock_quantity=0)
    used = SparePartFactory(part_no="P-USED", stock_quantity=5)
    sparepart_receive(user=tech1, part=delivered, quantity=12, note="到货")
    repairticket_update(user=tech1, ticket=ticket, parts=[(used, 2)])
    client = browser_as("logistics1")
    url = reverse("repairs:stockmovement_list")

    # Then the ledger lists both, newest first, and narrows by part and by reason
    rows = client.get(url).context["object_list"]
    assert [(row.part.part_no, row.quantity, row.balance_after) for row in rows] == [
        ("P-USED", -2, 3),
        ("P-DELIV", 12, 12),
    ]
    assert [row.part.part_no for row in client.get(url, {"part": "P-DELIV"}).context["object_list"]] == ["P-DELIV"]
    assert [row.part.part_no for row in client.get(url, {"reason": "consumed"}).context["object_list"]] == ["P-USED"]
    # And the consumption links to its repair ticket
    assert detail_url(ticket) in client.get(url, {"reason": "consumed"}).content.decode()

    # And the export carries the same rows
    response = client.get(url, {"part": "P-USED", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    data = [[cell.value for cell in row] for row in sheet.iter_rows()][1:]
    assert len(data) == 1 and "P-USED" in data[0] and -2 in data[0] and 3 in data[0]


@pytest.mark.django_db
def test_the_stock_ledger_runs_a_fixed_number_of_queries_at_1_and_50_rows(demo_user, browser_as):
    tech1, tech2 = demo_user("tech1"), demo_user("tech2")
    (ticket,) = open_tickets(demo_user)
    client = browser_as("tech1")
    url = reverse("repairs:stockmovement_list")
    parts = [SparePartFactory(stock_quantity=100) for _ in range(5)]
    counts = []
    for wanted in (1, 50):
        while StockMovement.objects.count() < wanted:
            index = StockMovement.objects.count()
            part = parts[index % 5]
            if index % 2:
                repairticket_update(user=tech1, ticket=ticket, parts=[(part, index)])
            else:
                sparepart_receive(user=tech2 if index % 3 else tech1, part=part, quantity=1 + index)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        counts.append((len(response.context["object_list"]), len(captured)))
    assert counts[0][0] == 1 and counts[1][0] == 50
    assert counts[0][1] == counts[1][1]


@pytest.mark.django_db
def test_nul_bytes_anywhere_are_refused_never_a_500(demo_user, browser_as):
    # Given an open ticket and a part
    (ticket,) = open_tickets(demo_user)
    part = SparePartFactory(part_no="P-NUL", stock_quantity=5)
    before = snapshot(ticket, part)
    client = browser_as("tech1")

    # When NUL bytes come in every kind of input
    posts = [
        (action_url(ticket, "parts"), {"add_part": "P-\x00NUL", "add_quantity": 1}),
        (action_url(ticket, "parts"), {"add_part": "P-NUL", "add_quantity": "1\x00"}),
        (action_url(ticket, "work"), {"labour_minutes": 5, "qc_result": "fail", "qc_notes": "\x00"}),
        (reverse("repairs:sparepart_receive", kwargs={"pk": part.pk}), {"quantity": 1, "note": "\x00"}),
    ]
    gets = [
        (reverse("repairs:repairticket_list"), {"q": "RT\x00", "state": "\x00"}),
        (reverse("repairs:stockmovement_list"), {"part": "P\x00", "reason": "\x00", "q": "\x00"}),
        (reverse("repairs:sparepart_list"), {"q": "\x00", "below_reorder_level": "\x00"}),
    ]

    # Then posts are a 400 on their field, list filters a 400 too (issue 19: NUL in a query string is refused
    # before any view reads it, as PostgreSQL would fail on it), and nothing changed
    assert [client.post(url, data, **HTMX).status_code for url, data in posts] == [400] * len(posts)
    assert [client.get(url, data).status_code for url, data in gets] == [400] * len(gets)
    assert snapshot(ticket, part) == before


@pytest.mark.django_db
def test_the_ticket_page_runs_the_same_queries_for_one_part_or_many(demo_user, browser_as):
    # Given a ticket using one part, then six
    (ticket,) = open_tickets(demo_user)
    tech1 = demo_user("tech1")
    parts = [SparePartFactory(stock_quantity=50) for _ in range(6)]
    client = browser_as("tech1")
    counts = []
    for used in (parts[:1], parts):
        repairticket_update(user=tech1, ticket=ticket, parts=[(part, 1) for part in used])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(detail_url(ticket))
        counts.append((len(response.context["parts_used"]), len(captured)))

    # Then the number of queries does not grow with the parts listed
    assert counts[0][0] == 1 and counts[1][0] == 6
    assert counts[0][1] == counts[1][1]


# --- Enter in the parts picker (issue 11, item 1) -------------------------------------------------------------


def submit_on_enter(html: str, testid: str, values: dict[str, str]) -> tuple[str, dict[str, str]]:
    """What a browser posts when Enter is pressed in a field of the form ``data-testid=testid``.

    Implicit submission presses the form's default button: the first submit button in document order whose
    form owner is that form (its ``form`` attribute, else the form around it); its name and value are sent.
    """
    import tinyhtml5

    def tag(element) -> str:
        return element.tag.rsplit("}", 1)[-1]

    root = tinyhtml5.parse(html)
    parents = {child: parent for parent in root.iter() for child in parent}
    form = next(e for e in root.iter() if tag(e) == "form" and e.get("data-testid") == testid)

    def owner(element):
        if element.get("form"):
            return next((e for e in root.iter() if tag(e) == "form" and e.get("id") == element.get("form")), None)
        while element is not None and tag(element) != "form":
            element = parents.get(element)
        return element

    data: dict[str, str] = {}
    default_button = None
    for element in root.iter():
        if tag(element) not in {"input", "select", "textarea", "button"} or owner(element) is not form:
            continue
        kind = (element.get("type") or ("submit" if tag(element) == "button" else "text")).lower()
        name = element.get("name")
        if kind == "submit":
            if default_button is None:
                default_button = element
            continue
        if (
            not name
            or kind in {"button", "reset"}
            or (kind in {"checkbox", "radio"} and element.get("checked") is None)
        ):
            continue
        if tag(element) == "select":
            chosen = [o for o in element.iter() if tag(o) == "option" and o.get("selected") is not None]
            data[name] = chosen[0].get("value", "") if chosen else ""
        elif tag(element) == "textarea":
            data[name] = element.text or ""
        else:
            data[name] = element.get("value", "")
    data.update(values)
    if default_button is not None and default_button.get("name"):
        data[default_button.get("name")] = default_button.get("value", "")
    return form.get("hx-post") or form.get("action"), data


@pytest.mark.django_db
def test_enter_in_the_quantity_adds_the_part_and_keeps_the_ones_already_used(demo_user, browser_as):
    # Given a ticket already holding 2 × P-FIRST, and P-NEW with 10 in stock
    (ticket,) = open_tickets(demo_user)
    first = SparePartFactory(part_no="P-FIRST", stock_quantity=10)
    new = SparePartFactory(part_no="P-NEW", stock_quantity=10)
    repairticket_update(user=demo_user("tech1"), ticket=ticket, parts=[(first, 2)])
    client = browser_as("tech1")

    # When the technician picks P-NEW, types 1 in 数量 and presses Enter
    page = client.get(detail_url(ticket)).content.decode()
    url, data = submit_on_enter(page, "parts-form", {"add_part": "P-NEW", "add_quantity": "1"})
    response = client.post(url, data, **HTMX)

    # Then P-NEW is added and P-FIRST is still used: stock only went down
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-part="P-FIRST"' in body and 'data-part="P-NEW"' in body
    assert SparePart.objects.get(pk=first.pk).stock_quantity == 8
    assert SparePart.objects.get(pk=new.pk).stock_quantity == 9
    assert not StockMovement.objects.filter(quantity__gt=0).exists()


@pytest.mark.django_db
def test_removing_a_part_is_its_own_confirmed_action_and_keeps_the_others(demo_user, browser_as):
    # Given a ticket holding 2 × P-KEEP and 3 × P-GONE
    (ticket,) = open_tickets(demo_user)
    keep = SparePartFactory(part_no="P-KEEP", name="拉链头", stock_quantity=10)
    gone = SparePartFactory(part_no="P-GONE", name="纽扣", stock_quantity=10)
    repairticket_update(user=demo_user("tech1"), ticket=ticket, parts=[(keep, 2), (gone, 3)])
    client = browser_as("tech1")

    # Then each row's 移除 submits a form of its own, which asks first, naming the part and the quantity
    page = client.get(detail_url(ticket)).content.decode()
    assert f'form="remove-part-{gone.pk}"' in page
    confirm = f'hx-confirm="确定从本维修单移除 P-GONE 纽扣 共 3 {gone.unit}，并退回库存吗？"'
    assert confirm in page
    assert page.count('data-testid="remove-part-form"') == 2

    # When an old page posts the parts form with a row's remove button, nothing is removed
    client.post(
        action_url(ticket, "parts"), {f"quantity_{keep.pk}": 2, f"quantity_{gone.pk}": 3, "remove": gone.pk}, **HTMX
    )
    assert [SparePart.objects.get(pk=p.pk).stock_quantity for p in (keep, gone)] == [8, 7]

    # When the technician confirms removing 3 × P-GONE
    response = client.post(action_url(ticket, "remove_part"), {"part": gone.pk, "quantity": 3}, **HTMX)

    # Then P-GONE goes back to stock, P-KEEP stays, and the panel says so
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-part="P-KEEP"' in body and 'data-part="P-GONE"' not in body
    assert f"已从本维修单移除 P-GONE 共 3 {gone.unit}，并退回库存。" in body
    assert [SparePart.objects.get(pk=p.pk).stock_quantity for p in (keep, gone)] == [8, 10]


@pytest.mark.parametrize(("part_no", "quantity"), [("P-KEEP", 1), ("P-UNUSED", 1), ("P-KEEP", 0)])
@pytest.mark.django_db
def test_a_removal_that_does_not_match_the_ticket_is_refused_and_changes_nothing(
    demo_user, browser_as, part_no, quantity
):
    # Given a ticket holding 2 × P-KEEP (a colleague changed it after the page was opened, say)
    (ticket,) = open_tickets(demo_user)
    keep = SparePartFactory(part_no="P-KEEP", stock_quantity=10)
    unused = SparePartFactory(part_no="P-UNUSED", stock_quantity=10)
    repairticket_update(user=demo_user("tech1"), ticket=ticket, parts=[(keep, 2)])
    before = snapshot(ticket, keep, unused)
    part = {"P-KEEP": keep, "P-UNUSED": unused}[part_no]

    # When a removal for another quantity, or of a part not used, is posted
    response = browser_as("tech1").post(
        action_url(ticket, "remove_part"), {"part": part.pk, "quantity": quantity}, **HTMX
    )

    # Then it is a 400 shown above the parts, and nothing changed
    assert response.status_code == 400
    assert 'data-testid="parts-error"' in response.content.decode()
    assert snapshot(ticket, keep, unused) == before


@pytest.mark.parametrize(("username", "status"), [("finance1", 403), ("store1", 403), ("store2", 404)])
@pytest.mark.django_db
def test_only_technicians_may_remove_a_part(demo_user, browser_as, username, status):
    (ticket,) = open_tickets(demo_user)
    part = SparePartFactory(part_no="P-KEEP", stock_quantity=10)
    repairticket_update(user=demo_user("tech1"), ticket=ticket, parts=[(part, 2)])
    before = snapshot(ticket, part)

    response = browser_as(username).post(action_url(ticket, "remove_part"), {"part": part.pk, "quantity": 2}, **HTMX)

    assert response.status_code == status
    assert snapshot(ticket, part) == before
