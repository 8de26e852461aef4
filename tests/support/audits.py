"""A month of finished work for the monthly audit 每月抽查 and the KPIs: closed service cases and completed Returns,
with the transition-log rows that date a Return's completion (the audit reads them as ``fire`` writes them)."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from aftersales.models import TransitionLog
from cases.choices import ReturnState
from cases.models import Return
from servicedesk.choices import CaseState
from stores.models import Store
from tests.factories.cases import ReturnFactory
from tests.factories.servicedesk import ServiceCaseFactory

# A month long past: the demo's history has nothing in it, so a test's figures are its own.
PERIOD = dt.date(2020, 3, 1)


def at(day: int, hour: int = 10, period: dt.date = PERIOD) -> dt.datetime:
    return dt.datetime.combine(period.replace(day=day), dt.time(hour), tzinfo=timezone.get_default_timezone())


def closed_case(number: str, *, day: int = 10, period: dt.date = PERIOD, owner=None, store_code="S001", **extra):
    """A service case opened on ``day`` and closed the next day, owned by ``owner``."""
    opened = at(day, 9, period)
    values = {
        "number": number,
        "store": Store.objects.get(code=store_code),
        "owner": owner,
        "state": CaseState.CLOSED,
        "first_response_due": opened + dt.timedelta(hours=24),
        "responded_at": opened + dt.timedelta(hours=2),
        "resolved_at": opened + dt.timedelta(hours=20),
        "followed_up_at": opened + dt.timedelta(hours=30),
        "closed_at": opened + dt.timedelta(hours=30),
        "satisfaction": 5,
        **extra,
    }
    case = ServiceCaseFactory(**values)
    case.__class__.objects.filter(pk=case.pk).update(created_at=opened)
    return case


def completed_return(number: str, *, day: int = 12, period: dt.date = PERIOD, store_code="S001", **extra) -> Return:
    """A Return back at its store on ``day`` (``confirm_returned`` logged then, as ``fire`` would)."""
    item = ReturnFactory(number=number, store=Store.objects.get(code=store_code), state=ReturnState.RETURNED,
                         returned_at=at(day, 15, period), **extra)  # fmt: skip
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(Return), object_id=item.pk, transition="confirm_returned",
        source_state=ReturnState.RETURNING, target_state=ReturnState.RETURNED, at=at(day, 15, period),
    )  # fmt: skip
    return item


def month_of_work(cases: int = 23, returns: int = 7, period: dt.date = PERIOD, owner=None) -> dict:
    """``cases`` closed service cases and ``returns`` completed Returns in ``period``, numbered as the desk and
    the stores number them; answers their numbers."""
    tag = f"{period:%Y%m}"
    made_cases = [closed_case(f"SC-{tag}-{n:05d}", day=1 + n % 27, period=period, owner=owner)
                  for n in range(1, cases + 1)]  # fmt: skip
    made_returns = [completed_return(f"RT-{tag}-{n:06d}", day=1 + n % 27, period=period)
                    for n in range(1, returns + 1)]  # fmt: skip
    return {"cases": [case.number for case in made_cases], "returns": [item.number for item in made_returns]}
