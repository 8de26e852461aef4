"""Exports of the core: table columns (one definition serves the HTML table and the XLSX export), the one XLSX
writer (``aftersales.exports.xlsx``) and the one PDF renderer (``aftersales.exports.pdf``, imported on its own: it
loads WeasyPrint), and where issued documents are stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.formats import localize
from django.utils.translation import gettext as _

from aftersales.display import display_name, format_date, format_datetime
from aftersales.exports.xlsx import (
    CNY_FORMAT,
    DATE_FORMAT,
    DATETIME_FORMAT,
    XLSX_CONTENT_TYPE,
    XlsxColumn,
    excel_value,
    workbook_bytes,
    write_workbook,
    xlsx_bytes,
)
from aftersales.money import format_money

__all__ = [
    "CNY_FORMAT",
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "XLSX_CONTENT_TYPE",
    "Column",
    "XlsxColumn",
    "document_path",
    "excel_value",
    "workbook_bytes",
    "write_workbook",
    "xlsx_bytes",
]


def document_path(instance, filename: str) -> str:
    """Where an issued document (a statement's or a report run's PDF and XLSX) is stored: under its period, so a
    month's documents sit together; never overwritten (the names carry the version)."""
    return f"documents/{instance.period:%Y/%m}/{filename}"


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
