"""Loss reports 报损单 over the API and on the pages: a supplier or store sees and signs only its own (404 for
another's, on the page, the API and the download); the acknowledge permission matrix; fixed query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from aftersales.periods import previous_period
from stores.models import Store
from suppliers.choices import Responsibility
from suppliers.models import Supplier
from tests.factories.stores import UserFactory
from tests.factories.writeoffs import LossReportFactory, WriteOffListFactory, scrapped_unit
from tests.support.refusals import Refusal, assert_refused, attempt, client_for, refusal_cases
from writeoffs.choices import LossReportState, PartyType
from writeoffs.models import LossReport
from writeoffs.services import writeofflist_approve, writeofflist_build, writeofflist_confirm, writeofflist_submit

pytestmark = pytest.mark.django_db

URL = "/api/v1/loss-reports/"


@pytest.fixture
def reports(demo, demo_user):
    """An approved list of last month: SUP01 (two units), SUP02 (one) and store S001 (one) at fault."""
    scrapped_unit(style_no="226101JK001")
    scrapped_unit(style_no="226201TS008", store_code="S002")
    scrapped_unit(style_no="225101JK015")
    scrapped_unit(style_no="226201TS003", responsibility=Responsibility.STORE)
    writeoff_list, _ = writeofflist_build(period=previous_period(), user=demo_user("tech1"))
    writeofflist_submit(writeoff_list=writeoff_list, user=demo_user("tech1"))
    writeofflist_confirm(writeoff_list=writeoff_list, user=demo_user("logistics1"))
    writeofflist_approve(writeoff_list=writeoff_list, user=demo_user("vp1"))
    return {report.party_key: report for report in LossReport.objects.all()}


def test_loss_reports_total_the_sum_of_their_lines(reports):
    assert reports["supplier:SUP01"].total_cost == Decimal("354.00")
    for report in reports.values():
        assert isinstance(report.total_cost, Decimal)
        assert report.total_cost == sum((line.unit_cost for line in report.lines), Decimal("0.00"))


def test_supplier1_sees_only_sup01s_reports(reports, api_as):
    # given supplier1 (SUP01)
    client = api_as("supplier1")
    own, other = reports["supplier:SUP01"], reports["supplier:SUP02"]
    # then its list holds SUP01's report only, with its units
    rows = client.get(URL).json()["results"]
    assert [row["number"] for row in rows] == [own.number]
    detail = client.get(f"{URL}{own.pk}/").json()
    assert (detail["party"], detail["total"], detail["available_transitions"]) == (
        "SUP01",
        "354.00",
        ["acknowledge", "dispute"],
    )
    assert {line["style"] for line in detail["lines"]} == {"226101JK001", "226201TS008"}
    # and another supplier's or a store's report is 404 on the API, the download and the page
    for report in (other, reports["store:S001"]):
        assert client.get(f"{URL}{report.pk}/").status_code == 404
        assert client.get(f"{URL}{report.pk}/pdf/").status_code == 404
        assert client.post(f"{URL}{report.pk}/acknowledge/", {}, format="json").status_code == 404
    browser = APIClient()
    browser.force_login(own.supplier.memberships.get().user)
    assert browser.get(f"/month-end/loss-reports/{own.pk}/").status_code == 200
    assert browser.get(f"/month-end/loss-reports/{other.pk}/").status_code == 404
    assert browser.get(f"/month-end/loss-reports/{other.pk}/download/pdf/").status_code == 404
    assert browser.get(f"/month-end/loss-reports/{own.pk}/download/pdf/").status_code == 200
    page = browser.get("/month-end/loss-reports/").content.decode()
    assert own.number in page and other.number not in page


def test_store_staff_see_only_their_stores_report(reports, api_as):
    rows = api_as("store1").get(URL).json()["results"]
    assert [row["party"] for row in rows] == ["S001"]
    assert api_as("store2").get(URL).json()["results"] == []
    assert api_as("store2").get(f"{URL}{reports['store:S001'].pk}/").status_code == 404


def test_the_center_sees_every_report_and_filters(reports, api_as):
    client = api_as("finance1")
    assert len(client.get(URL).json()["results"]) == 3
    assert {row["party"] for row in client.get(URL, {"party_type": "supplier"}).json()["results"]} == {
        "SUP01",
        "SUP02",
    }
    assert len(client.get(URL, {"period": f"{previous_period():%Y-%m}", "state": "issued"}).json()["results"]) == 3
    assert client.get(URL, {"period": "2026-99"}).status_code == 400


def report_snapshot(report: LossReport) -> dict:
    return LossReport.objects.values().get(pk=report.pk)


ACKNOWLEDGE_MATRIX = [
    Refusal(
        action="acknowledge",
        case=party_key,
        who=username,
        expected=expected,
        arrange=lambda reports, party_key=party_key: reports[party_key],
        url=lambda report: f"{URL}{report.pk}/acknowledge/",
        payload={},
    )
    for party_key, username, expected in [
        ("supplier:SUP01", None, 401),
        ("supplier:SUP01", "tech1", 403),
        ("supplier:SUP01", "finance1", 403),
        ("supplier:SUP01", "store1", 404),
        ("supplier:SUP02", "supplier1", 404),
        ("supplier:SUP01", "supplier1", 200),
        ("store:S001", "store2", 404),
        ("store:S001", "region1", 403),
        ("store:S001", "store1", 200),
    ]
]


@pytest.mark.parametrize("row", refusal_cases(ACKNOWLEDGE_MATRIX, snapshot=report_snapshot))
def test_acknowledge_permission_matrix(reports, api_as, row):
    tried = attempt(row, api_as, reports)
    report, response = tried.subject, tried.response
    report.refresh_from_db()
    if row.allowed:
        assert response.json()["state"] == "acknowledged"
        assert response.json()["acknowledged_by"] == row.who
        # signing twice is a wrong state
        again = client_for(api_as, row.who).post(f"{URL}{report.pk}/acknowledge/", {}, format="json")
        assert again.status_code == 409
    else:
        assert_refused(tried)
        assert (report.state, report.acknowledged_by) == (LossReportState.ISSUED, None)


def test_supplier_signs_on_the_page(reports, browser_as):
    report = reports["supplier:SUP01"]
    client = browser_as("supplier1")
    page = client.get(f"/month-end/loss-reports/{report.pk}/").content.decode()
    assert 'data-testid="submit-acknowledge"' in page
    response = client.post(
        f"/month-end/loss-reports/{report.pk}/acknowledge/", {"checked": "on"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'data-state="acknowledged"' in response.content.decode()
    again = client.post(f"/month-end/loss-reports/{report.pk}/acknowledge/", {"checked": "on"}, HTTP_HX_REQUEST="true")
    assert again.status_code == 409


def test_signing_on_the_page_asks_for_confirmation_and_refuses_an_unticked_form(reports, browser_as):
    """Signing is final: the page asks the browser to confirm (hx-confirm), and the form's checkbox is the same
    question without JavaScript; unticked, nothing changes and the page says why."""
    report = reports["supplier:SUP01"]
    client = browser_as("supplier1")
    page = client.get(f"/month-end/loss-reports/{report.pk}/").content.decode()
    assert "hx-confirm=" in page and 'name="checked"' in page
    response = client.post(f"/month-end/loss-reports/{report.pk}/acknowledge/", {})
    assert response.status_code == 400
    assert "请勾选" in response.content.decode()
    report.refresh_from_db()
    assert (report.state, report.acknowledged_by) == (LossReportState.ISSUED, None)


def test_supplier_disputes_on_the_page_with_a_reason_and_the_center_is_told(reports, browser_as, demo_user):
    from aftersales.models import Notification

    report = reports["supplier:SUP01"]
    client = browser_as("supplier1")
    page = client.get(f"/month-end/loss-reports/{report.pk}/").content.decode()
    assert 'data-testid="submit-dispute"' in page
    url = f"/month-end/loss-reports/{report.pk}/dispute/"
    # without a reason: refused, nothing changes
    empty = client.post(url, {"reason": "  "}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 400
    report.refresh_from_db()
    assert (report.state, report.dispute_reason) == (LossReportState.ISSUED, "")
    assert not Notification.objects.filter(kind="lossreport_disputed").exists()
    # with a reason: disputed, shown on the page, and finance and the list's submitter are told
    response = client.post(url, {"reason": "226101JK001 不是我方责任"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-state="disputed"' in body and "226101JK001 不是我方责任" in body
    report.refresh_from_db()
    assert (report.state, report.disputed_by, report.acknowledged_by) == (
        LossReportState.DISPUTED,
        demo_user("supplier1"),
        None,
    )
    told = set(Notification.objects.filter(kind="lossreport_disputed").values_list("recipient__username", flat=True))
    assert {"finance1", "tech1"} <= told and "supplier1" not in told


def report_in(reports, party_key: str, state: str) -> LossReport:
    report = reports[party_key]
    if state != "issued":
        LossReport.objects.filter(pk=report.pk).update(state=state)
    return report


DISPUTE_MATRIX = [
    Refusal(
        action="dispute",
        case=f"{party_key}-{state}",
        who=username,
        expected=expected,
        arrange=lambda reports, party_key=party_key, state=state: report_in(reports, party_key, state),
        url=lambda report: f"{URL}{report.pk}/dispute/",
        payload={"reason": "数量不对"},
    )
    for party_key, username, state, expected in [
        ("supplier:SUP01", None, "issued", 401),
        ("supplier:SUP01", "tech1", "issued", 403),
        ("supplier:SUP01", "finance1", "issued", 403),
        ("supplier:SUP01", "store1", "issued", 404),
        ("supplier:SUP02", "supplier1", "issued", 404),
        ("store:S001", "store2", "issued", 404),
        ("store:S001", "region1", "issued", 403),
        ("supplier:SUP01", "supplier1", "acknowledged", 409),
        ("supplier:SUP01", "supplier1", "disputed", 409),
        ("supplier:SUP01", "supplier1", "issued", 200),
        ("store:S001", "store1", "issued", 200),
    ]
]


@pytest.mark.parametrize("row", refusal_cases(DISPUTE_MATRIX, snapshot=report_snapshot))
def test_dispute_permission_matrix(reports, api_as, row):
    tried = attempt(row, api_as, reports)
    if row.allowed:
        assert (tried.response.json()["state"], tried.response.json()["dispute_reason"]) == ("disputed", "数量不对")
        assert "dispute" not in tried.response.json()["available_transitions"]
    else:
        assert_refused(tried)  # a refusal changes nothing


def test_dispute_over_the_api_needs_a_reason(reports, api_as):
    report = reports["supplier:SUP01"]
    response = api_as("supplier1").post(f"{URL}{report.pk}/dispute/", {"reason": ""}, format="json")
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.state == LossReportState.ISSUED


def test_acknowledge_over_the_api_needs_no_checkbox(reports, api_as):
    # The API caller is explicit: the page's confirmation is not part of the contract.
    report = reports["supplier:SUP01"]
    assert api_as("supplier1").post(f"{URL}{report.pk}/acknowledge/", {}, format="json").status_code == 200


def test_lists_use_a_fixed_number_of_queries(demo, api_as, browser_as, django_assert_max_num_queries):
    # given many loss reports of many parties
    lists = [WriteOffListFactory(period=dt.date(2025, month, 1), state="approved") for month in (1, 2, 3)]
    for writeoff_list in lists:
        for supplier in Supplier.objects.all():
            LossReportFactory(writeoff_list=writeoff_list, party_type=PartyType.SUPPLIER, supplier=supplier)
        for store in Store.objects.all()[:5]:
            LossReportFactory(writeoff_list=writeoff_list, party_type=PartyType.STORE, store=store)
    client = api_as("finance1")
    client.get(URL)
    # then the API list and the page cost the same whatever the number of rows
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page_size": 50})
    assert len(response.json()["results"]) == LossReport.objects.count()
    browser = browser_as("finance1")
    browser.get("/month-end/loss-reports/")
    with django_assert_max_num_queries(12):
        assert browser.get("/month-end/loss-reports/").status_code == 200


def test_a_user_of_two_suppliers_sees_both(reports):
    user = UserFactory(
        roles=["supplier_user"], suppliers=[Supplier.objects.get(code="SUP01"), Supplier.objects.get(code="SUP02")]
    )
    client = APIClient()
    client.force_authenticate(user)
    assert {row["party"] for row in client.get(URL).json()["results"]} == {"SUP01", "SUP02"}
