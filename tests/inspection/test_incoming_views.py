"""The incoming-inspection pages: logistics registers and releases, the technician's tablet defect entry, QA's
review and the suppliers by severity, the VP's concessions, a supplier's own lots; in zh-hans and en."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from inspection.choices import LotState
from inspection.models import IncomingLot
from suppliers.models import Supplier
from tests.support.incoming import inspect, register, rejected, reviewed

pytestmark = pytest.mark.django_db


def detail(lot):
    return reverse("inspection:incominglot_detail", args=[lot.pk])


def transition(lot, name):
    return reverse("inspection:incominglot_transition", args=[lot.pk, name])


def test_logistics_registers_a_lot_in_the_browser(browser_as, demo):
    client = browser_as("logistics1")
    page = client.get(reverse("inspection:incominglot_register"))
    assert page.status_code == 200
    response = client.post(
        reverse("inspection:incominglot_register"),
        {"supplier": "SUP01", "style": "226101JK001", "po_number": "PO-77", "quantity": 1500, "cartons": 60,
         "delivery_date": "2027-01-15", "level": "II"},
    )  # fmt: skip
    lot = IncomingLot.objects.get(po_number="PO-77")
    assert response.status_code == 302 and response["Location"] == detail(lot)
    body = client.get(detail(lot)).content.decode()
    assert lot.number in body and "125" in body
    assert ", ".join(str(n) for n in lot.current_inspection.cartons_to_open) in body


def test_a_bad_registration_is_a_400_and_creates_nothing(browser_as, demo):
    response = browser_as("logistics1").post(
        reverse("inspection:incominglot_register"),
        {"supplier": "SUP01", "style": "225101JK015", "po_number": "PO-78", "quantity": 1, "cartons": 60,
         "delivery_date": "2027-01-15", "level": "II"},
    )  # fmt: skip
    assert response.status_code == 400
    assert not IncomingLot.objects.exists()


def test_only_logistics_opens_the_register_page(browser_as, demo):
    assert browser_as("tech1").get(reverse("inspection:incominglot_register")).status_code == 403


def test_the_technicians_tablet_defect_entry_records_the_result(browser_as, demo):
    lot = register()
    client = browser_as("tech1")
    assert client.post(transition(lot, "start_inspection")).status_code == 302
    page = client.get(detail(lot)).content.decode()
    assert 'data-testid="defect-entry"' in page and 'inputmode="numeric"' in page
    response = client.post(
        transition(lot, "record_result"),
        {"items_checked": ["外观", "做工"], "class_1": "major", "code_1": "D01", "quantity_1": "8",
         "class_2": "minor", "code_2": "D03", "quantity_2": "2", "notes": "第3箱开线集中"},
    )  # fmt: skip
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.state == LotState.REJECTED
    assert lot.current_inspection.found("major") == 8


def test_an_incomplete_defect_row_is_a_400_and_records_nothing(browser_as, demo):
    lot = register()
    client = browser_as("tech1")
    client.post(transition(lot, "start_inspection"))
    response = client.post(transition(lot, "record_result"), {"items_checked": ["外观"], "class_1": "major"})
    assert response.status_code == 400
    lot.refresh_from_db()
    assert lot.state == LotState.INSPECTING


def test_logistics_releases_an_accepted_lot_and_cannot_release_a_rejected_one(browser_as, demo):
    client = browser_as("logistics1")
    good, bad = inspect(register()), rejected()
    assert client.post(transition(bad, "release")).status_code == 409
    assert client.post(transition(good, "release")).status_code == 302
    good.refresh_from_db()
    assert good.state == LotState.RELEASED


def test_qa_reviews_and_the_vp_approves_a_concession(browser_as, demo):
    lot = rejected()
    response = browser_as("qa1").post(transition(lot, "review"), {"disposition": "concession", "notes": "色差轻微"})
    assert response.status_code == 302
    assert browser_as("qa1").post(transition(lot, "approve_concession")).status_code == 403
    assert browser_as("vp1").post(transition(lot, "approve_concession")).status_code == 302
    lot.refresh_from_db()
    assert lot.state == LotState.RELEASED


@pytest.mark.parametrize(("username", "status"), [("qa1", 200), ("tech1", 200), ("supplier1", 200), ("store1", 403)])
def test_the_lot_list_by_role(browser_as, demo, username, status):
    register()
    other = register(supplier="SUP02", style="225101JK015")
    response = browser_as(username).get(reverse("inspection:incominglot_list"))
    assert response.status_code == status
    if username == "supplier1":
        assert other.number not in response.content.decode()


def test_suppliers_by_severity_and_a_suppliers_switches(browser_as, demo):
    first, second = rejected(), rejected()
    client = browser_as("qa1")
    page = client.get(reverse("inspection:supplier_severity_list")).content.decode()
    assert "SUP01" in page
    page = client.get(reverse("inspection:supplier_severity_detail", args=["SUP01"])).content.decode()
    assert first.number in page and second.number in page and 'data-rule="two_of_five"' in page


def test_qa_resumes_a_discontinued_supplier_with_a_reason(browser_as, demo):
    Supplier.objects.filter(code="SUP01").update(inspection_severity="discontinued")
    url = reverse("inspection:supplier_severity_detail", args=["SUP01"])
    assert browser_as("logistics1").post(url, {"decision": "resume", "reason": "x"}).status_code == 403
    assert browser_as("qa1").post(url, {"decision": "resume", "reason": ""}).status_code == 400
    # Resuming needs the supplier's rectification order closed or cited (quality): a reason alone is a 400.
    assert browser_as("qa1").post(url, {"decision": "resume", "reason": "整改令已验证"}).status_code == 400
    import datetime as dt

    from django.utils import timezone

    from quality.services.orders import open_order

    order = open_order(
        by=get_user_model().objects.get(username="qa1"),
        party_type="supplier",
        party=Supplier.objects.get(code="SUP01"),
        problem="批次连续不合格",
        due_date=timezone.localdate() + dt.timedelta(days=14),
    )
    reason = f"整改令 {order.number} 已回复"
    assert browser_as("qa1").post(url, {"decision": "resume", "reason": reason}).status_code == 302
    assert Supplier.objects.get(code="SUP01").inspection_severity == "tightened"


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "大货批次"), ("en", "Incoming lots")])
def test_the_pages_speak_both_languages(browser_as, demo, language, words):
    reviewed("rework")
    client = browser_as("qa1")
    client.cookies["django_language"] = language
    response = client.get(reverse("inspection:incominglot_list"), HTTP_ACCEPT_LANGUAGE=language)
    assert words in response.content.decode()
