"""Recalled units that reach the center after the recall shipped (issue 13): the center ships them to the supplier
in a parcel of their own, as the recall's ``ship_to_supplier`` moved the first ones: each becomes a recalled unit
awaiting its outcome and goes ``at_supplier`` (logged). Page and API; the refusal matrix changes nothing.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from aftersales.models import TransitionLog
from cases import services as cases_services
from cases.choices import ShipmentDirection
from cases.models import Return
from recalls import services as recalls
from recalls.choices import RecallOutcome, RecallState
from recalls.models import Recall, RecallNotice, RecallUnit
from tests.support.recalls import recall_at_supplier, recall_received, snapshot
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases


def _user(username):
    return get_user_model().objects.get(username=username)


def late_unit_in_transit(recall: Recall) -> Return:
    """S002 answers the notice and dispatches its unit on its weekly parcel (not received yet)."""
    notice = RecallNotice.objects.get(recall=recall, store__code="S002")
    recalls.recallnotice_acknowledge(user=_user("store2"), notice=notice, on_hand=1)
    units = recalls.recall_returns_log(
        notice=notice, user=_user("store2"), lines=[{"color": "黑色", "size": "M", "quantity": 1}], document_no="TH-S2"
    )
    shipment = cases_services.shipment_create(
        user=_user("store2"), direction=ShipmentDirection.TO_CENTER, store=notice.store, return_ids=[units[0].pk]
    )
    cases_services.shipment_dispatch(
        user=_user("store2"), shipment=shipment, carrier="顺丰", tracking_no="SF1000000000002"
    )
    return units[0]


def receive(item: Return) -> Return:
    shipment = item.shipments.get()
    cases_services.shipment_receive(user=_user("tech1"), shipment=shipment, received_ids=[item.pk])
    return Return.objects.get(pk=item.pk)


def shipped_with_a_late_unit() -> Recall:
    """S001's unit went with the recall to the supplier; S002's arrived at the center afterwards (``received``)."""
    recall, _units = recall_received()
    late = late_unit_in_transit(recall)
    recall = recalls.recall_ship_to_supplier(user=_user("tech1"), recall=recall, carrier="德邦", tracking_no="DB9")
    receive(late)
    return recall


def collecting_with_a_unit_at_center() -> Recall:
    recall, _units = recall_received()
    return recall


def url(recall: Recall) -> str:
    return f"/api/v1/recalls/{recall.pk}/ship_late_units/"


PAYLOAD = {"carrier": "德邦", "tracking_no": "DB10"}
TABLE = [
    Refusal(action="ship_late_units", case="anonymous", who=None, expected=401,
            arrange=shipped_with_a_late_unit, url=url, payload=PAYLOAD),
    Refusal(action="ship_late_units", case="wrong_role", who="store2", expected=403,
            arrange=shipped_with_a_late_unit, url=url, payload=PAYLOAD),
    Refusal(action="ship_late_units", case="wrong_role", who="qa1", expected=403,
            arrange=shipped_with_a_late_unit, url=url, payload=PAYLOAD),
    # S101 (region R02) was never notified of the recall: it does not exist for that store.
    Refusal(action="ship_late_units", case="other_store", who="store101", expected=404,
            arrange=shipped_with_a_late_unit, url=url, payload=PAYLOAD),
    # Before the recall shipped, its units go with the recall's own shipment.
    Refusal(action="ship_late_units", case="wrong_state", who="tech1", expected=409,
            arrange=collecting_with_a_unit_at_center, url=url, payload=PAYLOAD),
    Refusal(action="ship_late_units", case="nothing_late", who="tech1", expected=400,
            arrange=lambda: recall_at_supplier()[0], url=url, payload=PAYLOAD),
    Refusal(action="ship_late_units", case="no_tracking", who="tech1", expected=400,
            arrange=shipped_with_a_late_unit, url=url, payload={"carrier": "德邦", "tracking_no": " "}),
    Refusal(action="ship_late_units", case="allowed", who="tech1", expected=200,
            arrange=shipped_with_a_late_unit, url=url, payload=PAYLOAD),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(TABLE, snapshot=snapshot))
def test_ship_late_units_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
        return
    recall = tried.subject
    late = Return.objects.get(recall=recall, store__code="S002")
    # Then the late unit went the way the first ones did: at the supplier, a recalled unit awaiting its outcome
    assert late.state == "at_supplier"
    assert RecallUnit.objects.get(return_item=late).outcome == RecallOutcome.PENDING
    assert tried.response.json()["state"] == RecallState.SHIPPED_TO_SUPPLIER
    # And the move is logged on the unit (ship_to_supplier) and the parcel on the recall
    assert (
        TransitionLog.objects.for_object(late).filter(transition="ship_to_supplier", actor__username="tech1").exists()
    )
    parcel = TransitionLog.objects.for_object(recall).get(transition="ship_late_units")
    assert parcel.payload == {"carrier": "德邦", "tracking_no": "DB10", "returns": [late.number]}
    # And the recall's first shipment is as it was
    recall.refresh_from_db()
    assert recall.supplier_tracking_no == "DB9"


@pytest.mark.django_db
def test_the_late_unit_then_gets_its_outcome_and_the_recall_closes(api_as, demo):
    tech = api_as("tech1")
    recall = shipped_with_a_late_unit()
    late = Return.objects.get(recall=recall, store__code="S002")
    # Given a late unit at the center, the recall cannot close
    assert api_as("qa1").post(f"/api/v1/recalls/{recall.pk}/close/", {"note": ""}, format="json").status_code == 400
    # When it is shipped late and both units come back repaired
    assert tech.post(url(recall), PAYLOAD, format="json").status_code == 200
    ids = list(Return.objects.filter(recall=recall).values_list("pk", flat=True))
    answer = tech.post(f"/api/v1/recalls/{recall.pk}/record_outcome/",
                       {"returns": ids, "outcome": "repaired_by_factory"}, format="json")  # fmt: skip
    assert answer.status_code == 200, answer.json()
    # Then both wait to go back to their own stores, and QA closes the recall
    assert Return.objects.get(pk=late.pk).state == "ready_to_return"
    assert api_as("qa1").post(f"/api/v1/recalls/{recall.pk}/close/", {"note": ""}, format="json").status_code == 200


@pytest.mark.django_db
def test_the_recall_page_offers_the_late_units_to_the_center(browser_as, demo):
    recall = shipped_with_a_late_unit()
    page_url = reverse("recalls:recall_detail", args=[recall.pk])
    action_url = reverse("recalls:recall_transition", args=[recall.pk, "ship_late_units"])
    # The technician sees the action; QA does not
    assert action_url in browser_as("tech1").get(page_url).content.decode()
    assert action_url not in browser_as("qa1").get(page_url).content.decode()
    # A blank tracking number comes back with the field's message, nothing shipped
    client = browser_as("tech1")
    refused = client.post(action_url, {"carrier": "德邦", "tracking_no": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    assert Return.objects.get(recall=recall, store__code="S002").state == "received"
    # When the technician ships them
    response = client.post(action_url, {"carrier": "德邦", "tracking_no": "DB10"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    # Then the unit is at the supplier and the action is gone (nothing late any more)
    assert Return.objects.get(recall=recall, store__code="S002").state == "at_supplier"
    assert action_url not in client.get(page_url).content.decode()
