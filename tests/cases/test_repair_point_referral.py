"""Referral to a repair point 转维修点 (seed 000, 三 2.2; issue 13): for a simple fix the service center sends a
received unit to its own store or an authorized repair point 特约维修点 for a local repair, and that store resolves
it (``resolve_at_store``).

domain.md's table names no transition for this; the smallest thing consistent with it: the state ``referred``,
reached by ``refer_to_repair_point`` (technician, from ``received``), left by ``resolve_at_store`` (the repair
point's staff) to ``resolved_at_store``. Matrices for both, over the API; the page; the repair point's scope.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.fsm import TransitionForbidden
from aftersales.models import Notification, TransitionLog
from aftersales.roles import Role
from cases.choices import ReturnState
from cases.services import return_refer_to_repair_point, return_resolve_at_store
from repairs import services as repair_services
from repairs.models import PartStock, SparePart
from stores.models import Store
from tests.factories.stores import UserFactory
from tests.support.recalls import recall_received
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases, standard_matrix
from tests.support.returns import fresh, return_in, user

REPAIR_POINT = "S004"  # 苏州观前特约维修点, an authorized repair point of region R01 in the demo


def repair_point_staff():
    """point4: store staff of the demo's repair point S004 (the demo has no login there)."""
    return UserFactory(username="point4", roles=[Role.STORE_STAFF], stores=[Store.objects.get(code=REPAIR_POINT)])


def snapshot(item) -> tuple:
    row = fresh(item)
    return (
        row.state,
        row.repair_point_id,
        row.referral_note,
        row.referred_at,
        TransitionLog.objects.count(),
        Notification.objects.count(),
    )


def refer_url(item) -> str:
    return f"/api/v1/returns/{item.pk}/refer_to_repair_point/"


def resolve_url(item) -> str:
    return f"/api/v1/returns/{item.pk}/resolve_at_store/"


REFER = {"repair_point": REPAIR_POINT, "note": "钉扣, 锁边"}


def received_unit():
    repair_point_staff()
    return return_in(ReturnState.RECEIVED)


REFER_TABLE = standard_matrix(
    "refer_to_repair_point",
    arrange=received_unit,
    arrange_wrong_state=lambda: return_in(ReturnState.LOGGED),
    url=refer_url,
    payload=REFER,
    allowed="tech1",
    wrong_role="store1",
) + [
    Refusal(action="refer_to_repair_point", case="wrong_role", who="qa1", expected=403,
            arrange=received_unit, url=refer_url, payload=REFER),
    # Only the unit's own store or an authorized repair point: S002 is neither for S001's unit.
    Refusal(action="refer_to_repair_point", case="not_a_repair_point", who="tech1", expected=400,
            arrange=received_unit, url=refer_url, payload={**REFER, "repair_point": "S002"}),
    Refusal(action="refer_to_repair_point", case="unknown_store", who="tech1", expected=400,
            arrange=received_unit, url=refer_url, payload={**REFER, "repair_point": "NOPE"}),
    Refusal(action="refer_to_repair_point", case="blank_note", who="tech1", expected=400,
            arrange=received_unit, url=refer_url, payload={**REFER, "note": "  "}),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(REFER_TABLE, snapshot=snapshot))
def test_refer_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
        if row.expected == 400:
            field = "note" if row.case == "blank_note" else "repair_point"
            assert field in tried.response.json()
        return
    item = fresh(tried.subject)
    body = tried.response.json()
    # Then the unit is referred to the repair point, with what to repair, and the move is logged
    assert (body["state"], body["repair_point"], body["referral_note"]) == ("referred", REPAIR_POINT, "钉扣, 锁边")
    assert item.state == ReturnState.REFERRED and item.referred_at is not None
    log = TransitionLog.objects.for_object(item).get(transition="refer_to_repair_point")
    assert (log.actor.username, log.source_state, log.target_state) == ("tech1", "received", "referred")
    assert log.payload["repair_point"] == REPAIR_POINT
    # And the repair point's staff are told; the center's 15-day clock stopped at the referral
    assert Notification.objects.filter(kind="referral", recipient__username="point4").count() == 1
    assert item.due_status() is None and item.clock_stopped_at == item.referred_at


def referred_unit(to: str = REPAIR_POINT):
    repair_point_staff()
    item = return_in(ReturnState.RECEIVED)
    return return_refer_to_repair_point(
        user=user("tech1"), return_item=item, repair_point=Store.objects.get(code=to), note="钉扣"
    )


def resolved_referral():
    item = referred_unit()
    return return_resolve_at_store(user=user("point4"), return_item=item, note="已钉扣")


RESOLVE_TABLE = [
    Refusal(action="resolve_referred", case="anonymous", who=None, expected=401,
            arrange=referred_unit, url=resolve_url, payload={"note": "已钉扣"}),
    Refusal(action="resolve_referred", case="wrong_role", who="tech1", expected=403,
            arrange=referred_unit, url=resolve_url, payload={"note": "已钉扣"}),
    # The unit's own store sees it but was not referred it: the repair point resolves it.
    Refusal(action="resolve_referred", case="not_the_repair_point", who="store1", expected=403,
            arrange=referred_unit, url=resolve_url, payload={"note": "已钉扣"}),
    Refusal(action="resolve_referred", case="other_store", who="store2", expected=404,
            arrange=referred_unit, url=resolve_url, payload={"note": "已钉扣"}),
    Refusal(action="resolve_referred", case="wrong_state", who="point4", expected=409,
            arrange=resolved_referral, url=resolve_url, payload={"note": "已钉扣"}),
    Refusal(action="resolve_referred", case="allowed", who="point4", expected=200,
            arrange=referred_unit, url=resolve_url, payload={"note": "已钉扣"}),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(RESOLVE_TABLE, snapshot=snapshot))
def test_resolve_at_the_repair_point_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
        return
    item = fresh(tried.subject)
    assert item.state == ReturnState.RESOLVED_AT_STORE
    log = TransitionLog.objects.for_object(item).get(transition="resolve_at_store")
    assert (log.actor.username, log.source_state) == ("point4", "referred")


@pytest.mark.django_db
def test_the_repair_point_sees_only_what_was_referred_to_it(api_as, demo):
    referred = referred_unit()
    other = return_in(ReturnState.RECEIVED)
    rows = {row["id"] for row in api_as("point4").get("/api/v1/returns/").json()["results"]}
    assert referred.pk in rows and other.pk not in rows
    assert api_as("point4").get(f"/api/v1/returns/{other.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_recall_unit_is_never_referred(api_as, demo):
    repair_point_staff()
    _recall, units = recall_received()
    before = snapshot(units[0])
    response = api_as("tech1").post(refer_url(units[0]), REFER, format="json")
    assert response.status_code == 400
    assert snapshot(units[0]) == before


@pytest.mark.django_db
def test_referred_back_to_its_own_store_the_store_resolves_it(api_as, demo):
    item = referred_unit(to="S001")
    assert "resolve_at_store" in api_as("store1").get(f"/api/v1/returns/{item.pk}/").json()["available_transitions"]
    response = api_as("store1").post(resolve_url(item), {"note": "本店已修"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "resolved_at_store"


@pytest.mark.django_db
def test_the_return_page_refers_and_the_repair_point_resolves(browser_as, demo):
    repair_point_staff()
    item = return_in(ReturnState.RECEIVED)
    action = reverse("cases:return_transition", args=[item.pk, "refer_to_repair_point"])
    page = reverse("cases:return_detail", args=[item.pk])
    tech = browser_as("tech1")
    assert action in tech.get(page).content.decode()
    # A blank note comes back with the field's message, nothing changed
    point = Store.objects.get(code=REPAIR_POINT)
    refused = tech.post(action, {"repair_point": point.pk, "note": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and fresh(item).state == ReturnState.RECEIVED
    response = tech.post(action, {"repair_point": point.pk, "note": "钉扣"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and fresh(item).state == ReturnState.REFERRED
    assert point.name in response.content.decode()
    # The repair point's staff resolve it from the same page
    client = browser_as("point4")
    resolve = reverse("cases:return_transition", args=[item.pk, "resolve_at_store"])
    assert resolve in client.get(page).content.decode()
    assert client.post(resolve, {"note": "已钉扣"}, HTTP_HX_REQUEST="true").status_code == 200
    assert fresh(item).state == ReturnState.RESOLVED_AT_STORE


def test_the_repair_point_uses_its_own_stock_on_a_referred_unit(demo):
    # given a unit referred to S004, which holds three zips
    item = referred_unit()
    zip_part = SparePart.objects.get(part_no="P-ZIP-5")
    repair_services.stock_transfer(
        user=user("tech1"), store=Store.objects.get(code=REPAIR_POINT), parts=[(zip_part, 3)]
    )
    # then the unit's own store may not record parts on it; the repair point's staff may, from S004's stock
    with pytest.raises(TransitionForbidden):
        repair_services.stock_use_at_store(user=user("store1"), return_item=fresh(item), parts=[(zip_part, 1)])
    (move,) = repair_services.stock_use_at_store(user=user("point4"), return_item=fresh(item), parts=[(zip_part, 2)])
    assert (move.store.code, move.quantity, move.return_item_id) == (REPAIR_POINT, -2, item.pk)
    assert PartStock.objects.get(part=zip_part, store__code=REPAIR_POINT).quantity == 1
