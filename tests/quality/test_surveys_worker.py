"""The quarterly satisfaction survey under beat, through the real Celery worker (PostgreSQL + Redis pass; skipped on
SQLite): the entry beat reads is sent through Redis to the prefork worker, and a second run invites nobody new."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from aftersales.celery import app
from quality.models import SatisfactionSurvey, SurveyInvitation
from quality.services.surveys import previous_quarter, quarter_bounds
from servicedesk.models import ServiceCase
from tests.support.servicedesk import closed


@pytest.mark.django_db(transaction=True)
def test_real_worker_builds_the_quarters_survey_once(demo, celery_worker):
    # given a committed case closed in the quarter before
    quarter = previous_quarter()
    first, _last = quarter_bounds(quarter)
    case = closed()
    at = timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=20), dt.time(11)))
    ServiceCase.objects.filter(pk=case.pk).update(closed_at=at)
    # and beat's row for the survey, synced from the schedule table on migrate
    entry = settings.CELERY_BEAT_SCHEDULE["quarterly-satisfaction-survey"]
    row = PeriodicTask.objects.get(name="quarterly-satisfaction-survey")
    assert row.task == entry["task"] and row.enabled and row.crontab.month_of_year == "1,4,7,10"
    # when beat sends the task (by name, as beat does) to the worker, twice
    first_run = app.send_task(row.task).get(timeout=120)
    second_run = app.send_task(row.task).get(timeout=120)
    # then the quarter's survey invites the case once, and the second run creates nothing
    assert first_run["quarter"] == quarter and first_run["invited"] == 1
    assert second_run["invited"] == 0 and not second_run["created"]
    assert SatisfactionSurvey.objects.get().quarter == quarter
    assert list(SurveyInvitation.objects.values_list("case_id", flat=True)) == [case.pk]
