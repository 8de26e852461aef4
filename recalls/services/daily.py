"""Daily work of batch recalls 每日任务: new candidates told to QA, deadline reminders to stores (Celery beat)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from aftersales.models import Alert
from aftersales.notifications import notify
from aftersales.roles import Role
from recalls.choices import RECALL_COLLECTING_STATES, RecallNoticeState
from recalls.models import RecallNotice
from recalls.selectors import recall_candidates, recall_logged_count
from recalls.services.workflow import _url, store_staff_of


def _raise_once(*, kind: str, target, level: str) -> bool:
    """Record that this alert was raised; False if it had been already (the unique constraint decides)."""
    try:
        with transaction.atomic():
            Alert.objects.create(
                kind=kind,
                content_type=ContentType.objects.get_for_model(type(target)),
                object_id=target.pk,
                level=level[:20],
            )
    except IntegrityError:
        return False
    return True


def qa_managers() -> list:
    return list(get_user_model().objects.filter(groups__name=Role.QA_MANAGER, is_active=True).order_by("pk"))


@transaction.atomic
def recall_candidates_notify(*, now: dt.datetime | None = None) -> int:
    """Tell QA of every new recall candidate, once per style and defect code; returns how many were new."""
    new = [
        candidate
        for candidate in recall_candidates(now=now)
        if _raise_once(kind="recall_candidate", target=candidate.style, level=candidate.defect_code.code)
    ]
    recipients = qa_managers()
    url = _url("recalls:recallcandidate_list")
    for candidate in new:
        notify(
            recipients=recipients,
            kind="recall_candidate",
            template="recall_candidate",
            context={
                "candidate": candidate,
                "style": candidate.style,
                "defect_code": candidate.defect_code,
                "url": url,
            },
            url=url,
            target=candidate.style,
        )
    return len(new)


@transaction.atomic
def recall_deadline_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind stores that have not answered in full as a recall's deadline nears, once per notice per lead time.

    A store has answered in full once it has acknowledged and logged as
    many units as it had on hand (the units then travel with its shipment:
    the reminder asks for nothing more of the store). Of the lead times (days before the
    deadline), a notice gets the nearest one it has reached, so a notice
    issued two days before the deadline is reminded once, not twice.
    """
    today = timezone.localdate(now)
    leads = sorted(settings.AFTERSALES_RECALL_REMINDER_DAYS)
    if not leads:
        return 0
    notices = (
        RecallNotice.objects.filter(
            recall__state__in=RECALL_COLLECTING_STATES,
            recall__deadline__gte=today,
            recall__deadline__lte=today + dt.timedelta(days=max(leads)),
        )
        .select_related("recall__style", "store")
        .annotate(logged=recall_logged_count())
        .order_by("pk")
    )
    reminded = 0
    url = _url("recalls:recallnotice_list")
    for notice in notices:
        if notice.state == RecallNoticeState.ACKNOWLEDGED and notice.logged >= (notice.on_hand or 0):
            continue
        days_left = (notice.recall.deadline - today).days
        lead = min(lead for lead in leads if lead >= days_left)
        if not _raise_once(kind="recall_deadline", target=notice, level=f"{lead}d"):
            continue
        notify(
            recipients=store_staff_of([notice.store]),
            kind="recall_deadline",
            template="recall_deadline",
            context={"notice": notice, "recall": notice.recall, "days_left": days_left, "url": url},
            url=url,
            target=notice,
        )
        reminded += 1
    return reminded
