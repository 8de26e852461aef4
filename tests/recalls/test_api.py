"""Batch recalls 整款退货 over the API of api-contract.md, driven as other programs drive it.

The whole recall from proposal to close; the matrix of every transition
(anonymous 401, wrong role 403, out of scope 404, wrong state 409, allowed
200, each refusal changing nothing); the bad input the issue names.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from aftersales.models import Notification, TransitionLog
from aftersales.periods import current_period
from cases import services
from cases.choices import ReturnState, ShipmentDirection
from cases.models import Return
from recalls import services as recalls
from recalls.choices import RecallNoticeState, RecallOutcome, RecallState
from recalls.models import Recall, RecallNotice, RecallUnit
from recalls.selectors import recall_cost_units
from stores.models import Region, Store
from suppliers.models import DefectCode, Style
from tests.support.files import png_bytes
from tests.support.recalls import snapshot
from tests.support.refusals import Refusal, assert_refused, attempt, by_login, client_for, refusal_cases

JACKET = "226101JK001"  # SUP01, unit cost 268.00
ALL_LOGINS = ["store1", "store2", "region1", "tech1", "hotline1", "qa1", "logistics1", "vp1", "finance1", "supplier1"]


def user(username):
    return get_user_model().objects.get(username=username)


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


# --- put a recall into each state through the services ---


def proposed(**overrides) -> Recall:
    values = {
        "style": Style.objects.get(style_no=JACKET),
        "defect_code": DefectCode.objects.get(code="D04"),
        "test_report": "拉链拉力测试 10 件, 6 件低于 80N",
        "handling_plan": "门店下架, 随周寄件寄回",
        "deadline": in_days(14),
        "reported_return_ids": [],
    }
    values.update(overrides)
    return recalls.recall_open(user=user("tech1"), **values)


def approved() -> Recall:
    return recalls.recall_approve(
        user=user("qa1"), recall=proposed(), return_method="weekly_shipment", cost_bearer="supplier"
    )


def issued() -> Recall:
    return recalls.recall_issue_notice(user=user("qa1"), recall=approved(), regions=[Region.objects.get(code="R01")])


def notice_of(recall: Recall, store_code: str) -> RecallNotice:
    return RecallNotice.objects.get(recall=recall, store__code=store_code)


def collecting_with_units(count: int = 2) -> tuple[Recall, list[Return]]:
    """Store S001 acknowledged and returned ``count`` units, which the center has received."""
    recall = issued()
    notice = notice_of(recall, "S001")
    recalls.recallnotice_acknowledge(user=user("store1"), notice=notice, on_hand=count)
    units = recalls.recall_returns_log(
        notice=notice, user=user("store1"), lines=[{"color": "黑色", "size": "L", "quantity": count}], document_no="TH1"
    )
    shipment = services.shipment_create(
        user=user("store1"),
        direction=ShipmentDirection.TO_CENTER,
        store=notice.store,
        return_ids=[item.pk for item in units],
    )
    shipment = services.shipment_dispatch(
        user=user("store1"), shipment=shipment, carrier="顺丰", tracking_no="SF1000000000001"
    )
    services.shipment_receive(user=user("tech1"), shipment=shipment, received_ids=[item.pk for item in units])
    return Recall.objects.get(pk=recall.pk), units


def shipped(outcomes: bool = False) -> Recall:
    recall, units = collecting_with_units()
    recall = recalls.recall_ship_to_supplier(user=user("tech1"), recall=recall, carrier="德邦", tracking_no="DB9")
    if outcomes:
        recalls.recall_record_outcome(
            user=user("tech1"),
            recall=recall,
            return_ids=[item.pk for item in units],
            outcome=RecallOutcome.REPAIRED_BY_FACTORY,
        )
    return recall


# --- the whole recall, from proposal to close ---


@pytest.mark.django_db
def test_a_recall_from_proposal_to_close(api_as, demo):
    tech, qa, store = api_as("tech1"), api_as("qa1"), api_as("store1")
    # Given a technician proposes a recall with the style test report and a proposed deadline
    response = tech.post(
        "/api/v1/recalls/",
        {
            "style": JACKET,
            "defect_code": "D04",
            "test_report": "拉链拉力测试 10 件, 6 件低于 80N",
            "handling_plan": "门店下架",
            "deadline": in_days(10).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    recall = response.json()
    assert recall["state"] == "proposed"
    assert recall["number"] == f"RC-{timezone.localdate():%Y%m}-001"
    assert recall["available_transitions"] == []  # a technician neither approves nor rejects
    url = f"/api/v1/recalls/{recall['id']}/"
    assert qa.get(url).json()["available_transitions"] == ["approve", "reject"]

    # When QA approves it with the handling agreed with the supplier
    deadline = in_days(14)
    response = qa.post(
        f"{url}approve/",
        {
            "return_method": "weekly_shipment",
            "deadline": deadline.isoformat(),
            "handling_plan": "门店下架, 随周寄件寄回, 工厂返修",
            "cost_bearer": "supplier",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["deadline"]) == ("approved", deadline.isoformat())

    # And issues the notice to region R01: every active store there is told, in the inbox
    response = qa.post(f"{url}issue_notice/", {"regions": ["R01"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["regions"] == ["R01"]
    r01 = set(Store.objects.filter(region__code="R01", active=True).values_list("code", flat=True))
    assert set(RecallNotice.objects.values_list("store__code", flat=True)) == r01
    told = set(Notification.objects.filter(kind="recall_notice").values_list("recipient__username", flat=True))
    assert {"store1", "store2"} <= told
    assert "store101" not in told

    # And store1 sees its notice and acknowledges it with 3 units on hand
    notices = store.get("/api/v1/recall-notices/").json()["results"]
    assert [notice["store"] for notice in notices] == ["S001"]
    notice_url = f"/api/v1/recall-notices/{notices[0]['id']}/"
    response = store.post(f"{notice_url}acknowledge/", {"on_hand": 3}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["on_hand"]) == ("acknowledged", 3)
    assert qa.get(url).json()["state"] == "collecting"

    # And logs its 3 units in bulk with its return document number
    response = store.post(
        f"{notice_url}returns/",
        {"document_no": "TH-2026-0042", "lines": [{"color": "黑色", "size": "L", "quantity": 2},
                                                  {"color": "藏青", "size": "XL", "quantity": 1}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    returned = response.json()
    assert len(returned) == 3
    units = list(Return.objects.filter(recall_id=recall["id"]).order_by("id"))
    assert {(item.color, item.size, item.receipt_no, item.onsite_handling) for item in units} == {
        ("黑色", "L", "TH-2026-0042", "recall"),
        ("藏青", "XL", "TH-2026-0042", "recall"),
    }
    # logged at the store, not yet returned: a unit counts as returned once it reaches the center
    assert (store.get(notice_url).json()["logged"], store.get(notice_url).json()["returned"]) == (3, 0)

    # And they ride the weekly shipment to the center, which receives them (off the 15-day clock)
    ids = [item.pk for item in units]
    shipment = store.post(
        "/api/v1/shipments/", {"direction": "to_center", "store": "S001", "returns": ids}, format="json"
    ).json()
    assert store.post(f"/api/v1/shipments/{shipment['id']}/dispatch/", {}, format="json").status_code == 200
    tech_response = tech.post(f"/api/v1/shipments/{shipment['id']}/receive/", {"received": ids}, format="json")
    assert tech_response.status_code == 200
    assert set(Return.objects.filter(pk__in=ids).values_list("state", "due_at")) == {(ReturnState.RECEIVED, None)}
    assert (store.get(notice_url).json()["logged"], store.get(notice_url).json()["returned"]) == (3, 3)

    # And the center ships them to the supplier with tracking
    response = tech.post(f"{url}ship_to_supplier/", {"carrier": "德邦", "tracking_no": "DB123"}, format="json")
    assert response.status_code == 200, response.json()
    detail = response.json()
    assert (detail["state"], detail["supplier_tracking_no"]) == ("shipped_to_supplier", "DB123")
    assert sorted(unit["id"] for unit in detail["units"]) == sorted(ids)

    # Then closing before every unit's outcome is known is refused
    response = qa.post(f"{url}close/", {}, format="json")
    assert response.status_code == 400
    assert units[0].number in str(response.json())

    # When the outcomes come back: one repaired, one unrepairable, one our own fault (with accountability)
    outcome_url = f"{url}record_outcome/"
    assert (
        tech.post(outcome_url, {"returns": [ids[0]], "outcome": "repaired_by_factory"}, format="json").status_code
        == 200
    )
    assert tech.post(outcome_url, {"returns": [ids[1]], "outcome": "unrepairable"}, format="json").status_code == 200
    refused = tech.post(outcome_url, {"returns": [ids[2]], "outcome": "our_fault"}, format="json")
    assert refused.status_code == 400 and "note" in refused.json()
    response = tech.post(
        outcome_url, {"returns": [ids[2]], "outcome": "our_fault", "note": "仓库受潮, 仓管员负责"}, format="json"
    )
    assert response.status_code == 200

    # And QA closes the recall
    response = qa.post(f"{url}close/", {"note": "全部处理完毕"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "closed"

    # Then every step is in the recall's log, the system's start of collection included
    steps = list(
        TransitionLog.objects.for_object(Recall.objects.get(pk=recall["id"])).values_list(
            "transition", "actor__username"
        )
    )
    assert [name for name, _actor in steps] == [
        "open", "approve", "issue_notice", "start_collecting", "recall_returns", "ship_to_supplier",
        "record_outcome", "record_outcome", "record_outcome", "close",
    ]  # fmt: skip
    assert ("start_collecting", None) in steps
    # And the unrepairable unit is the supplier's cost this month, at the style's unit cost
    costs = list(recall_cost_units(current_period()))
    assert [(item.pk, item.amount) for item in costs] == [(ids[1], Decimal("268.00"))]
    # And the compliance view shows S001 answered in full
    compliance = qa.get(f"{url}compliance/").json()
    s001 = next(row for row in compliance["stores"] if row["store"] == "S001")
    assert (s001["state"], s001["on_hand"], s001["returned"], s001["late"]) == ("acknowledged", 3, 3, False)


# --- the permission matrix of every transition ---

OUTSIDERS_OF_A_PROPOSAL = {"store1": 404, "store2": 404, "region1": 404}  # no notice yet: the recall is not theirs


def expected_for(allowed: set[str], hidden: dict[str, int]) -> list[tuple[str | None, int]]:
    rows: list[tuple[str | None, int]] = [(None, 401)]
    for login in ALL_LOGINS:
        rows.append((login, 200 if login in allowed else hidden.get(login, 403)))
    return rows


TRANSITIONS = {
    # name: (state maker, body, who may, who cannot see it)
    "approve": (proposed, {"cost_bearer": "supplier", "return_method": "weekly_shipment"}, {"qa1"},
                OUTSIDERS_OF_A_PROPOSAL),
    "reject": (proposed, {"reason": "单店问题, 不构成批量"}, {"qa1"}, OUTSIDERS_OF_A_PROPOSAL),
    "issue_notice": (approved, {"regions": ["R01"]}, {"qa1"}, OUTSIDERS_OF_A_PROPOSAL),
    "ship_to_supplier": (lambda: collecting_with_units()[0], {"carrier": "德邦", "tracking_no": "DB1"}, {"tech1"},
                         {}),
    "close": (lambda: shipped(outcomes=True), {}, {"qa1"}, {}),
}  # fmt: skip


def recall_url(name):
    return lambda recall: f"/api/v1/recalls/{recall.pk}/{name}/"


def closed_after_outcomes() -> Recall:
    return recalls.recall_close(user=user("qa1"), recall=shipped(outcomes=True))


RECALL_MATRIX = [
    row
    for name, (make, body, allowed, hidden) in TRANSITIONS.items()
    for row in by_login(name, expected_for(allowed, hidden), arrange=make, url=recall_url(name), payload=body)
] + [
    # Each transition from a state it does not fire from is 409, for the role that may fire it
    Refusal(action=name, who=login, expected=409, arrange=make, url=recall_url(name), payload=body, case="wrong_state")
    for make, name, body, login in [
        (approved, "approve", {}, "qa1"),  # approve twice
        (proposed, "issue_notice", {}, "qa1"),  # notice before approval
        (issued, "reject", {"reason": "x"}, "qa1"),  # reject after the notice
        (proposed, "ship_to_supplier", {"carrier": "德邦", "tracking_no": "1"}, "tech1"),  # ship a proposal
        (issued, "close", {}, "qa1"),  # close while collecting
        (closed_after_outcomes, "record_outcome", {"returns": [1], "outcome": "unrepairable"}, "tech1"),  # closed
    ]
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(RECALL_MATRIX, snapshot=snapshot))
def test_transition_matrix(api_as, demo, row):
    # Given a recall in the transition's source state (or a wrong one), when a login (or nobody) fires it
    tried = attempt(row, api_as)
    # Then only the role the domain names may, from its source state, and every refusal changes nothing
    if not row.allowed:
        assert_refused(tried)


def notice_snapshot(notice: RecallNotice) -> tuple:
    notice.refresh_from_db()
    return (notice.state, notice.on_hand, notice.acknowledged_by_id, snapshot(Recall.objects.get(pk=notice.recall_id)))


ACKNOWLEDGE_MATRIX = by_login(
    "acknowledge",
    [(None, 401), ("store1", 200), ("store2", 404), ("store101", 404), ("region1", 403), ("tech1", 403),
     ("qa1", 403), ("supplier1", 403)],
    arrange=lambda: notice_of(issued(), "S001"),  # S001's notice
    url=lambda notice: f"/api/v1/recall-notices/{notice.pk}/acknowledge/",
    payload={"on_hand": 4},
)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(ACKNOWLEDGE_MATRIX, snapshot=notice_snapshot))
def test_acknowledge_matrix(api_as, demo, row):
    # Given S001's notice, when a login acknowledges it
    tried = attempt(row, api_as)
    notice = tried.subject
    # Then only S001's own staff may; for anyone else nothing changes
    notice.refresh_from_db()
    if row.allowed:
        assert (notice.state, notice.on_hand, notice.acknowledged_by.username) == ("acknowledged", 4, "store1")
        # A second acknowledgement is the wrong state
        again = api_as("store1").post(f"/api/v1/recall-notices/{notice.pk}/acknowledge/", {"on_hand": 9}, format="json")
        assert again.status_code == 409
        notice.refresh_from_db()
        assert notice.on_hand == 4
    else:
        assert_refused(tried)
        assert (notice.state, notice.on_hand) == (RecallNoticeState.NOTIFIED, None)
        assert Recall.objects.get(pk=notice.recall_id).state == RecallState.NOTICE_ISSUED


def acknowledged_notice() -> RecallNotice:
    notice = notice_of(issued(), "S001")
    recalls.recallnotice_acknowledge(user=user("store1"), notice=notice, on_hand=2)
    return notice


def recall_returns_snapshot(notice: RecallNotice) -> tuple:
    return Return.objects.filter(recall=notice.recall).count(), notice_snapshot(notice)


BULK_RETURNS_MATRIX = by_login(
    "recall_returns",
    [(None, 401), ("store1", 201), ("store2", 404), ("region1", 403), ("tech1", 403), ("qa1", 403)],
    arrange=acknowledged_notice,
    url=lambda notice: f"/api/v1/recall-notices/{notice.pk}/returns/",
    payload={"document_no": "TH9", "lines": [{"color": "黑色", "size": "M", "quantity": 2}]},
)


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(BULK_RETURNS_MATRIX, snapshot=recall_returns_snapshot))
def test_bulk_recall_returns_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
    assert Return.objects.filter(recall=tried.subject.recall).count() == (2 if row.allowed else 0)


OPEN_MATRIX = by_login(
    "open",
    [(None, 401), ("tech1", 201), ("qa1", 403), ("store1", 403), ("region1", 403), ("supplier1", 403),
     ("hotline1", 403)],
    arrange=lambda: None,
    url=lambda _: "/api/v1/recalls/",
    payload={"style": JACKET, "defect_code": "D04", "test_report": "测试"},
)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(OPEN_MATRIX, snapshot=lambda _: Recall.objects.count()))
def test_only_technicians_open_recalls(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
    assert Recall.objects.count() == (1 if row.allowed else 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "expected"),
    [(None, 401), ("tech1", 200), ("qa1", 200), ("store1", 403), ("region1", 403), ("supplier1", 403),
     ("finance1", 403)],
)  # fmt: skip
def test_recall_candidates_endpoint_is_for_technicians_and_qa(api_as, demo, login, expected):
    response = client_for(api_as, login).get("/api/v1/recall-candidates/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json() == {"next": None, "previous": None, "count": 0, "results": []}


@pytest.mark.django_db
def test_recall_candidates_endpoint_lists_the_returns_behind(api_as, demo):
    # Given five Returns of one style with D04 from three stores
    defect = DefectCode.objects.get(code="D04")
    for store_code, count in (("S001", 2), ("S002", 2), ("S101", 1)):
        staff = {"S001": "store1", "S002": "store2", "S101": "store101"}[store_code]
        services.return_log(
            user=user(staff),
            store=Store.objects.get(code=store_code),
            receipt_no="POS-1",
            purchase_date=timezone.localdate() - dt.timedelta(days=2),
            onsite_handling="exchange",
            units=[
                services.ReturnUnit(
                    style=Style.objects.get(style_no=JACKET), color="黑色", size="L", production_year=2025,
                    defect_description="拉链坏", reported_defect=defect,
                )
                for _ in range(count)
            ],
        )  # fmt: skip
    # When QA asks for candidates
    body = api_as("qa1").get("/api/v1/recall-candidates/").json()
    # Then the style and code are one, with its five Returns
    (candidate,) = body["results"]
    assert (candidate["style"], candidate["defect_code"], candidate["return_count"], candidate["store_count"]) == (
        JACKET, "D04", 5, 3,
    )  # fmt: skip
    assert len(candidate["returns"]) == 5
    # And a technician opening a recall from it links those Returns as what other stores reported
    created = (
        api_as("tech1")
        .post("/api/v1/recalls/", {"style": JACKET, "defect_code": "D04", "test_report": "复测不合格"}, format="json")
        .json()
    )
    assert len(created["reported_returns"]) == 5
    # And the candidate is gone while the recall is open
    assert api_as("qa1").get("/api/v1/recall-candidates/").json()["count"] == 0


# --- bad input ---


@pytest.mark.django_db
def test_a_past_deadline_is_refused_at_approval(api_as, demo):
    recall = proposed(deadline=None)
    before = snapshot(recall)
    response = api_as("qa1").post(
        f"/api/v1/recalls/{recall.pk}/approve/",
        {"deadline": in_days(-1).isoformat(), "return_method": "weekly_shipment", "handling_plan": "x",
         "cost_bearer": "supplier"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "deadline" in response.json()
    assert snapshot(recall) == before


@pytest.mark.django_db
def test_approval_needs_the_agreed_handling(api_as, demo):
    recall = proposed(deadline=None, handling_plan="")
    response = api_as("qa1").post(f"/api/v1/recalls/{recall.pk}/approve/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"deadline", "return_method", "handling_plan", "cost_bearer"}
    assert Recall.objects.get(pk=recall.pk).state == RecallState.PROPOSED


@pytest.mark.django_db
def test_rejection_needs_a_reason(api_as, demo):
    recall = proposed()
    response = api_as("qa1").post(f"/api/v1/recalls/{recall.pk}/reject/", {"reason": "  "}, format="json")
    assert response.status_code == 400
    assert Recall.objects.get(pk=recall.pk).state == RecallState.PROPOSED
    response = api_as("qa1").post(f"/api/v1/recalls/{recall.pk}/reject/", {"reason": "个例"}, format="json")
    assert (response.status_code, response.json()["rejection_reason"]) == (200, "个例")


def counter_return(recall_id, **overrides) -> dict:
    body = {
        "store": "S101",
        "style": JACKET,
        "color": "黑色",
        "size": "L",
        "production_year": 2025,
        "purchase_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "receipt_no": "POS-9",
        "defect_description": "拉链坏",
        "onsite_handling": "exchange",
        "recall": recall_id,
    }
    body.update(overrides)
    return body


@pytest.mark.django_db
def test_a_store_not_notified_cannot_return_against_the_recall(api_as, demo):
    # Given a recall notified to R01 only
    recall = issued()
    # When S101 (region R02) logs a Return against it
    response = api_as("store101").post("/api/v1/returns/", counter_return(recall.pk), format="json")
    # Then it is refused like an unknown recall, and nothing is logged
    assert response.status_code == 400
    assert "recall" in response.json()
    assert not Return.objects.exists()


@pytest.mark.django_db
def test_a_counter_return_against_the_recall_from_a_notified_store(api_as, demo):
    recall = issued()
    # A customer's unit of another style is refused; the recalled style is logged against the recall
    wrong = api_as("store1").post(
        "/api/v1/returns/", counter_return(recall.pk, store="S001", style="226101JK002"), format="json"
    )
    with translation.override(settings.LANGUAGE_CODE):
        another_style = gettext("Recall %(number)s is for another style.") % {"number": recall.number}
    assert wrong.status_code == 400 and another_style in str(wrong.json())
    right = api_as("store1").post("/api/v1/returns/", counter_return(recall.pk, store="S001"), format="json")
    assert right.status_code == 201, right.json()
    assert right.json()["recall"] == recall.pk
    assert Recall.objects.get(pk=recall.pk).state == RecallState.NOTICE_ISSUED


@pytest.mark.django_db
def test_no_recall_returns_once_the_recall_is_closed(api_as, demo):
    recall = recalls.recall_close(user=user("qa1"), recall=shipped(outcomes=True))
    before = Return.objects.count()
    notice = notice_of(recall, "S001")
    bulk = api_as("store1").post(
        f"/api/v1/recall-notices/{notice.pk}/returns/",
        {"document_no": "TH2", "lines": [{"color": "黑色", "size": "L", "quantity": 1}]},
        format="json",
    )
    counter = api_as("store1").post("/api/v1/returns/", counter_return(recall.pk, store="S001"), format="json")
    assert (bulk.status_code, counter.status_code) == (400, 400)
    assert "recall" in bulk.json() and "recall" in counter.json()
    assert Return.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("quantity", [-1, 0, "3", 1.5])
def test_a_quantity_must_be_a_whole_number_above_zero(api_as, demo, quantity):
    notice = notice_of(issued(), "S001")
    recalls.recallnotice_acknowledge(user=user("store1"), notice=notice, on_hand=5)
    response = api_as("store1").post(
        f"/api/v1/recall-notices/{notice.pk}/returns/",
        {"document_no": "TH3", "lines": [{"color": "黑色", "size": "L", "quantity": 2},
                                         {"color": "黑色", "size": "XL", "quantity": quantity}]},
        format="json",
    )  # fmt: skip
    if quantity == "3":  # a JSON string of digits is read as the number, as everywhere in the API
        assert response.status_code == 201
        return
    assert response.status_code == 400
    assert not Return.objects.exists()


@pytest.mark.django_db
def test_a_negative_on_hand_is_refused(api_as, demo):
    notice = notice_of(issued(), "S001")
    response = api_as("store1").post(f"/api/v1/recall-notices/{notice.pk}/acknowledge/", {"on_hand": -2}, format="json")
    assert response.status_code == 400
    notice.refresh_from_db()
    assert notice.state == RecallNoticeState.NOTIFIED


@pytest.mark.django_db
def test_a_deadline_in_the_past_is_refused_when_opening(api_as, demo):
    response = api_as("tech1").post(
        "/api/v1/recalls/",
        {"style": JACKET, "defect_code": "D04", "test_report": "x", "deadline": in_days(-3).isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "deadline" in response.json()


@pytest.mark.django_db
def test_shipping_needs_units_at_the_center(api_as, demo):
    # Given a recall whose stores have acknowledged but nothing has reached the center
    recall = issued()
    recalls.recallnotice_acknowledge(user=user("store1"), notice=notice_of(recall, "S001"), on_hand=0)
    before = snapshot(recall)
    response = api_as("tech1").post(
        f"/api/v1/recalls/{recall.pk}/ship_to_supplier/", {"carrier": "德邦", "tracking_no": "1"}, format="json"
    )
    assert response.status_code == 400 and "returns" in response.json()
    assert snapshot(recall) == before


@pytest.mark.django_db
def test_outcomes_only_for_units_of_the_recall(api_as, demo):
    recall = shipped()
    stranger = Return.objects.exclude(recall=recall).first() or services.return_log(
        user=user("store2"),
        store=Store.objects.get(code="S002"),
        receipt_no="P",
        purchase_date=timezone.localdate(),
        onsite_handling="exchange",
        units=[services.ReturnUnit(style=recall.style, color="黑", size="M", production_year=2025,
                                   defect_description="坏")],
    )[0]  # fmt: skip
    response = api_as("tech1").post(
        f"/api/v1/recalls/{recall.pk}/record_outcome/", {"returns": [stranger.pk], "outcome": "unrepairable"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert not RecallUnit.objects.exclude(outcome="").exists()


# --- reading ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "sees"),
    [("tech1", True), ("qa1", True), ("finance1", True), ("store1", True), ("region1", True), ("store101", False),
     ("supplier1", True)],
)  # fmt: skip
def test_who_sees_an_issued_recall(api_as, demo, login, sees):
    recall = issued()
    listed = [row["id"] for row in api_as(login).get("/api/v1/recalls/").json()["results"]]
    assert (recall.pk in listed) is sees
    assert api_as(login).get(f"/api/v1/recalls/{recall.pk}/").status_code == (200 if sees else 404)


@pytest.mark.django_db
def test_recall_and_notice_lists_cost_a_fixed_number_of_queries(api_as, demo, django_assert_max_num_queries):
    # Given several recalls, each notified to R01
    for code in ("D01", "D04", "D05"):
        recall = proposed(defect_code=DefectCode.objects.get(code=code))
        recall = recalls.recall_approve(user=user("qa1"), recall=recall, return_method="weekly_shipment",
                                        cost_bearer="supplier")  # fmt: skip
        recalls.recall_issue_notice(user=user("qa1"), recall=recall)
    qa, store = api_as("qa1"), api_as("store1")
    # Then each list costs the same few queries
    with django_assert_max_num_queries(8):
        assert len(qa.get("/api/v1/recalls/").json()["results"]) == 3
    with django_assert_max_num_queries(10):
        assert len(store.get("/api/v1/recall-notices/").json()["results"]) == 3
    with django_assert_max_num_queries(8):
        assert len(qa.get("/api/v1/recall-notices/?page_size=100").json()["results"]) == 3 * Store.objects.count()


# --- outcomes and test-report photos (writes that are not transitions) ---


def outcome_snapshot(recall: Recall) -> tuple:
    outcomes = tuple(RecallUnit.objects.filter(recall=recall).order_by("pk").values_list("outcome", flat=True))
    return snapshot(recall), outcomes


OUTCOME_MATRIX = by_login(
    "record_outcome",
    [(None, 401), ("tech1", 200), ("qa1", 403), ("store1", 403), ("store101", 404), ("supplier1", 403)],
    arrange=shipped,  # a recall at the supplier with its units
    url=recall_url("record_outcome"),
    # every unit recorded unrepairable
    payload=lambda recall: {"returns": list(recall.units.values_list("return_item_id", flat=True)),
                            "outcome": "unrepairable"},
)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(OUTCOME_MATRIX, snapshot=outcome_snapshot))
def test_record_outcome_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    # Then only a technician may; otherwise no outcome is recorded
    if not row.allowed:
        assert_refused(tried)
    recorded = set(RecallUnit.objects.filter(recall=tried.subject).values_list("outcome", flat=True))
    assert recorded == ({"unrepairable"} if row.allowed else {""})


@pytest.mark.django_db
def test_test_report_photos_are_attached_by_the_center_and_served_within_scope(api_as, demo, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    recall = issued()
    url = f"/api/v1/recalls/{recall.pk}/attachments/"
    # A store may not add to the test report; a text file is not a photo
    denied = api_as("store1").post(url, {"file": SimpleUploadedFile("a.png", png_bytes())}, format="multipart")
    assert denied.status_code == 403
    bad = api_as("tech1").post(url, {"file": SimpleUploadedFile("a.png", b"not an image")}, format="multipart")
    assert bad.status_code == 400
    # A technician attaches a photo
    created = api_as("tech1").post(url, {"file": SimpleUploadedFile("拉力测试.png", png_bytes())}, format="multipart")
    assert created.status_code == 201, created.content
    file_url = created.json()["url"]
    assert (
        api_as("qa1").get(f"/api/v1/recalls/{recall.pk}/").json()["attachments"][0]["original_name"] == "拉力测试.png"
    )
    # The file is served to those who see the recall, and is 404 for a store not notified
    assert api_as("store1").get(file_url).status_code == 200
    assert api_as("store101").get(file_url).status_code == 404
    assert APIClient().get(file_url).status_code == 401
