"""The one XLSX writer (openpyxl): list exports, the month-end documents and the monthly reports.

``write_workbook`` writes sheets described by ``XlsxSheet``: title rows (the first bold), a bold
header row (frozen under them if asked), data rows with per-column number formats and widths, an
optional bold total row. Values are written as they are: Decimal and int stay numbers (amounts in
the CNY format), dates stay dates, aware datetimes become Shanghai wall-clock time, a person is
written by name, and text is always text: never a formula, whatever it starts with (``text_cell``).
Write-only mode keeps memory flat for long tables.

``deterministic=True`` (the documents and reports, stored with their SHA-256): the workbook's
created/modified properties come from the document (``created=``), never the clock, and every zip
entry carries that same timestamp, so two renders of the same document are byte-identical.

``workbook_bytes`` is one such sheet; ``xlsx_bytes`` is a list page's export from its table columns
(``aftersales.exports.Column``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from aftersales.display import display_name

__all__ = [
    "CNY_FORMAT",
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "EPOCH",
    "INTEGER_FORMAT",
    "XLSX_CONTENT_TYPE",
    "XlsxColumn",
    "XlsxSheet",
    "cny_amount",
    "excel_value",
    "naive_utc",
    "text_cell",
    "workbook_bytes",
    "write_workbook",
    "xlsx_bytes",
]

CNY_FORMAT = '"¥"#,##0.00'
# Excel's spelling of aftersales.display's formats: a date or a moment reads the same in a sheet as on a page.
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
INTEGER_FORMAT = "0"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Used when a document has no date of its own (a draft): a fixed instant keeps the bytes stable.
EPOCH = dt.datetime(2000, 1, 1)  # noqa: DTZ001 — Excel properties are naive UTC by convention


@dataclass(frozen=True)
class XlsxColumn:
    """A column of a sheet: header text, width in characters (None: Excel's default), number format of its cells."""

    header: Any
    width: float | None = 12
    number_format: str | None = None


@dataclass(frozen=True)
class XlsxSheet:
    """One sheet: ``title_rows`` (the first in bold at ``title_size`` pt), the header row, ``rows``, ``total_row``.

    ``freeze_header`` keeps the rows above the data in view while scrolling; ``wrap_header`` lets long
    headers wrap (the documents' two-language headers).
    """

    title: str
    columns: Sequence[XlsxColumn]
    rows: Iterable[Sequence[Any]]
    title_rows: Sequence[Sequence[Any]] = ()
    title_size: int = 14
    total_row: Sequence[Any] | None = None
    freeze_header: bool = True
    wrap_header: bool = True


def excel_value(value: Any) -> Any:
    """A value as a cell holds it: numbers, dates and None as they are, a person by name, the rest as text."""
    if isinstance(value, dt.datetime):
        # Excel has no time zones: write the wall-clock time in Shanghai.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (bool, int, float, Decimal, dt.date)) or value is None:
        return value
    if isinstance(value, AbstractBaseUser):
        # A person by name, as on the page; str(user) would be the login.
        return display_name(value)
    return str(value)


def cny_amount(value: Decimal) -> Decimal:
    """An amount for a CNY cell: a Decimal to the 分 (the cell stays a number)."""
    return value.quantize(Decimal("0.01"))


def naive_utc(value: dt.datetime | dt.date | None) -> dt.datetime:
    """A document's date as Excel's properties want it (naive UTC, whole seconds); EPOCH for None."""
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


# What a spreadsheet would read as the start of a formula (or DDE call) in a cell someone types into.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def text_cell(sheet, value: Any) -> WriteOnlyCell:
    """A cell of ``value`` in which text is always text, never a formula (formula injection, CSV/XLSX alike).

    openpyxl turns any string starting with ``=`` into a live formula: a receipt number typed as
    ``=cmd|' /C calc'!A0`` would run in the Excel of everyone who opens the export. Strings are stored as
    strings (data type ``s``), and those a spreadsheet would read as a formula when the cell is edited also get
    Excel's quote prefix (shown as typed, kept as text).
    """
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    return cell


def _write_sheet(workbook: Workbook, spec: XlsxSheet) -> None:
    sheet = workbook.create_sheet(title=spec.title[:31] or "Sheet1")
    for index, column in enumerate(spec.columns, start=1):
        if column.width is not None:
            sheet.column_dimensions[get_column_letter(index)].width = column.width
    if spec.freeze_header:
        sheet.freeze_panes = f"A{len(spec.title_rows) + 2}"

    for index, values in enumerate(spec.title_rows):
        cells = []
        for value in values:
            cell = text_cell(sheet, excel_value(value))
            if index == 0:
                cell.font = Font(bold=True, size=spec.title_size)
            cells.append(cell)
        sheet.append(cells)

    header_cells = []
    for column in spec.columns:
        cell = text_cell(sheet, str(column.header))
        cell.font = Font(bold=True)
        if spec.wrap_header:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        header_cells.append(cell)
    sheet.append(header_cells)

    formats = [column.number_format for column in spec.columns]

    def data_cells(values: Sequence[Any], *, bold: bool = False) -> list:
        cells = []
        for index, value in enumerate(values):
            value = excel_value(value)
            cell = text_cell(sheet, value)
            number_format = formats[index] if index < len(formats) else None
            if number_format and not isinstance(value, str):
                cell.number_format = number_format
            elif isinstance(value, dt.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            if bold:
                cell.font = Font(bold=True)
            cells.append(cell)
        return cells

    for values in spec.rows:
        sheet.append(data_cells(values))
    if spec.total_row is not None:
        sheet.append(data_cells(spec.total_row, bold=True))


def write_workbook(
    sheets: Iterable[XlsxSheet],
    *,
    title: str = "",
    created: dt.datetime | dt.date | None = None,
    deterministic: bool = True,
) -> bytes:
    """The workbook of ``sheets`` as XLSX bytes; dated ``created`` and byte-stable when ``deterministic``."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        _write_sheet(workbook, spec)
    buffer = io.BytesIO()
    if not deterministic:
        workbook.save(buffer)
        return buffer.getvalue()
    when = naive_utc(created)
    workbook.properties.creator = "aftersales"
    workbook.properties.title = title
    workbook.properties.created = when
    workbook.properties.modified = when
    # ExcelWriter directly: openpyxl's save() would stamp ``modified`` with the current time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return _stable_zip(buffer.getvalue(), when)


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
    """A document's one sheet (``XlsxSheet``), byte-stable and dated ``created``."""
    sheet = XlsxSheet(
        title=sheet_title or title, columns=columns, rows=rows, title_rows=title_rows, total_row=total_row
    )
    return write_workbook([sheet], title=title, created=created)


def xlsx_bytes(*, title: str, columns: Sequence, rows: Iterable[Any]) -> bytes:
    """A list page's rows as a one-sheet workbook, read through its table columns (``aftersales.exports.Column``)."""
    sheet = XlsxSheet(
        title=title,
        columns=[
            XlsxColumn(column.header, width=None, number_format=CNY_FORMAT if column.money else None)
            for column in columns
        ],
        rows=([column.value(row) for column in columns] for row in rows),
        freeze_header=False,
        wrap_header=False,
    )
    return write_workbook([sheet], deterministic=False)
