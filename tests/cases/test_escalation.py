"""The escalation ladder 升级提醒 of the 15-day turnaround (issue 20): calendar days in Shanghai, once per unit per
level, the region manager then the service center's head, and the home page of those roles."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from aftersales.models import Alert, Notification, UserPreference
from cases.choices import ReturnState
from cases.escalation import CENTER, REGION, escalated_returns, turnaround_escalation_scan
from cases.models import Return
from stores.models import Store
from tests.factories.cases import ReturnFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def shanghai(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def due(at: dt.datetime, *, store_code="S001", state=ReturnState.REPAIRING):
    """An open repair-path unit of ``store_code`` whose 15 days run out at ``at``."""
    return ReturnFactory(
        store=Store.objects.get(code=store_code), state=state, shipped_at=at - dt.timedelta(days=15), due_at=at
    )


@pytest.fixture
def scan_on(django_capture_on_commit_callbacks):
    def run(at: dt.datetime) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return turnaround_escalation_scan(now=at)

    return run


def escalations() -> set[tuple[str, str]]:
    numbers = dict(Return.objects.values_list("pk", "number"))
    return {
        (numbers[object_id], level)
        for object_id, level in Alert.objects.filter(level__in=[REGION, CENTER]).values_list("object_id", "level")
    }


@pytest.mark.parametrize(
    ("scan_at", "expected"),
    [
        # Due at 23:30 on 10 November: 4 days overdue on the 14th (even at 23:59), 5 on the 15th from midnight
        (shanghai(2026, 11, 14, 23, 59), set()),
        (shanghai(2026, 11, 15, 0, 0), {REGION}),
        (shanghai(2026, 11, 24, 23, 59), {REGION}),
        # 10 days further: 15 days overdue on the 25th
        (shanghai(2026, 11, 25, 0, 1), {REGION, CENTER}),
    ],
)
def test_the_ladder_counts_calendar_days_in_shanghai(demo, scan_on, scan_at, expected):
    # Given a unit due late in the evening of 10 November (Shanghai), 15:30 UTC that day
    unit = due(shanghai(2026, 11, 10, 23, 30))
    # When the scan runs at that moment
    scan_on(scan_at)
    # Then the levels reached are those of the Shanghai calendar day, not of UTC's or of 24-hour periods
    assert escalations() == {(unit.number, level) for level in expected}


def test_a_unit_due_just_after_midnight_counts_from_its_own_day(demo, scan_on):
    # Given a unit due at 00:30 on 11 November in Shanghai (still the 10th in UTC)
    unit = due(shanghai(2026, 11, 11, 0, 30))
    # Then it is not 5 days overdue on the 15th, only from the 16th
    scan_on(shanghai(2026, 11, 15, 8))
    assert escalations() == set()
    scan_on(shanghai(2026, 11, 16, 8))
    assert escalations() == {(unit.number, REGION)}


@override_settings(AFTERSALES_ESCALATE_REGION_DAYS=2, AFTERSALES_ESCALATE_CENTER_DAYS=3)
def test_the_steps_are_settings(demo, scan_on):
    unit = due(shanghai(2026, 11, 10, 12))
    scan_on(shanghai(2026, 11, 11, 8))
    assert escalations() == set()
    scan_on(shanghai(2026, 11, 12, 8))
    assert escalations() == {(unit.number, REGION)}
    scan_on(shanghai(2026, 11, 15, 8))
    assert escalations() == {(unit.number, REGION), (unit.number, CENTER)}


def test_each_level_reaches_its_people_once(demo, demo_user, scan_on):
    # Given region1 (R01: S001, S002) reads English, and long-overdue units of S001 and of S101 (region R02)
    UserPreference.objects.update_or_create(user=demo_user("region1"), defaults={"language": "en"})
    mine = due(shanghai(2026, 11, 1, 12))
    other_region = due(shanghai(2026, 11, 1, 12), store_code="S101")
    back_already = due(shanghai(2026, 11, 1, 12), state=ReturnState.RETURNED)
    # When the scan runs 5 days after the due date
    summary = scan_on(shanghai(2026, 11, 6, 8))
    # Then region1 is told of its region's unit only, in its own language; the returned unit is no one's concern
    assert summary[REGION] == 2 and summary[CENTER] == 0
    to_region1 = Notification.objects.get(recipient=demo_user("region1"))
    assert to_region1.kind == "turnaround_escalation"
    assert mine.number in to_region1.body and other_region.number not in to_region1.body
    assert back_already.number not in to_region1.body
    assert to_region1.subject == "Escalation: 1 unit of your region is 5+ days overdue"
    assert "5 days overdue" in to_region1.body
    # and nobody else was (no center-level escalation yet; store staff and technicians have their alerts)
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert "store1" not in recipients and "tech1" not in recipients and "vp1" not in recipients
    # When the scan runs again the same day and the next, nothing is sent twice
    sent = len(mail.outbox)
    assert scan_on(shanghai(2026, 11, 6, 9))[REGION] == 0
    assert scan_on(shanghai(2026, 11, 7, 8))[REGION] == 0
    assert len(mail.outbox) == sent
    assert Notification.objects.filter(recipient=demo_user("region1")).count() == 1
    # When the units are 15 days overdue, the center's head (the production VP by default) hears of both, once
    summary = scan_on(shanghai(2026, 11, 16, 8))
    assert summary[CENTER] == 2
    to_vp = Notification.objects.get(recipient=demo_user("vp1"))
    assert mine.number in to_vp.body and other_region.number in to_vp.body
    assert to_vp.subject == "升级至售后服务中心负责人：2 件已超期 15 天以上"
    assert scan_on(shanghai(2026, 11, 17, 8))[CENTER] == 0
    assert Notification.objects.filter(recipient=demo_user("vp1")).count() == 1


@override_settings(AFTERSALES_CENTER_HEADS=["tech2"])
def test_the_center_head_may_be_named_users(demo, demo_user, scan_on):
    unit = due(shanghai(2026, 11, 1, 12))
    scan_on(shanghai(2026, 11, 16, 8))
    told = Notification.objects.filter(body__contains=unit.number, kind="turnaround_escalation")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["region1", "tech2"]
    assert list(escalated_returns(demo_user("tech2"))) == [unit]
    assert list(escalated_returns(demo_user("vp1"))) == []


def test_the_home_page_lists_what_reached_them(demo, browser_as, scan_on):
    # Given units escalated to the region and to the center, and one since returned to its store
    region_only = due(shanghai(2026, 11, 6, 12))
    both = due(shanghai(2026, 11, 1, 12))
    elsewhere = due(shanghai(2026, 11, 1, 12), store_code="S101")
    scan_on(shanghai(2026, 11, 16, 8))
    Return.objects.filter(pk=region_only.pk).update(state=ReturnState.RETURNED)
    # Then region1's home page counts its region's open escalated units and links to their list
    home = browser_as("region1").get("/").content.decode()
    assert "Overdue units escalated to you" in home or "升级给你的超期件" in home
    page = browser_as("region1").get("/escalated/").content.decode()
    assert both.number in page and region_only.number not in page and elsewhere.number not in page
    # and the center head's list has every store's units at the center level
    page = browser_as("vp1").get("/escalated/").content.decode()
    assert both.number in page and elsewhere.number in page
    # and nobody else has the page
    assert browser_as("store1").get("/escalated/").status_code == 403
    assert browser_as("tech1").get("/escalated/").status_code == 403


def test_the_escalated_list_runs_a_fixed_number_of_queries(demo, browser_as, scan_on):
    # Given 2, then 30 units escalated to the region
    client = browser_as("region1")
    counts = []
    for total in (2, 30):
        for _ in range(total - Return.objects.count()):
            due(shanghai(2026, 11, 1, 12))
        scan_on(shanghai(2026, 11, 8, 8))
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/escalated/")
        assert page.status_code == 200
        counts.append(len(queries))
    # Then the page's query count does not grow with the rows
    assert counts[0] == counts[1], counts
