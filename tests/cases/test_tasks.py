"""Scheduled tasks of the cases app: the daily turnaround alerts, in-process and through a real worker."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from aftersales.models import Alert, Notification
from cases.choices import ReturnState
from cases.tasks import turnaround_alerts_task
from stores.models import Store
from tests.factories.cases import ReturnFactory


def overdue_unit(store_code: str, *, days_ago: int = 20):
    shipped = timezone.now() - dt.timedelta(days=days_ago)
    return ReturnFactory(
        store=Store.objects.get(code=store_code),
        state=ReturnState.REPAIRING,
        shipped_at=shipped,
        due_at=shipped + dt.timedelta(days=15),
    )


@pytest.mark.django_db
def test_task_scans_now_and_e_mails_after_commit(demo, django_capture_on_commit_callbacks):
    # given an overdue unit at S001
    unit = overdue_unit("S001")
    # when the daily task runs (in-process) and commits
    with django_capture_on_commit_callbacks(execute=True):
        summary = turnaround_alerts_task.delay().get()
    # then one overdue alert, a digest per recipient, each e-mailed
    assert summary["overdue"] == 1 and summary["due_soon"] == 0
    assert summary["date"] == timezone.localdate().isoformat()
    assert Alert.objects.get().object_id == unit.pk
    assert summary["digests"] == Notification.objects.count() == len(mail.outbox) >= 3


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_turnaround_scan_end_to_end(demo, celery_worker):
    # given committed overdue units at S001 and S002 and a due-soon one at S001
    late_s001 = overdue_unit("S001")
    late_s002 = overdue_unit("S002")
    soon_s001 = overdue_unit("S001", days_ago=13)

    # when beat's task goes through Redis to the prefork worker
    summary = turnaround_alerts_task.delay().get(timeout=90)

    # then the worker raised each alert once and wrote one digest per recipient
    assert (summary["overdue"], summary["due_soon"]) == (2, 1)
    assert set(Alert.objects.values_list("object_id", "level")) == {
        (late_s001.pk, "overdue"),
        (late_s002.pk, "overdue"),
        (soon_s001.pk, "due_soon"),
    }
    digests = Notification.objects.filter(kind="turnaround_digest")
    assert digests.count() == summary["digests"]
    store1 = digests.get(recipient__username="store1")
    assert late_s001.number in store1.body and soon_s001.number in store1.body
    assert late_s002.number not in store1.body
    # and the e-mail tasks it queued after commit went through the broker too: every digest e-mailed once
    celery_worker.wait_for(
        lambda: not digests.filter(emailed_at__isnull=True).exists(), timeout=90, what="every digest e-mailed"
    )
    sent = celery_worker.sent_mail()
    assert sorted(message["To"] for message in sent) == sorted(digests.values_list("recipient__email", flat=True))
    assert all(message.is_multipart() for message in sent)

    # when the task runs again
    again = turnaround_alerts_task.delay().get(timeout=90)

    # then nothing new is raised, written or sent
    assert (again["overdue"], again["due_soon"], again["digests"]) == (0, 0, 0)
    assert Alert.objects.count() == 3
    assert Notification.objects.count() == summary["digests"]
    assert len(celery_worker.sent_mail()) == len(sent)
