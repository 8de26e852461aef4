"""The supplier portal 供应商门户 (``chargebacks:supplier_units``): a supplier sees only the units scrapped at its
charge, with the inspection verdict, defect codes and photos, and its own issued statements."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from cases.choices import Verdict
from cases.models import Attachment
from chargebacks.choices import StatementState
from chargebacks.services import chargeback_build
from inspection.models import InspectionReport
from tests.factories.suppliers import DefectCodeFactory
from tests.factories.writeoffs import ScrapPendingReturnFactory
from tests.support.chargebacks import charged_month, state_after, statement_of

URL = "/month-end/supplier/units/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def inspected(unit, code: str) -> Attachment:
    """Give a scrapped unit its inspection report (one defect code) and one inspection photo."""
    report = InspectionReport.objects.create(
        return_item=unit,
        inspector=unit.logged_by,
        inspected_at=unit.inspected_at,
        verdict=Verdict.UNREPAIRABLE,
        responsibility=unit.responsibility,
        notes=f"{code} 面料破损无法修复",
    )
    report.defect_codes.add(DefectCodeFactory(code=code))
    attachment = Attachment(
        return_item=unit,
        kind="inspection",
        original_name=f"{code}.png",
        content_type="image/png",
        size=len(PNG),
        sha256=hashlib.sha256(PNG).hexdigest(),
        uploaded_by=unit.logged_by,
    )
    attachment.file.save(f"{code}.png", ContentFile(PNG), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def portal(demo, fast_documents, demo_user):
    month = charged_month()
    photos = {"sup01": inspected(month.units.sup01, "D-SUP01"), "sup02": inspected(month.units.sup02, "D-SUP02")}
    chargeback_build(period=month.period)
    for key in ["supplier:SUP01", "supplier:SUP02"]:
        state_after(statement_of(month.period, key), StatementState.ISSUED, demo_user)
    return month, photos


def test_supplier_sees_its_scrapped_units_with_inspection_and_photos(portal, browser_as):
    # given
    month, photos = portal

    # when
    response = browser_as("supplier1").get(URL)

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert [unit.pk for unit in response.context["units"]] == [month.units.sup01.pk]
    assert month.units.sup01.number in html and "D-SUP01" in html
    assert reverse("return-attachment-file", args=[month.units.sup01.pk, photos["sup01"].pk]) in html
    for unit in [month.units.sup02, month.units.store, month.units.hq, month.units.customer, month.repaired]:
        assert unit.number not in html
    assert "D-SUP02" not in html
    statements = response.context["statements"]
    assert [s.party_key for s in statements] == ["supplier:SUP01"]
    assert "Acknowledge or dispute" in html or "确认或提出异议" in html


def test_supplier_gets_its_own_photos_and_never_another_suppliers(portal, browser_as):
    # given
    month, photos = portal
    client = browser_as("supplier1")

    # when
    own = client.get(reverse("return-attachment-file", args=[month.units.sup01.pk, photos["sup01"].pk]))
    other = client.get(reverse("return-attachment-file", args=[month.units.sup02.pk, photos["sup02"].pk]))
    crossed = client.get(reverse("return-attachment-file", args=[month.units.sup01.pk, photos["sup02"].pk]))

    # then
    assert own.status_code == 200 and b"".join(own.streaming_content) == PNG
    assert other.status_code == 404
    assert crossed.status_code == 404


def test_supplier_never_sees_another_suppliers_statement(portal, browser_as, api_as):
    # given
    month, _photos = portal
    other = statement_of(month.period, "supplier:SUP02")

    # when / then
    client = browser_as("supplier1")
    for name in ["chargeback_detail", "chargeback_pdf", "chargeback_xlsx"]:
        assert client.get(reverse(f"chargebacks:{name}", args=[other.pk])).status_code == 404
    assert api_as("supplier1").get(f"/api/v1/chargebacks/{other.pk}/").status_code == 404
    assert api_as("supplier1").get("/api/v1/chargebacks/", {"party": "SUP02"}).json()["results"] == []


def test_supplier_disputes_its_statement_from_its_page(portal, browser_as):
    # given
    month, _photos = portal
    statement = statement_of(month.period, "supplier:SUP01")
    client = browser_as("supplier1")
    page = client.get(reverse("chargebacks:chargeback_detail", args=[statement.pk])).content.decode()

    # when
    response = client.post(
        reverse("chargebacks:chargeback_transition", args=[statement.pk, "dispute"]),
        {"reason": "该批次已按协议由门店承担"},
        HTTP_HX_REQUEST="true",
    )

    # then
    assert 'data-action="acknowledge"' in page and 'data-action="dispute"' in page
    assert response.status_code == 200
    statement.refresh_from_db()
    assert statement.state == StatementState.DISPUTED
    assert statement.dispute_reason == "该批次已按协议由门店承担"


@pytest.mark.parametrize(("username", "status"), [("store1", 403), ("region1", 403)])
def test_the_portal_is_for_suppliers_and_the_center(portal, browser_as, username, status):
    # when / then
    assert browser_as(username).get(URL).status_code == status
    assert browser_as("finance1").get(URL).status_code == 200


def test_anonymous_is_sent_to_login(demo, client):
    # when
    response = client.get(URL)

    # then
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_empty_portal_says_so(demo, browser_as):
    # when
    html = browser_as("supplier1").get(URL).content.decode()

    # then
    assert 'data-testid="empty-units"' in html and 'data-testid="empty-statements"' in html


def test_the_portal_costs_a_fixed_number_of_queries(portal, browser_as, django_assert_max_num_queries):
    # given
    month, _photos = portal
    client = browser_as("supplier1")
    client.get(URL)
    with django_assert_max_num_queries(40) as few:
        client.get(URL)
    for index in range(5):
        inspected(ScrapPendingReturnFactory(style=month.units.sup01.style), f"D-X{index}")

    # when / then
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["units"]) == 6
