"""Tables as Excel files: one column definition serves the HTML table and the XLSX export."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from aftersales.display import display_name, format_date, format_datetime
from aftersales.money import format_money

CNY_FORMAT = '"¥"#,##0.00'
# Excel's spelling of aftersales.display's formats: a date or a moment reads the same in a sheet as on a page.
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """A table column: its header and how to read a value off a row.

    ``accessor`` is a dotted attribute path (``"region.code"``, a method such
    as ``"get_kind_display"`` is called) or a callable taking the row.
    """

    header: Any
    accessor: str | Callable[[Any], Any]
    money: bool = False

    def value(self, row: Any) -> Any:
        if callable(self.accessor):
            return self.accessor(row)
        value = row
        for part in self.accessor.split("."):
            if value is None:
                return None
            value = getattr(value, part)
            if callable(value):
                value = value()
        return value

    def display(self, row: Any) -> str:
        value = self.value(row)
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, AbstractBaseUser):
            return display_name(value)
        if isinstance(value, Decimal) and self.money:
            return format_money(value)
        # Localized formats would print 2026年12月17日 08:36 in Chinese: dates read the same everywhere.
        if isinstance(value, datetime):
            return format_datetime(value)
        if isinstance(value, date):
            return format_date(value)
        return str(localize(value))


def _excel_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # Excel has no time zones: write the wall-clock time in Shanghai.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (bool, int, float, Decimal, date)) or value is None:
        return value
    if isinstance(value, AbstractBaseUser):
        # A person by name, as on the page; str(user) would be the login.
        return display_name(value)
    return str(value)


def xlsx_bytes(*, title: str, columns: list[Column], rows: Iterable[Any]) -> bytes:
    """Write rows to a one-sheet workbook in write-only mode (flat memory for long tables)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    header_cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for column in columns:
            value = _excel_value(column.value(row))
            cell = WriteOnlyCell(sheet, value=value)
            if column.money:
                cell.number_format = CNY_FORMAT
            elif isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
