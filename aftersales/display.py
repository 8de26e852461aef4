"""How people, dates and times read on every page, document, export and message (money is in ``money.py``).

One format in both languages, chosen so a date sorts and compares at a glance and never depends on the
language someone picked last: ``2026-12-17`` for a date and ``2026-12-17 08:36`` for a moment, on the
service center's clock (Asia/Shanghai). A person is shown by name as the product knows them
(``刘洋（售后服务部）``), never by login, which only the admin site and the API use.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone, translation

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"


# {(choices, language): {value: label}}: filled on first use, a handful of entries per language.
_CHOICE_LABELS: dict[tuple[type, str | None], dict[str, str]] = {}


def choice_label(choices: type[models.Choices], value) -> str:
    """A choice's label in the active language, as ``get_FOO_display`` gives it (an unknown value as itself).

    Django's ``get_FOO_display`` rebuilds the field's choices and translates the lazy label on every call, which a
    list of 50 rows did hundreds of times a page (issue 19, "Speed"); here each language's labels are built once.
    """
    key = (choices, translation.get_language())
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        labels = _CHOICE_LABELS[key] = {member.value: str(member.label) for member in choices}
    return labels.get(value, value)


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def format_date(value: dt.date | dt.datetime | None) -> str:
    """``2026-12-17``; a moment is shown on its calendar day in Shanghai; empty for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return value.strftime(DATE_FORMAT)


def format_datetime(value: dt.datetime | dt.date | None) -> str:
    """``2026-12-17 08:36`` in Shanghai time; a bare date is shown as a date; empty for none."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return format_date(value)
    return _local(value).strftime(DATETIME_FORMAT)


def format_document_date(value: dt.date | dt.datetime | None) -> str:
    """``2026年12月17日``: the date written beside a signature on the Chinese paper forms (statements, loss
    reports, write-off lists), as the forms have always printed it; empty for none. Pages and exports use
    ``format_date``."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def display_name(user) -> str:
    """The name a person goes by in the product (``刘洋（售后服务部）``), the login only when no name is set."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
