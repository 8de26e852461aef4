"""Paid repair past the warranty over ``/api/v1/repair-tickets/{id}/``: ``quote``, ``accept_quote``,
``refuse_quote``, ``record_payment`` and the parts refused while a quote waits, each with its permission matrix
(anonymous, wrong role, other store, wrong state, allowed), and the bad input that changes nothing."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import ReturnState
from repairs.models import RepairTicket, RepairTicketState
from suppliers.models import Category
from tests.support.paid_repair import expected_total, free_ticket, paid_ticket, snapshot
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases, standard_matrix
from tests.support.returns import fresh

QUOTE_BODY = {"parts": [{"part": "P-ZIP-5", "quantity": 1}], "labour_minutes": 30, "note": "换拉链"}


def answer_body(ticket: RepairTicket) -> dict:
    return {"name": "王小明", "channel": "phone", "amount": str(ticket.quote_total or "0.00")}


def url(action: str):
    return lambda ticket: f"/api/v1/repair-tickets/{ticket.pk}/{action}/"


def quoting():
    return paid_ticket(state=RepairTicketState.QUOTING)


def quoted():
    return paid_ticket(state=RepairTicketState.QUOTED)


def accepted():
    return paid_ticket(state=RepairTicketState.OPEN)


def refused_matrix_rows(action, *, arrange, payload, allowed, wrong_roles, arrange_wrong_state):
    rows = standard_matrix(
        action,
        arrange=arrange,
        arrange_wrong_state=arrange_wrong_state,
        url=url(action),
        payload=payload,
        allowed=allowed[0],
        wrong_role=wrong_roles[0],
    )
    extra = [
        Refusal(action=action, case="wrong_role", who=who, expected=403, arrange=arrange, url=url(action),
                payload=payload)
        for who in wrong_roles[1:]
    ] + [
        Refusal(action=action, case="allowed", who=who, expected=200, arrange=arrange, url=url(action),
                payload=payload)
        for who in allowed[1:]
    ]  # fmt: skip
    return rows + extra


# The technician quotes; the store sees the ticket but may not; another store does not see it; a free repair
# (in warranty, open at once) has no quote step.
QUOTE_MATRIX = refused_matrix_rows(
    "quote",
    arrange=quoting,
    payload=QUOTE_BODY,
    allowed=["tech1"],
    wrong_roles=["store1", "hotline1"],
    arrange_wrong_state=free_ticket,
)
# The hotline or the Return's own store record the answer; not the technician, not the region manager.
ACCEPT_MATRIX = refused_matrix_rows(
    "accept_quote",
    arrange=quoted,
    payload=answer_body,
    allowed=["hotline1", "store1"],
    wrong_roles=["tech1", "region1"],
    arrange_wrong_state=accepted,
)
REFUSE_MATRIX = refused_matrix_rows(
    "refuse_quote",
    arrange=quoted,
    payload={"name": "王小明", "channel": "in_store", "note": "太贵，不修了"},
    allowed=["store1", "hotline1"],
    wrong_roles=["tech1", "region1"],
    arrange_wrong_state=accepted,
)
PAYMENT_MATRIX = refused_matrix_rows(
    "record_payment",
    arrange=accepted,
    payload={"method": "cash"},
    allowed=["store1", "hotline1"],
    wrong_roles=["tech1", "region1"],
    arrange_wrong_state=quoted,
)


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(QUOTE_MATRIX, snapshot=snapshot, detail=True))
def test_quote_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
        return
    body = tried.response.json()
    # Then the quote is the part at its cost plus 30 minutes at CNY 60.00 an hour, and nothing left stock
    assert body["state"] == "quoted" and body["paid"] is True
    assert Decimal(body["quote"]["total"]) == expected_total()
    assert body["quote"]["parts"][0]["part_no"] == "P-ZIP-5" and body["parts"] == []
    assert tried.after[-3:-1] == tried.before[-3:-1]  # the ledger and the stock are as they were


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(ACCEPT_MATRIX, snapshot=snapshot, detail=True))
def test_accept_quote_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
        return
    body = tried.response.json()
    assert body["state"] == "open"
    assert Decimal(body["accepted_amount"]) == expected_total()
    answer = body["customer_answer"]
    assert (answer["answer"], answer["name"], answer["channel"], answer["recorded_by"]) == (
        "accepted", "王小明", "phone", row.who,
    )  # fmt: skip
    assert "accept_quote" not in body["available_transitions"]


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(REFUSE_MATRIX, snapshot=snapshot, detail=True))
def test_refuse_quote_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
        return
    body = tried.response.json()
    assert body["state"] == "refused" and body["accepted_amount"] is None
    assert body["customer_answer"]["answer"] == "refused" and body["customer_answer"]["note"] == "太贵，不修了"
    # The unit goes back to the store unrepaired: ready for the next parcel to the store
    assert fresh(tried.subject.return_item).state == ReturnState.READY_TO_RETURN


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(PAYMENT_MATRIX, snapshot=snapshot, detail=True))
def test_record_payment_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
        return
    body = tried.response.json()
    assert body["payment_method"] == "cash" and body["paid_at"]
    assert Decimal(body["accepted_amount"]) == expected_total()


@pytest.mark.django_db
def test_parts_are_refused_with_a_clear_409_until_the_customer_accepts(api_as, demo):
    ticket = quoted()
    before = snapshot(ticket)
    response = api_as("tech1").patch(
        f"/api/v1/repair-tickets/{ticket.pk}/",
        {"parts": [{"part": "P-ZIP-5", "quantity": 1}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert "not accepted the paid-repair quote" in response.json()["detail"]
    assert snapshot(ticket) == before
    # Once the hotline records the acceptance, the same request takes the zip from stock
    api_as("hotline1").post(f"/api/v1/repair-tickets/{ticket.pk}/accept_quote/", answer_body(ticket), format="json")
    response = api_as("tech1").patch(
        f"/api/v1/repair-tickets/{ticket.pk}/", {"parts": [{"part": "P-ZIP-5", "quantity": 1}]}, format="json"
    )
    assert response.status_code == 200 and response.json()["parts"][0]["quantity"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "1000000.00"}, "amount"),
        ({"amount": "12.34"}, "amount"),  # not the quote's total
        ({"amount": "abc"}, "amount"),
        ({"channel": "pigeon"}, "channel"),
        ({"name": ""}, "name"),
        ({"answered_at": "2099-01-01T10:00:00+08:00"}, "answered_at"),
    ],
)
def test_bad_acceptance_is_a_400_naming_the_field_and_changes_nothing(api_as, demo, change, field):
    ticket = quoted()
    before = snapshot(ticket)
    response = api_as("hotline1").post(
        f"/api/v1/repair-tickets/{ticket.pk}/accept_quote/", {**answer_body(ticket), **change}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot(ticket) == before


@pytest.mark.django_db
def test_accepting_a_quote_the_category_no_longer_offers_is_a_400(api_as, demo):
    ticket = quoted()
    Category.objects.filter(pk=ticket.return_item.style.category_id).update(paid_repair_offered=False)
    before = snapshot(ticket)
    response = api_as("hotline1").post(
        f"/api/v1/repair-tickets/{ticket.pk}/accept_quote/", answer_body(ticket), format="json"
    )
    assert response.status_code == 400 and "quote" in response.json()
    assert snapshot(ticket) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**QUOTE_BODY, "labour_minutes": -10}, "labour_minutes"),
        ({**QUOTE_BODY, "parts": [{"part": "P-ZIP-5", "quantity": 9000}]}, "quote_total"),
        ({**QUOTE_BODY, "parts": [{"part": "P-ZIP-5", "quantity": 0}]}, "parts"),
        ({"parts": [], "labour_minutes": 0}, "parts"),
    ],
)
def test_bad_quote_is_a_400_naming_the_field_and_changes_nothing(api_as, demo, body, field):
    ticket = quoting()
    before = snapshot(ticket)
    response = api_as("tech1").post(f"/api/v1/repair-tickets/{ticket.pk}/quote/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot(ticket) == before


@pytest.mark.django_db
def test_in_warranty_ticket_behaves_as_before_and_offers_no_quote_actions(api_as, demo):
    ticket = free_ticket()
    body = api_as("tech1").get(f"/api/v1/repair-tickets/{ticket.pk}/").json()
    assert (body["state"], body["paid"], body["quote"], body["customer_answer"]) == ("open", False, None, None)
    # No quote step: only ``complete`` (offered once quality control passed) leaves an open ticket
    assert not {"quote", "accept_quote", "refuse_quote"} & set(body["available_transitions"])
    body = api_as("hotline1").get(f"/api/v1/repair-tickets/{ticket.pk}/").json()
    assert body["available_transitions"] == []


@pytest.mark.django_db
def test_available_transitions_follow_the_quote(api_as, demo):
    ticket = quoting()
    assert api_as("tech1").get(f"/api/v1/repair-tickets/{ticket.pk}/").json()["available_transitions"] == ["quote"]
    assert api_as("hotline1").get(f"/api/v1/repair-tickets/{ticket.pk}/").json()["available_transitions"] == []
    api_as("tech1").post(f"/api/v1/repair-tickets/{ticket.pk}/quote/", QUOTE_BODY, format="json")
    for login in ("hotline1", "store1"):
        transitions = api_as(login).get(f"/api/v1/repair-tickets/{ticket.pk}/").json()["available_transitions"]
        assert transitions == ["accept_quote", "refuse_quote"]


@pytest.mark.django_db
def test_the_answerer_s_name_is_masked_for_the_technician(api_as, demo):
    ticket = accepted()
    assert api_as("tech1").get(f"/api/v1/repair-tickets/{ticket.pk}/").json()["customer_answer"]["name"] == "王**"
    assert api_as("store1").get(f"/api/v1/repair-tickets/{ticket.pk}/").json()["customer_answer"]["name"] == "王小明"


@pytest.mark.django_db
def test_ticket_list_with_quotes_runs_a_fixed_number_of_queries(api_as, demo):
    for _ in range(3):
        accepted()
    client = api_as("hotline1")
    counts = []
    for size in (1, 3):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/repair-tickets/?page_size={size}")
        rows = response.json()["results"]
        assert len(rows) == size and rows[0]["quote"]["total"] and rows[0]["customer_answer"]["recorded_by"]
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts
