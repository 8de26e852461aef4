"""Reads for the customer's receipt, the hang tags and the public status page."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from aftersales.models import TransitionLog
from cases.choices import ReturnState
from cases.models import ReceiptSubmission, Return
from cases.selectors import return_list
from customerview.links import number_from_token


def receipt_returns(user, return_item: Return) -> QuerySet[Return]:
    """The units a customer's receipt lists, that the user may see and that were not cancelled: every unit logged
    in the same form as ``return_item`` (one receipt, several units); for a unit logged otherwise (the API logs
    one unit per call), the units of the same store and purchase receipt logged the same day."""
    submission = ReceiptSubmission.objects.filter(returns=return_item).order_by("id").first()
    units = return_list(user).select_related("store", "style").exclude(state=ReturnState.CANCELLED).order_by("id")
    if submission is not None:
        return units.filter(pk__in=submission.returns.values("pk"))
    day = timezone.localtime(return_item.created_at).date()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return units.filter(
        store_id=return_item.store_id,
        receipt_no=return_item.receipt_no,
        created_at__gte=start,
        created_at__lt=start + dt.timedelta(days=1),
    )


def status_return_get(token: str) -> Return | None:
    """The Return a status-page token names, with its store; None for a token this site did not sign."""
    number = number_from_token(token)
    if number is None:
        return None
    return Return.objects.select_related("store", "style").filter(number=number).first()


def return_closed_at(item: Return) -> dt.datetime | None:
    """When the unit's last state change happened (its story's end, for a finished unit)."""
    log = TransitionLog.objects.for_object(item).order_by("-at", "-id").first()
    return log.at if log else None
