"""The daily alert of a supplier rework 返修 whose promised return date has passed while the unit is still there.

Raised once per inspection report, ever: an ``Alert`` row (kind ``supplier_rework``, level ``overdue``) is
inserted per unit, its unique constraint skips one already raised (by an earlier run or a concurrent one),
and only the units this run inserted are told to the technicians, in one message each.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from aftersales.models import Alert
from aftersales.notifications import notify
from aftersales.roles import Role
from cases.choices import ReturnState
from inspection.choices import ReworkAnswer
from inspection.models import InspectionReport

ALERT_KIND = "supplier_rework"
ALERT_LEVEL = "overdue"
NOTIFICATION_KIND = "supplier_rework_overdue"


def overdue_reworks(*, today: dt.date):
    """Reworks the supplier agreed to whose promised date is before ``today`` and whose unit is still there."""
    return InspectionReport.objects.filter(
        rework_answer=ReworkAnswer.AGREED,
        supplier_promised_date__lt=today,
        return_item__state=ReturnState.AT_SUPPLIER,
    ).select_related("return_item__style__supplier")


@transaction.atomic
def supplier_rework_overdue_scan(*, now: dt.datetime | None = None) -> dict:
    """Alert the technicians once of every rework past its promised date; answers the day and the units alerted."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    content_type = ContentType.objects.get_for_model(InspectionReport)
    raised = []
    for report in overdue_reworks(today=today).order_by("supplier_promised_date", "pk"):
        try:
            with transaction.atomic():
                Alert.objects.create(kind=ALERT_KIND, content_type=content_type, object_id=report.pk, level=ALERT_LEVEL)
        except IntegrityError:
            continue  # alerted already
        raised.append(report)
    if raised:
        technicians = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=Role.TECHNICIAN)
            .select_related("preference")
            .order_by("pk")
            .distinct()
        )
        units = [
            {
                "number": report.return_item.number,
                "supplier": report.return_item.style.supplier.name,
                "promised_date": report.supplier_promised_date,
            }
            for report in raised
        ]
        notify(
            recipients=technicians,
            kind=NOTIFICATION_KIND,
            template=NOTIFICATION_KIND,
            context={"units": units, "today": today},
            url=reverse("cases:supplier_queue"),
        )
    return {"date": today.isoformat(), "overdue": len(raised)}
