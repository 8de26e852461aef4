"""Input checks every service shares."""

from __future__ import annotations

import calendar
import datetime as dt
import re

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


# A Chinese mobile (1[3-9] and nine more digits, optionally after +86) or a landline with its area code
# (0 and 2–3 digits, then a 7–8 digit number), read without the spaces and dashes people type between groups.
PHONE_PATTERN = re.compile(r"(?:\+?86)?1[3-9]\d{9}|0\d{2,3}\d{7,8}")


def validate_phone(value: str) -> None:
    """A customer's phone: a mobile or a landline with area code; the return form and the API share this rule."""
    if value and not PHONE_PATTERN.fullmatch(re.sub(r"[\s-]", "", value)):
        raise ValidationError(
            _(
                "Enter a mobile number (11 digits starting with 1) "
                "or a landline with its area code, such as 010-12345678."
            ),
            code="phone",
        )
