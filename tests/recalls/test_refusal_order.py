"""Recall actions that are not transitions refuse in ``fire``'s order: wrong state 409, then wrong role 403, then
bad input 400 — in the services, over the API and on the pages — and a refusal changes nothing.

The regions QA plans, the test-report photos, the supplier's outcomes and a store's on-hand correction used to ask
who the user is before the state, so the wrong person got 403 where the record could not change at all (409).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.models import TransitionLog
from recalls import services as recalls
from recalls.choices import RecallNoticeState, RecallOutcome, RecallState
from recalls.models import Recall, RecallNotice, RecallUnit
from stores.models import Region, Store
from suppliers.models import DefectCode, Style
from tests.factories.recalls import RecallFactory, RecallNoticeFactory, RecallUnitFactory
from tests.support.files import png_bytes
from tests.support.recalls import snapshot

pytestmark = pytest.mark.django_db


def recall_in(state: str, **fields) -> Recall:
    fields.setdefault("style", Style.objects.get(style_no="226101JK001"))
    fields.setdefault("defect_code", DefectCode.objects.filter(active=True).order_by("code").first())
    return RecallFactory(state=state, **fields)


def acknowledged_notice(recall: Recall, on_hand: int = 3) -> RecallNotice:
    return RecallNoticeFactory(
        recall=recall,
        store=Store.objects.get(code="S001"),
        state=RecallNoticeState.ACKNOWLEDGED,
        on_hand=on_hand,
        acknowledged_at=timezone.now(),
    )


def refused(call, error) -> None:
    with pytest.raises(error):
        call()


# --- the services ---


def test_planning_regions_is_refused_by_state_before_role(demo_user):
    region = Region.objects.get(code="R01")
    collecting, proposed = recall_in(RecallState.COLLECTING), recall_in(RecallState.PROPOSED)
    before = snapshot(collecting), snapshot(proposed)
    # Given a technician choosing the regions (QA's to choose) of a recall already collecting: 409, the state first
    refused(
        lambda: recalls.recall_regions_plan(user=demo_user("tech1"), recall=collecting, regions=[region]),
        TransitionStateConflict,
    )
    # And of a proposed recall, whose regions may still be chosen: 403
    refused(
        lambda: recalls.recall_regions_plan(user=demo_user("tech1"), recall=proposed, regions=[region]),
        TransitionForbidden,
    )
    # Then neither changed anything
    assert (snapshot(collecting), snapshot(proposed)) == before


def test_recording_outcomes_is_refused_by_state_before_role(demo_user):
    collecting = recall_in(RecallState.COLLECTING)
    shipped = recall_in(RecallState.SHIPPED_TO_SUPPLIER)
    unit = RecallUnitFactory(recall=shipped, return_item__store=Store.objects.get(code="S001"))
    before = snapshot(collecting), snapshot(shipped)
    # QA (technicians record outcomes) on a recall not at the supplier: 409; at the supplier: 403
    refused(
        lambda: recalls.recall_record_outcome(
            user=demo_user("qa1"), recall=collecting, return_ids=[unit.return_item_id], outcome="unrepairable"
        ),
        TransitionStateConflict,
    )
    refused(
        lambda: recalls.recall_record_outcome(
            user=demo_user("qa1"), recall=shipped, return_ids=[unit.return_item_id], outcome="unrepairable"
        ),
        TransitionForbidden,
    )
    assert (snapshot(collecting), snapshot(shipped)) == before
    # And the technician records it
    recalls.recall_record_outcome(
        user=demo_user("tech1"), recall=shipped, return_ids=[unit.return_item_id], outcome=RecallOutcome.UNREPAIRABLE
    )
    assert RecallUnit.objects.get(pk=unit.pk).outcome == RecallOutcome.UNREPAIRABLE


def test_test_report_photos_are_refused_by_state_before_role(demo_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    closed, issued = recall_in(RecallState.CLOSED), recall_in(RecallState.NOTICE_ISSUED)
    before = snapshot(closed), snapshot(issued)
    # A store (technicians and QA add photos) on a closed recall, whose report is final: 409; on an open one: 403
    refused(
        lambda: recalls.recall_attachment_add(
            user=demo_user("store1"), recall=closed, name="a.png", content=png_bytes()
        ),
        TransitionStateConflict,
    )
    refused(
        lambda: recalls.recall_attachment_add(
            user=demo_user("store1"), recall=issued, name="a.png", content=png_bytes()
        ),
        TransitionForbidden,
    )
    assert (snapshot(closed), snapshot(issued)) == before


def test_correcting_on_hand_is_refused_by_state_before_role(demo_user):
    pending = RecallNoticeFactory(
        recall=recall_in(RecallState.COLLECTING), store=Store.objects.get(code="S001"), state=RecallNoticeState.NOTIFIED
    )
    closed_recall = recall_in(RecallState.CLOSED)
    of_closed = acknowledged_notice(closed_recall)
    open_recall = recall_in(RecallState.COLLECTING)
    acknowledged = acknowledged_notice(open_recall)
    before = [snapshot(notice.recall) for notice in (pending, of_closed, acknowledged)]
    tech1 = demo_user("tech1")
    # A technician (the store's staff correct) on a notice not acknowledged yet: 409
    refused(
        lambda: recalls.recallnotice_correct_on_hand(user=tech1, notice=pending, on_hand=5, reason="盘点"),
        TransitionStateConflict,
    )
    # On an acknowledged notice whose recall is closed: still 409, the recall's state before the role
    refused(
        lambda: recalls.recallnotice_correct_on_hand(user=tech1, notice=of_closed, on_hand=5, reason="盘点"),
        TransitionStateConflict,
    )
    # On an acknowledged notice of a collecting recall: 403
    refused(
        lambda: recalls.recallnotice_correct_on_hand(user=tech1, notice=acknowledged, on_hand=5, reason="盘点"),
        TransitionForbidden,
    )
    # And the store's own staff with a bad figure: 400
    with pytest.raises(ValidationError) as bad:
        recalls.recallnotice_correct_on_hand(user=demo_user("store1"), notice=acknowledged, on_hand=-1, reason="")
    assert set(bad.value.message_dict) == {"on_hand", "reason"}
    assert [snapshot(notice.recall) for notice in (pending, of_closed, acknowledged)] == before


def test_acknowledging_the_notice_of_a_closed_recall_is_a_conflict_for_anyone(demo_user):
    # Given a notice still waiting for the store, whose recall has closed meanwhile
    notice = RecallNoticeFactory(
        recall=recall_in(RecallState.CLOSED), store=Store.objects.get(code="S001"), state=RecallNoticeState.NOTIFIED
    )
    before = snapshot(notice.recall)
    # When a technician (not the store) acknowledges it: 409 (the recall's state), not 403
    refused(
        lambda: recalls.recallnotice_acknowledge(user=demo_user("tech1"), notice=notice, on_hand=2),
        TransitionStateConflict,
    )
    # And the store itself: 409 as well
    refused(
        lambda: recalls.recallnotice_acknowledge(user=demo_user("store1"), notice=notice, on_hand=2),
        TransitionStateConflict,
    )
    assert snapshot(notice.recall) == before


# --- the API: bad input from the wrong person in the wrong state ---


def test_the_api_answers_state_then_role_then_input_for_outcomes(api_as):
    collecting = recall_in(RecallState.COLLECTING)
    shipped = recall_in(RecallState.SHIPPED_TO_SUPPLIER)
    RecallUnitFactory(recall=shipped, return_item__store=Store.objects.get(code="S001"))
    before = snapshot(collecting), snapshot(shipped)
    bad = {"returns": "not a list", "outcome": "nonsense"}

    def post(login, recall):
        return api_as(login).post(f"/api/v1/recalls/{recall.pk}/record_outcome/", bad, format="json")

    assert post("qa1", collecting).status_code == 409
    assert post("qa1", shipped).status_code == 403
    assert post("tech1", shipped).status_code == 400
    assert (snapshot(collecting), snapshot(shipped)) == before


def test_the_api_answers_state_then_role_for_test_report_photos(api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    closed, issued = recall_in(RecallState.CLOSED), recall_in(RecallState.NOTICE_ISSUED)
    for recall in (closed, issued):
        # S001 was notified of both, so its staff see them (another store would get 404)
        acknowledged_notice(recall)
    before = snapshot(closed), snapshot(issued)

    def post(login, recall, content):
        upload = SimpleUploadedFile("a.png", content)
        return api_as(login).post(f"/api/v1/recalls/{recall.pk}/attachments/", {"file": upload}, format="multipart")

    # A store posting a photo to a closed recall: 409 (was 403, the role first); to an open one: 403
    assert post("store1", closed, png_bytes()).status_code == 409
    assert post("store1", issued, png_bytes()).status_code == 403
    # A technician posting no file at all to a closed recall: 409 before the bad input; to an open one: 400
    assert api_as("tech1").post(f"/api/v1/recalls/{closed.pk}/attachments/", {}, format="multipart").status_code == 409
    assert api_as("tech1").post(f"/api/v1/recalls/{issued.pk}/attachments/", {}, format="multipart").status_code == 400
    assert (snapshot(closed), snapshot(issued)) == before


def test_the_api_answers_state_then_role_for_on_hand_corrections(api_as):
    closed_recall = recall_in(RecallState.CLOSED)
    of_closed = acknowledged_notice(closed_recall)
    acknowledged = acknowledged_notice(recall_in(RecallState.COLLECTING))
    before = snapshot(closed_recall), snapshot(acknowledged.recall)

    def post(login, notice, data):
        return api_as(login).post(f"/api/v1/recall-notices/{notice.pk}/correct_on_hand/", data, format="json")

    # A technician (the store's staff correct the figure), then the store's staff with a bad figure
    assert post("tech1", of_closed, {"on_hand": 5, "reason": "盘点"}).status_code == 409
    assert post("tech1", acknowledged, {"on_hand": 5, "reason": "盘点"}).status_code == 403
    assert post("tech1", acknowledged, {"on_hand": "many"}).status_code == 403
    assert post("store1", of_closed, {"on_hand": "many"}).status_code == 409
    assert post("store1", acknowledged, {"on_hand": "many"}).status_code == 400
    assert (snapshot(closed_recall), snapshot(acknowledged.recall)) == before


# --- the page: the same rule answers a bad form ---


def test_the_page_answers_state_then_role_for_outcomes(client, demo_user):
    collecting = recall_in(RecallState.COLLECTING)
    shipped = recall_in(RecallState.SHIPPED_TO_SUPPLIER)
    RecallUnitFactory(recall=shipped, return_item__store=Store.objects.get(code="S001"))
    before = snapshot(collecting), snapshot(shipped)

    def post(login, recall):
        client.force_login(demo_user(login))
        return client.post(reverse("recalls:recall_transition", args=[recall.pk, "record_outcome"]), {})

    assert post("qa1", collecting).status_code == 409
    assert post("qa1", shipped).status_code == 403
    assert post("tech1", shipped).status_code == 400
    assert (snapshot(collecting), snapshot(shipped)) == before


def test_approving_on_the_page_and_over_the_api_is_one_service(client, api_as, demo_user):
    # Given two proposed recalls
    on_page, over_api = recall_in(RecallState.PROPOSED), recall_in(RecallState.PROPOSED)
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    r01 = Region.objects.get(code="R01")
    # When QA approves one on the page with a region, the other over the API (which takes no regions)
    client.force_login(demo_user("qa1"))
    page = client.post(
        reverse("recalls:recall_transition", args=[on_page.pk, "approve"]),
        {"return_method": "weekly_shipment", "deadline": deadline, "handling_plan": "返厂", "cost_bearer": "supplier",
         "regions": [r01.pk]},
    )  # fmt: skip
    api = api_as("qa1").post(f"/api/v1/recalls/{over_api.pk}/approve/", {"deadline": deadline}, format="json")
    # Then both are approved; the page's regions are planned with the approval, in its log
    assert (page.status_code, api.status_code) == (302, 200)
    on_page.refresh_from_db()
    over_api.refresh_from_db()
    assert on_page.state == over_api.state == RecallState.APPROVED
    assert list(on_page.regions.values_list("code", flat=True)) == ["R01"]
    assert not over_api.regions.exists()
    logged = TransitionLog.objects.for_object(on_page).order_by("id").values_list("transition", flat=True)
    assert list(logged) == ["approve", "plan_regions"]


def test_a_bad_acknowledgement_form_answers_the_recalls_state_first(client, demo_user):
    # Given a notice still waiting for the store, whose recall has closed meanwhile
    notice = RecallNoticeFactory(
        recall=recall_in(RecallState.CLOSED), store=Store.objects.get(code="S001"), state=RecallNoticeState.NOTIFIED
    )
    before = snapshot(notice.recall)
    url = reverse("recalls:recallnotice_transition", args=[notice.pk, "acknowledge"])
    # When a technician, then the store, post the acknowledgement without a figure
    client.force_login(demo_user("tech1"))
    by_technician = client.post(url, {"on_hand": ""})
    client.force_login(demo_user("store1"))
    by_store = client.post(url, {"on_hand": ""})
    # Then both hear 409 (the recall no longer collects), not 403 or 400, and nothing changed
    assert (by_technician.status_code, by_store.status_code) == (409, 409)
    assert snapshot(notice.recall) == before
