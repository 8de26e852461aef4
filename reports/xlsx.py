"""Month-end documents as Excel workbooks (openpyxl): 扣款单, 报损单, 报废清单, and the monthly reports.

``workbook_bytes`` is the one builder: title rows, a bold header row frozen under them, data rows,
per-column number formats and widths, an optional total row. Amounts are numeric cells (Decimal in,
never text) with the CNY format of the list exports (``aftersales.exports.CNY_FORMAT``).

Output is deterministic: an issued statement's XLSX is stored with its SHA-256, so the workbook's
created/modified properties come from the document (``created=``), never the clock, and every zip
entry carries that same timestamp; two renders of the same document are byte-identical (tested).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from aftersales.exports import CNY_FORMAT, XLSX_CONTENT_TYPE
from aftersales.exports import _excel_value as excel_value
from reports import pdf
from reports.choices import ChargebackLineKind, StatementState, WriteOffListState
from reports.models import period_label

__all__ = [
    "CNY_FORMAT",
    "DATE_FORMAT",
    "XLSX_CONTENT_TYPE",
    "XlsxColumn",
    "chargeback_xlsx",
    "lossreport_xlsx",
    "workbook_bytes",
    "writeofflist_xlsx",
]

DATE_FORMAT = "yyyy-mm-dd"
INTEGER_FORMAT = "0"
#: Used when a document has no date of its own (a draft): a fixed instant keeps the bytes stable.
EPOCH = dt.datetime(2000, 1, 1)  # noqa: DTZ001 — Excel properties are naive UTC by convention


@dataclass(frozen=True)
class XlsxColumn:
    """A column of a workbook: header text, width in characters, number format of its data cells."""

    header: str
    width: float = 12
    number_format: str | None = None


def _naive_utc(value: dt.datetime | dt.date | None) -> dt.datetime:
    if value is None:
        return EPOCH
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001
    if timezone.is_aware(value):
        return value.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    return value.replace(microsecond=0)


def _stable_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same archive with every entry dated ``when`` (zipfile stamps entries with the current time)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return buffer.getvalue()


def workbook_bytes(
    *,
    title: str,
    columns: Sequence[XlsxColumn],
    rows: Iterable[Sequence[Any]],
    title_rows: Sequence[Sequence[Any]] = (),
    total_row: Sequence[Any] | None = None,
    created: dt.datetime | dt.date | None = None,
    sheet_title: str | None = None,
) -> bytes:
    """One sheet: ``title_rows`` (the first bold), the header frozen below them, ``rows``, then ``total_row``.

    Values are written as they are (Decimal and int stay numbers, dates stay dates, aware datetimes
    become Shanghai wall-clock time); each data cell takes its column's number format, the total row
    too. Write-only mode keeps memory flat for long documents.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(sheet_title or title)[:31] or "Sheet1")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header_row = len(title_rows) + 1
    sheet.freeze_panes = f"A{header_row + 1}"

    for index, values in enumerate(title_rows):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=excel_value(value))
            if index == 0:
                cell.font = Font(bold=True, size=14)
            cells.append(cell)
        sheet.append(cells)

    header_cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header_cells.append(cell)
    sheet.append(header_cells)

    formats = [column.number_format for column in columns]

    def data_cells(values: Sequence[Any], *, bold: bool = False) -> list:
        cells = []
        for index, value in enumerate(values):
            cell = WriteOnlyCell(sheet, value=excel_value(value))
            number_format = formats[index] if index < len(formats) else None
            if number_format and not isinstance(value, str):
                cell.number_format = number_format
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            if bold:
                cell.font = Font(bold=True)
            cells.append(cell)
        return cells

    for values in rows:
        sheet.append(data_cells(values))
    if total_row is not None:
        sheet.append(data_cells(total_row, bold=True))

    when = _naive_utc(created)
    workbook.properties.creator = "aftersales"
    workbook.properties.title = title
    workbook.properties.created = when
    workbook.properties.modified = when
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save() would stamp ``modified`` with the current time.
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()
    return _stable_zip(buffer.getvalue(), when)


# --- The documents ------------------------------------------------------------


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def chargeback_xlsx(statement, *, lines: list | None = None) -> bytes:
    """扣款单 as XLSX: the same facts and lines as the PDF, amounts numeric in CNY, a total row equal to their sum."""
    lines = pdf.chargeback_lines(statement) if lines is None else lines
    total = sum((line.amount for line in lines), Decimal("0.00"))
    columns = [
        XlsxColumn("序号 No.", 7, INTEGER_FORMAT),
        XlsxColumn("类别 Kind", 12),
        XlsxColumn("退货/寄送单号 Return / shipment", 20),
        XlsxColumn("款号 Style no.", 14),
        XlsxColumn("说明 Description", 40),
        XlsxColumn("生产年份 Production year", 10, INTEGER_FORMAT),
        XlsxColumn("金额 Amount", 14, CNY_FORMAT),
    ]
    rows = (
        (
            index,
            pdf.label(pdf.KIND_LABELS, ChargebackLineKind, line.kind),
            pdf.line_reference(line),
            line.style_no,
            line.description,
            line.production_year,
            _money(line.amount),
        )
        for index, line in enumerate(lines, start=1)
    )
    party = pdf.party_name(statement)
    code = pdf.party_code(statement)
    return workbook_bytes(
        title=f"扣款单 {statement.number} v{statement.version}",
        sheet_title=f"扣款单 {statement.number}",
        columns=columns,
        title_rows=[
            [f"扣款单 Chargeback statement — {statement.number} 第{statement.version}版"],
            ["责任方 Party", f"{party}（{code}）" if code else party, "", "期间 Period", statement.period_label],
            [
                "状态 State",
                pdf.label(pdf.STATEMENT_STATE_LABELS, StatementState, statement.state),
                "",
                "开具日期 Issued on",
                pdf.date_text(statement.issued_at) or "—",
            ],
            ["大写金额 In words", f"人民币{pdf.rmb_capital(total)}"],
        ],
        rows=rows,
        total_row=["合计 Total", "", "", "", f"{len(lines)} 项", None, _money(total)],
        created=statement.issued_at or statement.period,
    )


_WRITEOFF_COLUMNS = [
    XlsxColumn("序号 No.", 7, INTEGER_FORMAT),
    XlsxColumn("退货单号 Return", 20),
    XlsxColumn("款号 Style no.", 14),
    XlsxColumn("生产年份 Production year", 10, INTEGER_FORMAT),
    XlsxColumn("责任 Responsibility", 10),
    XlsxColumn("供应商 Supplier", 24),
    XlsxColumn("专卖店 Store", 20),
    XlsxColumn("成本 Cost", 14, CNY_FORMAT),
]


def _writeoff_rows(lines: Iterable) -> tuple[list[tuple], Decimal]:
    values, total = pdf.writeoff_values(lines)
    return [(*row[:-1], _money(row[-1])) for row in values], total


def lossreport_xlsx(loss_report) -> bytes:
    """报损单 as XLSX: the party's scrapped units with their cost (numeric, CNY) and the total."""
    lines = loss_report.lines.select_related("return_item", "supplier", "store").order_by("id")
    rows, total = _writeoff_rows(lines)
    party = pdf.party_name(loss_report)
    code = pdf.party_code(loss_report)
    return workbook_bytes(
        title=f"报损单 {loss_report.number}",
        columns=_WRITEOFF_COLUMNS,
        title_rows=[
            [f"报损单 Loss report — {loss_report.number}"],
            [
                "责任方 Party",
                f"{party}（{code}）" if code else party,
                "",
                "期间 Period",
                period_label(loss_report.period),
            ],
            ["报废清单 Write-off list", loss_report.writeoff_list.number],
            ["大写金额 In words", f"人民币{pdf.rmb_capital(total)}"],
        ],
        rows=rows,
        total_row=["合计 Total", f"{len(rows)} 件", "", None, "", "", "", _money(total)],
        created=loss_report.writeoff_list.approved_at or loss_report.period,
    )


def writeofflist_xlsx(writeoff_list) -> bytes:
    """报废清单 as XLSX: live lines with cost and responsible party, the total, then the approvals."""
    lines = (
        writeoff_list.lines.filter(removed_at__isnull=True)
        .select_related("return_item", "supplier", "store")
        .order_by("id")
    )
    rows, total = _writeoff_rows(lines)
    return workbook_bytes(
        title=f"报废清单 {writeoff_list.number}",
        columns=_WRITEOFF_COLUMNS,
        title_rows=[
            [f"报废清单 Write-off list — {writeoff_list.number}"],
            [
                "期间 Period",
                writeoff_list.period_label,
                "",
                "状态 State",
                pdf.label(pdf.WRITEOFF_STATE_LABELS, WriteOffListState, writeoff_list.state),
            ],
            [
                "提交 Submitted",
                pdf.person(writeoff_list.submitted_by),
                pdf.date_text(writeoff_list.submitted_at),
                "确认 Confirmed",
                pdf.person(writeoff_list.confirmed_by),
                pdf.date_text(writeoff_list.confirmed_at),
            ],
            [
                "审批 Approved",
                pdf.person(writeoff_list.approved_by),
                pdf.date_text(writeoff_list.approved_at),
                "销毁 Destroyed",
                pdf.date_text(writeoff_list.destroyed_on),
                writeoff_list.destruction_method,
            ],
            ["大写金额 In words", f"人民币{pdf.rmb_capital(total)}"],
        ],
        rows=rows,
        total_row=["合计 Total", f"{len(rows)} 件", "", None, "", "", "", _money(total)],
        created=writeoff_list.approved_at or writeoff_list.submitted_at or writeoff_list.period,
    )
