"""Batch recall 整款退货 rules below the API: the state machine against domain.md, compliance figures against a
hand-computed fixture, the recall cost for the supplier's chargeback, and the deadline reminders.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from aftersales.fsm import VIA, transitions_of
from aftersales.models import Alert, Notification
from aftersales.periods import parse_period
from cases.choices import ReturnState
from recalls import services as recalls
from recalls.choices import RecallCostBearer, RecallNoticeState, RecallOutcome, RecallState
from recalls.models import Recall
from recalls.selectors import recall_compliance, recall_cost_units
from recalls.tasks import recall_deadline_reminders_task
from stores.models import Store
from suppliers.models import Style
from tests.factories.cases import ReturnFactory
from tests.factories.recalls import RecallFactory, RecallNoticeFactory, RecallUnitFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

# domain.md "Batch recall": proposed → approved/rejected (qa_manager) → notice_issued → collecting →
# shipped_to_supplier → closed, with the contract's transition names.
EXPECTED_GRAPH = {
    ("approve", "proposed", "approved"),
    ("reject", "proposed", "rejected"),
    ("issue_notice", "approved", "notice_issued"),
    ("start_collecting", "notice_issued", "collecting"),
    ("ship_to_supplier", "notice_issued", "shipped_to_supplier"),
    ("ship_to_supplier", "collecting", "shipped_to_supplier"),
    ("close", "shipped_to_supplier", "closed"),
}
WHO = {
    "approve": {"qa1"},
    "reject": {"qa1"},
    "issue_notice": {"qa1"},
    "start_collecting": set(),  # the system, on a store's first answer
    "ship_to_supplier": {"tech1", "tech2"},
    "close": {"qa1"},
}
LOGINS = ["store1", "store2", "store101", "region1", "tech1", "tech2", "hotline1", "qa1", "logistics1", "vp1",
          "finance1", "supplier1", "admin"]  # fmt: skip


def test_the_recall_state_machine_is_the_domain_one():
    graph = {(name, str(item.source), str(item.target)) for name, items in transitions_of(Recall).items()
             for item in items}  # fmt: skip
    assert graph == EXPECTED_GRAPH
    assert set(RecallState.values) == {state for _name, source, target in graph for state in (source, target)} | {
        "proposed"
    }
    # The start of collection is the system's, so it is never offered to a person
    assert transitions_of(Recall)["start_collecting"][0].custom.get(VIA)


@pytest.mark.django_db
def test_who_may_fire_each_recall_transition(demo_user):
    for name, items in transitions_of(Recall).items():
        for item in items:
            recall = Recall(state=item.source)
            allowed = {login for login in LOGINS if item.has_perm(recall, demo_user(login))}
            assert allowed == WHO[name], name


# --- compliance 执行情况 ---


def notice(recall, store_code, *, on_hand=None, returned=0, in_transit=0, cancelled=0, other_recall_units=0):
    store = Store.objects.get(code=store_code)
    acknowledged = on_hand is not None
    row = RecallNoticeFactory(
        recall=recall,
        store=store,
        state=RecallNoticeState.ACKNOWLEDGED if acknowledged else RecallNoticeState.NOTIFIED,
        on_hand=on_hand,
        acknowledged_at=timezone.now() if acknowledged else None,
    )
    # Returned 已返还 means arrived at the center (received); in transit is only logged 已登记.
    for _ in range(returned):
        ReturnFactory(
            store=store, style=recall.style, recall=recall, state=ReturnState.RECEIVED, received_at=timezone.now()
        )
    for _ in range(in_transit):
        ReturnFactory(store=store, style=recall.style, recall=recall, state=ReturnState.IN_TRANSIT)
    for _ in range(cancelled):
        ReturnFactory(store=store, style=recall.style, recall=recall, state=ReturnState.CANCELLED)
    return row


@pytest.fixture
def compliance_fixture(demo):
    """Five stores notified, deadline yesterday:

    | store | region | acknowledged | on hand | logged | returned (arrived) | late | over |
    |-------|--------|--------------|---------|--------|--------------------|------|------|
    | S001  | R01    | yes          | 3       | 3      | 3                  | no   | no   |
    | S002  | R01    | yes          | 5       | 5      | 2 (+3 in transit)  | yes  | no   |
    | S003  | R01    | no           | –       | 0      | 0                  | yes  | no   |
    | S101  | R02    | yes          | 0       | 0      | 0                  | no   | no   |
    | S102  | R02    | yes          | 2       | 3      | 1 (+2 in transit, +1 cancelled) | yes | yes |
    R01: notified 3, acknowledged 2, on hand 8, logged 8, returned 5, late 2, over 0.
    R02: notified 2, acknowledged 2, on hand 2, logged 3, returned 1, late 1, over 1.
    Overall: 5, 4, 10, 11, 6, 3, 1.
    """
    recall = RecallFactory(
        style=Style.objects.get(style_no="226101JK001"),
        state=RecallState.COLLECTING,
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    notice(recall, "S001", on_hand=3, returned=3)
    notice(recall, "S002", on_hand=5, returned=2, in_transit=3)
    notice(recall, "S003")
    notice(recall, "S101", on_hand=0)
    notice(recall, "S102", on_hand=2, returned=1, in_transit=2, cancelled=1)
    # Another recall's units of the same store count for that recall only
    other = RecallFactory(style=recall.style, state=RecallState.COLLECTING)
    ReturnFactory(store=Store.objects.get(code="S001"), style=recall.style, recall=other)
    return recall


@pytest.mark.django_db
def test_compliance_figures_equal_the_hand_computed_table(compliance_fixture, django_assert_max_num_queries):
    # When the compliance view is read
    with django_assert_max_num_queries(3):
        figures = recall_compliance(compliance_fixture)
        rows = {row.store.code: (row.state == "acknowledged", row.on_hand, row.logged, row.returned, row.late,
                                 row.over_on_hand)
                for row in figures.stores}  # fmt: skip
    # Then per store, per region and overall it is the table in the fixture's docstring
    assert rows == {
        "S001": (True, 3, 3, 3, False, False),
        "S002": (True, 5, 5, 2, True, False),
        "S003": (False, None, 0, 0, True, False),
        "S101": (True, 0, 0, 0, False, False),
        "S102": (True, 2, 3, 1, True, True),
    }
    by_region = {row["region"]: (row["notified"], row["acknowledged"], row["on_hand"], row["logged"], row["returned"],
                                 row["late"], row["over_on_hand"])
                 for row in figures.regions}  # fmt: skip
    assert by_region == {"R01": (3, 2, 8, 8, 5, 2, 0), "R02": (2, 2, 2, 3, 1, 1, 1)}
    assert figures.totals == {"notified": 5, "acknowledged": 4, "on_hand": 10, "logged": 11, "returned": 6, "late": 3,
                              "over_on_hand": 1}  # fmt: skip


@pytest.mark.django_db
def test_nobody_is_late_before_the_deadline(compliance_fixture):
    # Given the same answers, read on the deadline's eve
    today = compliance_fixture.deadline - dt.timedelta(days=1)
    figures = recall_compliance(compliance_fixture, today=today)
    assert not any(row.late for row in figures.stores)
    assert figures.totals["late"] == 0


@pytest.mark.django_db
def test_a_region_manager_sees_the_region_only(compliance_fixture, demo_user):
    figures = recall_compliance(compliance_fixture, user=demo_user("region1"))
    assert {row.store.code for row in figures.stores} == {"S001", "S002", "S003"}
    assert figures.totals["notified"] == 3


@pytest.mark.django_db
def test_the_compliance_endpoint_returns_the_same_figures(compliance_fixture, api_as):
    body = api_as("qa1").get(f"/api/v1/recalls/{compliance_fixture.pk}/compliance/").json()
    assert body["totals"] == {"notified": 5, "acknowledged": 4, "on_hand": 10, "logged": 11, "returned": 6, "late": 3,
                              "over_on_hand": 1}  # fmt: skip
    assert [row["store"] for row in body["stores"] if row["late"]] == ["S002", "S003", "S102"]
    # store1 sees the recall it was notified of, but only its own line
    mine = api_as("store1").get(f"/api/v1/recalls/{compliance_fixture.pk}/compliance/").json()
    assert [row["store"] for row in mine["stores"]] == ["S001"]
    # And each notice carries the same late flag and returned count
    notices = api_as("qa1").get(f"/api/v1/recall-notices/?recall={compliance_fixture.pk}").json()["results"]
    assert {row["store"]: (row["returned"], row["late"]) for row in notices} == {
        "S001": (3, False), "S002": (2, True), "S003": (0, True), "S101": (0, False), "S102": (1, True),
    }  # fmt: skip


# --- the supplier's cost ---


@pytest.mark.django_db
def test_recall_cost_units_are_the_unrepairable_units_recorded_in_the_month(demo):
    # Given units whose outcomes were recorded on either side of a month's end (Shanghai time)
    style = Style.objects.get(style_no="226101JK001")  # unit cost 268.00
    recall = RecallFactory(style=style, state=RecallState.SHIPPED_TO_SUPPLIER)

    def unit(outcome, at):
        return RecallUnitFactory(recall=recall, outcome=outcome, outcome_recorded_at=at,
                                 outcome_note="note" if outcome == RecallOutcome.OUR_FAULT else "")  # fmt: skip

    inside = unit(RecallOutcome.UNREPAIRABLE, dt.datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI))
    unit(RecallOutcome.UNREPAIRABLE, dt.datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI))
    unit(RecallOutcome.REPAIRED_BY_FACTORY, dt.datetime(2026, 10, 15, tzinfo=SHANGHAI))
    unit(RecallOutcome.OUR_FAULT, dt.datetime(2026, 10, 15, tzinfo=SHANGHAI))
    unit(RecallOutcome.PENDING, None)
    # When October's recall cost is read
    costs = list(recall_cost_units(parse_period("2026-10")))
    # Then only the unit found unrepairable in October is charged, at the style's unit cost
    assert [(item.pk, item.amount, item.style.supplier.code) for item in costs] == [
        (inside.return_item_id, Decimal("268.00"), "SUP01")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cost_bearer", "charged"),
    [(RecallCostBearer.SUPPLIER, [Decimal("268.00")]), (RecallCostBearer.SHARED, [Decimal("134.00")]),
     (RecallCostBearer.HQ, [])],
)  # fmt: skip
def test_recall_cost_follows_who_bears_the_cost_as_agreed_at_approval(demo, cost_bearer, charged):
    # Given an unrepairable unit of a recall whose cost the supplier, both, or head office bear
    style = Style.objects.get(style_no="226101JK001")  # unit cost 268.00
    recall = RecallFactory(style=style, state=RecallState.SHIPPED_TO_SUPPLIER, cost_bearer=cost_bearer)
    RecallUnitFactory(
        recall=recall, outcome=RecallOutcome.UNREPAIRABLE, outcome_recorded_at=dt.datetime(2026, 10, 9, tzinfo=SHANGHAI)
    )
    # When October's recall cost is read / Then the supplier is charged in full, half, or not at all
    assert [item.amount for item in recall_cost_units(parse_period("2026-10"))] == charged


# --- deadline reminders ---


@pytest.mark.django_db
def test_deadline_reminders_go_once_per_level_to_stores_not_done(demo):
    # Given a recall due on 20 November, S001 done in full, S002 acknowledged but short, S101 silent
    deadline = dt.date(2026, 11, 20)
    recall = RecallFactory(
        style=Style.objects.get(style_no="226101JK001"), state=RecallState.COLLECTING, deadline=deadline
    )
    notice(recall, "S001", on_hand=1, returned=1)
    notice(recall, "S002", on_hand=4, returned=1)
    notice(recall, "S101")

    def run_on(day: int) -> dict:
        with time_machine.travel(dt.datetime(2026, 11, day, 9, 0, tzinfo=SHANGHAI), tick=False):
            return recall_deadline_reminders_task.delay().get()

    # When the daily task runs from five days before the deadline to after it, twice on the reminder days
    results = [run_on(day) for day in (15, 17, 17, 18, 19, 19, 21)]
    # Then S002 and S101 are reminded 3 days and 1 day before, once each; S001 never; nothing after
    assert [result["reminded"] for result in results] == [0, 2, 0, 0, 2, 0, 0]
    reminded = Notification.objects.filter(kind="recall_deadline").values_list("recipient__username", flat=True)
    assert sorted(reminded) == ["store101", "store101", "store2", "store2"]
    assert set(Alert.objects.filter(kind="recall_deadline").values_list("level", flat=True)) == {"3d", "1d"}


@pytest.mark.django_db
def test_a_late_issued_notice_is_reminded_once(demo):
    # Given a notice issued one day before its deadline
    recall = RecallFactory(
        style=Style.objects.get(style_no="226101JK001"), state=RecallState.NOTICE_ISSUED,
        deadline=timezone.localdate() + dt.timedelta(days=1),
    )  # fmt: skip
    notice(recall, "S001")
    # Then the 1-day reminder goes, and the 3-day one never follows
    assert recalls.recall_deadline_reminders() == 1
    assert recalls.recall_deadline_reminders() == 0
    assert list(Alert.objects.filter(kind="recall_deadline").values_list("level", flat=True)) == ["1d"]


@pytest.mark.django_db
def test_the_notice_goes_to_the_regions_qa_planned_when_none_are_given(demo, demo_user):
    # Given an approved recall whose regions QA planned at approval (R02)
    from stores.models import Region

    recall = RecallFactory(style=Style.objects.get(style_no="226101JK001"), state=RecallState.APPROVED)
    recall.regions.set([Region.objects.get(code="R02")])
    # When the notice is issued without naming regions
    recalls.recall_issue_notice(user=demo_user("qa1"), recall=recall)
    # Then exactly R02's active stores are notified, and their staff told
    notified = set(recall.notices.values_list("store__code", flat=True))
    assert notified == set(Store.objects.filter(region__code="R02", active=True).values_list("code", flat=True))
    assert Notification.objects.filter(kind="recall_notice", recipient__username="store101").exists()
    assert not Notification.objects.filter(kind="recall_notice", recipient__username="store1").exists()
