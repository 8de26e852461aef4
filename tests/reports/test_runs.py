"""Report runs 月度报表: requesting, building (idempotent, safe to redeliver), failing, retrying, the monthly build."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.exports import document_path
from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.periods import previous_period
from cases.choices import ReturnState, Verdict
from reports import services
from reports.choices import ReportKind, ReportRunStatus
from reports.models import ReportRun
from reports.services import artefact_name, monthly_build, reportrun_build, reportrun_request, reportrun_retry
from reports.tasks import monthly_build_task, reportrun_build_task
from suppliers.choices import Responsibility
from tests.factories.cases import ReturnFactory
from tests.factories.reports import ReportRunFactory
from tests.factories.stores import UserFactory
from tests.factories.suppliers import StyleFactory

PERIOD = dt.date(2025, 3, 1)


@pytest.fixture(autouse=True)
def no_stored_reports():
    """The in-memory file store lives as long as the process: start each test without earlier reports' files."""

    def clear():
        for folder in ("documents/2025/03", "documents/2024/01"):
            if default_storage.exists(folder):
                for name in default_storage.listdir(folder)[1]:
                    default_storage.delete(f"{folder}/{name}")

    clear()
    yield
    clear()


@pytest.fixture
def technician(db):
    return UserFactory(roles=["technician"])


@pytest.fixture
def scrapped(db):
    """Two units scrapped in March 2025 (costs 100.00 and 250.50)."""
    at = dt.datetime(2025, 3, 10, 10, tzinfo=dt.UTC)
    for cost in ("100.00", "250.50"):
        ReturnFactory(
            style=StyleFactory(unit_cost=Decimal(cost)),
            state=ReturnState.SCRAP_PENDING,
            verdict=Verdict.UNREPAIRABLE,
            responsibility=Responsibility.SUPPLIER,
            inspected_at=at,
        )


def stored_files(run: ReportRun) -> list[str]:
    folder = document_path(run, "x").rsplit("/", 1)[0]
    return sorted(name for name in default_storage.listdir(folder)[1] if f"-{run.kind}-" in name)


# --- request -------------------------------------------------------------------------------------------------------


def test_requesting_a_period_twice_gives_one_run_and_queues_once(technician, django_capture_on_commit_callbacks):
    # given no run for March
    # when the technician requests the scrap report twice
    with django_capture_on_commit_callbacks() as first:
        run, created = reportrun_request(kind="scrap", period="2025-03", user=technician)
    with django_capture_on_commit_callbacks() as second:
        again, created_again = reportrun_request(kind="scrap", period="2025-03", user=technician)
    # then one queued run, one build enqueued
    assert (created, created_again) == (True, False)
    assert again.pk == run.pk and run.status == ReportRunStatus.QUEUED and run.requested_by == technician
    assert ReportRun.objects.count() == 1
    assert (len(first), len(second)) == (1, 0)


@pytest.mark.parametrize(
    ("kind", "period", "field"),
    [
        ("weekly", "2025-03", "kind"),
        ("scrap", "2025-13", "period"),
        ("scrap", "March", "period"),
        ("scrap", "", "period"),
        ("scrap", "2999-01", "period"),
    ],
)
def test_a_bad_kind_or_period_is_refused_with_a_message(technician, kind, period, field):
    # given / when
    with pytest.raises(ValidationError) as refused:
        reportrun_request(kind=kind, period=period, user=technician)
    # then nothing was created and the field is named with a message
    assert field in refused.value.message_dict and refused.value.message_dict[field][0]
    assert not ReportRun.objects.exists()


def test_the_current_month_may_be_built_but_not_the_next(technician):
    # given this month and the next in Shanghai
    this_month = timezone.localdate().replace(day=1)
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    # when / then
    assert reportrun_request(kind="turnaround", period=f"{this_month:%Y-%m}", user=technician)[1]
    with pytest.raises(ValidationError):
        reportrun_request(kind="turnaround", period=f"{next_month:%Y-%m}", user=technician)


def test_only_the_service_center_requests_reports(db):
    # given a store's staff
    store_user = UserFactory(roles=["store_staff"])
    # when / then
    with pytest.raises(TransitionForbidden):
        reportrun_request(kind="scrap", period="2025-03", user=store_user)
    assert not ReportRun.objects.exists()


# --- build ---------------------------------------------------------------------------------------------------------


def test_a_build_stores_figures_pdf_and_xlsx_with_checksums(technician, scrapped):
    # given a queued scrap report for March
    run = ReportRunFactory(kind=ReportKind.SCRAP, period=PERIOD)
    # when it is built
    assert reportrun_build(run_id=run.pk) == ReportRunStatus.DONE
    # then it is done at 100 %, with the figures and both files checksummed
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts, run.error) == (ReportRunStatus.DONE, 100, 1, "")
    assert run.started_at and run.finished_at and run.finished_at >= run.started_at
    assert run.data["totals"] == {"units": 2, "cost": "350.50"}
    pdf, xlsx = run.pdf.read(), run.xlsx.read()
    assert pdf.startswith(b"%PDF") and run.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert run.xlsx_sha256 == hashlib.sha256(xlsx).hexdigest()
    assert run.pdf.name.endswith("report-scrap-2025-03.pdf")
    # one sheet per table, amounts as numbers
    run.xlsx.seek(0)
    workbook = load_workbook(run.xlsx)
    assert len(workbook.sheetnames) == 7
    totals = workbook[workbook.sheetnames[0]]
    assert totals.cell(row=3, column=1).value == 2 and totals.cell(row=3, column=2).value == Decimal("350.50")


@pytest.mark.parametrize("kind", ReportKind.values)
def test_every_kind_builds_even_for_an_empty_month(db, kind):
    # given a month with nothing in it
    run = ReportRunFactory(kind=kind, period=dt.date(2024, 1, 1))
    # when / then
    assert reportrun_build(run_id=run.pk) == ReportRunStatus.DONE
    run.refresh_from_db()
    assert run.pdf_sha256 and run.xlsx_sha256


def test_building_twice_changes_nothing(technician, scrapped):
    # given a built run
    run = ReportRunFactory(kind=ReportKind.SCRAP, period=PERIOD)
    reportrun_build(run_id=run.pk)
    run.refresh_from_db()
    before = (run.pdf_sha256, run.xlsx_sha256, run.attempts, run.finished_at, run.pdf.name)
    # when the build message is delivered again, and the period requested again
    assert reportrun_build(run_id=run.pk) == ReportRunStatus.DONE
    again, created = reportrun_request(kind="scrap", period="2025-03", user=technician)
    # then the run and its files are as they were
    run.refresh_from_db()
    assert (run.pdf_sha256, run.xlsx_sha256, run.attempts, run.finished_at, run.pdf.name) == before
    assert not created and again.pk == run.pk
    assert stored_files(run) == ["report-scrap-2025-03.pdf", "report-scrap-2025-03.xlsx"]


def test_a_rebuild_of_the_same_figures_gives_the_same_bytes(scrapped):
    # given a run built once, then found 'running' again (a worker died after the commit's message was redelivered)
    run = ReportRunFactory(kind=ReportKind.SCRAP, period=PERIOD)
    reportrun_build(run_id=run.pk)
    run.refresh_from_db()
    checksums = (run.pdf_sha256, run.xlsx_sha256)
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRunStatus.RUNNING)
    # when it is built again
    reportrun_build(run_id=run.pk)
    # then the documents are byte-identical and still one set
    run.refresh_from_db()
    assert (run.pdf_sha256, run.xlsx_sha256) == checksums
    assert run.attempts == 2
    assert stored_files(run) == ["report-scrap-2025-03.pdf", "report-scrap-2025-03.xlsx"]


def test_a_redelivered_build_replaces_a_partial_file_of_the_killed_attempt(scrapped):
    # given a run left 'running' by a worker killed while writing its PDF (a truncated file under the final name)
    run = ReportRunFactory(kind=ReportKind.SCRAP, period=PERIOD, status=ReportRunStatus.RUNNING, attempts=1)
    default_storage.save(document_path(run, artefact_name(run, "pdf")), ContentFile(b"%PDF-1.7 trunc"))
    # when the redelivered message builds it
    reportrun_build(run_id=run.pk)
    # then exactly one PDF and one XLSX, the PDF complete and matching its checksum
    run.refresh_from_db()
    assert run.status == ReportRunStatus.DONE and run.attempts == 2
    assert stored_files(run) == ["report-scrap-2025-03.pdf", "report-scrap-2025-03.xlsx"]
    assert hashlib.sha256(run.pdf.read()).hexdigest() == run.pdf_sha256


def test_progress_is_committed_section_by_section(db, monkeypatch):
    # given a turnaround run and a spy on the progress updates
    run = ReportRunFactory(kind=ReportKind.TURNAROUND, period=PERIOD)
    seen = []
    real = services._set_progress

    def spy(run_id, progress):
        real(run_id, progress)
        seen.append(ReportRun.objects.get(pk=run_id).progress)

    monkeypatch.setattr(services, "_set_progress", spy)
    # when it is built
    reportrun_build(run_id=run.pk)
    # then progress rose in steps (6 sections sharing 0-80 %: totals, by region, by store, trend, freight by store,
    # freight by carrier; then PDF, XLSX) and ended at 100
    assert seen == [13, 26, 40, 53, 66, 80, 90, 95]
    run.refresh_from_db()
    assert run.progress == 100


def test_a_failing_build_is_marked_failed_with_its_error_and_can_be_retried(technician, monkeypatch):
    # given a build whose PDF rendering breaks
    run = ReportRunFactory(kind=ReportKind.SCRAP, period=PERIOD)

    def broken(run, figures):
        raise RuntimeError("font missing")

    monkeypatch.setattr(services, "report_pdf", broken)
    # when it is built
    assert reportrun_build(run_id=run.pk) == ReportRunStatus.FAILED
    # then it is failed with the error, no files
    run.refresh_from_db()
    assert run.status == ReportRunStatus.FAILED and "font missing" in run.error and not run.pdf
    # when the technician retries it and the renderer works again
    monkeypatch.undo()
    reportrun_retry(run=run, user=technician)
    run.refresh_from_db()
    assert (run.status, run.progress) == (ReportRunStatus.QUEUED, 0)
    reportrun_build(run_id=run.pk)
    # then it is done on the second attempt
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (ReportRunStatus.DONE, 2, "")


@pytest.mark.parametrize("status", [ReportRunStatus.QUEUED, ReportRunStatus.RUNNING, ReportRunStatus.DONE])
def test_only_a_failed_run_is_retried(technician, status):
    # given a run that has not failed
    run = ReportRunFactory(status=status, progress=40)
    # when / then 409, nothing changed
    with pytest.raises(TransitionStateConflict):
        reportrun_retry(run=run, user=technician)
    run.refresh_from_db()
    assert (run.status, run.progress) == (status, 40)


def test_a_store_user_cannot_retry(db):
    # given a failed run and a store's staff
    run = ReportRunFactory(status=ReportRunStatus.FAILED, error="boom")
    # when / then 403, still failed
    with pytest.raises(TransitionForbidden):
        reportrun_retry(run=run, user=UserFactory(roles=["store_staff"]))
    run.refresh_from_db()
    assert run.status == ReportRunStatus.FAILED


def test_the_build_task_builds_and_summarises(scrapped):
    # given a queued run
    run = ReportRunFactory(kind=ReportKind.SCRAP, period=PERIOD)
    # when the task runs (eagerly here)
    result = reportrun_build_task.apply(args=[run.pk]).get()
    # then
    assert result == {"run": run.pk, "status": "done"}
    assert reportrun_build_task.acks_late and reportrun_build_task.reject_on_worker_lost


def test_a_transient_error_is_retried_not_failed(db, monkeypatch):
    # given a build that meets a dropped database connection
    from django.db import OperationalError

    run = ReportRunFactory(kind=ReportKind.SCRAP, period=PERIOD)

    def dropped(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "report_figures", dropped)
    # when the build runs / then the error propagates for the task's retry, and the run is not failed
    with pytest.raises(OperationalError):
        reportrun_build(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRunStatus.RUNNING
    assert OperationalError in reportrun_build_task.autoretry_for


# --- the monthly build ---------------------------------------------------------------------------------------------


def test_the_monthly_build_drafts_the_documents_and_requests_the_three_reports(
    db, scrapped, django_capture_on_commit_callbacks
):
    # given the scrapped units of March 2025
    # when the monthly build runs for March, twice
    with django_capture_on_commit_callbacks(execute=True):
        first = monthly_build(period="2025-03")
    state = (
        sorted(ReportRun.objects.values_list("kind", "status", "attempts", "pdf_sha256")),
        _documents(),
    )
    with django_capture_on_commit_callbacks(execute=True) as second_callbacks:
        second = monthly_build(period="2025-03")
    # then the write-off list draft and three runs exist (built by the eager worker), and the second run changed nothing
    assert first["period"] == "2025-03" and set(first["runs"]) == set(ReportKind.values)
    assert all(entry["created"] for entry in first["runs"].values())
    assert not any(entry["created"] for entry in second["runs"].values())
    assert ReportRun.objects.filter(period=PERIOD, status=ReportRunStatus.DONE).count() == len(ReportKind.values)
    assert (sorted(ReportRun.objects.values_list("kind", "status", "attempts", "pdf_sha256")), _documents()) == state
    assert not [callback for callback in second_callbacks if "reportrun" in getattr(callback, "__qualname__", "")]


def _documents():
    from chargebacks.models import ChargebackStatement
    from writeoffs.models import WriteOffLine, WriteOffList

    return (
        sorted(WriteOffList.objects.values_list("period", "state", "total_cost")),
        WriteOffLine.objects.count(),
        sorted(ChargebackStatement.objects.values_list("party_key", "version", "total")),
    )


def test_the_monthly_task_defaults_to_last_month(db, django_capture_on_commit_callbacks):
    # given / when the scheduled task runs without a period
    with django_capture_on_commit_callbacks(execute=True):
        summary = monthly_build_task.apply().get()
    # then it built last month in Shanghai
    assert summary["period"] == f"{previous_period():%Y-%m}"
    assert ReportRun.objects.filter(period=previous_period()).count() == len(ReportKind.values)
