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
import hashlib
import logging
import os
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.money import format_money
from aftersales.roles import has_role_permission, sees_everything
from reports.choices import ReportKind, ReportRunStatus
from reports.models import ReportRun, document_path
from reports.periods import parse_period, previous_period, require_not_future
from reports.selectors.runs import EVERYTHING, report_figures

logger = logging.getLogger(__name__)

# Errors worth trying again later (the database or the file store was briefly away); the task retries these.
# Anything else is a fault in the data or the code: the run is marked failed with the error for people to read.
try:
    from django.db import InterfaceError, OperationalError

    TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
        OperationalError,
        InterfaceError,
        ConnectionError,
        TimeoutError,
    )
except ImportError:  # pragma: no cover
    TRANSIENT_ERRORS = (ConnectionError, TimeoutError)

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
    figures and its stored files stay as they were. 403 outside the center; 409 unless the run is done and
    the newest of its period (a failed run is retried, a queued or running one is still building)."""
    if not may_request_reports(user):
        raise TransitionForbidden(_("Only the service center may rebuild reports."), transition="rebuild")
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
    file_field = getattr(run, field)
    name = artefact_name(run, field)
    path = document_path(run, name)
    if file_field.storage.exists(path):
        file_field.storage.delete(path)
    file_field.save(name, ContentFile(content), save=False)
    return hashlib.sha256(content).hexdigest()


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
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        logger.exception("Report run %s failed", run_id)
        reportrun_fail(run_id=run_id, error=error)
        return ReportRunStatus.FAILED
    return ReportRunStatus.DONE


def reportrun_fail(*, run_id: int, error: BaseException | str) -> None:
    """Mark a run failed with the error people read on the page; a later retry builds it again."""
    text = str(error) if isinstance(error, str) else f"{type(error).__name__}: {error}"
    ReportRun.objects.filter(pk=run_id).exclude(status=ReportRunStatus.DONE).update(
        status=ReportRunStatus.FAILED, error=text[:4000], finished_at=timezone.now(), updated_at=timezone.now()
    )


# --- the documents: one table list feeds the PDF and the XLSX ------------------------------------------------------

# The stored documents are the center's paper: Chinese with an English gloss whatever the requester's language (like
# reports/pdf.py's forms), so their bytes never depend on who asked.
TITLES = {
    ReportKind.SCRAP: ("报废报表", "Monthly scrap report"),
    ReportKind.SUPPLIER_QUALITY: ("供应商质量评估", "Supplier quality report"),
    ReportKind.TURNAROUND: ("返修周期报表", "Turnaround report"),
}
RESPONSIBILITY = {"supplier": "供应商", "store": "专卖店", "customer": "顾客", "hq": "总公司", "": "—"}


def responsibility_label(value: str) -> str:
    """Words, never the stored code, for a responsibility (a choice added later prints its Chinese label)."""
    from inspection.choices import Responsibility
    from reports.pdf import label

    return label(RESPONSIBILITY, Responsibility, value)


@dataclass(frozen=True)
class Table:
    """One table of a report: a sheet of the XLSX and a section of the PDF. Money cells are Decimal."""

    key: str
    title: str
    headers: list[str]
    rows: list[list]
    money_columns: frozenset[int] = frozenset()


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def report_tables(kind: str, figures: dict) -> list[Table]:
    """The report's tables in print order, read from its figures (the run's ``data``)."""
    if kind == ReportKind.SCRAP:
        head = ["件数 Units", "成本 Cost (CNY)"]

        def by(key: str, title: str, first: list[str], cells) -> Table:
            rows = [[*cells(row), row["units"], _dec(row["cost"])] for row in figures.get(key, [])]
            return Table(key, title, [*first, *head], rows, frozenset({len(first) + 1}))

        totals = figures.get("totals", {})
        return [
            Table(
                "totals", "合计 Totals", head, [[totals.get("units", 0), _dec(totals.get("cost", "0"))]],
                frozenset({1}),
            ),
            by(
                "by_supplier", "按供应商 By supplier", ["代码 Code", "供应商 Supplier"],
                lambda r: [r["code"], r["name"]],
            ),
            by(
                "by_store", "按专卖店 By store", ["代码 Code", "专卖店 Store", "区域 Region"],
                lambda r: [r["code"], r["name"], r["region"]],
            ),
            by("by_region", "按区域 By region", ["代码 Code", "区域 Region"], lambda r: [r["code"], r["name"]]),
            by(
                "by_defect", "按缺陷代码 By defect code", ["代码 Code", "缺陷 Defect"],
                lambda r: [r["code"] or "—", r["name_zh"] or "未编码"],
            ),
            by("by_year", "按生产年份 By production year", ["生产年份 Year"], lambda r: [r["year"]]),
            by(
                "by_responsibility", "按责任方 By responsibility", ["责任方 Party"],
                lambda r: [responsibility_label(r["responsibility"])],
            ),
        ]  # fmt: skip
    if kind == ReportKind.SUPPLIER_QUALITY:
        headers = [
            "排名 Rank", "代码 Code", "供应商 Supplier", "评分 Score", "环比 Δ score", "退货 Returns", "环比 Δ returns",
            "责任件/鉴定 Fault/inspected", "主要缺陷 Top defects", "报废件 Scrapped", "报废成本 Scrap cost",
            "维修费 Repair cost", "扣款 Chargebacks", "准时率 On time %",
        ]  # fmt: skip
        rows = [
            [
                row["rank"], row["code"], row["name"], _dec(row["score"]), _dec(row["score_change"]), row["logged"],
                row["logged_change"], f"{row['supplier_fault']}/{row['inspected']}",
                "、".join(f"{d['code']}×{d['units']}" for d in row["top_defects"]), row["scrap_units"],
                _dec(row["scrap_cost"]), _dec(row["repair_cost"]), _dec(row["chargebacks"]), _dec(row["on_time_share"]),
            ]
            for row in figures.get("ranking", [])
        ]  # fmt: skip
        return [Table("ranking", "供应商排名 Supplier ranking", headers, rows, frozenset({10, 11, 12}))]
    headers = ["件数 Units", "准时 On time", "超期 Late", "准时率 On time %", "中位天数 Median days"]

    def turnaround_cells(row: dict) -> list:
        return [row["units"], row["on_time"], row["late"], _dec(row["on_time_share"]), _dec(row["median_days"])]

    totals = figures.get("totals", {})
    return [
        Table("totals", "合计 Totals", headers, [turnaround_cells(totals)] if totals.get("units") else []),
        Table(
            "by_region", "按区域 By region", ["代码 Code", "区域 Region", *headers],
            [[r["code"], r["name"], *turnaround_cells(r)] for r in figures.get("by_region", [])],
        ),
        Table(
            "by_store", "按专卖店 By store", ["代码 Code", "专卖店 Store", "区域 Region", *headers],
            [[r["code"], r["name"], r["region"], *turnaround_cells(r)] for r in figures.get("by_store", [])],
        ),
        Table(
            "trend", "趋势 Trend", ["月份 Month", "件数 Units", "准时 On time", "准时率 On time %"],
            [[r["period"], r["units"], r["on_time"], _dec(r["on_time_share"])] for r in figures.get("trend", [])],
        ),
    ]  # fmt: skip


def _cell_text(value, is_money: bool) -> str:
    if value is None or value == "":
        return "—"
    if is_money:
        return format_money(value)
    return str(value)


def report_pdf(run: ReportRun, figures: dict) -> bytes:
    """The report as the center's PDF (``templates/pdf/report_<kind>.html``, rendered by ``reports.pdf``)."""
    from reports.pdf import render_pdf

    title, title_en = TITLES[run.kind]
    tables = []
    for table in report_tables(run.kind, figures):
        # Numbers (counts, shares, amounts) stand right-aligned under a right-aligned header, as on paper.
        numeric = [
            index in table.money_columns
            or all(isinstance(row[index], int | float | Decimal) or row[index] in (None, "") for row in table.rows)
            for index in range(len(table.headers))
        ]
        tables.append(
            {
                "key": table.key,
                "title": table.title,
                "headers": [(header, "r" if numeric[index] else "") for index, header in enumerate(table.headers)],
                "rows": [
                    [
                        (_cell_text(value, index in table.money_columns), "r" if numeric[index] else "")
                        for index, value in enumerate(row)
                    ]
                    for row in table.rows
                ],
            }
        )
    context = {
        "title": title,
        "title_en": title_en,
        "number": f"{run.period:%Y-%m}",
        "period": f"{run.period.year}年{run.period.month}月",
        "figures": figures,
        "tables": tables,
    }
    return render_pdf(f"pdf/report_{run.kind}.html", context)


def report_xlsx(run: ReportRun, figures: dict, *, title_suffix: str = "") -> bytes:
    """The report as XLSX, one sheet per table; deterministic (dated by the period, like ``reports.xlsx``)."""
    import io
    import zipfile

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    from reports.xlsx import CNY_FORMAT, _naive_utc, _stable_zip

    title, title_en = TITLES[run.kind]
    workbook = Workbook(write_only=True)
    for table in report_tables(run.kind, figures):
        sheet = workbook.create_sheet(title=table.title[:31])
        heading = WriteOnlyCell(sheet, value=f"{title} {title_en} {run.period:%Y-%m}{title_suffix} — {table.title}")
        heading.font = Font(bold=True, size=13)
        sheet.append([heading])
        header = []
        for text in table.headers:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells = []
            for index, value in enumerate(row):
                cell = WriteOnlyCell(sheet, value=value)
                if index in table.money_columns and value is not None:
                    cell.number_format = CNY_FORMAT
                cells.append(cell)
            sheet.append(cells)
    # Dated by the period, never the clock: a rebuilt report has the same bytes and checksum.
    when = _naive_utc(run.period)
    workbook.properties.creator = "aftersales"
    workbook.properties.title = f"{title} {run.period:%Y-%m}"
    workbook.properties.created = when
    workbook.properties.modified = when
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return _stable_zip(buffer.getvalue(), when)


def monthly_build(*, period=None) -> dict:
    """The monthly build 月结 for one period (default: last month in Shanghai).

    Drafts the write-off list 报废清单 and the chargeback statements 扣款单,
    then requests the three report runs. Each part is idempotent on its own
    (one list per month, one statement per party and version, one run per kind
    and period), so running the build twice changes nothing.
    """
    from reports.services.chargebacks import chargeback_build
    from reports.services.writeoffs import writeofflist_build

    period = _clean_period(period) if period is not None else previous_period()
    summary: dict = {"period": f"{period:%Y-%m}"}
    # Drafts first: the supplier quality report counts the month's chargebacks.
    writeoff_list, _created = writeofflist_build(period=period, user=None)
    summary["writeoff_list"] = writeoff_list.pk
    summary["chargebacks"] = len(chargeback_build(period=period, user=None))
    runs = {}
    for kind in ReportKind.values:
        run, created = reportrun_request(kind=kind, period=period, user=None)
        runs[kind] = {"id": run.pk, "created": created}
    summary["runs"] = runs
    return summary
