"""``/api/v1/inspections/``: inspection reports 鉴定报告, read-only and scoped through their Return."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cases.choices import ReturnState
from inspection.models import InspectionReport
from tests.support.returns import inspected, return_in


@pytest.mark.django_db
def test_report_detail_shows_the_verdict_codes_and_return(api_as, demo):
    # Given an inspected Return of S001
    report = inspected(1)[0]
    # When its store reads the report
    response = api_as("store1").get(f"/api/v1/inspections/{report.pk}/")
    # Then it shows what the technician decided, codes by code
    assert response.status_code == 200
    body = response.json()
    assert (body["return_id"], body["return_number"]) == (report.return_item_id, report.return_item.number)
    assert (body["verdict"], body["responsibility"], body["inspector"]) == ("repairable", "supplier", "tech1")
    assert body["defect_codes"] == sorted(report.defect_codes.values_list("code", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(("login", "expected"), [(None, 401), ("store2", 404), ("store101", 404), ("store1", 200),
                                                 ("region1", 200), ("tech1", 200), ("finance1", 200)])  # fmt: skip
def test_reports_are_scoped_like_their_return(api_as, demo, login, expected):
    report = inspected(1)[0]
    client = APIClient() if login is None else api_as(login)
    assert client.get(f"/api/v1/inspections/{report.pk}/").status_code == expected
    listed = client.get("/api/v1/inspections/")
    if expected == 401:
        assert listed.status_code == 401
    else:
        assert (report.pk in {row["id"] for row in listed.json()["results"]}) == (expected == 200)


@pytest.mark.django_db
def test_supplier_sees_only_reports_charged_to_it(api_as, demo):
    # Given one unit judged the supplier's fault and one the store's
    charged = inspected(1, responsibility="supplier")[0]
    not_charged = inspected(1, responsibility="store")[0]
    # Then the supplier of the style sees only the first
    rows = {row["id"] for row in api_as("supplier1").get("/api/v1/inspections/").json()["results"]}
    assert charged.pk in rows and not_charged.pk not in rows


@pytest.mark.django_db
def test_reports_are_read_only(api_as, demo):
    report = inspected(1)[0]
    client = api_as("tech1")
    assert client.post("/api/v1/inspections/", {}, format="json").status_code == 405
    assert client.patch(f"/api/v1/inspections/{report.pk}/", {"verdict": "no_defect"}, format="json").status_code == 405
    assert InspectionReport.objects.get(pk=report.pk).verdict == "repairable"


@pytest.mark.django_db
def test_filter_by_verdict(api_as, demo):
    repairable = inspected(1)[0]
    no_defect = inspected(1, verdict="no_defect")[0]
    rows = api_as("tech1").get("/api/v1/inspections/?verdict=no_defect").json()["results"]
    assert [row["id"] for row in rows] == [no_defect.pk]
    assert repairable.pk != no_defect.pk


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["store1", "tech1", "supplier1"])
def test_report_list_runs_a_fixed_number_of_queries(api_as, demo, login):
    # Given 55 inspection reports, each with defect codes
    inspected(55)
    client = api_as(login)
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/inspections/?page_size={size}")
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts


@pytest.mark.django_db
def test_a_report_appears_only_after_inspect(api_as, demo):
    item = return_in(ReturnState.RECEIVED)
    assert api_as("tech1").get("/api/v1/inspections/").json()["results"] == []
    api_as("tech1").post(f"/api/v1/returns/{item.pk}/inspect/", {"verdict": "no_defect"}, format="json")
    assert [row["return_id"] for row in api_as("tech1").get("/api/v1/inspections/").json()["results"]] == [item.pk]
