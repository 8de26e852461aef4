"""``/api/v1/reports/``: list and detail cut to the caller, POST queues a build, retry, downloads, refusals."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from cases.choices import ReturnState, Verdict
from reports.choices import ReportKind, ReportRunStatus
from reports.models import ReportRun
from reports.selectors import report_kinds_for
from reports.services import reportrun_build
from stores.models import Store
from suppliers.choices import Responsibility
from suppliers.models import Style
from tests.factories.cases import ReturnFactory
from tests.factories.reports import ReportRunFactory

URL = "/api/v1/reports/"
PERIOD = dt.date(2025, 3, 1)


@pytest.fixture
def scrap_run(demo):
    at = dt.datetime(2025, 3, 10, 10, tzinfo=dt.UTC)
    for store, supplier in (("S001", "SUP01"), ("S002", "SUP02")):
        ReturnFactory(
            store=Store.objects.get(code=store),
            style=Style.objects.filter(supplier__code=supplier).first(),
            state=ReturnState.SCRAP_PENDING,
            verdict=Verdict.UNREPAIRABLE,
            responsibility=Responsibility.SUPPLIER,
            inspected_at=at,
        )
    run = ReportRunFactory(kind=ReportKind.SCRAP, period=PERIOD)
    reportrun_build(run_id=run.pk)
    return ReportRun.objects.get(pk=run.pk)


def test_anonymous_gets_401(api_client, scrap_run):
    # given / when / then
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, {"kind": "scrap", "period": "2025-01"}, format="json").status_code == 401
    assert api_client.get(f"{URL}{scrap_run.pk}/").status_code == 401


def test_a_role_without_reports_gets_403(api_as, scrap_run):
    # given the hotline (no reports) / when / then
    hotline = api_as("hotline1")
    assert hotline.get(URL).status_code == 403
    assert hotline.get(f"{URL}{scrap_run.pk}/").status_code == 403


def test_the_center_reads_the_run_with_links_and_figures(api_as, scrap_run):
    # given a built run / when a technician reads it
    response = api_as("tech1").get(f"{URL}{scrap_run.pk}/")
    # then
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("kind", "period", "status", "progress", "error", "attempts")} == {
        "kind": "scrap",
        "period": "2025-03",
        "status": "done",
        "progress": 100,
        "error": "",
        "attempts": 1,
    }
    assert body["pdf"].endswith(f"/api/v1/reports/{scrap_run.pk}/pdf/")
    assert body["xlsx"].endswith(f"/api/v1/reports/{scrap_run.pk}/xlsx/")
    assert body["pdf_sha256"] == scrap_run.pdf_sha256
    assert body["figures"]["totals"]["units"] == 2


def test_store_staff_get_their_own_figures_and_no_pdf(api_as, scrap_run):
    # given / when store1 (S001) reads the run
    client = api_as("store1")
    body = client.get(f"{URL}{scrap_run.pk}/").json()
    # then S001's unit only, no PDF link, no checksums of the center's files
    assert body["figures"]["totals"]["units"] == 1
    assert [row["code"] for row in body["figures"]["by_store"]] == ["S001"]
    assert body["pdf"] is None and body["pdf_sha256"] == "" and body["xlsx"]
    assert client.get(f"{URL}{scrap_run.pk}/pdf/").status_code == 403
    response = client.get(f"{URL}{scrap_run.pk}/xlsx/")
    assert response.status_code == 200
    cells = {
        str(c.value) for sheet in load_workbook(io.BytesIO(response.content)) for r in sheet.iter_rows() for c in r
    }
    assert "S001" in cells and "S002" not in cells


def test_a_supplier_gets_only_its_supplier(api_as, scrap_run):
    # given / when supplier1 (SUP01) reads the run / then SUP01 only
    body = api_as("supplier1").get(f"{URL}{scrap_run.pk}/").json()
    assert [row["code"] for row in body["figures"]["by_supplier"]] == ["SUP01"]


def test_the_center_downloads_the_stored_files(api_as, scrap_run):
    # given / when / then
    client = api_as("finance1")
    pdf = client.get(f"{URL}{scrap_run.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(f"{URL}{scrap_run.pk}/xlsx/")
    assert xlsx.status_code == 200 and xlsx["X-Checksum-SHA256"] == scrap_run.xlsx_sha256


def test_unknown_run_is_404_and_an_unbuilt_runs_files_too(api_as, demo):
    # given a queued run / when / then
    run = ReportRunFactory()
    client = api_as("tech1")
    assert client.get(f"{URL}999999/").status_code == 404
    assert client.get(f"{URL}{run.pk}/pdf/").status_code == 404
    assert client.get(f"{URL}{run.pk}/").json()["pdf"] is None


def test_post_queues_a_build_then_answers_the_existing_run(api_as, demo, django_capture_on_commit_callbacks):
    # given / when a technician asks for January's supplier quality report
    client = api_as("tech1")
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(URL, {"kind": "supplier_quality", "period": "2025-01"}, format="json")
    # then 201, built by the (eager) worker
    assert created.status_code == 201
    assert created.json()["kind"] == "supplier_quality" and created.json()["period"] == "2025-01"
    # when asked again / then 200 with the same run
    again = client.post(URL, {"kind": "supplier_quality", "period": "2025-01"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    assert again.json()["status"] == "done"
    assert ReportRun.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "weekly", "period": "2025-01"}, "kind"),
        ({"kind": "scrap", "period": "2025-1"}, "period"),
        ({"kind": "scrap", "period": "2999-12"}, "period"),
        ({"kind": "scrap"}, "period"),
        ({"period": "2025-01"}, "kind"),
        ({"kind": "scrap", "period": "2025-00\x00"}, "period"),
    ],
)
def test_bad_input_is_400_naming_the_field(api_as, demo, data, field):
    # given / when
    response = api_as("tech1").post(URL, data, format="json")
    # then
    assert response.status_code == 400
    assert field in response.json()
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("user", ["store1", "region1", "supplier1"])
def test_only_the_center_requests_builds(api_as, demo, user):
    # given / when / then 403, nothing created
    response = api_as(user).post(URL, {"kind": "scrap", "period": "2025-01"}, format="json")
    assert response.status_code == 403
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize(
    ("user", "run_status", "status"),
    [
        ("tech1", ReportRunStatus.DONE, 409),
        ("tech1", ReportRunStatus.RUNNING, 409),
        ("store1", ReportRunStatus.FAILED, 403),
        ("tech1", ReportRunStatus.FAILED, 200),
    ],
)
def test_retry_matrix(api_as, demo, user, run_status, status, django_capture_on_commit_callbacks):
    # given a run in some state
    run = ReportRunFactory(kind=ReportKind.TURNAROUND, status=run_status, progress=30, error="boom")
    # when retried
    with django_capture_on_commit_callbacks(execute=False):
        response = api_as(user).post(f"{URL}{run.pk}/retry/", {}, format="json")
    # then the answer, and a refusal changed nothing
    assert response.status_code == status
    run.refresh_from_db()
    if status == 200:
        assert response.json()["status"] == "queued" and run.status == ReportRunStatus.QUEUED
    else:
        assert (run.status, run.progress) == (run_status, 30)


def test_retry_of_an_unknown_run_is_404(api_as, demo):
    # given / when / then
    assert api_as("tech1").post(f"{URL}999999/retry/", {}, format="json").status_code == 404


def test_the_list_is_filtered_and_uses_a_fixed_number_of_queries(api_as, demo, django_assert_max_num_queries):
    # given runs over a year
    for month in range(1, 13):
        for kind in ReportKind.values:
            ReportRunFactory(kind=kind, period=dt.date(2024, month, 1))
    client = api_as("tech1")
    # when / then
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page_size": 100})
    # every run of the kinds a technician may open (the management's quality summary is not one of them)
    kinds = report_kinds_for(get_user_model().objects.get(username="tech1"))
    assert "quality_summary" not in kinds
    assert response.status_code == 200 and len(response.json()["results"]) == 12 * len(kinds)
    filtered = client.get(URL, {"kind": "scrap", "period": "2024-05"}).json()["results"]
    assert [(row["kind"], row["period"]) for row in filtered] == [("scrap", "2024-05")]
    assert client.get(URL, {"period": "junk"}).json()["results"] == []
