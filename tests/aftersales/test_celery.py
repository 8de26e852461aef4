"""Celery configured for reliability, and the beat schedule table synced into django-celery-beat."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from aftersales.celery import app
from aftersales.schedules import MARKER, schedules_sync

SCHEDULE = {
    "turnaround-alerts": ("cases.tasks.turnaround_alerts_task", "0", "8", "*"),
    "turnaround-escalation": ("cases.tasks.turnaround_escalation_task", "15", "8", "*"),
    "supplier-rework-overdue": ("inspection.tasks.supplier_rework_overdue_task", "20", "8", "*"),
    "rectification-order-alerts": ("quality.tasks.order_overdue_alerts_task", "30", "8", "*"),
    "recall-candidates": ("recalls.tasks.recall_candidates_notify_task", "30", "7", "*"),
    "recall-deadline-reminders": ("recalls.tasks.recall_deadline_reminders_task", "0", "9", "*"),
    "monthly-reports": ("reports.tasks.monthly_build_task", "0", "2", "1"),
    "temporary-upload-cleanup": ("aftersales.tasks.temporary_upload_cleanup_task", "30", "3", "*"),
    "unclaimed-file-sweep": ("aftersales.tasks.unclaimed_files_sweep_task", "45", "3", "*"),
    "low-stock-alerts": ("repairs.tasks.low_stock_alerts_task", "45", "7", "*"),
    "service-case-sla-alerts": ("servicedesk.tasks.service_case_sla_alerts_task", "*/15", "*", "*"),
    "customer-retention-purge": ("servicedesk.tasks.customer_retention_purge_task", "30", "2", "1"),
    # The quarter before, on the 1st of January, April, July and October (month_of_year in the settings).
    "quarterly-satisfaction-survey": ("quality.tasks.satisfaction_survey_task", "0", "3", "1"),
}


def test_schedule_table_is_the_issues_table():
    # given the single schedule table in settings
    table = settings.CELERY_BEAT_SCHEDULE
    # then it holds exactly the issue's tasks at their Shanghai times
    assert {
        name: (entry["task"], entry["schedule"]._orig_minute, entry["schedule"]._orig_hour,
               entry["schedule"]._orig_day_of_month)
        for name, entry in table.items()
    } == SCHEDULE  # fmt: skip
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


@pytest.mark.parametrize("name", list(SCHEDULE))
def test_each_entry_expires_before_its_next_run(name):
    # given an entry's crontab and expiry
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    schedule: crontab = entry["schedule"]
    zone = ZoneInfo("Asia/Shanghai")
    # when every run time over a year is listed (crontab's own sets of minutes, hours, days)
    start = dt.date(2026, 1, 1)
    runs = [
        dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
        for day in (start + dt.timedelta(days=offset) for offset in range(400))
        if day.day in schedule.day_of_month
        and day.month in schedule.month_of_year
        and (day.isoweekday() % 7) in schedule.day_of_week
        for hour in sorted(schedule.hour)
        for minute in sorted(schedule.minute)
    ]
    gaps = [later - earlier for earlier, later in zip(runs, runs[1:], strict=False)]
    # then the task expires within the shortest gap, so a late copy never overlaps the next run
    assert 0 < entry["options"]["expires"] < min(gaps).total_seconds()


def test_reliability_settings():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    # Redis's visibility timeout outlasts the longest task, so a running task is never handed out twice.
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit > conf.task_soft_time_limit
    # A missed cron run is still sent within the deadline, which is shorter than the expiry of every entry that
    # runs at most once a day. An entry that runs several times a day (the service desk's 15-minute SLA scan) needs
    # no catch-up: its next run comes sooner than the deadline, and it expires before that run.
    daily = [
        entry["options"]["expires"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if len(entry["schedule"].hour) * len(entry["schedule"].minute) == 1
    ]
    assert 0 < conf.beat_cron_starting_deadline <= min(daily)
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


def test_tasks_retry_only_transient_errors():
    from smtplib import SMTPException

    from django.db import InterfaceError, OperationalError

    from aftersales.tasks import notification_email_task
    from cases.tasks import turnaround_alerts_task

    assert SMTPException in notification_email_task.autoretry_for
    assert ConnectionError in notification_email_task.autoretry_for
    assert set(turnaround_alerts_task.autoretry_for) == {OperationalError, InterfaceError}
    for task in (notification_email_task, turnaround_alerts_task):
        assert task.retry_backoff
        assert Exception not in task.autoretry_for
        assert task.max_retries is not None


def test_the_test_process_runs_tasks_eagerly():
    # The suite's own process never needs a broker; tests/celery_worker.py switches this off for its tests.
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


@pytest.mark.django_db
def test_migrate_creates_the_schedule_rows():
    # given the test database (built by migrate from the models, whose post_migrate syncs the table)
    # then every entry has its row, on a Shanghai crontab, with its expiry
    rows = {row.name: row for row in PeriodicTask.objects.select_related("crontab")}
    for name, (task, minute, hour, day_of_month) in SCHEDULE.items():
        row = rows[name]
        assert row.task == task and row.enabled
        assert (row.crontab.minute, row.crontab.hour, row.crontab.day_of_month) == (minute, hour, day_of_month)
        assert str(row.crontab.timezone) == "Asia/Shanghai"
        assert row.expire_seconds == settings.CELERY_BEAT_SCHEDULE[name]["options"]["expires"]
        assert row.description.startswith(MARKER)


@pytest.mark.django_db
def test_sync_is_idempotent():
    # given the rows in line with the table
    schedules_sync()
    before = list(PeriodicTask.objects.order_by("name").values())
    crontabs = CrontabSchedule.objects.count()
    # when the sync runs twice more (also through the command)
    second = schedules_sync()
    out = StringIO()
    call_command("sync_schedules", stdout=out)
    # then nothing changes
    assert (second.created, second.updated, second.disabled) == (0, 0, 0)
    assert second.unchanged == len(SCHEDULE)
    assert "0 created, 0 updated" in out.getvalue()
    assert list(PeriodicTask.objects.order_by("name").values()) == before
    assert CrontabSchedule.objects.count() == crontabs


@pytest.mark.django_db
def test_admin_edits_survive_a_sync_but_not_a_reset():
    # given an administrator moved the daily scan to 09:15 and switched the recall candidates off
    row = PeriodicTask.objects.get(name="turnaround-alerts")
    row.crontab = CrontabSchedule.objects.create(minute="15", hour="9", timezone="Asia/Shanghai")
    row.save()
    PeriodicTask.objects.filter(name="recall-candidates").update(enabled=False)

    # when the sync runs (as after a deploy's migrate)
    schedules_sync()

    # then the admin's choices stand
    row.refresh_from_db()
    assert (row.crontab.minute, row.crontab.hour) == ("15", "9")
    assert not PeriodicTask.objects.get(name="recall-candidates").enabled

    # when the sync runs with --reset
    call_command("sync_schedules", "--reset", stdout=StringIO())

    # then the table's times and switches are back
    row.refresh_from_db()
    assert (row.crontab.minute, row.crontab.hour) == ("0", "8")
    assert PeriodicTask.objects.get(name="recall-candidates").enabled


@pytest.mark.django_db
def test_sync_corrects_the_task_and_creates_missing_rows():
    # given a row pointing at a renamed task, and a row deleted by hand
    PeriodicTask.objects.filter(name="turnaround-alerts").update(task="cases.tasks.old_name")
    PeriodicTask.objects.filter(name="monthly-reports").delete()
    # when the sync runs
    result = schedules_sync()
    # then the code's task name is back and the missing row exists again
    assert (result.created, result.updated) == (1, 1)
    assert PeriodicTask.objects.get(name="turnaround-alerts").task == "cases.tasks.turnaround_alerts_task"
    assert PeriodicTask.objects.filter(name="monthly-reports").exists()


@pytest.mark.django_db
def test_rows_that_left_the_table_are_switched_off_and_admin_rows_are_left_alone(settings):
    # given a synced row whose entry is removed from the table, and an admin's own row
    admin_row = PeriodicTask.objects.create(
        name="admin's own", task="cases.tasks.turnaround_alerts_task", crontab=CrontabSchedule.objects.first()
    )
    settings.CELERY_BEAT_SCHEDULE = {
        name: entry for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if name != "recall-candidates"
    }
    # when the sync runs
    result = schedules_sync()
    # then the orphan is switched off (kept for its history), the admin's row untouched
    assert result.disabled == 1
    assert not PeriodicTask.objects.get(name="recall-candidates").enabled
    admin_row.refresh_from_db()
    assert admin_row.enabled


@pytest.mark.django_db
def test_turnaround_task_returns_a_small_summary(demo):
    from cases.tasks import turnaround_alerts_task

    # when the task runs (eagerly here) with nothing due
    summary = turnaround_alerts_task.delay().get()
    # then it answers the day's counts
    assert set(summary) == {"date", "due_soon", "overdue", "digests"}
    assert summary["digests"] == 0
