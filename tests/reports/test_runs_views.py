"""Report pages: the runs with live progress (htmx polling that stops), the report in the browser cut to the viewer,
downloads, builds on demand and retries."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.periods import future_period_message
from cases.choices import ReturnState, Verdict
from inspection.models import InspectionReport
from reports.choices import ReportKind, ReportRunStatus
from reports.models import ReportRun
from reports.selectors import report_kinds_for
from reports.services import reportrun_build
from stores.models import Store
from suppliers.choices import Responsibility
from suppliers.models import DefectCode, Style
from tests.factories.cases import ReturnFactory
from tests.factories.reports import ReportRunFactory

PERIOD = dt.date(2025, 3, 1)
User = get_user_model()


@pytest.fixture
def built(demo):
    """March 2025: one unit scrapped at S001 (a SUP01 style) and one at S002 (a SUP02 style); both reports built."""
    at = dt.datetime(2025, 3, 10, 10, tzinfo=dt.UTC)
    technician, code = User.objects.get(username="tech1"), DefectCode.objects.order_by("code").first()
    for store, supplier in (("S001", "SUP01"), ("S002", "SUP02")):
        unit = ReturnFactory(
            store=Store.objects.get(code=store),
            style=Style.objects.filter(supplier__code=supplier).first(),
            state=ReturnState.SCRAP_PENDING,
            verdict=Verdict.UNREPAIRABLE,
            responsibility=Responsibility.SUPPLIER,
            inspected_at=at,
        )
        report = InspectionReport.objects.create(
            return_item=unit, inspector=technician, inspected_at=at, verdict=unit.verdict, responsibility="supplier"
        )
        report.defect_codes.add(code)
    runs = {}
    for kind in (ReportKind.SCRAP, ReportKind.SUPPLIER_QUALITY):
        run = ReportRunFactory(kind=kind, period=PERIOD)
        reportrun_build(run_id=run.pk)
        runs[kind] = ReportRun.objects.get(pk=run.pk)
    return runs


def test_the_list_shows_runs_and_the_build_form_to_the_center(browser_as, built):
    # given built runs / when a technician opens the list
    response = browser_as("tech1").get(reverse("reports:reportrun_list"))
    # then every run is listed with its status, and the on-demand form is there
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="run-progress"') == 2
    assert 'data-testid="report-request-form"' in body
    assert "vendor/chartjs" not in body  # charts load on the report page only


def test_store_staff_see_the_runs_without_the_build_form(browser_as, built):
    # given / when
    response = browser_as("store1").get(reverse("reports:reportrun_list"))
    # then
    assert response.status_code == 200
    assert 'data-testid="report-request-form"' not in response.content.decode()


def test_a_role_without_reports_is_refused_and_anonymous_is_sent_to_login(client, browser_as, built):
    # given / when / then
    run = built[ReportKind.SCRAP]
    assert client.get(reverse("reports:reportrun_list")).status_code == 302
    hotline = browser_as("hotline1")
    assert hotline.get(reverse("reports:reportrun_list")).status_code == 403
    assert hotline.get(reverse("reports:reportrun_detail", args=[run.pk])).status_code == 403


def test_the_list_page_uses_a_fixed_number_of_queries(browser_as, demo, django_assert_max_num_queries):
    # given many runs
    # (ten months of every kind: one page of 50)
    for month in range(1, 11):
        for kind in ReportKind.values:
            ReportRunFactory(kind=kind, period=dt.date(2024, month, 1))
    browser = browser_as("tech1")
    # when / then
    with django_assert_max_num_queries(12):
        response = browser.get(reverse("reports:reportrun_list"))
    # the kinds a technician may open: 10 months × 5 kinds, the first page of 50 (the quality summary is the
    # management's)
    shown = 10 * len(report_kinds_for(get_user_model().objects.get(username="tech1")))
    assert shown == 50
    assert response.content.decode().count('data-testid="run-progress"') == shown


def test_an_empty_list_says_so(browser_as, demo):
    # given no run / when / then
    response = browser_as("tech1").get(reverse("reports:reportrun_list"))
    assert 'data-testid="empty-state"' in response.content.decode()


def test_a_running_run_polls_its_progress_and_stops_when_done(browser_as, demo):
    # given a running run at 40 %
    run = ReportRunFactory(status=ReportRunStatus.RUNNING, progress=40)
    browser = browser_as("tech1")
    url = reverse("reports:reportrun_progress", args=[run.pk])
    # when the progress partial is polled
    running = browser.get(url, HTTP_HX_REQUEST="true").content.decode()
    # then it shows 40 % and keeps polling every 2 s
    assert 'hx-trigger="every 2s"' in running and "40%" in running and 'data-status="running"' in running
    # when the run is done
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRunStatus.DONE, progress=100)
    done = browser.get(url, HTTP_HX_REQUEST="true").content.decode()
    # then the answer carries no trigger: polling stops
    assert "hx-trigger" not in done and "100%" in done and 'data-status="done"' in done


def test_the_report_page_reloads_itself_when_its_run_finishes(browser_as, demo):
    # given a run that was running when the page polled, now done
    run = ReportRunFactory(status=ReportRunStatus.DONE, progress=100)
    url = reverse("reports:reportrun_progress", args=[run.pk]) + "?where=detail&was=running"
    # when / then
    assert browser_as("tech1").get(url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def test_a_queued_report_page_shows_its_progress_and_no_figures(browser_as, demo):
    # given a queued run / when its page opens
    run = ReportRunFactory(status=ReportRunStatus.QUEUED)
    body = browser_as("tech1").get(reverse("reports:reportrun_detail", args=[run.pk])).content.decode()
    # then progress polls and the figures wait
    assert 'hx-trigger="every 2s"' in body and 'data-testid="report-pending"' in body
    assert 'data-testid="download-pdf"' not in body


def test_the_center_reads_the_whole_report_with_charts_and_downloads(browser_as, built):
    # given the built scrap report / when a technician opens it
    run = built[ReportKind.SCRAP]
    body = browser_as("tech1").get(reverse("reports:reportrun_detail", args=[run.pk])).content.decode()
    # then both stores, the charts' data and the vendored Chart.js, and both downloads
    assert "S001" in body and "S002" in body
    assert 'id="report-charts"' in body and "vendor/chartjs/chart.umd.min.js" in body
    assert 'data-chart="supplier_cost"' in body and 'data-chart="top_defects"' in body
    assert 'data-testid="download-pdf"' in body and 'data-testid="download-xlsx"' in body


def test_store_staff_see_only_their_stores_figures(browser_as, built):
    # given the built scrap report / when store1 (S001) opens it
    run = built[ReportKind.SCRAP]
    body = browser_as("store1").get(reverse("reports:reportrun_detail", args=[run.pk])).content.decode()
    # then S001's unit only, no PDF of the whole brand, an XLSX of its own figures
    assert "S001" in body and "S002" not in body
    assert 'data-testid="total-units">1<' in body
    assert 'data-testid="download-pdf"' not in body and 'data-testid="download-xlsx"' in body


def test_a_supplier_sees_only_its_own_row(browser_as, built):
    # given the supplier quality report / when supplier1 (SUP01) opens it
    run = built[ReportKind.SUPPLIER_QUALITY]
    body = browser_as("supplier1").get(reverse("reports:reportrun_detail", args=[run.pk])).content.decode()
    # then SUP01's row and not SUP02's
    assert 'data-supplier="SUP01"' in body and 'data-supplier="SUP02"' not in body


def test_downloads_are_the_centers_files_or_the_users_own_figures(browser_as, built):
    # given the built scrap report
    run = built[ReportKind.SCRAP]
    pdf_url = reverse("reports:reportrun_download", args=[run.pk, "pdf"])
    xlsx_url = reverse("reports:reportrun_download", args=[run.pk, "xlsx"])
    # when the center downloads / then the stored files
    tech = browser_as("tech1")
    pdf = tech.get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Checksum-SHA256"] == run.pdf_sha256
    # when store1 downloads / then no PDF, and an XLSX with S001 only
    store = browser_as("store1")
    assert store.get(pdf_url).status_code == 403
    response = store.get(xlsx_url)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = {str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row}
    assert "S001" in cells and "S002" not in cells


def test_a_report_not_built_has_nothing_to_download(browser_as, demo):
    # given a queued run / when / then 404
    run = ReportRunFactory()
    assert browser_as("tech1").get(reverse("reports:reportrun_download", args=[run.pk, "pdf"])).status_code == 404


def test_building_on_demand_from_the_page(browser_as, demo, django_capture_on_commit_callbacks):
    # given the list page's form / when a technician asks for the turnaround report of January 2025
    browser = browser_as("tech1")
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("reports:reportrun_request"), {"kind": "turnaround", "period": "2025-01"})
    # then the run exists, was built (eager worker), and the page goes to it
    run = ReportRun.objects.get(kind="turnaround", period=dt.date(2025, 1, 1))
    assert response.status_code == 302 and response["Location"] == reverse("reports:reportrun_detail", args=[run.pk])
    assert run.status == ReportRunStatus.DONE
    # when asked again / then the same run, nothing new
    again = browser.post(reverse("reports:reportrun_request"), {"kind": "turnaround", "period": "2025-01"})
    assert again["Location"] == response["Location"] and ReportRun.objects.count() == 1


@pytest.mark.parametrize(
    ("user", "data", "status", "message"),
    [
        ("tech1", {"kind": "scrap", "period": "2999-01"}, 400, future_period_message("2999-01")),
        ("tech1", {"kind": "scrap", "period": "13/2025"}, 400, "YYYY-MM"),
        ("tech1", {"kind": "nope", "period": "2025-01"}, 400, "nope"),
        ("store1", {"kind": "scrap", "period": "2025-01"}, 403, ""),
    ],
)
def test_bad_or_refused_builds_from_the_page_change_nothing(browser_as, demo, user, data, status, message):
    # given / when
    response = browser_as(user).post(reverse("reports:reportrun_request"), data)
    # then
    assert response.status_code == status
    assert message in response.content.decode()
    assert not ReportRun.objects.exists()


def test_retrying_a_failed_run_from_the_page(browser_as, demo, django_capture_on_commit_callbacks):
    # given a failed run
    run = ReportRunFactory(kind=ReportKind.TURNAROUND, status=ReportRunStatus.FAILED, error="RuntimeError: boom")
    detail = browser_as("tech1").get(reverse("reports:reportrun_detail", args=[run.pk])).content.decode()
    assert 'data-testid="run-retry"' in detail and "RuntimeError: boom" in detail
    # when the technician presses "Build again" (htmx)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_as("tech1").post(reverse("reports:reportrun_retry", args=[run.pk]), HTTP_HX_REQUEST="true")
    # then the panel comes back and the run was built again
    assert response.status_code == 200 and 'data-testid="run-progress"' in response.content.decode()
    run.refresh_from_db()
    assert run.status == ReportRunStatus.DONE and run.attempts == 1


@pytest.mark.parametrize(
    ("user", "status", "run_status"),
    [("store1", 403, ReportRunStatus.FAILED), ("tech1", 409, ReportRunStatus.DONE), ("hotline1", 403, "failed")],
)
def test_refused_retries_change_nothing(browser_as, demo, user, status, run_status):
    # given a run / when it is retried by the wrong person or in the wrong state / then refused, unchanged
    run = ReportRunFactory(status=run_status, progress=30)
    response = browser_as(user).post(reverse("reports:reportrun_retry", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == status
    run.refresh_from_db()
    assert (run.status, run.progress) == (run_status, 30)


def test_an_unknown_run_is_404(browser_as, demo):
    # given / when / then
    assert browser_as("tech1").get(reverse("reports:reportrun_detail", args=[999999])).status_code == 404
