"""Service-level clocks (servicedesk.sla) and the 15-minute SLA alerts (servicedesk.alerts): once per case, clock
and level; the owner hears of everything, the desk leads of breaches; the China working-time calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from aftersales.models import Alert, Notification
from servicedesk import sla
from servicedesk.alerts import service_case_sla_scan, sla_candidates
from servicedesk.choices import CaseKind
from servicedesk.tasks import service_case_sla_alerts_task
from tests.support.servicedesk import in_progress, open_case

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month, day, hour=0, minute=0, year=2026):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_clock_hours_by_default():
    assert settings.AFTERSALES_SLA_CALENDAR == "clock"
    assert sla.add_hours(at(9, 30, 17), 24) == at(10, 1, 17)


def test_working_time_skips_the_national_day_week_and_counts_its_make_up_saturday(settings):
    # 2026: 1–7 October are holidays, Saturday 10 October is a make-up working day (调休).
    settings.AFTERSALES_SLA_CALENDAR = "china_working_time"
    settings.AFTERSALES_SLA_WORKDAY_HOURS = (9, 18)
    # opened Wednesday 30 September at 17:00: 1 h that day, 9 h on the 8th, 9 h on the 9th, 5 h on Saturday 10th
    assert sla.add_hours(at(9, 30, 17), 24) == at(10, 10, 14)
    # a 2-hour repair appointment asked for during the holiday is due on the first working morning
    assert sla.add_hours(at(10, 3, 11), 2) == at(10, 8, 11)
    # Sunday the 11th is a rest day again
    assert sla.add_hours(at(10, 10, 17), 2) == at(10, 12, 10)
    assert not sla.is_working_day(dt.date(2026, 10, 5)) and sla.is_working_day(dt.date(2026, 10, 10))


def test_due_soon_is_75_percent_of_the_span():
    assert sla.warn_at(at(1, 1, 0), at(1, 2, 0)) == at(1, 1, 18)


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return service_case_sla_scan(now=now)

    return run


@pytest.mark.django_db
def test_alerts_once_per_case_clock_and_level(demo, scan, settings):
    settings.AFTERSALES_SERVICE_DESK_LEADS = ["qa1"]  # someone who is not the owner
    case = open_case(kind=CaseKind.REPAIR)  # appointment due in 2 h, first response in 24 h
    start = case.created_at
    # before 75 % of the appointment's span: nothing
    assert scan(start + dt.timedelta(minutes=60))["due_soon"] == 0
    # at 1 h 45 the appointment is due soon: the owner hears of it, the lead does not
    summary = scan(start + dt.timedelta(minutes=105))
    assert (summary["due_soon"], summary["breached"], summary["messages"]) == (1, 0, 1)
    assert Notification.objects.filter(kind="service_case_sla", recipient__username="hotline1").count() == 1
    # the next scan raises nothing again
    assert scan(start + dt.timedelta(minutes=110))["due_soon"] == 0
    # past 2 h it is breached: the owner and the lead hear of it, once
    summary = scan(start + dt.timedelta(minutes=125))
    assert (summary["breached"], summary["messages"]) == (1, 2)
    assert scan(start + dt.timedelta(minutes=140))["messages"] == 0
    told = Notification.objects.filter(kind="service_case_sla").values_list("recipient__username", flat=True)
    assert sorted(told) == ["hotline1", "hotline1", "qa1"]
    assert Alert.objects.filter(object_id=case.pk).count() == 2
    # responding stops both clocks: nothing more is raised even a day later
    in_progress(case)
    assert scan(start + dt.timedelta(hours=30)) == {
        **scan(start + dt.timedelta(hours=30)),
        "due_soon": 0,
        "breached": 0,
    }


@pytest.mark.django_db
def test_resolution_clock_runs_to_the_promise_and_stops_at_resolve(demo, scan):
    from servicedesk import services
    from tests.support.servicedesk import user

    case = in_progress()
    now = timezone.now()
    case = services.servicecase_promise(
        user=user("hotline1"), case=case, deadline=now + dt.timedelta(hours=4), outcome="今天换新"
    )
    assert case.next_due == case.resolution_due
    kinds = {kind for _pk, _level, kind in sla_candidates(now=now + dt.timedelta(hours=5))}
    assert kinds == {"sla_resolution"}
    services.servicecase_resolve(user=user("hotline1"), case=case, resolution="已换新", outcome="exchanged")
    assert not list(sla_candidates(now=now + dt.timedelta(hours=5)))


@pytest.mark.django_db
def test_unowned_case_alerts_go_to_the_leads(demo, scan):
    case = open_case(by="store1", channel="in_store")
    assert case.owner is None
    scan(case.first_response_due + dt.timedelta(minutes=1))
    # no lead configured: every hotline agent is the desk's lead
    assert list(Notification.objects.filter(kind="service_case_sla").values_list("recipient__username", flat=True)) == [
        "hotline1"
    ]


@pytest.mark.django_db
def test_the_scan_is_one_insert_statement(demo, django_assert_max_num_queries):
    for _ in range(3):
        open_case()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        service_case_sla_scan(now=timezone.now() + dt.timedelta(days=2))
    inserts = [
        query["sql"] for query in captured if "INSERT INTO" in query["sql"] and "aftersales_alert" in query["sql"]
    ]
    assert len(inserts) == 1 and "ON CONFLICT" in inserts[0] and "UNION ALL" in inserts[0]
    assert Alert.objects.count() == 3


@pytest.mark.django_db
def test_the_task_is_on_the_beat_schedule_every_15_minutes(demo):
    entry = settings.CELERY_BEAT_SCHEDULE["service-case-sla-alerts"]
    assert entry["task"] == "servicedesk.tasks.service_case_sla_alerts_task"
    assert entry["schedule"]._orig_minute == "*/15"
    assert service_case_sla_alerts_task.delay().get()["breached"] == 0
