"""Batch recall 整款退货 pages: candidates, opening with the test report, QA's decision and notice, the stores'
acknowledgement and bulk return, consolidation and outcomes, compliance with its Excel download — the transition
permission matrix through the UI, bad input on the store's bulk form, and fixed query counts on the lists.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import load_workbook

from aftersales.models import TransitionLog
from cases.choices import ReturnState
from cases.models import Return
from recalls import services as recalls
from recalls.choices import RecallNoticeState, RecallOutcome, RecallState
from recalls.models import Recall, RecallAttachment, RecallNotice
from stores.models import Region, Store
from suppliers.models import DefectCode, Style
from tests.factories.cases import ReturnFactory
from tests.factories.recalls import RecallFactory, RecallNoticeFactory, RecallUnitFactory
from tests.support.files import png_bytes
from tests.support.recalls import snapshot

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
STYLE_NO = "226101JK001"


def style():
    return Style.objects.get(style_no=STYLE_NO)


def defect_code():
    return DefectCode.objects.filter(active=True).order_by("code").first()


def recall_in(state: str, **fields) -> Recall:
    """A recall of the demo style in ``state``, opened by tech1."""
    from django.contrib.auth import get_user_model

    tech1 = get_user_model().objects.get(username="tech1")
    fields.setdefault("defect_code", defect_code())
    return RecallFactory(style=style(), state=state, opened_by=tech1, **fields)


def notice_for(recall: Recall, store_code: str, **fields) -> RecallNotice:
    return RecallNoticeFactory(recall=recall, store=Store.objects.get(code=store_code), **fields)


def future(days=10) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def approve_post(**overrides) -> dict:
    data = {
        "return_method": "weekly_shipment",
        "deadline": future(),
        "handling_plan": "门店下架, 随周寄件寄回, 工厂返修",
        "cost_bearer": "supplier",
    }
    data.update(overrides)
    return data


# --- the transition matrix through the pages ---


def post_transition(client, recall, name, data):
    return client.post(reverse("recalls:recall_transition", args=[recall.pk, name]), data)


def collecting_with_received_unit():
    recall = recall_in(RecallState.COLLECTING, notice_issued_at=timezone.now())
    notice_for(recall, "S001", state=RecallNoticeState.ACKNOWLEDGED, on_hand=1, acknowledged_at=timezone.now())
    ReturnFactory(store=Store.objects.get(code="S001"), style=recall.style, recall=recall, state=ReturnState.RECEIVED)
    return recall


def shipped_with_unit(outcome=RecallOutcome.PENDING):
    recall = recall_in(RecallState.SHIPPED_TO_SUPPLIER, supplier_carrier="顺丰", supplier_tracking_no="SF9")
    notice_for(recall, "S001", state=RecallNoticeState.ACKNOWLEDGED, on_hand=1, acknowledged_at=timezone.now())
    unit = RecallUnitFactory(
        recall=recall, return_item__store=Store.objects.get(code="S001"), outcome=outcome, outcome_note=""
    )
    return recall, unit


# Each row: transition, setup giving (recall, data), a login refused with 403, a setup in a wrong state (409).
MATRIX = {
    "approve": (
        lambda: (recall_in(RecallState.PROPOSED, deadline=None), approve_post()),
        "tech1",
        lambda: (recall_in(RecallState.APPROVED), approve_post()),
        "qa1",
    ),
    "reject": (
        lambda: (recall_in(RecallState.PROPOSED), {"reason": "检测结果不足以整款召回"}),
        "tech1",
        lambda: (recall_in(RecallState.APPROVED), {"reason": "检测结果不足以整款召回"}),
        "qa1",
    ),
    "issue_notice": (
        lambda: (recall_in(RecallState.APPROVED), {"regions": [Region.objects.get(code="R01").pk]}),
        "tech1",
        lambda: (recall_in(RecallState.PROPOSED), {"regions": [Region.objects.get(code="R01").pk]}),
        "qa1",
    ),
    "ship_to_supplier": (
        lambda: (collecting_with_received_unit(), {"carrier": "顺丰", "tracking_no": "SF777"}),
        "qa1",
        lambda: (recall_in(RecallState.APPROVED), {"carrier": "顺丰", "tracking_no": "SF777"}),
        "tech1",
    ),
    "record_outcome": (
        lambda: (lambda pair: (pair[0], {"returns": [pair[1].return_item_id], "outcome": "unrepairable"}))(
            shipped_with_unit()
        ),
        "qa1",
        lambda: (collecting_with_received_unit(), {"returns": [1], "outcome": "unrepairable"}),
        "tech1",
    ),
    "close": (
        lambda: (shipped_with_unit(RecallOutcome.REPAIRED_BY_FACTORY)[0], {"note": "全部返修完毕"}),
        "tech1",
        lambda: (collecting_with_received_unit(), {"note": "全部返修完毕"}),
        "qa1",
    ),
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_recall_transition_matrix_through_the_pages(name, client, demo_user):
    allowed_setup, wrong_role, wrong_state_setup, actor = MATRIX[name]
    recall, data = allowed_setup()
    before = snapshot(recall)

    # when anonymous: sent to the login page, nothing changed
    response = post_transition(client, recall, name, data)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert snapshot(recall) == before

    # when a store that was never notified: 404 (the recall is out of its scope), nothing changed
    client.force_login(demo_user("store101"))
    assert post_transition(client, recall, name, data).status_code == 404
    assert snapshot(recall) == before

    # when the wrong role: 403 with the reason on the page, nothing changed
    client.force_login(demo_user(wrong_role))
    response = post_transition(client, recall, name, data)
    assert response.status_code == 403
    assert snapshot(recall) == before
    # and through htmx the panel comes back with the refusal in it
    response = client.post(reverse("recalls:recall_transition", args=[recall.pk, name]), data, **HTMX)
    assert response.status_code == 403
    assert response.content.decode().startswith('<div id="recall-panel"')
    assert 'data-testid="panel-alert"' in response.content.decode()
    assert snapshot(recall) == before

    # when in the wrong state: 409, nothing changed
    other, other_data = wrong_state_setup()
    other_before = snapshot(other)
    client.force_login(demo_user(actor))
    response = post_transition(client, other, name, other_data)
    assert response.status_code == 409
    assert snapshot(other) == other_before

    # when the right person in the right state: redirected to the recall with a message
    response = post_transition(client, recall, name, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("recalls:recall_detail", args=[recall.pk])
    assert snapshot(recall) != before


def test_approval_through_the_page_records_the_plan_and_the_regions_and_htmx_gets_the_panel(client, demo_user):
    # given a proposed recall
    recall = recall_in(RecallState.PROPOSED, deadline=None, handling_plan="")
    client.force_login(demo_user("qa1"))
    r01, r02 = Region.objects.get(code="R01"), Region.objects.get(code="R02")

    # when QA approves it with the plan, a future deadline and two regions (htmx)
    data = approve_post(regions=[r01.pk, r02.pk], handling_plan="工厂负责返修, 费用由供应商承担")
    response = client.post(reverse("recalls:recall_transition", args=[recall.pk, "approve"]), data, **HTMX)

    # then the panel comes back approved, with the plan and the regions, and the notice form starts from them
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-state="approved"' in page
    assert "工厂负责返修" in page
    recall.refresh_from_db()
    assert recall.state == RecallState.APPROVED
    assert recall.deadline.isoformat() == data["deadline"]
    assert sorted(recall.regions.values_list("code", flat=True)) == ["R01", "R02"]
    issue_form = page[page.index('data-action="issue_notice"') :]
    assert re.search(rf'name="regions" value="{r01.pk}"[^>]*checked', issue_form)
    r03 = Region.objects.get(code="R03")
    assert not re.search(rf'name="regions" value="{r03.pk}"[^>]*checked', issue_form)
    assert list(TransitionLog.objects.for_object(recall).order_by("id").values_list("transition", flat=True)) == [
        "approve",
        "plan_regions",
    ]


def test_approval_with_a_past_deadline_is_refused_on_the_page(client, demo_user):
    # given a proposed recall
    recall = recall_in(RecallState.PROPOSED, deadline=None)
    before = snapshot(recall)
    client.force_login(demo_user("qa1"))

    # when QA gives yesterday as the deadline
    response = post_transition(
        client, recall, "approve", approve_post(deadline=(timezone.localdate() - dt.timedelta(days=1)).isoformat())
    )

    # then the page answers 400 with the reason beside the field, and nothing changed
    assert response.status_code == 400
    assert escape(gettext("The deadline cannot be in the past.")) in response.content.decode()
    assert snapshot(recall) == before


def test_rejection_needs_a_reason_on_the_page(client, demo_user):
    recall = recall_in(RecallState.PROPOSED)
    before = snapshot(recall)
    client.force_login(demo_user("qa1"))

    response = post_transition(client, recall, "reject", {"reason": ""})

    assert response.status_code == 400
    assert 'data-error-for="reason"' in response.content.decode()
    assert snapshot(recall) == before


def test_our_fault_outcome_needs_the_accountability_note(client, demo_user):
    recall, unit = shipped_with_unit()
    before = snapshot(recall)
    client.force_login(demo_user("tech1"))

    response = post_transition(
        client, recall, "record_outcome", {"returns": [unit.return_item_id], "outcome": "our_fault"}
    )

    assert response.status_code == 400
    assert escape(gettext("Record the accountability: who was at fault and what follows.")) in response.content.decode()
    assert snapshot(recall) == before

    # and with the note it is recorded, shown per unit
    response = post_transition(
        client,
        recall,
        "record_outcome",
        {"returns": [unit.return_item_id], "outcome": "our_fault", "note": "仓库受潮, 追究仓管责任"},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.outcome == RecallOutcome.OUR_FAULT and unit.outcome_note == "仓库受潮, 追究仓管责任"
    page = client.get(reverse("recalls:recall_detail", args=[recall.pk])).content.decode()
    assert "仓库受潮, 追究仓管责任" in page


def test_close_refused_while_a_unit_has_no_outcome(client, demo_user):
    recall, unit = shipped_with_unit()
    before = snapshot(recall)
    client.force_login(demo_user("qa1"))

    response = post_transition(client, recall, "close", {"note": ""})

    assert response.status_code == 400
    assert escape(gettext("These units have no outcome yet: %(units)s.") % {"units": unit.return_item.number}) in (
        response.content.decode()
    )
    assert snapshot(recall) == before


def test_test_report_photos_through_the_page(client, demo_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload():
        return {"photos": SimpleUploadedFile("report.png", png_bytes("blue"), content_type="image/png")}

    # given a proposed recall and a closed one
    recall = recall_in(RecallState.PROPOSED)
    other = DefectCode.objects.exclude(pk=recall.defect_code_id).first()
    closed = recall_in(RecallState.CLOSED, defect_code=other)
    url = reverse("recalls:recall_transition", args=[recall.pk, "attach"])

    # a store never told of it: 404; a region manager neither; nothing attached
    for login in ("store1", "region1"):
        client.force_login(demo_user(login))
        assert client.post(url, upload()).status_code == 404
    # a hotline agent sees it but may not add files: 403
    client.force_login(demo_user("hotline1"))
    assert client.post(url, upload()).status_code == 403
    # a closed recall's report is final: 409
    client.force_login(demo_user("tech1"))
    assert client.post(reverse("recalls:recall_transition", args=[closed.pk, "attach"]), upload()).status_code == 409
    # a file that is not a photo: 400 with the message
    bad = {"photos": SimpleUploadedFile("report.png", b"not an image at all", content_type="image/png")}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert RecallAttachment.objects.count() == 0

    # the technician's photo is attached and shown
    assert client.post(url, upload()).status_code == 302
    attachment = RecallAttachment.objects.get()
    assert attachment.recall_id == recall.pk and attachment.uploaded_by.username == "tech1"
    page = client.get(reverse("recalls:recall_detail", args=[recall.pk])).content.decode()
    assert reverse("recall-attachment-file", args=[recall.pk, attachment.pk]) in page


def test_ship_to_supplier_records_carrier_and_tracking(client, demo_user):
    recall = collecting_with_received_unit()
    client.force_login(demo_user("tech1"))

    response = post_transition(client, recall, "ship_to_supplier", {"carrier": "德邦", "tracking_no": "DB123"})

    assert response.status_code == 302
    recall.refresh_from_db()
    assert (recall.state, recall.supplier_carrier, recall.supplier_tracking_no) == (
        RecallState.SHIPPED_TO_SUPPLIER,
        "德邦",
        "DB123",
    )
    assert recall.units.count() == 1
    page = client.get(reverse("recalls:recall_detail", args=[recall.pk])).content.decode()
    assert "DB123" in page


# --- the store's notice ---


def post_notice(client, notice, name, data, **extra):
    return client.post(reverse("recalls:recallnotice_transition", args=[notice.pk, name]), data, **extra)


def notice_snapshot(notice) -> tuple:
    notice.refresh_from_db()
    return (
        notice.state,
        notice.on_hand,
        Return.objects.filter(recall_id=notice.recall_id).count(),
        TransitionLog.objects.count(),
        Recall.objects.get(pk=notice.recall_id).state,
    )


def test_acknowledge_matrix_through_the_page(client, demo_user):
    # given S001's notice of an issued recall
    recall = recall_in(RecallState.NOTICE_ISSUED, notice_issued_at=timezone.now())
    notice = notice_for(recall, "S001")
    before = notice_snapshot(notice)

    # anonymous: login page
    response = post_notice(client, notice, "acknowledge", {"on_hand": "4"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    # another store's staff: 404 on the page and on the form
    client.force_login(demo_user("store2"))
    assert client.get(reverse("recalls:recallnotice_detail", args=[notice.pk])).status_code == 404
    assert post_notice(client, notice, "acknowledge", {"on_hand": "4"}).status_code == 404
    # a technician sees it but may not answer for the store: 403
    client.force_login(demo_user("tech1"))
    assert post_notice(client, notice, "acknowledge", {"on_hand": "4"}).status_code == 403
    # a negative quantity: 400
    client.force_login(demo_user("store1"))
    assert post_notice(client, notice, "acknowledge", {"on_hand": "-1"}).status_code == 400
    assert notice_snapshot(notice) == before

    # the store's own staff: acknowledged, and the recall starts collecting
    response = post_notice(client, notice, "acknowledge", {"on_hand": "4"}, **HTMX)
    assert response.status_code == 200
    assert 'data-state="acknowledged"' in response.content.decode()
    notice.refresh_from_db()
    assert (notice.state, notice.on_hand) == (RecallNoticeState.ACKNOWLEDGED, 4)
    assert Recall.objects.get(pk=recall.pk).state == RecallState.COLLECTING

    # again: wrong state, 409, nothing changed
    after = notice_snapshot(notice)
    assert post_notice(client, notice, "acknowledge", {"on_hand": "9"}).status_code == 409
    assert notice_snapshot(notice) == after


def returns_post(**overrides) -> dict:
    data = {"document_no": "TH-2026-0001", "color_0": "藏青", "size_0": "L", "quantity_0": "2"}
    data.update(overrides)
    return data


def test_store_bulk_recall_return_creates_returns_of_the_recall(client, demo_user):
    # given S001 acknowledged an issued recall
    recall = recall_in(RecallState.COLLECTING, notice_issued_at=timezone.now())
    notice = notice_for(recall, "S001", state=RecallNoticeState.ACKNOWLEDGED, on_hand=3, acknowledged_at=timezone.now())
    client.force_login(demo_user("store1"))

    # when it returns 2 navy L and 1 black M under its return document number
    response = post_notice(client, notice, "recall_returns", returns_post(color_1="黑色", size_1="M", quantity_1="1"))

    # then three Returns of the recall's style are logged for S001, in the store's returns, ready for the weekly parcel
    assert response.status_code == 302
    created = list(Return.objects.filter(recall=recall).order_by("id"))
    assert [(item.color, item.size) for item in created] == [("藏青", "L"), ("藏青", "L"), ("黑色", "M")]
    assert {item.store.code for item in created} == {"S001"}
    assert {item.receipt_no for item in created} == {"TH-2026-0001"}
    assert {item.state for item in created} == {ReturnState.LOGGED}
    page = client.get(reverse("recalls:recallnotice_detail", args=[notice.pk])).content.decode()
    assert created[0].number in page
    listing = client.get(reverse("cases:return_list")).content.decode()
    assert created[0].number in listing
    # and they are offered for the store's weekly shipment to the center
    packing = client.get(reverse("cases:shipment_create"), {"direction": "to_center"}).content.decode()
    assert all(item.number in packing for item in created)


LINE_QUANTITY = ("Line %(line)s: the quantity must be a whole number above zero.", {"line": 1})


@pytest.mark.parametrize(
    ("setup", "data", "message"),
    [
        ("collecting", returns_post(quantity_0="-2"), LINE_QUANTITY),
        ("collecting", returns_post(quantity_0="0"), LINE_QUANTITY),
        ("collecting", returns_post(quantity_0="2", quantity_1="-1", color_1="黑色", size_1="M"),
         ("Line %(line)s: the quantity must be a whole number above zero.", {"line": 2})),
        ("collecting", returns_post(document_no=""), ("This field is required.", None)),
        ("collecting", {"document_no": "TH-1"}, ("Add at least one colour and size.", None)),
        ("closed", returns_post(), ("Recall %(number)s is “%(state)s”: it takes no returns now.", "closed")),
    ],
)  # fmt: skip
def test_store_bulk_recall_return_bad_input_shows_the_message_and_creates_nothing(
    setup, data, message, client, demo_user
):
    # given S001's notice of a recall collecting goods, or of one already closed
    state = RecallState.COLLECTING if setup == "collecting" else RecallState.CLOSED
    recall = recall_in(state, notice_issued_at=timezone.now())
    notice = notice_for(recall, "S001", state=RecallNoticeState.ACKNOWLEDGED, on_hand=3, acknowledged_at=timezone.now())
    before = notice_snapshot(notice)
    returns_before = Return.objects.count()
    client.force_login(demo_user("store1"))

    # when the store sends the bulk form
    response = post_notice(client, notice, "recall_returns", data, **HTMX)

    # then the form comes back with the message (in the page's language) and nothing was created
    assert response.status_code == 400
    text, params = message
    if params == "closed":
        params = {"number": recall.number, "state": RecallState.CLOSED.label}
    assert escape(gettext(text) % params if params else gettext(text)) in response.content.decode()
    assert notice_snapshot(notice) == before
    assert Return.objects.count() == returns_before


def test_store_cannot_return_against_a_notice_it_was_not_sent(client, demo_user):
    # given only S001 was notified
    recall = recall_in(RecallState.COLLECTING, notice_issued_at=timezone.now())
    notice = notice_for(recall, "S001")
    before = notice_snapshot(notice)

    # when store2 (not notified) posts returns against S001's notice: 404; a technician: 403
    client.force_login(demo_user("store2"))
    assert post_notice(client, notice, "recall_returns", returns_post()).status_code == 404
    client.force_login(demo_user("tech1"))
    assert post_notice(client, notice, "recall_returns", returns_post()).status_code == 403

    # then nothing was created
    assert notice_snapshot(notice) == before


# --- pages per role ---


@pytest.mark.parametrize(
    ("login", "status"),
    [("tech1", 200), ("qa1", 200), ("store1", 403), ("region1", 403), ("supplier1", 403), ("hotline1", 403)],
)
def test_candidates_page_is_for_technicians_and_qa(login, status, client, demo_user):
    client.force_login(demo_user(login))
    response = client.get(reverse("recalls:recallcandidate_list"))
    assert response.status_code == status
    if status == 200:
        assert 'data-testid="empty-state"' in response.content.decode()


def test_candidates_page_lists_the_returns_and_prefills_the_opening(client, demo_user, settings):
    # given 3 returns of one style with one defect code from 3 stores (thresholds lowered to 3 and 3)
    settings.AFTERSALES_RECALL_MIN_RETURNS = 3
    settings.AFTERSALES_RECALL_MIN_STORES = 3
    code = defect_code()
    items = [
        ReturnFactory(store=Store.objects.get(code=store), style=style(), reported_defect=code)
        for store in ("S001", "S002", "S101")
    ]
    client.force_login(demo_user("tech1"))

    # when tech1 opens the candidates
    page = client.get(reverse("recalls:recallcandidate_list")).content.decode()

    # then the candidate shows the counts, links to each Return and offers to open a recall prefilled
    assert f'data-style="{STYLE_NO}"' in page
    for item in items:
        assert reverse("cases:return_detail", args=[item.pk]) in page
    prefill = f"{reverse('recalls:recall_create')}?style={style().pk}&amp;defect_code={code.pk}"
    assert prefill in page
    form = client.get(prefill.replace("&amp;", "&")).content.decode()
    for item in items:
        assert f'value="{item.pk}"' in form and item.number in form

    # and QA sees the candidate without the button
    client.force_login(demo_user("qa1"))
    assert 'data-testid="open-recall"' not in client.get(reverse("recalls:recallcandidate_list")).content.decode()


def test_technician_opens_a_recall_with_the_test_report_photos_and_reported_returns(client, demo_user, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.AFTERSALES_RECALL_MIN_RETURNS = 3
    settings.AFTERSALES_RECALL_MIN_STORES = 3
    code = defect_code()
    items = [
        ReturnFactory(store=Store.objects.get(code=store), style=style(), reported_defect=code)
        for store in ("S001", "S002", "S101")
    ]
    client.force_login(demo_user("tech1"))

    # when tech1 proposes the recall with two of the three reports ticked and a photo
    response = client.post(
        reverse("recalls:recall_create"),
        {
            "style": style().pk,
            "defect_code": code.pk,
            "test_report": "拉链拉力测试 5 件, 3 件不合格",
            "reported_returns": [items[0].pk, items[1].pk],
            "photos": SimpleUploadedFile("test.png", png_bytes("blue"), content_type="image/png"),
        },
    )

    # then the recall is proposed with them, and its page shows the report
    recall = Recall.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("recalls:recall_detail", args=[recall.pk])
    assert recall.state == RecallState.PROPOSED and recall.opened_by.username == "tech1"
    assert sorted(recall.reported_returns.values_list("pk", flat=True)) == sorted([items[0].pk, items[1].pk])
    assert RecallAttachment.objects.filter(recall=recall).count() == 1
    page = client.get(reverse("recalls:recall_detail", args=[recall.pk])).content.decode()
    assert "拉链拉力测试" in page and items[0].number in page


def test_opening_refuses_bad_input_and_other_roles(client, demo_user):
    # a store may not open the page; QA neither (technicians open, QA decides)
    for login in ("store1", "qa1"):
        client.force_login(demo_user(login))
        assert client.get(reverse("recalls:recall_create")).status_code == 403
    client.force_login(demo_user("tech1"))
    # an empty test report and a past deadline: 400 with the messages, nothing created
    response = client.post(
        reverse("recalls:recall_create"),
        {
            "style": style().pk,
            "defect_code": defect_code().pk,
            "test_report": "  ",
            "deadline": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert Recall.objects.count() == 0


def test_store_sees_only_the_recalls_it_was_notified_of_and_its_own_notices(client, demo_user):
    # given a recall notified to S001 and S002, and one proposed (told to nobody)
    told = recall_in(RecallState.NOTICE_ISSUED, notice_issued_at=timezone.now())
    mine, theirs = notice_for(told, "S001"), notice_for(told, "S002")
    hidden = RecallFactory(style=style(), defect_code=DefectCode.objects.exclude(pk=told.defect_code_id).first())
    client.force_login(demo_user("store1"))

    listing = client.get(reverse("recalls:recall_list")).content.decode()
    assert told.number in listing and hidden.number not in listing
    assert client.get(reverse("recalls:recall_detail", args=[hidden.pk])).status_code == 404
    detail = client.get(reverse("recalls:recall_detail", args=[told.pk])).content.decode()
    assert reverse("recalls:recallnotice_detail", args=[mine.pk]) in detail
    assert reverse("recalls:recallnotice_detail", args=[theirs.pk]) not in detail
    notices = client.get(reverse("recalls:recallnotice_list")).content.decode()
    assert reverse("recalls:recallnotice_detail", args=[mine.pk]) in notices
    assert reverse("recalls:recallnotice_detail", args=[theirs.pk]) not in notices
    assert client.get(reverse("recalls:recallnotice_detail", args=[theirs.pk])).status_code == 404


def test_anonymous_is_sent_to_login_from_every_recall_page(client):
    recall = RecallFactory()
    for url in (
        reverse("recalls:recallcandidate_list"),
        reverse("recalls:recall_list"),
        reverse("recalls:recall_create"),
        reverse("recalls:recall_detail", args=[recall.pk]),
        reverse("recalls:recall_compliance", args=[recall.pk]),
        reverse("recalls:recall_compliance_xlsx", args=[recall.pk]),
        reverse("recalls:recallnotice_list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url


# --- compliance 执行情况 ---


@pytest.fixture
def compliance_fixture(demo):
    """A recall whose deadline passed yesterday, notified to five stores in two regions.

    S001 acknowledged 3 on hand and returned 3 (on time); S002 acknowledged 2, logged 2 of which 1 arrived at
    the center (late: only arrived units count as returned); S003 never acknowledged (late); S101 acknowledged
    0 on hand (on time); S102 acknowledged 4, returned 2 plus one cancelled (late). Per region: R01 notified 3,
    acknowledged 2, on hand 5, logged 5, returned 4, late 2; R02 notified 2, acknowledged 2, on hand 4, logged 2,
    returned 2, late 1. Overall 5, 4, 9, 7, 6, 3.
    """
    recall = recall_in(
        RecallState.COLLECTING,
        deadline=timezone.localdate() - dt.timedelta(days=1),
        notice_issued_at=timezone.now() - dt.timedelta(days=20),
    )
    acknowledged_at = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 30))

    def notice(store_code, on_hand=None, returned=0, cancelled=0, in_transit=0):
        store = Store.objects.get(code=store_code)
        row = notice_for(
            recall,
            store_code,
            state=RecallNoticeState.ACKNOWLEDGED if on_hand is not None else RecallNoticeState.NOTIFIED,
            on_hand=on_hand,
            acknowledged_at=acknowledged_at if on_hand is not None else None,
        )
        for _ in range(returned):
            ReturnFactory(
                store=store, style=recall.style, recall=recall, state=ReturnState.RECEIVED, received_at=timezone.now()
            )
        for _ in range(in_transit):
            ReturnFactory(store=store, style=recall.style, recall=recall, state=ReturnState.IN_TRANSIT)
        for _ in range(cancelled):
            ReturnFactory(store=store, style=recall.style, recall=recall, state=ReturnState.CANCELLED)
        return row

    notice("S001", on_hand=3, returned=3)
    notice("S002", on_hand=2, returned=1, in_transit=1)
    notice("S003")
    notice("S101", on_hand=0)
    notice("S102", on_hand=4, returned=2, cancelled=1)
    return recall


EXPECTED_STORES = {
    # store: (acknowledged, on hand, logged, returned, late)
    "S001": (True, 3, 3, 3, False),
    "S002": (True, 2, 2, 1, True),
    "S003": (False, None, 0, 0, True),
    "S101": (True, 0, 0, 0, False),
    "S102": (True, 4, 2, 2, True),
}
# region: (notified, acknowledged, on hand, logged, returned, late, logged more than on hand)
EXPECTED_REGIONS = {"R01": (3, 2, 5, 5, 4, 2, 0), "R02": (2, 2, 4, 2, 2, 1, 0), "total": (5, 4, 9, 7, 6, 3, 0)}
REGION_FIGURES = ("notified", "acknowledged", "on_hand", "logged", "returned", "late", "over_on_hand")


def test_compliance_page_figures_match_the_hand_computed_fixture(compliance_fixture, client, demo_user):
    client.force_login(demo_user("qa1"))
    page = client.get(reverse("recalls:recall_compliance", args=[compliance_fixture.pk])).content.decode()

    def figures(kind, key):
        row = re.search(rf'<tr data-{kind}="{key}"[^>]*>(.*?)</tr>', page, re.S).group(1)
        return dict(re.findall(r'data-figure="(\w+)">(.*?)</td>', row, re.S))

    for region, expected in EXPECTED_REGIONS.items():
        got = figures("region", region)
        assert tuple(int(got[name]) for name in REGION_FIGURES) == expected
    for store, (acknowledged, on_hand, logged, returned, late) in EXPECTED_STORES.items():
        got = figures("store", store)
        assert ("2026-11-02 10:30" in got["acknowledged_at"]) is acknowledged, store
        assert got["on_hand"].strip() == ("—" if on_hand is None else str(on_hand)), store
        assert (int(got["logged"]), int(got["returned"])) == (logged, returned), store
        assert ("text-bg-danger" in got["late"]) is late, store


def test_compliance_xlsx_matches_the_hand_computed_fixture(compliance_fixture, client, demo_user):
    client.force_login(demo_user("tech1"))
    response = client.get(reverse("recalls:recall_compliance_xlsx", args=[compliance_fixture.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    stores_sheet, regions_sheet = workbook.worksheets
    assert compliance_fixture.number in stores_sheet["A1"].value
    assert stores_sheet["D1"].value.date() == compliance_fixture.deadline
    rows = {row[1]: row for row in stores_sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == set(EXPECTED_STORES)
    for store, (acknowledged, on_hand, logged, returned, late) in EXPECTED_STORES.items():
        _region, _code, _name, ack_text, ack_at, got_on_hand, got_logged, got_returned, late_text, over = rows[store]
        assert ack_text == gettext("Yes" if acknowledged else "No"), store
        assert (ack_at == dt.datetime(2026, 11, 2, 10, 30)) if acknowledged else ack_at is None, store
        assert (got_on_hand, got_logged, got_returned) == (on_hand, logged, returned), store
        assert late_text == gettext("Yes" if late else "No"), store
        assert over == gettext("No"), store
    regions = {row[0]: row[2:] for row in regions_sheet.iter_rows(min_row=2, values_only=True)}
    assert regions["R01"] == EXPECTED_REGIONS["R01"]
    assert regions["R02"] == EXPECTED_REGIONS["R02"]
    assert regions[gettext("Total")] == EXPECTED_REGIONS["total"]


@pytest.mark.parametrize(
    ("login", "status"),
    [("qa1", 200), ("tech1", 200), ("hotline1", 200), ("store1", 403), ("region1", 403), ("supplier1", 403)],
)
def test_compliance_is_for_the_service_center(login, status, compliance_fixture, client, demo_user):
    client.force_login(demo_user(login))
    for name in ("recalls:recall_compliance", "recalls:recall_compliance_xlsx"):
        assert client.get(reverse(name, args=[compliance_fixture.pk])).status_code == status


def test_compliance_of_an_unknown_recall_is_404(client, demo_user):
    client.force_login(demo_user("qa1"))
    assert client.get(reverse("recalls:recall_compliance", args=[999999])).status_code == 404


def test_store_sees_its_late_notice_marked(compliance_fixture, client, demo_user):
    # given S002 acknowledged 2 on hand but only 1 arrived by a deadline now passed, S001 returned all 3
    client.force_login(demo_user("store2"))
    late = RecallNotice.objects.get(recall=compliance_fixture, store__code="S002")

    # then its list and notice page mark it late; S001's list does not
    listing = client.get(reverse("recalls:recallnotice_list")).content.decode()
    assert 'data-testid="late"><span class="badge text-bg-danger">' in listing
    assert 'data-testid="late"' in client.get(reverse("recalls:recallnotice_detail", args=[late.pk])).content.decode()
    client.force_login(demo_user("store1"))
    listing = client.get(reverse("recalls:recallnotice_list")).content.decode()
    assert 'data-testid="late">—' in listing


# --- fixed query counts ---


def many_recalls(count: int) -> None:
    codes = list(DefectCode.objects.order_by("code")[:count])
    for index in range(count):
        recall = recall_in(RecallState.NOTICE_ISSUED, defect_code=codes[index % len(codes)])
        notice_for(recall, "S001")
        ReturnFactory(store=Store.objects.get(code="S001"), style=recall.style, recall=recall)


@pytest.mark.parametrize(
    ("login", "url_name"),
    [
        ("qa1", "recalls:recall_list"),
        ("store1", "recalls:recall_list"),
        ("store1", "recalls:recallnotice_list"),
        ("tech1", "recalls:recallnotice_list"),
    ],  # fmt: skip
)
def test_list_pages_use_a_fixed_number_of_queries(login, url_name, client, demo_user, django_assert_max_num_queries):
    client.force_login(demo_user(login))
    many_recalls(2)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse(url_name)).status_code == 200
    many_recalls(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_candidate_page_uses_a_fixed_number_of_queries(client, demo_user, settings, django_assert_max_num_queries):
    settings.AFTERSALES_RECALL_MIN_RETURNS = 3
    settings.AFTERSALES_RECALL_MIN_STORES = 3
    pairs = [
        (item, code)
        for item in Style.objects.order_by("style_no")[:3]
        for code in DefectCode.objects.order_by("code")[:2]
    ]
    client.force_login(demo_user("qa1"))

    def candidates(chosen):
        for candidate_style, code in chosen:
            for store in ("S001", "S002", "S101"):
                ReturnFactory(store=Store.objects.get(code=store), style=candidate_style, reported_defect=code)

    candidates(pairs[:1])
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse("recalls:recallcandidate_list")).status_code == 200
    candidates(pairs[1:])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("recalls:recallcandidate_list")).content.decode()
    assert page.count('data-testid="candidate"') == len(pairs) > 3


def test_recall_list_filters_by_state_and_style(client, demo_user):
    proposed = recall_in(RecallState.PROPOSED)
    other = DefectCode.objects.exclude(pk=proposed.defect_code_id).first()
    approved = recall_in(RecallState.APPROVED, defect_code=other)
    client.force_login(demo_user("qa1"))

    page = client.get(reverse("recalls:recall_list"), {"state": "approved", "style": STYLE_NO}).content.decode()

    assert approved.number in page and proposed.number not in page


def test_recall_detail_shows_the_timeline_from_the_transition_log(client, demo_user):
    # given a recall opened, approved and issued through the services
    qa1, tech1 = demo_user("qa1"), demo_user("tech1")
    recall = recalls.recall_open(user=tech1, style=style(), defect_code=defect_code(), test_report="拉力测试不合格")
    recalls.recall_approve(
        user=qa1,
        recall=recall,
        deadline=timezone.localdate() + dt.timedelta(days=7),
        return_method="weekly_shipment",
        handling_plan="返厂",
        cost_bearer="supplier",
    )
    recalls.recall_issue_notice(
        user=qa1, recall=Recall.objects.get(pk=recall.pk), regions=[Region.objects.get(code="R02")]
    )
    client.force_login(qa1)

    page = client.get(reverse("recalls:recall_detail", args=[recall.pk])).content.decode()

    for transition in ("open", "approve", "issue_notice"):
        assert f'data-transition="{transition}"' in page
    # the notices table lists R02's active stores
    for code in Store.objects.filter(region__code="R02", active=True).values_list("code", flat=True):
        assert f'data-store="{code}"' in page
