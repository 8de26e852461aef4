"""``/api/v1/repair-tickets/`` and ``/api/v1/stock-movements/``: recording repairs, completing them, the ledger."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import ReturnState
from repairs.models import RepairTicket, SparePart, StockMovement
from repairs.services import repairticket_complete, repairticket_update
from tests.support.refusals import Refusal, assert_refused, attempt, client_for, refusal_cases, standard_matrix
from tests.support.returns import fresh, inspected, return_in, snapshot, user


def open_ticket(store_code="S001") -> RepairTicket:
    """The repair ticket a ``repairable`` verdict opened."""
    return return_in(ReturnState.REPAIRING, store_code=store_code).repair_ticket


def completed_ticket() -> RepairTicket:
    ticket = open_ticket()
    return repairticket_complete(user=user("tech1"), ticket=ticket, qc_passed=True)


def stocked_part(quantity=10) -> SparePart:
    return SparePart.objects.filter(stock_quantity__gte=quantity, active=True).order_by("part_no").first()


def ticket_url(ticket: RepairTicket) -> str:
    return f"/api/v1/repair-tickets/{ticket.pk}/"


def ticket_snapshot(ticket: RepairTicket) -> tuple:
    return snapshot(ticket, ticket.return_item)


# Complete with a passed quality check: anonymous 401, store1 or region1 403, store2 404, completed 409, tech1 200
COMPLETE_MATRIX = standard_matrix(
    "complete",
    arrange=open_ticket,
    arrange_wrong_state=completed_ticket,
    url=lambda ticket: f"{ticket_url(ticket)}complete/",
    payload={"qc_passed": True, "work_done": "换拉链"},
    allowed="tech1",
    wrong_role="store1",
) + [
    Refusal(action="complete", case="wrong_role", who="region1", expected=403, arrange=open_ticket,
            url=lambda ticket: f"{ticket_url(ticket)}complete/", payload={"qc_passed": True, "work_done": "换拉链"}),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(COMPLETE_MATRIX, snapshot=ticket_snapshot))
def test_complete_matrix(api_as, demo, row):
    # Given an open ticket (or an already completed one) of an S001 Return, when the row's login completes it
    tried = attempt(row, api_as)
    # Then only the technician's request changed anything: the ticket closed, the Return is ready to go back
    if row.allowed:
        assert tried.response.json()["state"] == "completed"
        assert fresh(tried.subject.return_item).state == ReturnState.READY_TO_RETURN
    else:
        assert_refused(tried)


def with_part(ticket: RepairTicket) -> RepairTicket:
    """The ticket, and (as ``ticket.part``) a part in stock, chosen once the ticket is made."""
    ticket.part = stocked_part()
    return ticket


def update_body(ticket: RepairTicket) -> dict:
    """Two of the part and 30 minutes."""
    return {"parts": [{"part": ticket.part.part_no, "quantity": 2}], "labour_minutes": 30}


# Record parts and minutes: anonymous 401, store1 or hotline1 403, store2 404, completed 409, tech1 200
UPDATE_MATRIX = standard_matrix(
    "update",
    arrange=lambda: with_part(open_ticket()),
    arrange_wrong_state=lambda: with_part(completed_ticket()),
    url=ticket_url,
    payload=update_body,
    allowed="tech1",
    wrong_role="store1",
) + [
    Refusal(action="update", case="wrong_role", who="hotline1", expected=403, arrange=lambda: with_part(open_ticket()),
            url=ticket_url,
            payload=update_body),
]  # fmt: skip
UPDATE_MATRIX = [replace(row, method="patch") for row in UPDATE_MATRIX]


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(UPDATE_MATRIX, snapshot=ticket_snapshot))
def test_update_matrix(api_as, demo, row):
    # Given an open ticket (or a completed one) and a part in stock, when the row's login records two of it
    tried = attempt(row, api_as)
    part = tried.subject.part
    # Then only the technician's request moved stock and set the costs
    if row.allowed:
        body = tried.response.json()
        assert body["parts"] == [
            {"part_no": part.part_no, "name": part.name, "quantity": 2, "unit_cost": f"{part.unit_cost:.2f}",
             "cost": f"{2 * part.unit_cost:.2f}"}
        ]  # fmt: skip
        assert body["labour_minutes"] == 30
        assert body["labour_cost"] == "30.00"  # 30 minutes at the default 60.00 an hour
        assert body["total_cost"] == f"{2 * part.unit_cost + Decimal('30.00'):.2f}"
        assert SparePart.objects.get(pk=part.pk).stock_quantity == part.stock_quantity - 2
    else:
        assert_refused(tried)


@pytest.mark.django_db
def test_update_is_the_total_used_per_part(api_as, demo):
    # Given a ticket that used 3 of a part
    ticket, part = open_ticket(), stocked_part()
    client = api_as("tech1")
    url = f"/api/v1/repair-tickets/{ticket.pk}/"
    client.patch(url, {"parts": [{"part": part.part_no, "quantity": 3}]}, format="json")
    # When the technician corrects it to 1
    body = client.patch(url, {"parts": [{"part": part.part_no, "quantity": 1}]}, format="json").json()
    # Then 2 go back to stock and the ledger shows both movements
    assert body["parts"][0]["quantity"] == 1
    assert SparePart.objects.get(pk=part.pk).stock_quantity == part.stock_quantity - 1
    assert list(
        StockMovement.objects.filter(repair_ticket=ticket).order_by("id").values_list("quantity", flat=True)
    ) == [-3, 2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"parts": [{"part": "NOPE", "quantity": 1}]}, "parts"),
        ({"parts": [{"part": "PART", "quantity": -1}]}, "parts"),
        ({"parts": [{"part": "PART", "quantity": 10_000_000}]}, "parts"),
        ({"parts": [{"part": "PART", "quantity": 1}, {"part": "PART", "quantity": 2}]}, "parts"),
        ({"labour_minutes": -5}, "labour_minutes"),
        ({"labour_minutes": 10**9}, "labour_minutes"),
        ({"work_done": "a\x00b"}, "work_done"),
        ({"qc_passed": "maybe"}, "qc_passed"),
        ({"parts": "all of them"}, "parts"),
    ],
)
def test_bad_update_is_400_naming_the_field_and_changes_nothing(api_as, demo, body, field):
    ticket, part = open_ticket(), stocked_part()
    if "parts" in body and isinstance(body["parts"], list):
        body = {
            "parts": [
                {**line, "part": part.part_no if line["part"] == "PART" else line["part"]} for line in body["parts"]
            ]
        }
    before = snapshot(ticket, ticket.return_item)
    response = api_as("tech1").patch(f"/api/v1/repair-tickets/{ticket.pk}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert snapshot(ticket, ticket.return_item) == before


@pytest.mark.django_db
def test_wrong_state_with_bad_input_is_409_and_wrong_role_with_bad_input_is_403(api_as, demo):
    done, ticket = completed_ticket(), open_ticket()
    before = snapshot(done, ticket)
    bad = {"labour_minutes": -1}
    assert api_as("tech1").patch(f"/api/v1/repair-tickets/{done.pk}/", bad, format="json").status_code == 409
    assert api_as("tech1").post(f"/api/v1/repair-tickets/{done.pk}/complete/", bad, format="json").status_code == 409
    assert api_as("store1").patch(f"/api/v1/repair-tickets/{ticket.pk}/", bad, format="json").status_code == 403
    assert api_as("store1").post(f"/api/v1/repair-tickets/{ticket.pk}/complete/", bad, format="json").status_code == 403
    assert snapshot(done, ticket) == before


@pytest.mark.django_db
def test_more_parts_than_in_stock_is_400_and_changes_nothing(api_as, demo):
    ticket, part = open_ticket(), stocked_part(1)
    before = snapshot(ticket)
    response = api_as("tech1").patch(
        f"/api/v1/repair-tickets/{ticket.pk}/",
        {"parts": [{"part": part.part_no, "quantity": part.stock_quantity + 1}], "labour_minutes": 10},
        format="json",
    )
    assert response.status_code == 400
    assert "parts" in response.json()
    assert snapshot(ticket) == before
    assert fresh(ticket).labour_minutes == 0


@pytest.mark.django_db
def test_complete_needs_a_passed_quality_check(api_as, demo):
    # Given an open ticket whose quality check failed
    ticket = open_ticket()
    repairticket_update(user=user("tech1"), ticket=ticket, qc_passed=False, qc_notes="线头未剪")
    before = snapshot(ticket, ticket.return_item)
    # When the technician completes it without passing QC
    response = api_as("tech1").post(f"/api/v1/repair-tickets/{ticket.pk}/complete/", {}, format="json")
    # Then it is refused naming qc_passed, and the unit stays in repair
    assert response.status_code == 400
    assert "qc_passed" in response.json()
    assert snapshot(ticket, ticket.return_item) == before
    # And once QC passed, `complete` is offered and works
    client = api_as("tech1")
    body = client.patch(f"/api/v1/repair-tickets/{ticket.pk}/", {"qc_passed": True}, format="json").json()
    assert body["available_transitions"] == ["complete"]
    assert client.post(f"/api/v1/repair-tickets/{ticket.pk}/complete/", {}, format="json").status_code == 200


@pytest.mark.django_db
def test_ticket_detail_shows_money_with_two_places(api_as, demo):
    ticket = open_ticket()
    body = api_as("store1").get(f"/api/v1/repair-tickets/{ticket.pk}/").json()
    assert (body["return_id"], body["return_number"], body["state"]) == (
        ticket.return_item_id,
        ticket.return_item.number,
        "open",
    )
    assert body["labour_rate"] == "60.00"
    assert body["total_cost"] == "0.00"
    assert body["parts"] == []
    assert body["available_transitions"] == []  # the store reads; it never repairs


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["store1", "tech1"])
def test_ticket_list_runs_a_fixed_number_of_queries(api_as, demo, login):
    # Given 55 repair tickets, each having used a part
    reports = inspected(55)
    part = stocked_part(100)
    for report in reports:
        repairticket_update(user=user("tech1"), ticket=report.return_item.repair_ticket, parts=[(part, 1)],
                            labour_minutes=15)  # fmt: skip
    client = api_as(login)
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/repair-tickets/?page_size={size}")
        rows = response.json()["results"]
        assert len(rows) == size
        assert rows[0]["parts"][0]["quantity"] == 1
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts


@pytest.mark.django_db
@pytest.mark.parametrize(("login", "expected"), [(None, 401), ("store1", 200), ("region1", 200), ("supplier1", 403),
                                                 ("tech1", 200), ("finance1", 200)])  # fmt: skip
def test_stock_ledger_is_the_center_s_and_each_store_s_own(api_as, demo, login, expected):
    # Stores hold stock since issue 18: a store (and its region manager) reads its own lines, never the center's.
    response = client_for(api_as, login).get("/api/v1/stock-movements/")
    assert response.status_code == expected
    if login in ("store1", "region1"):
        assert all(row["location"] != "CENTER" for row in response.json()["results"])


@pytest.mark.django_db
def test_stock_ledger_filters_by_part(api_as, demo):
    # Given a repair that used two different parts
    ticket = open_ticket()
    first, second = SparePart.objects.filter(stock_quantity__gte=5).order_by("part_no")[:2]
    repairticket_update(user=user("tech1"), ticket=ticket, parts=[(first, 2), (second, 1)])
    # When the ledger is filtered by the first part's number
    rows = api_as("tech1").get(f"/api/v1/stock-movements/?part={first.part_no}").json()["results"]
    # Then only its movements are listed, with the repair's Return
    assert rows and {row["part"] for row in rows} == {first.part_no}
    mine = [row for row in rows if row["repair_ticket"] == ticket.pk]
    assert [(row["quantity"], row["reason"], row["return_number"]) for row in mine] == [
        (-2, "consumed", ticket.return_item.number)
    ]


@pytest.mark.django_db
def test_stock_ledger_list_runs_a_fixed_number_of_queries(api_as, demo):
    ticket = open_ticket()
    parts = list(SparePart.objects.filter(stock_quantity__gte=1).order_by("part_no")[:3])
    for quantity in range(1, 20):
        repairticket_update(user=user("tech1"), ticket=ticket, parts=[(part, quantity % 2 + 1) for part in parts])
    client = api_as("tech1")
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/stock-movements/?page_size={size}")
        assert len(response.json()["results"]) == min(size, StockMovement.objects.count())
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts
