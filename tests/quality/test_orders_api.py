"""Rectification orders 质量整改令 over the API: the permission matrices of every endpoint and transition, the
four-nots answer, QA's verification, the scoped list and its fixed query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from quality.models.orders import OrderState, PartyType, RectificationOrder
from quality.services.orders import open_order, order_respond
from stores.models import Store
from suppliers.models import Supplier
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases

LIST = "/api/v1/rectification-orders/"
ANSWERS = {
    "root_cause": "缝线针距过大",
    "corrective_action": "调整针距并复检库存",
    "accountability": "车间主管通报批评",
    "staff_education": "全员培训缝制标准",
}


def url(order, action=""):
    return f"{LIST}{order.pk}/{action + '/' if action else ''}"


def qa():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="qa1")


def supplier_order(**extra) -> RectificationOrder:
    return open_order(
        by=qa(), party_type=PartyType.SUPPLIER, party=Supplier.objects.get(code="SUP01"), problem="同款多次开线",
        due_date=timezone.localdate() + dt.timedelta(days=10), **extra,
    )  # fmt: skip


def store_order() -> RectificationOrder:
    return open_order(
        by=qa(), party_type=PartyType.STORE, party=Store.objects.get(code="S001"), problem="未按规定验收退货",
        due_date=timezone.localdate() + dt.timedelta(days=10),
    )  # fmt: skip


def other_supplier_order() -> RectificationOrder:
    return open_order(
        by=qa(), party_type=PartyType.SUPPLIER, party=Supplier.objects.get(code="SUP02"), problem="褪色",
        due_date=timezone.localdate() + dt.timedelta(days=10),
    )  # fmt: skip


def responded_order() -> RectificationOrder:
    from django.contrib.auth import get_user_model

    order = supplier_order()
    return order_respond(order=order, user=get_user_model().objects.get(username="supplier1"), answers=ANSWERS)


def closed_order() -> RectificationOrder:
    from quality.services.orders import order_verify

    return order_verify(order=responded_order(), user=qa(), effective=True, notes="")


def snapshot(order):
    order = RectificationOrder.objects.get(pk=order.pk)
    return (order.state, order.root_cause, order.verification_notes, order.times_sent_back, order.responded_by_id)


RESPOND = [
    Refusal("respond", None, 401, supplier_order, lambda o: url(o, "respond"), ANSWERS, case="anonymous"),
    Refusal("respond", "qa1", 403, supplier_order, lambda o: url(o, "respond"), ANSWERS, case="wrong_role"),
    Refusal("respond", "store1", 404, supplier_order, lambda o: url(o, "respond"), ANSWERS, case="other_party"),
    Refusal(
        "respond", "supplier1", 404, other_supplier_order, lambda o: url(o, "respond"), ANSWERS, case="other_supplier"
    ),  # fmt: skip
    Refusal("respond", "store2", 404, store_order, lambda o: url(o, "respond"), ANSWERS, case="other_store"),
    Refusal("respond", "supplier1", 409, responded_order, lambda o: url(o, "respond"), ANSWERS, case="wrong_state"),
    Refusal("respond", "supplier1", 200, supplier_order, lambda o: url(o, "respond"), ANSWERS, case="allowed"),
    Refusal("respond", "store1", 200, store_order, lambda o: url(o, "respond"), ANSWERS, case="allowed_store"),
]

EFFECTIVE = {"effective": True, "notes": "三个月内未再发生"}
VERIFY = [
    Refusal("verify", None, 401, responded_order, lambda o: url(o, "verify"), EFFECTIVE, case="anonymous"),
    Refusal("verify", "supplier1", 403, responded_order, lambda o: url(o, "verify"), EFFECTIVE, case="wrong_role"),
    Refusal("verify", "tech1", 403, responded_order, lambda o: url(o, "verify"), EFFECTIVE, case="non_qa_center"),
    Refusal("verify", "store1", 404, responded_order, lambda o: url(o, "verify"), EFFECTIVE, case="other_party"),
    Refusal("verify", "qa1", 409, supplier_order, lambda o: url(o, "verify"), EFFECTIVE, case="wrong_state"),
    Refusal("verify", "qa1", 409, closed_order, lambda o: url(o, "verify"), EFFECTIVE, case="closed"),
    Refusal("verify", "qa1", 200, responded_order, lambda o: url(o, "verify"), EFFECTIVE, case="allowed"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(RESPOND, snapshot=snapshot))
def test_respond_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        order = RectificationOrder.objects.get(pk=tried.subject.pk)
        assert order.state == OrderState.RESPONDED
        assert order.root_cause == ANSWERS["root_cause"] and order.responded_by.username == row.who
        assert tried.response.json()["available_transitions"] == []
    else:
        assert_refused(tried)


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(VERIFY, snapshot=snapshot))
def test_verify_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        body = tried.response.json()
        assert body["state"] == OrderState.CLOSED and body["verification_notes"] == EFFECTIVE["notes"]
    else:
        assert_refused(tried)


@pytest.mark.django_db
@pytest.mark.parametrize("blank", ["root_cause", "corrective_action", "accountability", "staff_education"])
def test_a_blank_four_nots_answer_is_a_400_naming_it(api_as, demo, blank):
    # Given an issued order to the supplier
    order = supplier_order()
    # When the supplier answers with one of the four left blank
    response = api_as("supplier1").post(url(order, "respond"), {**ANSWERS, blank: "  "}, format="json")
    # Then a 400 names that field and nothing changed
    assert response.status_code == 400
    assert list(response.json()) == [blank]
    assert RectificationOrder.objects.get(pk=order.pk).state == OrderState.ISSUED


@pytest.mark.django_db
def test_a_missing_answer_is_a_400_too(api_as, demo):
    order = supplier_order()
    answers = {key: value for key, value in ANSWERS.items() if key != "accountability"}
    response = api_as("supplier1").post(url(order, "respond"), answers, format="json")
    assert response.status_code == 400 and "accountability" in response.json()


@pytest.mark.django_db
def test_not_effective_sends_it_back_with_the_reason_required(api_as, demo):
    order = responded_order()
    client = api_as("qa1")
    # Without a reason: 400 naming notes, nothing changed
    response = client.post(url(order, "verify"), {"effective": False, "notes": ""}, format="json")
    assert response.status_code == 400 and "notes" in response.json()
    assert RectificationOrder.objects.get(pk=order.pk).state == OrderState.RESPONDED
    # With the reason: back to issued, counted, and the party may answer again
    response = client.post(url(order, "verify"), {"effective": False, "notes": "仍有同类退货"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == OrderState.ISSUED and body["times_sent_back"] == 1
    assert [entry["transition"] for entry in body["timeline"]] == ["open", "respond", "verify"]
    assert api_as("supplier1").get(url(order)).json()["available_transitions"] == ["respond"]


CREATE = {
    "party_type": "supplier",
    "party": "SUP01",
    "problem": "226101JK001 多次开线",
    "due_date": (dt.date.today() + dt.timedelta(days=20)).isoformat(),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 401), ("supplier1", 403), ("store1", 403), ("tech1", 403), ("vp1", 403), ("qa1", 201)],
)
def test_create_matrix(api_as, api_client, demo, who, expected):
    before = RectificationOrder.objects.count()
    client = api_client if who is None else api_as(who)
    response = client.post(LIST, CREATE, format="json")
    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        assert body["number"].startswith(f"RO-{timezone.localdate():%Y%m}-") and len(body["number"]) == 13
        assert body["state"] == "issued" and body["party"] == "SUP01" and body["recurrences"]["total"] == 0
        assert RectificationOrder.objects.count() == before + 1
    else:
        assert RectificationOrder.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"party": "NOPE"}, "party"),
        ({"party_type": "store", "party": "SUP01"}, "party"),
        ({"party_type": "internal", "party": ""}, "party"),
        ({"problem": ""}, "problem"),
        ({"due_date": "2000-01-01"}, "due_date"),
        ({"returns": [999999]}, "returns"),
        ({"recall": 999999}, "recall"),
        ({"service_cases": ["x"]}, "service_cases"),
    ],
)
def test_create_bad_input_is_a_400_naming_the_field(api_as, demo, change, field):
    before = RectificationOrder.objects.count()
    response = api_as("qa1").post(LIST, {**CREATE, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert RectificationOrder.objects.count() == before


@pytest.mark.django_db
def test_create_from_returns_and_an_internal_department(api_as, demo):
    from cases.models import Return

    units = list(Return.objects.order_by("pk").values_list("pk", flat=True)[:2])
    response = api_as("qa1").post(
        LIST, {**CREATE, "party_type": "internal", "party": "物流部", "returns": units}, format="json"
    )
    assert response.status_code == 201, response.content
    order = RectificationOrder.objects.get(pk=response.json()["id"])
    assert order.department == "物流部" and sorted(order.returns.values_list("pk", flat=True)) == sorted(units)
    # The link is kept both ways: each Return knows its order.
    assert all(Return.objects.get(pk=pk).rectification_orders.filter(pk=order.pk).exists() for pk in units)


@pytest.mark.django_db
def test_list_is_scoped(api_as, demo):
    mine, store, other = supplier_order(), store_order(), other_supplier_order()

    def numbers(who):
        return {row["number"] for row in api_as(who).get(LIST).json()["results"]}

    assert {mine.number, store.number, other.number} <= numbers("qa1")
    assert mine.number in numbers("supplier1") and not {store.number, other.number} & numbers("supplier1")
    assert store.number in numbers("store1") and not {mine.number, other.number} & numbers("store1")
    assert not {mine.number, store.number, other.number} & numbers("store2")
    assert api_as("supplier1").get(url(other)).status_code == 404


@pytest.mark.django_db
def test_list_filters(api_as, demo):
    issued, closed = supplier_order(), closed_order()
    client = api_as("qa1")
    states = {row["number"] for row in client.get(LIST, {"state": "closed"}).json()["results"]}
    assert closed.number in states and issued.number not in states
    by_party = {row["number"] for row in client.get(LIST, {"party": "SUP01"}).json()["results"]}
    assert {issued.number, closed.number} <= by_party
    RectificationOrder.objects.filter(pk=issued.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    overdue = {row["number"] for row in client.get(LIST, {"overdue": "true"}).json()["results"]}
    assert issued.number in overdue and closed.number not in overdue


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 30])
def test_list_query_count_is_fixed(api_as, demo, django_assert_max_num_queries, rows):
    from tests.factories.quality import RectificationOrderFactory

    RectificationOrderFactory.create_batch(rows, supplier=Supplier.objects.get(code="SUP01"))
    client = api_as("qa1")
    with django_assert_max_num_queries(6):
        response = client.get(LIST, {"page_size": 50})
    assert response.status_code == 200 and len(response.json()["results"]) >= rows


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 401), ("store1", 404), ("store2", 404), ("region1", 404), ("supplier1", 200), ("qa1", 200), ("vp1", 200)],
)
def test_detail_matrix(api_as, api_client, demo, who, expected):
    order = supplier_order()
    client = api_client if who is None else api_as(who)
    response = client.get(url(order))
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert body["number"] == order.number and set(body["recurrences"]) == {"returns", "lots", "total"}
        assert body["available_transitions"] == (["respond"] if who == "supplier1" else [])


@pytest.mark.django_db
def test_list_needs_a_login(api_client, demo):
    assert api_client.get(LIST).status_code == 401
