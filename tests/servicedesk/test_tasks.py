"""The service desk's scheduled work through the real Celery worker (PostgreSQL + Redis pass; skipped on SQLite)."""

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.models import Alert, Notification
from servicedesk.models import ServiceCase
from servicedesk.tasks import customer_retention_purge_task, service_case_sla_alerts_task
from tests.support.servicedesk import open_case


@pytest.mark.django_db(transaction=True)
def test_real_worker_raises_sla_alerts_once(demo, celery_worker):
    # given a committed case whose first response is overdue and one that is due soon
    late, soon = open_case(), open_case()
    now = timezone.now()
    ServiceCase.objects.filter(pk=late.pk).update(
        first_response_due=now - dt.timedelta(hours=1), first_response_warn=now - dt.timedelta(hours=7)
    )
    ServiceCase.objects.filter(pk=soon.pk).update(first_response_warn=now - dt.timedelta(minutes=5))
    # when beat's task goes through Redis to the prefork worker
    summary = service_case_sla_alerts_task.delay().get(timeout=90)
    # then each alert is raised once and the owner (and the desk lead for the breach: hotline1 is both) told
    assert (summary["breached"], summary["due_soon"]) == (1, 1)
    assert set(Alert.objects.values_list("object_id", "level")) == {(late.pk, "breached"), (soon.pk, "due_soon")}
    messages = Notification.objects.filter(kind="service_case_sla")
    assert messages.count() == summary["messages"] == 1
    assert late.number in messages.get().body and soon.number in messages.get().body
    # and running it again raises and tells nothing
    again = service_case_sla_alerts_task.delay().get(timeout=90)
    assert (again["breached"], again["due_soon"], again["messages"]) == (0, 0, 0)
    assert Alert.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_retention_purge(demo, celery_worker):
    assert customer_retention_purge_task.delay().get(timeout=90)["anonymised"] == 0
