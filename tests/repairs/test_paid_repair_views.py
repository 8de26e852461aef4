"""Paid repair past the warranty in the browser: the quote card of the repair ticket's page for each role, the
answer and payment forms, the quote and the amount on the Return's page and the customer's status page, the list
and home tiles of quotes waiting for the customer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.choices import ReturnState
from customerview.links import status_path
from repairs.models import RepairTicketState, SparePart
from tests.support.paid_repair import expected_total, free_ticket, paid_ticket, snapshot
from tests.support.returns import fresh

HTMX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


def detail_url(ticket) -> str:
    return reverse("repairs:repairticket_detail", kwargs={"pk": ticket.pk})


def answer_url(ticket) -> str:
    return reverse("repairs:repairticket_answer", kwargs={"pk": ticket.pk})


@pytest.mark.parametrize(
    ("login", "status", "forms"),
    [
        ("tech1", 200, {"quote-form"}),  # the technician may revise the quote; no answer, no parts yet
        ("hotline1", 200, {"answer-form"}),
        ("store1", 200, {"answer-form"}),
        ("region1", 200, set()),  # reads, never acts
        ("store2", 404, None),  # another store's ticket
    ],
)
def test_the_quote_card_offers_each_role_its_own_form(browser_as, demo, login, status, forms):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    response = browser_as(login).get(detail_url(ticket))
    assert response.status_code == status
    if status != 200:
        return
    html = response.content.decode()
    assert 'data-testid="quote-card"' in html and "36.50" in html  # a zip at CNY 6.50 and 30 minutes at CNY 60/h
    shown = {name for name in ("quote-form", "answer-form", "payment-form") if f'data-testid="{name}"' in html}
    assert shown == forms
    assert 'data-testid="parts-form"' not in html  # nothing leaves stock before the customer accepts


def test_the_store_records_the_acceptance_on_the_page_and_the_parts_form_appears(browser_as, demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    client = browser_as("store1")
    response = client.post(
        answer_url(ticket),
        {"decision": "accept", "name": "王小明", "channel": "in_store", "amount": str(ticket.quote_total)},
        **HTMX,
    )
    assert response.status_code == 200, response.content
    ticket = fresh(ticket)
    assert ticket.state == RepairTicketState.OPEN and ticket.accepted_amount == expected_total()
    assert ticket.answer_recorded_by.username == "store1"
    html = browser_as("tech1").get(detail_url(ticket)).content.decode()
    assert 'data-testid="parts-form"' in html and 'data-testid="accepted-amount"' in html


def test_a_stale_page_cannot_accept_a_revised_quote(browser_as, demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    before = snapshot(ticket)
    response = browser_as("hotline1").post(
        answer_url(ticket), {"decision": "accept", "name": "王小明", "channel": "phone", "amount": "1.00"}, **HTMX
    )
    assert response.status_code == 400
    assert 'data-testid="answer-error"' in response.content.decode()  # the quote's total, named above the form
    assert snapshot(ticket) == before


def test_a_refusal_on_the_page_sends_the_unit_back(browser_as, demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    response = browser_as("hotline1").post(
        answer_url(ticket),
        {"decision": "refuse", "name": "王小明", "channel": "phone", "amount": str(ticket.quote_total), "note": "太贵"},
    )
    assert response.status_code == 302
    assert fresh(ticket).state == RepairTicketState.REFUSED
    assert fresh(ticket.return_item).state == ReturnState.READY_TO_RETURN


def test_the_technician_cannot_answer_for_the_customer_on_the_page(browser_as, demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTED)
    before = snapshot(ticket)
    response = browser_as("tech1").post(
        answer_url(ticket), {"decision": "accept", "name": "王小明", "channel": "phone", "amount": "0"}, **HTMX
    )
    assert response.status_code == 403
    assert snapshot(ticket) == before


def test_the_technician_quotes_on_the_page(browser_as, demo):
    ticket = paid_ticket(state=RepairTicketState.QUOTING)
    client = browser_as("tech1")
    zip_part = SparePart.objects.get(part_no="P-ZIP-5")
    response = client.post(
        reverse("repairs:repairticket_quote", kwargs={"pk": ticket.pk}),
        {"part_1": zip_part.pk, "quantity_1": 2, "labour_minutes": 30, "note": "换拉链"},
        **HTMX,
    )
    assert response.status_code == 200, response.content
    assert fresh(ticket).quote_total == expected_total(2, 30)
    assert 'data-testid="quote-total"' in response.content.decode()


def test_the_return_page_and_the_status_page_show_the_amount_the_customer_pays(browser_as, client, demo):
    ticket = paid_ticket(state=RepairTicketState.OPEN)
    html = browser_as("store1").get(reverse("cases:return_detail", kwargs={"pk": ticket.return_item_id})).content
    html = html.decode()
    assert 'data-testid="return-accepted-amount"' in html and "36.50" in html
    client.logout()
    page = client.get(status_path(ticket.return_item.number)).content.decode()
    assert 'data-testid="paid-repair"' in page and "36.50" in page


def test_an_in_warranty_ticket_page_has_no_quote_card(browser_as, demo):
    ticket = free_ticket()
    html = browser_as("tech1").get(detail_url(ticket)).content.decode()
    assert 'data-testid="quote-card"' not in html and 'data-testid="parts-form"' in html


def test_the_quote_list_and_tile_show_quotes_waiting_for_the_customer(browser_as, demo):
    waiting = paid_ticket(state=RepairTicketState.QUOTED)
    paid_ticket(state=RepairTicketState.OPEN)  # answered already: not listed
    other_store = paid_ticket("S002", state=RepairTicketState.QUOTED)
    rows = browser_as("hotline1").get(reverse("repairs:quote_list")).context["object_list"]
    assert [ticket.pk for ticket in rows] == [waiting.pk, other_store.pk]
    response = browser_as("store1").get(reverse("repairs:quote_list"))
    assert [ticket.pk for ticket in response.context["object_list"]] == [waiting.pk]
    assert "13812341234" in response.content.decode()  # the store calls its own customer
    home = browser_as("store1").get("/").content.decode()
    assert reverse("repairs:quote_list") in home


def test_the_quote_list_runs_a_fixed_number_of_queries(browser_as, demo):
    paid_ticket(state=RepairTicketState.QUOTED)
    client = browser_as("hotline1")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("repairs:quote_list"))
    paid_ticket(state=RepairTicketState.QUOTED)
    paid_ticket("S002", state=RepairTicketState.QUOTED)
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("repairs:quote_list"))
    assert len(response.context["object_list"]) == 3
    assert len(three) == len(one)


def test_the_empty_quote_list_says_so(browser_as, demo):
    html = browser_as("hotline1").get(reverse("repairs:quote_list")).content.decode()
    assert 'data-testid="empty-state"' in html


def test_the_payment_is_recorded_on_the_page(browser_as, demo):
    ticket = paid_ticket(state=RepairTicketState.COMPLETED)
    response = browser_as("store1").post(
        reverse("repairs:repairticket_payment", kwargs={"pk": ticket.pk}), {"method": "cash"}, **HTMX
    )
    assert response.status_code == 200, response.content
    assert fresh(ticket).payment_method == "cash" and fresh(ticket).accepted_amount == Decimal("36.50")
