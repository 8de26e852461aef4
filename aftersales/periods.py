"""Accounting periods 会计期间: a month, written ``YYYY-MM``, held as the month's first day, in Shanghai time."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from aftersales.validation import add_months

PERIOD_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
# The refusal of a month that has not begun (tests read it translated, as people do).
FUTURE_PERIOD_MESSAGE = gettext_noop("%(period)s has not begun yet; pick this month or an earlier one.")


def period_label(period: dt.date) -> str:
    """A period (the first day of a month) as the contract writes it: ``YYYY-MM``."""
    return f"{period:%Y-%m}"


def parse_period(value) -> dt.date:
    """``"2026-10"`` → 2026-10-01; anything else is a ValidationError with a message people read."""
    match = PERIOD_PATTERN.match(str(value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise ValidationError(_("Enter a month as YYYY-MM, for example 2026-10."), code="invalid_period")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def current_period(now: dt.datetime | None = None) -> dt.date:
    """The month it is now in Shanghai."""
    return timezone.localdate(now).replace(day=1)


def previous_period(now: dt.datetime | None = None) -> dt.date:
    """The month before this one: what the monthly schedule builds on the 1st."""
    return add_months(current_period(now), -1)


def future_period_message(period: str, *, language: str | None = None) -> str:
    """The refusal of a future month as a user reading ``language`` (default: the site's) sees it."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(language or settings.LANGUAGE_CODE):
        return _(FUTURE_PERIOD_MESSAGE) % {"period": period}


def require_not_future(period: dt.date, now: dt.datetime | None = None) -> dt.date:
    """Refuse a month that has not begun: nothing can have happened in it yet."""
    if period > current_period(now):
        raise ValidationError(
            _(FUTURE_PERIOD_MESSAGE) % {"period": f"{period:%Y-%m}"},
            code="future_period",
        )
    return period


def period_bounds(period: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month as aware datetimes at Shanghai midnight."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(period, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(add_months(period, 1), dt.time.min, tzinfo=zone)
    return start, end


class PeriodField(forms.CharField):
    """A month typed as ``YYYY-MM`` (forms and filters alike); anything else is an error naming the expected form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "YYYY-MM", "size": 8}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            return parse_period(value)
        except ValidationError as error:
            raise ValidationError(error.messages, code="invalid_period") from error


class PeriodFilter(django_filters.Filter):
    """``?period=2026-10`` on a list page or API list, read by ``PeriodField``."""

    field_class = PeriodField
