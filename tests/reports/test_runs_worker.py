"""Report runs on a real Celery worker (PostgreSQL + Redis pass): end to end, and a worker SIGKILLed mid-build.

Skipped on SQLite (``tests/celery_worker.py`` says why); run with
``DATABASE_URL=postgres://... REDIS_URL=redis://... pytest tests/reports/test_runs_worker.py``.
"""

import datetime as dt
import hashlib
import time
from decimal import Decimal

import pytest

from cases.choices import ReturnState, Verdict
from reports.choices import ReportRunStatus
from reports.models import ReportRun
from reports.services import PAUSE_FILE_VARIABLE, reportrun_request
from suppliers.choices import Responsibility
from tests.factories.cases import ReturnFactory
from tests.factories.stores import UserFactory
from tests.factories.suppliers import StyleFactory

pytestmark = pytest.mark.django_db(transaction=True)
PERIOD = dt.date(2025, 3, 1)


def scrap_march() -> None:
    at = dt.datetime(2025, 3, 10, 10, tzinfo=dt.UTC)
    for cost in ("100.00", "250.50"):
        ReturnFactory(
            style=StyleFactory(unit_cost=Decimal(cost)),
            state=ReturnState.SCRAP_PENDING,
            verdict=Verdict.UNREPAIRABLE,
            responsibility=Responsibility.SUPPLIER,
            inspected_at=at,
        )


def artefacts(media_root) -> list[str]:
    folder = media_root / "documents" / "2025" / "03"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def assert_one_set_of_checksummed_files(run: ReportRun, media_root) -> None:
    assert artefacts(media_root) == ["report-scrap-2025-03.pdf", "report-scrap-2025-03.xlsx"]
    pdf = (media_root / run.pdf.name).read_bytes()
    xlsx = (media_root / run.xlsx.name).read_bytes()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == run.pdf_sha256
    assert hashlib.sha256(xlsx).hexdigest() == run.xlsx_sha256


def test_a_real_worker_builds_a_requested_report(celery_worker):  # noqa: F811
    # given March's scrapped units and a technician
    scrap_march()
    technician = UserFactory(roles=["technician"])
    # when the technician requests the scrap report (the build goes through Redis to the worker on commit)
    run, created = reportrun_request(kind="scrap", period="2025-03", user=technician)
    # then the worker builds it: done at 100 %, figures stored, one PDF and one XLSX with their checksums
    assert created
    celery_worker.wait_for(
        lambda: ReportRun.objects.get(pk=run.pk).status in (ReportRunStatus.DONE, ReportRunStatus.FAILED),
        timeout=120,
        what="the report run to finish",
    )
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts, run.error) == (ReportRunStatus.DONE, 100, 1, "")
    assert run.data["totals"] == {"units": 2, "cost": "350.50"}
    assert_one_set_of_checksummed_files(run, celery_worker.media_root)
    assert "reportrun_build_task" in celery_worker.log()


def test_a_worker_killed_mid_build_leaves_one_set_of_files_after_redelivery(celery_worker_factory, tmp_path):  # noqa: F811
    # given a worker whose builds pause after their first section while a marker file exists
    scrap_march()
    pause = tmp_path / "pause-build"
    pause.write_text("hold")
    first = celery_worker_factory(
        DJANGO_SETTINGS_MODULE="tests.reports.runs_worker_settings", **{PAUSE_FILE_VARIABLE: str(pause)}
    )
    # when a run is requested and the worker is in the middle of building it
    run, _ = reportrun_request(kind="scrap", period="2025-03", user=None)
    pid_file = tmp_path / "pause-build.pid"
    first.wait_for(pid_file.exists, timeout=120, what="the build to reach its pause")
    building_pid = int(pid_file.read_text().split()[0])
    assert building_pid in first.child_pids()
    run.refresh_from_db()
    assert (run.status, run.attempts) == (ReportRunStatus.RUNNING, 1) and 0 < run.progress < 100
    # and the whole worker is killed with SIGKILL (no chance to acknowledge or clean up)
    first.kill()
    pause.unlink()
    time.sleep(0.5)
    assert ReportRun.objects.get(pk=run.pk).status == ReportRunStatus.RUNNING
    # and a new worker starts
    second = celery_worker_factory(DJANGO_SETTINGS_MODULE="tests.reports.runs_worker_settings")
    # then Redis hands it the unacknowledged message, and the run is built on the second attempt
    second.wait_for(
        lambda: ReportRun.objects.get(pk=run.pk).status == ReportRunStatus.DONE,
        timeout=120,
        what="the redelivered build to finish",
    )
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts) == (ReportRunStatus.DONE, 100, 2)
    assert_one_set_of_checksummed_files(run, second.media_root)
