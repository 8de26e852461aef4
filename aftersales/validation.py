"""Input checks every service shares."""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def reject_nul_bytes(**fields: str | list[str] | None) -> None:
    """400 naming the field when any text holds a NUL byte (PostgreSQL cannot store one; it is never meant)."""
    errors = {}
    for name, value in fields.items():
        values = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in values):
            errors[name] = [_("Null characters are not allowed.")]
    if errors:
        raise ValidationError(errors)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
