"""Service-level clocks 服务时限 of the desk: when each is due, and when it is "due soon".

Clock hours by default. With ``AFTERSALES_SLA_CALENDAR = "china_working_time"``
only working hours count (``AFTERSALES_SLA_WORKDAY_HOURS``, 09:00–18:00 by
default) on China's working days: the public holidays are skipped and their
make-up working days 调休 (a Saturday or Sunday worked instead) count. The days
come from ``chinese-calendar``, which follows the State Council's yearly notice;
a year it does not know yet raises, and then the clock falls back to clock hours
rather than stop the desk.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

CLOCK = "clock"
CHINA_WORKING_TIME = "china_working_time"
CALENDARS = (CLOCK, CHINA_WORKING_TIME)


def is_working_day(day: dt.date) -> bool:
    """China's working day: Monday to Friday unless a public holiday, plus the make-up days 调休."""
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_hours(start: dt.datetime, hours: int | float | Decimal) -> dt.datetime:
    """``start`` plus ``hours`` of the configured calendar (an aware datetime; answers one in Asia/Shanghai)."""
    if settings.AFTERSALES_SLA_CALENDAR != CHINA_WORKING_TIME:
        return start + dt.timedelta(hours=float(hours))
    zone = ZoneInfo(settings.TIME_ZONE)
    begin_hour, end_hour = settings.AFTERSALES_SLA_WORKDAY_HOURS
    remaining = dt.timedelta(hours=float(hours))
    moment = start.astimezone(zone)
    # At most a few years of days: a misconfigured span cannot loop for ever.
    for _day in range(3 * 366):
        day = moment.date()
        opens = dt.datetime.combine(day, dt.time(begin_hour), tzinfo=zone)
        closes = dt.datetime.combine(day, dt.time(end_hour), tzinfo=zone)
        if is_working_day(day) and moment < closes:
            moment = max(moment, opens)
            if moment + remaining <= closes:
                return moment + remaining
            remaining -= closes - moment
        moment = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start + dt.timedelta(hours=float(hours))


def warn_at(start: dt.datetime, due: dt.datetime) -> dt.datetime:
    """The "due soon" point: ``AFTERSALES_SLA_DUE_SOON_PERCENT`` (75 %) of the span from ``start`` to ``due``."""
    if due <= start:
        return due
    return start + (due - start) * settings.AFTERSALES_SLA_DUE_SOON_PERCENT / 100
