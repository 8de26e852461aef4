"""A discontinued supplier's lots (GB/T 2828.1 clause 9.4): domain.md says "its new lots cannot be *inspected* until
QA resumes it", so a lot is still registered (logistics records what arrived), planned under tightened, and told
as waiting; starting its inspection is refused with a 409 that names the reason, nothing changed. Tested through the
service, the API and the pages."""

from pathlib import Path

import pytest
from django.urls import reverse

from aftersales.fsm import TransitionStateConflict
from inspection.choices import LotState
from inspection.models import IncomingLot
from inspection.services import incominglot_start_inspection
from inspection.switching import supplier_resume
from suppliers.models import Supplier
from tests.support.incoming import register, snapshot, user

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
DOMAIN = REPO.parent / "shared" / "design" / "domain.md"
DOMAIN_COPY = REPO / "docs" / "domain.md"


def discontinue(code: str = "SUP02") -> Supplier:
    Supplier.objects.filter(code=code).update(inspection_severity="discontinued")
    return Supplier.objects.get(code=code)


def rectification_order(code: str):
    """QA's rectification order to the supplier: its inspection resumes only by closing or citing it (quality)."""
    import datetime as dt

    from django.utils import timezone

    from quality.services.orders import open_order

    return open_order(
        by=user("qa1"), party_type="supplier", party=Supplier.objects.get(code=code), problem="批次连续不合格",
        due_date=timezone.localdate() + dt.timedelta(days=14),
    )  # fmt: skip


def test_domain_md_blocks_inspection_not_registration():
    text = " ".join((DOMAIN if DOMAIN.exists() else DOMAIN_COPY).read_text(encoding="utf-8").split())
    assert "its new lots cannot be inspected until QA resumes it" in text


def test_the_lot_is_registered_under_tightened_and_cannot_be_inspected(demo):
    supplier = discontinue()
    lot = register(supplier="SUP02", style="225101JK015")
    assert lot.state == LotState.REGISTERED and lot.severity == "tightened"
    assert lot.current_inspection.severity == "tightened"
    # 1 500 items → K; tightened 2.5 is 5/6 where normal is 7/8.
    assert (lot.current_inspection.plan["major"]["accept"], lot.current_inspection.sample_size) == (5, 125)
    before = snapshot(lot)
    with pytest.raises(TransitionStateConflict) as refused:
        incominglot_start_inspection(user=user("tech1"), lot=lot)
    message = str(refused.value.message)  # the tests run in zh-hans, the default language
    assert "SUP02" in message and ("已暂停检验" in message or "discontinued" in message)
    assert snapshot(lot) == before
    order = rectification_order("SUP02")
    supplier_resume(user=user("qa1"), supplier=supplier, reason=f"整改令 {order.number} 已验证")
    assert incominglot_start_inspection(user=user("tech1"), lot=lot).state == LotState.INSPECTING


def test_over_the_api_registration_is_201_and_the_start_a_409_naming_the_reason(api_as, demo):
    discontinue()
    payload = {"supplier": "SUP02", "style": "225101JK015", "po_number": "PO-DISC-1", "quantity": 1500,
               "cartons": 60, "delivery_date": "2027-02-01"}  # fmt: skip
    created = api_as("logistics1").post("/api/v1/incoming-lots/", payload, format="json")
    assert created.status_code == 201, created.content
    lot = IncomingLot.objects.get(po_number="PO-DISC-1")
    assert created.json()["number"] == lot.number and created.json()["severity"] == "tightened"
    before = snapshot(lot)
    started = api_as("tech1").post(f"/api/v1/incoming-lots/{lot.pk}/start_inspection/", {}, format="json")
    assert started.status_code == 409
    assert "SUP02" in started.json()["detail"] and "已暂停检验" in started.json()["detail"]
    assert snapshot(lot) == before


def test_on_the_pages_logistics_is_warned_and_the_technician_refused(browser_as, demo):
    discontinue()
    client = browser_as("logistics1")
    response = client.post(
        reverse("inspection:incominglot_register"),
        {"supplier": "SUP02", "style": "225101JK015", "po_number": "PO-DISC-2", "quantity": 1500, "cartons": 60,
         "delivery_date": "2027-02-01", "level": "II"},
        follow=True,
    )  # fmt: skip
    lot = IncomingLot.objects.get(po_number="PO-DISC-2")
    body = response.content.decode()
    assert response.status_code == 200 and lot.number in body
    assert 'data-testid="inspection-blocked"' in body
    tech = browser_as("tech1")
    before = snapshot(lot)
    refused = tech.post(reverse("inspection:incominglot_transition", args=[lot.pk, "start_inspection"]))
    assert refused.status_code == 409
    assert "已暂停检验" in refused.content.decode()
    assert snapshot(lot) == before


def test_a_lot_of_a_supplier_on_normal_shows_no_warning(browser_as, demo):
    lot = register()
    body = browser_as("tech1").get(reverse("inspection:incominglot_detail", args=[lot.pk])).content.decode()
    assert 'data-testid="inspection-blocked"' not in body
