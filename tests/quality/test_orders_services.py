"""Rectification orders 质量整改令 through the services and pages: opening from a rejected lot and a recall, the
recurrence count, the overdue alerts once per level, the PDF for the party, the panels on the sources' pages and
the one-click open, the pages' refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from aftersales.fsm import TransitionForbidden
from aftersales.models import Alert, Notification
from inspection.choices import LotState
from quality.models.orders import OrderState, PartyType, RectificationOrder
from quality.services.orders import (
    open_order,
    order_overdue_alerts,
    order_recurrences,
    order_respond,
    order_verify,
)
from stores.models import Store
from suppliers.models import DefectCode, Style, Supplier
from tests.factories.cases import ReturnFactory
from tests.factories.inspection import IncomingLotFactory, LotDefectFactory, SampleInspectionFactory
from tests.support.printed import flat, pdf_text

pytestmark = pytest.mark.django_db

ANSWERS = {
    "root_cause": "缝线针距过大",
    "corrective_action": "调整针距并复检库存",
    "accountability": "车间主管通报批评",
    "staff_education": "全员培训缝制标准",
}


def user(name):
    return get_user_model().objects.get(username=name)


def order_for(style_no="226101JK001", defect="D01", **extra) -> RectificationOrder:
    style = Style.objects.get(style_no=style_no)
    return open_order(
        by=user("qa1"), party_type=PartyType.SUPPLIER, party=style.supplier, problem="同款多次开线",
        due_date=timezone.localdate() + dt.timedelta(days=10), style=style,
        defect=DefectCode.objects.get(code=defect) if defect else None, **extra,
    )  # fmt: skip


def rejected_lot(style_no="226101JK001", defect="D01"):
    style = Style.objects.get(style_no=style_no)
    lot = IncomingLotFactory(style=style, state=LotState.REJECTED)
    inspection = SampleInspectionFactory(lot=lot, accepted=False, inspected_at=timezone.now())
    LotDefectFactory(inspection=inspection, defect_code=DefectCode.objects.get(code=defect), quantity=3)
    return lot


def test_only_qa_opens_an_order(demo):
    supplier = Supplier.objects.get(code="SUP01")
    for who in ("tech1", "supplier1", "store1", "vp1"):
        with pytest.raises(TransitionForbidden):
            open_order(by=user(who), party_type="supplier", party=supplier, problem="x",
                       due_date=timezone.localdate())  # fmt: skip
    assert not RectificationOrder.objects.exists()


def test_numbers_run_per_month(demo):
    first, second = order_for(), order_for()
    prefix = f"RO-{timezone.localdate():%Y%m}-"
    assert first.number.startswith(prefix) and second.number.startswith(prefix)
    assert int(second.number[-3:]) == int(first.number[-3:]) + 1


def test_opening_from_a_rejected_lot_takes_its_style_and_defect(demo):
    lot = rejected_lot()
    order = open_order(by=user("qa1"), party_type="supplier", party=lot.supplier, problem="批次不合格",
                       due_date=timezone.localdate() + dt.timedelta(days=7), lot=lot)  # fmt: skip
    assert (order.style, order.defect.code, order.lot) == (lot.style, "D01", lot)
    assert list(lot.rectification_orders.all()) == [order]


def test_a_lot_not_rejected_is_no_source(demo):
    lot = IncomingLotFactory(style=Style.objects.get(style_no="226101JK001"))
    with pytest.raises(ValidationError) as error:
        open_order(by=user("qa1"), party_type="supplier", party=lot.supplier, problem="x",
                   due_date=timezone.localdate(), lot=lot)  # fmt: skip
    assert "lot" in error.value.message_dict


def test_recurrences_count_the_same_defect_on_the_same_style_since_the_response(demo):
    # Given an order on 226101JK001 / D01, a Return of that before the answer, and the answer
    order = order_for()
    style, defect = order.style, order.defect
    ReturnFactory(style=style, reported_defect=defect)  # before the answer: not a recurrence
    order = order_respond(order=order, user=user("supplier1"), answers=ANSWERS)
    # When two more Returns of it come, one of another defect, one of another style, and a lot is rejected for it
    ReturnFactory(style=style, reported_defect=defect)
    ReturnFactory(style=style, reported_defect=defect)
    ReturnFactory(style=style, reported_defect=DefectCode.objects.get(code="D04"))
    ReturnFactory(style=Style.objects.get(style_no="226101JK002"), reported_defect=defect)
    rejected_lot()
    rejected_lot(defect="D04")
    # Then QA sees 2 Returns and 1 lot
    assert order_recurrences(order) == {"returns": 2, "lots": 1, "total": 3}


def test_recurrences_on_the_supplier_without_a_style(demo):
    supplier = Supplier.objects.get(code="SUP01")
    order = open_order(by=user("qa1"), party_type="supplier", party=supplier, problem="开线",
                       due_date=timezone.localdate() + dt.timedelta(days=7),
                       defect=DefectCode.objects.get(code="D01"))  # fmt: skip
    ReturnFactory(style=Style.objects.get(style_no="226101JK002"), reported_defect=order.defect)  # SUP01's
    ReturnFactory(style=Style.objects.get(style_no="225101JK015"), reported_defect=order.defect)  # SUP02's
    assert order_recurrences(order)["returns"] == 1


def test_recurrences_on_the_page_and_the_api(api_as, browser_as, demo):
    order = order_respond(order=order_for(), user=user("supplier1"), answers=ANSWERS)
    ReturnFactory(style=order.style, reported_defect=order.defect)
    assert api_as("qa1").get(f"/api/v1/rectification-orders/{order.pk}/").json()["recurrences"]["returns"] == 1
    page = browser_as("qa1").get(reverse("quality:order_detail", args=[order.pk])).content.decode()
    assert 'data-testid="recurrence-total">1<' in page and 'data-testid="verify-form"' in page


def test_overdue_alerts_once_per_level(demo):
    today = timezone.localdate()
    order = order_for()
    RectificationOrder.objects.filter(pk=order.pk).update(due_date=today + dt.timedelta(days=2))
    quiet = order_for()  # due in 10 days: no alert yet
    # due soon: once, however often the task runs
    assert order_overdue_alerts(today=today) == {"due_soon": 1, "overdue": 0}
    assert order_overdue_alerts(today=today) == {"due_soon": 0, "overdue": 0}
    # past due: once more, at the overdue level
    later = today + dt.timedelta(days=3)
    assert order_overdue_alerts(today=later)["overdue"] == 1
    assert order_overdue_alerts(today=later)["overdue"] == 0
    assert set(Alert.objects.filter(object_id=order.pk, kind="rectification_due").values_list("level", flat=True)) == {
        "due_soon", "overdue"
    }  # fmt: skip
    assert not Alert.objects.filter(object_id=quiet.pk, kind="rectification_due", level="overdue").exists()
    # The supplier's user and QA heard of it
    kinds = Notification.objects.filter(recipient=user("supplier1"), object_id=order.pk).values_list("kind", flat=True)
    assert {"rectification_due_soon", "rectification_overdue"} <= set(kinds)


def test_an_answered_order_is_not_overdue(demo):
    order = order_respond(order=order_for(), user=user("supplier1"), answers=ANSWERS)
    RectificationOrder.objects.filter(pk=order.pk).update(due_date=timezone.localdate() - dt.timedelta(days=5))
    assert order_overdue_alerts() == {"due_soon": 0, "overdue": 0}


def test_the_pdf_for_the_party(demo, django_capture_on_commit_callbacks):
    # Given an answered and verified order (the task renders it once each step commits)
    with django_capture_on_commit_callbacks(execute=True):
        order = order_respond(order=order_for(), user=user("supplier1"), answers=ANSWERS)
    with django_capture_on_commit_callbacks(execute=True):
        order = order_verify(order=order, user=user("qa1"), effective=True, notes="复查三个月无复发")
    order.refresh_from_db()
    assert order.documents_ready
    text = flat(pdf_text(order.pdf.read()))
    for words in ("质量整改令", order.number, "广州卡丰制衣有限公司", "原因分析", "缝线针距过大", "员工教育",
                  "全员培训缝制标准", "整改有效", "复查三个月无复发"):  # fmt: skip
        assert flat(words) in text, words


def test_the_pdf_downloads_for_the_party_only(api_as, demo, django_capture_on_commit_callbacks):
    order = order_for()
    # Until the task has made it, the download is a 409 saying so
    assert api_as("supplier1").get(f"/api/v1/rectification-orders/{order.pk}/pdf/").status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        from quality.services.orders import documents_enqueue

        documents_enqueue(order.pk)
    response = api_as("supplier1").get(f"/api/v1/rectification-orders/{order.pk}/pdf/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert api_as("store1").get(f"/api/v1/rectification-orders/{order.pk}/pdf/").status_code == 404


def test_the_party_answers_in_its_portal_and_qa_verifies(browser_as, demo):
    order = order_for()
    url = reverse("quality:order_detail", args=[order.pk])
    # The supplier sees the answer form; a blank item is a 400 naming it
    assert 'data-testid="respond-form"' in browser_as("supplier1").get(url).content.decode()
    response = browser_as("supplier1").post(
        reverse("quality:order_respond", args=[order.pk]), {**ANSWERS, "staff_education": ""}
    )
    assert response.status_code == 400 and 'data-error-for="staff_education"' in response.content.decode()
    assert RectificationOrder.objects.get(pk=order.pk).state == OrderState.ISSUED
    # QA cannot answer for a supplier; another store does not see it
    assert browser_as("qa1").post(reverse("quality:order_respond", args=[order.pk]), ANSWERS).status_code == 403
    assert browser_as("store2").get(url).status_code == 404
    assert browser_as("supplier1").post(reverse("quality:order_respond", args=[order.pk]), ANSWERS).status_code == 302
    # Only QA verifies; not effective needs the reason
    verify = reverse("quality:order_verify", args=[order.pk])
    assert browser_as("supplier1").post(verify, {"effective": "yes"}).status_code == 403
    assert browser_as("qa1").post(verify, {"effective": "no", "notes": ""}).status_code == 400
    assert browser_as("qa1").post(verify, {"effective": "no", "notes": "仍有复发"}).status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.ISSUED and order.times_sent_back == 1
    # The timeline says who did what, with the reason it was sent back
    page = browser_as("supplier1").get(url).content.decode()
    assert 'data-transition="verify"' in page and "仍有复发" in page and 'data-testid="respond-form"' in page


def test_one_click_from_the_rejected_lot_and_the_recall(browser_as, demo):
    lot = rejected_lot()
    client = browser_as("qa1")
    page = client.get(reverse("inspection:incominglot_detail", args=[lot.pk])).content.decode()
    link = f"{reverse('quality:order_create')}?lot={lot.pk}"
    assert link in page
    form = client.get(link).content.decode()
    assert lot.number in form and f'value="{lot.pk}"' in form
    response = client.post(link, {
        "party_type": "supplier", "supplier": lot.supplier_id, "problem": "批次不合格", "lot": lot.pk,
        "due_date": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    })  # fmt: skip
    assert response.status_code == 302
    order = RectificationOrder.objects.get(lot=lot)
    # The link both ways: the lot's page lists the order
    assert order.number in client.get(reverse("inspection:incominglot_detail", args=[lot.pk])).content.decode()
    # Only QA may open one
    assert browser_as("tech1").get(link).status_code == 403


def test_return_and_case_pages_list_their_orders(browser_as, demo):
    unit = ReturnFactory(store=Store.objects.get(code="S001"))
    order = order_for(returns=[unit])
    page = browser_as("qa1").get(reverse("cases:return_detail", args=[unit.pk])).content.decode()
    assert order.number in page and 'data-testid="rectification-orders"' in page


def test_the_list_page_filters_and_is_empty_for_a_store_without_orders(browser_as, demo):
    order_for()
    client = browser_as("qa1")
    page = client.get(reverse("quality:order_list"), {"state": "issued"}).content.decode()
    assert 'data-testid="order-table"' in page
    assert 'data-testid="empty"' in browser_as("store2").get(reverse("quality:order_list")).content.decode()


def test_the_home_tiles(browser_as, demo):
    order_for()
    home = browser_as("supplier1").get("/").content.decode()
    assert "Rectification orders to answer" in home or "待回复的质量整改令" in home


def test_one_click_from_the_recall_prefills_its_supplier_and_defect(browser_as, demo):
    from tests.factories.recalls import RecallFactory

    style = Style.objects.get(style_no="226101JK001")
    recall = RecallFactory(style=style, defect_code=DefectCode.objects.get(code="D04"))
    link = f"{reverse('quality:order_create')}?recall={recall.pk}"
    assert link in browser_as("qa1").get(reverse("recalls:recall_detail", args=[recall.pk])).content.decode()
    form = browser_as("qa1").get(link).content.decode()
    assert recall.number in form and f'<option value="{style.supplier_id}" selected>' in form
    response = browser_as("qa1").post(link, {
        "party_type": "supplier", "supplier": style.supplier_id, "problem": "整款退货", "recall": recall.pk,
        "due_date": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    })  # fmt: skip
    assert response.status_code == 302
    order = RectificationOrder.objects.get(recall=recall)
    assert (order.style, order.defect.code) == (style, "D04")
    assert order.number in browser_as("qa1").get(reverse("recalls:recall_detail", args=[recall.pk])).content.decode()


def test_the_supplier_severity_page_lists_its_orders_to_cite(browser_as, demo):
    order = order_for()
    url = reverse("inspection:supplier_severity_detail", args=["SUP01"])
    assert order.number in browser_as("qa1").get(url).content.decode()
