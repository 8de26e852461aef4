"""A recall's units follow their recall (issue 13; domain.md, Batch recall), over the API as other programs drive it.

At the recall's ``ship_to_supplier`` its received Returns go ``at_supplier``; an outcome ``repaired_by_factory``
brings a unit back (``receive_from_supplier``) and it goes to its own store on the normal shipment; ``unrepairable``
and ``our_fault`` make it ``scrap_pending`` for the write-off list (the supplier's, or head office's with the
accountability). Never the single-return queues, never the 15-day clock. Refusals change nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from aftersales.models import TransitionLog
from cases.models import Return
from recalls.choices import RecallOutcome
from recalls.models import Recall, RecallUnit
from tests.support.recalls import recall_at_supplier, recall_received, snapshot
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases
from writeoffs.models import WriteOffLine


def states(units) -> list[tuple[str, str]]:
    return list(
        Return.objects.filter(pk__in=[u.pk for u in units]).order_by("pk").values_list("state", "responsibility")
    )


@pytest.mark.django_db
def test_recall_units_go_round_to_their_store_and_to_the_write_off_list(api_as, demo):
    tech, qa, store = api_as("tech1"), api_as("qa1"), api_as("store1")
    # Given three recalled units of S001 received at the center
    recall, units = recall_received(count=3)
    ids = [unit.pk for unit in units]
    # Then they wait for their recall, not in the inspection queue, and inspecting one is refused with the reason
    assert tech.get(f"/api/v1/returns/{ids[0]}/").json()["available_transitions"] == []
    refused = tech.post(f"/api/v1/returns/{ids[0]}/inspect/", {"verdict": "repairable"}, format="json")
    assert refused.status_code == 400 and "recall" in str(refused.json())

    # When the center ships them to the supplier with the recall
    response = tech.post(f"/api/v1/recalls/{recall.pk}/ship_to_supplier/", {"carrier": "德邦", "tracking_no": "DB1"},
                         format="json")  # fmt: skip
    assert response.status_code == 200, response.json()
    # Then every unit is at the supplier, with no due date, and nothing to fire on it by hand
    for pk in ids:
        detail = tech.get(f"/api/v1/returns/{pk}/").json()
        assert (detail["state"], detail["due_at"], detail["available_transitions"]) == ("at_supplier", None, [])
    # And "back from the supplier" on the unit itself is refused while the recall has no outcome for it
    refused = tech.post(f"/api/v1/returns/{ids[0]}/receive_from_supplier/", {"note": ""}, format="json")
    assert refused.status_code == 400
    assert states(units)[0] == ("at_supplier", "")

    # When the outcomes come back: one repaired, one unrepairable, one our own fault with the accountability
    outcome_url = f"/api/v1/recalls/{recall.pk}/record_outcome/"
    for pk, outcome, note in [(ids[0], "repaired_by_factory", ""), (ids[1], "unrepairable", ""),
                              (ids[2], "our_fault", "仓库受潮, 仓管员负责")]:  # fmt: skip
        response = tech.post(outcome_url, {"returns": [pk], "outcome": outcome, "note": note}, format="json")
        assert response.status_code == 200, response.json()
    # Then the repaired unit waits to go back, the others wait for the write-off list (supplier's, head office's)
    assert states(units) == [("ready_to_return", ""), ("scrap_pending", "supplier"), ("scrap_pending", "hq")]
    # And an outcome is recorded once: the unit has moved on
    again = tech.post(outcome_url, {"returns": [ids[1]], "outcome": "repaired_by_factory"}, format="json")
    assert again.status_code == 400 and units[1].number in str(again.json())
    assert states(units)[1] == ("scrap_pending", "supplier")

    # When the center ships the repaired unit back to S001 and the store confirms it
    shipment = tech.post("/api/v1/shipments/", {"direction": "to_store", "store": "S001", "returns": [ids[0]],
                                                "carrier": "顺丰", "tracking_no": "SF2000000000001"},
                         format="json")  # fmt: skip
    assert shipment.status_code == 201, shipment.json()
    shipment_id = shipment.json()["id"]
    assert tech.post(f"/api/v1/shipments/{shipment_id}/dispatch/", {}, format="json").status_code == 200
    assert store.post(f"/api/v1/shipments/{shipment_id}/confirm_received/", {}, format="json").status_code == 200
    # Then it is back at its own store, no 15-day verdict on it
    back = store.get(f"/api/v1/returns/{ids[0]}/").json()
    assert (back["state"], back["due_at"]) == ("returned", None)

    # When the center builds this month's write-off list
    period = f"{timezone.localdate():%Y-%m}"
    response = tech.post("/api/v1/writeoff-lists/", {"period": period}, format="json")
    assert response.status_code in (200, 201), response.json()
    # Then both scrapped recall units are on it, each with its responsible party
    lines = WriteOffLine.objects.filter(writeoff_list_id=response.json()["id"], return_item__in=ids[1:])
    assert sorted(lines.values_list("return_item_id", "responsibility")) == [(ids[1], "supplier"), (ids[2], "hq")]

    # And QA closes the recall: every unit's outcome is known
    response = qa.post(f"/api/v1/recalls/{recall.pk}/close/", {"note": "全部处理完毕"}, format="json")
    assert response.status_code == 200, response.json()
    # And each unit's own history says it went with its recall, by whom
    logged = TransitionLog.objects.for_object(Return.objects.get(pk=ids[1])).values_list(
        "transition", "actor__username"
    )
    assert [step for step in logged if step[0] in ("ship_to_supplier", "scrap_at_supplier")] == [
        ("ship_to_supplier", "tech1"),
        ("scrap_at_supplier", "tech1"),
    ]


@pytest.mark.django_db
def test_the_return_page_says_the_turnaround_does_not_apply(client, demo_user, demo):
    # Given a recalled unit at the supplier
    _recall, (unit,) = recall_at_supplier()
    client.force_login(demo_user("tech1"))
    # Then its page says the 15-day clock is not its, and offers no button of its own
    page = client.get(reverse("cases:return_detail", args=[unit.pk])).content.decode()
    with translation.override("zh-hans"):
        said = gettext("A batch recall unit follows its recall: the 15-day turnaround does not apply.")
    assert said in page and "15" in said
    # And neither the inspection queue nor the supplier-rework queue lists it
    assert unit.number not in client.get(reverse("inspection:inspection_queue")).content.decode()
    assert unit.number not in client.get(reverse("cases:supplier_queue")).content.decode()


# --- the refusals of the recall units' transitions (fired on the Return or through its recall) ---


def received_recall_unit() -> Return:
    return recall_received()[1][0]


def unit_at_supplier() -> Return:
    return recall_at_supplier()[1][0]


def unit_snapshot(unit: Return) -> tuple:
    return snapshot(Recall.objects.get(pk=unit.recall_id))


def return_url(name):
    return lambda unit: f"/api/v1/returns/{unit.pk}/{name}/"


INSPECT = {"verdict": "unrepairable", "responsibility": "supplier"}
RECALL_UNIT_MATRIX = [
    # inspect: a recall unit is never inspected on its own
    Refusal("inspect", None, 401, received_recall_unit, return_url("inspect"), INSPECT, case="anonymous"),
    Refusal("inspect", "store1", 403, received_recall_unit, return_url("inspect"), INSPECT, case="wrong_role"),
    Refusal("inspect", "store2", 404, received_recall_unit, return_url("inspect"), INSPECT, case="other_store"),
    Refusal("inspect", "tech1", 409, unit_at_supplier, return_url("inspect"), INSPECT, case="wrong_state"),
    Refusal("inspect", "tech1", 400, received_recall_unit, return_url("inspect"), INSPECT, case="recall_unit"),
    # receive_from_supplier: a recall unit comes back by its recall's outcome
    Refusal("receive_from_supplier", None, 401, unit_at_supplier, return_url("receive_from_supplier"), {},
            case="anonymous"),
    Refusal("receive_from_supplier", "store1", 403, unit_at_supplier, return_url("receive_from_supplier"), {},
            case="wrong_role"),
    Refusal("receive_from_supplier", "store2", 404, unit_at_supplier, return_url("receive_from_supplier"), {},
            case="other_store"),
    Refusal("receive_from_supplier", "tech1", 409, received_recall_unit, return_url("receive_from_supplier"), {},
            case="wrong_state"),
    Refusal("receive_from_supplier", "tech1", 400, unit_at_supplier, return_url("receive_from_supplier"), {},
            case="no_outcome_yet"),
    # record_outcome moves the units: once per unit, refused for a unit that has one
    Refusal("record_outcome", "tech1", 400, lambda: _decided(),
            lambda unit: f"/api/v1/recalls/{unit.recall_id}/record_outcome/",
            lambda unit: {"returns": [unit.pk], "outcome": "unrepairable"}, case="already_recorded"),
]  # fmt: skip


def _decided() -> Return:
    from recalls import services as recalls
    from tests.support.recalls import _user

    unit = unit_at_supplier()
    recalls.recall_record_outcome(
        user=_user("tech1"), recall=unit.recall, return_ids=[unit.pk], outcome=RecallOutcome.REPAIRED_BY_FACTORY
    )
    return Return.objects.get(pk=unit.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(RECALL_UNIT_MATRIX, snapshot=unit_snapshot))
def test_recall_unit_refusals_change_nothing(api_as, demo, row):
    tried = attempt(row, api_as)
    assert_refused(tried)
    assert RecallUnit.objects.filter(return_item=tried.subject).count() <= 1


# --- units shipped before issue 13 ---


@pytest.mark.django_db
def test_the_migration_moves_units_left_received_where_their_outcome_says(demo):
    import importlib

    from django.apps import apps

    from tests.factories.recalls import RecallUnitFactory

    migration = importlib.import_module("recalls.migrations.0003_recall_units_follow_their_recall")
    # Given recalled units shipped to the supplier before issue 13, still "received" at the center
    left = {"return_item__state": "received"}
    pending = RecallUnitFactory(recall__shipped_at=timezone.now() - dt.timedelta(days=5), **left)
    repaired = RecallUnitFactory(recall=pending.recall, outcome="repaired_by_factory",
                                 outcome_recorded_at=timezone.now(), **left)  # fmt: skip
    scrapped = RecallUnitFactory(recall=pending.recall, outcome="unrepairable", outcome_recorded_at=timezone.now(),
                                 **left)  # fmt: skip
    ours = RecallUnitFactory(recall=pending.recall, outcome="our_fault", outcome_note="仓库受潮",
                             outcome_recorded_at=timezone.now(), **left)  # fmt: skip
    inspected = RecallUnitFactory(recall=pending.recall, return_item__state="scrap_pending")

    # When the migration runs
    migration.move_units(apps, None)

    # Then each is where the services would have put it, each step logged; an inspected one is left alone
    moved = {
        unit: Return.objects.get(pk=unit.return_item_id) for unit in (pending, repaired, scrapped, ours, inspected)
    }
    assert [(item.state, item.responsibility) for item in moved.values()] == [
        ("at_supplier", ""), ("ready_to_return", ""), ("scrap_pending", "supplier"), ("scrap_pending", "hq"),
        ("scrap_pending", ""),
    ]  # fmt: skip
    steps = TransitionLog.objects.for_object(moved[scrapped]).values_list("transition", "actor")
    assert list(steps) == [("ship_to_supplier", None), ("scrap_at_supplier", None)]
    assert moved[scrapped].inspected_at is not None and moved[scrapped].verdict == "unrepairable"


@pytest.mark.django_db
def test_a_list_of_recall_units_at_the_supplier_costs_the_same_few_queries(api_as, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Given a recall's units at the supplier
    recall_at_supplier(count=4)
    client = api_as("tech1")
    # When the returns list is read at 1 and at 4 rows a page
    counts = []
    for size in (1, 4):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/returns/?state=at_supplier&page_size={size}")
        assert len(response.json()["results"]) == size
        assert response.json()["results"][0]["available_transitions"] == []
        counts.append(len(queries))
    # Then both cost the same: whether a unit may come back is not asked row by row
    assert counts[0] == counts[1], counts
