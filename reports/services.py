"""Writes of the monthly reports 月度报表: requesting a run, building it, retrying it, and the monthly build.

A report run is one per kind and period (a unique constraint): requesting a
period twice answers the existing run, and a run that is done is never built
again. The build is safe to run again after a worker died in the middle (the
broker redelivers the message: ``acks_late`` + ``reject_on_worker_lost``):
it starts over, writes its files under deterministic names (replacing any
partial file), and commits the files, checksums and ``done`` together.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.background import TRANSIENT_ERRORS, error_text, store_document
from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.periods import current_period, parse_period, previous_period, require_not_future
from aftersales.roles import has_role_permission, sees_everything
from reports.choices import ReportKind, ReportRunStatus
from reports.documents import report_pdf, report_xlsx
from reports.models import ReportRun
from reports.selectors import EVERYTHING, report_figures

logger = logging.getLogger(__name__)

# Errors worth trying again later (the database or the file store was briefly away); the task retries these
# (``aftersales.background``, shared with the chargeback statements' documents). Anything else is a fault in the
# data or the code: the run is marked failed with the error for people to read.

# Test hook for the worker-killed test: while the file named here exists, a build pauses after its first section
# (and writes its process id beside it as ``<file>.pid``), so a test can SIGKILL the worker mid-build. Unset in
# every real deployment; bounded so a forgotten file cannot hang a worker.
PAUSE_FILE_VARIABLE = "AFTERSALES_TEST_REPORT_PAUSE_FILE"
PAUSE_LIMIT_SECONDS = 120
# Progress after the figures (each report's sections share 0–80 %), the PDF (90 %) and the XLSX (just before done).
FIGURES_SHARE = 80


def _clean_kind(kind) -> str:
    if kind not in ReportKind.values:
        raise ValidationError(
            {"kind": [_("Unknown report kind; choose one of: %(kinds)s.") % {"kinds": ", ".join(ReportKind.values)}]}
        )
    return kind


def _clean_period(period) -> dt.date:
    try:
        value = period if isinstance(period, dt.date) else parse_period(period)
        return require_not_future(value.replace(day=1))
    except ValidationError as error:
        raise ValidationError({"period": error.messages}) from error


def _enqueue(run_id: int) -> None:
    from reports.tasks import reportrun_build_task

    transaction.on_commit(lambda: reportrun_build_task.delay(run_id))


@transaction.atomic
def reportrun_request(*, kind: str, period, user=None) -> tuple[ReportRun, bool]:
    """Ask for a monthly report 月度报表 of one kind for one past (or the current) month.

    Returns ``(run, created)``. A period already requested answers its newest run
    as it is (queued, running, done or failed) and queues nothing (a new version
    is ``reportrun_rebuild``'s); a new run is
    queued for the worker once this transaction commits. A bad kind, a
    malformed month or a month that has not begun is a ValidationError; a
    person outside the service center is refused (the schedule passes no user).
    """
    if user is not None and not may_request_reports(user):
        raise TransitionForbidden(_("Only the service center may request reports."), transition="request")
    kind = _clean_kind(kind)
    period = _clean_period(period)
    newest = newest_run(kind, period)
    if newest is not None:
        return newest, False
    run, created = ReportRun.objects.get_or_create(kind=kind, period=period, version=1, defaults={"requested_by": user})
    if created:
        _enqueue(run.pk)
    return run, created


def newest_run(kind: str, period: dt.date) -> ReportRun | None:
    return ReportRun.objects.filter(kind=kind, period=period).order_by("-version").first()


def may_rebuild(run: ReportRun, user) -> bool:
    """A done run that is its period's newest may be rebuilt as a new version by the center."""
    if run.status != ReportRunStatus.DONE or not may_request_reports(user):
        return False
    return not ReportRun.objects.filter(kind=run.kind, period=run.period, version__gt=run.version).exists()


@transaction.atomic
def reportrun_rebuild(*, run: ReportRun, user) -> ReportRun:
    """Build a done report again as a new version (the month's figures changed since): the old version, its
    figures and its stored files stay as they were. In ``fire``'s order: 409 unless the run is done and the
    newest of its period (a failed run is retried, a queued or running one is still building), then 403
    outside the center."""
    # Lock every version of the period: two rebuilds at once make one new version, not two.
    versions = list(ReportRun.objects.select_for_update().filter(kind=run.kind, period=run.period).order_by("-version"))
    newest = versions[0]
    if newest.pk != run.pk:
        raise TransitionStateConflict(
            _("Version %(version)s of this report is newer; rebuild that one.") % {"version": newest.version},
            transition="rebuild",
        )
    if newest.status != ReportRunStatus.DONE:
        raise TransitionStateConflict(
            _("Only a finished report can be built as a new version; this one is %(status)s.")
            % {"status": newest.get_status_display()},
            transition="rebuild",
        )
    if not may_request_reports(user):
        raise TransitionForbidden(_("Only the service center may rebuild reports."), transition="rebuild")
    rebuilt = ReportRun(kind=run.kind, period=run.period, version=newest.version + 1, requested_by=user)
    rebuilt.full_clean()
    rebuilt.save()
    _enqueue(rebuilt.pk)
    return rebuilt


def may_request_reports(user) -> bool:
    """On-demand builds and retries are the service center's: roles that see every store and supplier's figures."""
    return sees_everything(user) and has_role_permission(user, "reports.view_reportrun")


@transaction.atomic
def reportrun_retry(*, run: ReportRun, user) -> ReportRun:
    """Queue a failed run again (重新生成): 409 unless it failed, 403 for a role outside the center."""
    locked = ReportRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != ReportRunStatus.FAILED:
        raise TransitionStateConflict(
            _("Only a failed report can be built again; this one is %(status)s.")
            % {"status": locked.get_status_display()},
            transition="retry",
        )
    if not may_request_reports(user):
        raise TransitionForbidden(_("Only the service center may rebuild reports."), transition="retry")
    locked.status = ReportRunStatus.QUEUED
    locked.progress = 0
    locked.requested_by = user
    locked.full_clean()
    locked.save(update_fields=["status", "progress", "requested_by", "updated_at"])
    _enqueue(locked.pk)
    return locked


def _set_progress(run_id: int, progress: int) -> None:
    # Committed at once (no surrounding transaction) so the pages polling the run see it move.
    ReportRun.objects.filter(pk=run_id, status=ReportRunStatus.RUNNING).update(
        progress=min(progress, 99), updated_at=timezone.now()
    )


def _pause_for_tests(run_id: int) -> None:
    path = os.environ.get(PAUSE_FILE_VARIABLE)
    if not path:
        return
    marker = Path(path)
    if not marker.exists():
        return
    Path(f"{path}.pid").write_text(f"{os.getpid()} {run_id}")
    deadline = time.monotonic() + PAUSE_LIMIT_SECONDS
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def _start(run_id: int) -> ReportRun | None:
    """Mark the run running (another attempt), or None when there is nothing to build (done, or not found)."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status == ReportRunStatus.DONE:
            return None
        run.status = ReportRunStatus.RUNNING
        run.attempts += 1
        run.started_at = timezone.now()
        run.finished_at = None
        run.progress = 0
        run.error = ""
        run.full_clean()
        run.save(update_fields=["status", "attempts", "started_at", "finished_at", "progress", "error", "updated_at"])
        return run


def artefact_name(run: ReportRun, extension: str) -> str:
    """The file's one name for this run: a redelivered build writes the same name, never a second file; a later
    version has its own name, so the earlier version's files are never overwritten."""
    suffix = f"-v{run.version}" if run.version > 1 else ""
    return f"report-{run.kind}-{run.period:%Y-%m}{suffix}.{extension}"


def _store(run: ReportRun, field: str, content: bytes) -> str:
    """Write ``content`` as the run's file under its deterministic name, replacing a partial earlier write."""
    return store_document(run, field, artefact_name(run, field), content)


def reportrun_build(*, run_id: int) -> str:
    """Build a report run 生成报表: figures in the database, then the PDF and XLSX, then ``done``.

    Returns the run's status. A done run is left as it is (a redelivered
    message changes nothing). Progress is committed section by section. The
    files, their SHA-256 and the status are committed in one transaction, so
    a build cut short leaves no "done" without files and no second set of
    files. An error marks the run failed with its text (transient errors are
    re-raised for the task to retry).
    """
    run = _start(run_id)
    if run is None:
        return ReportRunStatus.DONE
    try:
        paused = False

        def on_section(done: int, total: int) -> None:
            nonlocal paused
            _set_progress(run.pk, FIGURES_SHARE * done // total)
            if not paused:
                paused = True
                _pause_for_tests(run.pk)

        figures = report_figures(run.kind, run.period, EVERYTHING, on_section=on_section)
        pdf = report_pdf(run, figures)
        _set_progress(run.pk, 90)
        xlsx = report_xlsx(run, figures)
        _set_progress(run.pk, 95)
        with transaction.atomic():
            locked = ReportRun.objects.select_for_update().get(pk=run.pk)
            if locked.status == ReportRunStatus.DONE:
                return ReportRunStatus.DONE
            locked.data = figures
            locked.pdf_sha256 = _store(locked, "pdf", pdf)
            locked.xlsx_sha256 = _store(locked, "xlsx", xlsx)
            locked.status = ReportRunStatus.DONE
            locked.progress = 100
            locked.finished_at = timezone.now()
            locked.full_clean()
            locked.save()
        _tell_done(run.pk)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        logger.exception("Report run %s failed", run_id)
        reportrun_fail(run_id=run_id, error=error)
        return ReportRunStatus.FAILED
    return ReportRunStatus.DONE


def _tell_done(run_id: int) -> None:
    """Tell the apps that act on a finished report (``report_done_listeners`` in an AppConfig: the subscriptions'
    mail). Their failure is logged, never the build's: the run is done."""
    from django.utils.module_loading import import_string

    from aftersales.registry import declarations

    for _app, paths in declarations("report_done_listeners"):
        for path in paths:
            try:
                import_string(path)(run_id=run_id)
            except Exception:
                logger.exception("Report done listener %s failed for run %s", path, run_id)


def reportrun_fail(*, run_id: int, error: BaseException | str) -> None:
    """Mark a run failed with the error people read on the page; a later retry builds it again."""
    ReportRun.objects.filter(pk=run_id).exclude(status=ReportRunStatus.DONE).update(
        status=ReportRunStatus.FAILED, error=error_text(error), finished_at=timezone.now(), updated_at=timezone.now()
    )


def monthly_build(*, period=None) -> dict:
    """The monthly build 月结 for one period (default: last month in Shanghai).

    Drafts the write-off list 报废清单 and the chargeback statements 扣款单,
    draws the monthly audit 每月抽查, then requests the report runs. Each part is idempotent on its own
    (one list per month, one statement per party and version, one run per kind
    and period), so running the build twice changes nothing.
    """
    from chargebacks.services import chargeback_build
    from quality.services.audits import audit_draw
    from writeoffs.services import writeofflist_build

    period = _clean_period(period) if period is not None else previous_period()
    summary: dict = {"period": f"{period:%Y-%m}"}
    # Drafts first: the supplier quality report counts the month's chargebacks.
    writeoff_list, _created = writeofflist_build(period=period, user=None)
    summary["writeoff_list"] = writeoff_list.pk
    summary["chargebacks"] = len(chargeback_build(period=period, user=None))
    # The monthly 10 % audit 每月抽查 (quality): drawn once per month, the same sample on a second run; a month
    # still running is not drawn (its cases are still closing).
    if period < current_period():
        audit, _created = audit_draw(period=period, user=None)
        summary["audit"] = audit.pk
    runs = {}
    for kind in ReportKind.values:
        run, created = reportrun_request(kind=kind, period=period, user=None)
        runs[kind] = {"id": run.pk, "created": created}
    summary["runs"] = runs
    return summary
