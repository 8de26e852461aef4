"""The daily 15-day turnaround alerts 周转预警 (cases.alerts): selection, once-only, digests, language."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, connections

from aftersales.models import Alert, Notification, UserPreference
from cases.alerts import turnaround_alerts_scan, turnaround_candidates
from cases.choices import ReturnState
from stores.models import Store
from tests.factories.cases import ReturnFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The scan runs at 08:00 Shanghai time.
SCAN_HOUR = 8


def shanghai(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def dispatched(at: dt.datetime, *, store: Store, state=ReturnState.RECEIVED, **fields):
    """A repair-path unit the store dispatched at ``at`` (due 15 days later)."""
    return ReturnFactory(store=store, state=state, shipped_at=at, due_at=at + dt.timedelta(days=15), **fields)


@pytest.fixture
def scan_on(django_capture_on_commit_callbacks):
    """Run the 08:00 scan of a day, sending its e-mails as a commit would."""

    def run(day: dt.datetime) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return turnaround_alerts_scan(now=day.replace(hour=SCAN_HOUR))

    return run


def levels() -> dict[str, str]:
    from cases.models import Return

    numbers = dict(Return.objects.values_list("pk", "number"))
    return {numbers[object_id]: level for object_id, level in Alert.objects.values_list("object_id", "level")}


@pytest.fixture
def s001(demo):
    return Store.objects.get(code="S001")


@pytest.fixture
def s002(demo):
    return Store.objects.get(code="S002")


@pytest.mark.parametrize(
    ("day", "expected"),
    [(11, None), (12, "due_soon"), (14, "due_soon"), (15, "due_soon"), (16, "overdue")],
)
def test_selection_at_the_day_boundaries(s001, day, expected, scan_on):
    # given a unit dispatched at noon on 1 November (day 0)
    unit = dispatched(shanghai(2026, 11, 1, 12), store=s001)
    # when the 08:00 scan runs on day N
    summary = scan_on(shanghai(2026, 11, 1) + dt.timedelta(days=day))
    # then it is alerted from day 12 (due soon) and after day 15 (overdue), not before
    assert levels() == ({unit.number: expected} if expected else {})
    assert summary["date"] == (dt.date(2026, 11, 1) + dt.timedelta(days=day)).isoformat()


@pytest.mark.parametrize(
    ("dispatch_time", "first_due_soon_day"),
    [
        # 23:30 on the 1st in Shanghai is 15:30 UTC on the 1st: day 12 is the 13th.
        ((2026, 11, 1, 23, 30), 13),
        # 00:30 on the 2nd in Shanghai is still the 1st in UTC: its day 12 is the 14th, not the 13th.
        ((2026, 11, 2, 0, 30), 14),
    ],
)
def test_days_are_counted_in_shanghai_around_midnight(s001, dispatch_time, first_due_soon_day, scan_on):
    # given a unit dispatched just before or just after midnight, Shanghai time
    unit = dispatched(shanghai(*dispatch_time), store=s001)
    # when the scan runs the day before its day 12, then on day 12
    scan_on(shanghai(2026, 11, first_due_soon_day - 1))
    before = levels()
    scan_on(shanghai(2026, 11, first_due_soon_day))
    # then it is alerted on its day 12 in Shanghai, not earlier
    assert before == {}
    assert levels() == {unit.number: "due_soon"}


def test_overdue_starts_after_day_15_in_shanghai(s001, scan_on):
    # given a unit dispatched at 23:30 on the 1st (day 15 is the 16th)
    unit = dispatched(shanghai(2026, 11, 1, 23, 30), store=s001)
    # when the scans of the 16th and the 17th run
    scan_on(shanghai(2026, 11, 16))
    on_day_15 = levels()
    scan_on(shanghai(2026, 11, 17))
    # then it is due soon on day 15 and overdue on day 16
    assert on_day_15 == {unit.number: "due_soon"}
    assert Alert.objects.filter(object_id=unit.pk).count() == 2
    assert sorted(Alert.objects.filter(object_id=unit.pk).values_list("level", flat=True)) == ["due_soon", "overdue"]


@pytest.mark.parametrize(
    "state",
    [ReturnState.SCRAP_PENDING, ReturnState.RETURNED, ReturnState.LOGGED, ReturnState.WRITTEN_OFF],
)
def test_units_off_the_repair_path_are_not_alerted(s001, state, scan_on):
    # given a unit past its due date that is scrapped, back at the store or not dispatched
    dispatched(shanghai(2026, 10, 1, 12), store=s001, state=state)
    # when the scan runs
    summary = scan_on(shanghai(2026, 11, 20))
    # then nothing is alerted
    assert Alert.objects.count() == 0
    assert summary == {"date": "2026-11-20", "due_soon": 0, "overdue": 0, "digests": 0}


def test_every_open_repair_path_state_is_a_candidate(s001):
    # given an overdue unit in each open state of the repair path
    from cases.choices import TURNAROUND_OPEN_STATES

    units = {dispatched(shanghai(2026, 10, 1, 12), store=s001, state=state).pk for state in TURNAROUND_OPEN_STATES}
    # when the candidates are selected
    selected = dict(turnaround_candidates(now=shanghai(2026, 11, 20, 8)))
    # then each is overdue
    assert selected == dict.fromkeys(units, "overdue")


def test_running_the_scan_twice_alerts_once(s001, scan_on):
    # given a due-soon and an overdue unit
    dispatched(shanghai(2026, 11, 1, 12), store=s001)
    dispatched(shanghai(2026, 10, 20, 12), store=s001)
    first = scan_on(shanghai(2026, 11, 14))
    alerts, notifications, emails = Alert.objects.count(), Notification.objects.count(), len(mail.outbox)

    # when the scan runs again the same day and the next day
    second = scan_on(shanghai(2026, 11, 14))
    third = scan_on(shanghai(2026, 11, 15))

    # then no alert, notification or e-mail is added
    assert (first["due_soon"], first["overdue"]) == (1, 1)
    assert first["digests"] > 0
    assert (second["due_soon"], second["overdue"], second["digests"]) == (0, 0, 0)
    assert (third["due_soon"], third["overdue"], third["digests"]) == (0, 0, 0)
    assert (Alert.objects.count(), Notification.objects.count(), len(mail.outbox)) == (alerts, notifications, emails)


def test_the_unique_constraint_is_the_guarantee(s001, scan_on):
    # given an alert already raised for a unit and level (by an earlier or concurrent run)
    from django.contrib.contenttypes.models import ContentType

    unit = dispatched(shanghai(2026, 11, 1, 12), store=s001)
    Alert.objects.create(
        kind="turnaround", content_type=ContentType.objects.get_for_model(unit), object_id=unit.pk, level="due_soon"
    )
    # when the scan selects the unit at that level
    summary = scan_on(shanghai(2026, 11, 13))
    # then the conflicting insert is skipped and nobody is notified
    assert summary["due_soon"] == 0
    assert Notification.objects.count() == 0


def test_digest_per_recipient_store_staff_see_their_store_technicians_see_all(s001, s002, demo_user, scan_on):
    # given overdue and due-soon units at S001 and one due-soon unit at S002
    late = dispatched(shanghai(2026, 10, 20, 12), store=s001)
    soon = dispatched(shanghai(2026, 11, 1, 12), store=s001)
    other = dispatched(shanghai(2026, 11, 1, 15), store=s002)

    # when the scan runs
    scan_on(shanghai(2026, 11, 14))

    # then each recipient gets exactly one digest
    inbox = {}
    for notification in Notification.objects.select_related("recipient"):
        assert notification.recipient.username not in inbox, "one digest per recipient per run"
        inbox[notification.recipient.username] = notification
    assert {"store1", "store2", "tech1", "tech2"} <= set(inbox)
    # store1 reads S001's units only, store2 S002's only
    assert late.number in inbox["store1"].body and soon.number in inbox["store1"].body
    assert other.number not in inbox["store1"].body
    assert other.number in inbox["store2"].body
    assert late.number not in inbox["store2"].body and soon.number not in inbox["store2"].body
    # every technician reads every unit
    for technician in ("tech1", "tech2"):
        assert all(unit.number in inbox[technician].body for unit in (late, soon, other))
    # stores of other units and other roles get nothing
    assert "store101" not in inbox and "qa1" not in inbox and "region1" not in inbox
    # the digest lists number, store, style, due date and level, overdue first, with links
    body = inbox["store1"].body
    assert body.index(late.number) < body.index(soon.number)
    assert "S001" in body and soon.style.style_no in body and "2026-11-16" in body
    assert f"/returns/{soon.pk}/" in body and f"/returns/{soon.pk}/" in inbox["store1"].body_html
    assert inbox["store1"].url.startswith("/returns/?due=overdue")
    assert inbox["store2"].url.startswith("/returns/?due=due_soon")
    # and one e-mail per recipient, with text and HTML parts
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == len(inbox)
    assert all(message.alternatives for message in mail.outbox)


def test_digests_are_written_in_each_recipients_language(s001, demo_user, scan_on):
    # given store1 reads English and tech1 keeps the default Chinese
    UserPreference.objects.create(user=demo_user("store1"), language="en")
    unit = dispatched(shanghai(2026, 10, 20, 12), store=s001)

    # when the scan runs
    scan_on(shanghai(2026, 11, 14))

    # then store1's notification and e-mail are English, tech1's Chinese
    english = Notification.objects.get(recipient__username="store1")
    chinese = Notification.objects.get(recipient__username="tech1")
    assert english.subject == "Turnaround alert 2026-11-14: 1 unit due soon or overdue"
    # (the level reads as the DueStatus label; new sentences are translated with the catalogue at the end)
    assert "Overdue" in english.body and "已超期" not in english.body and unit.number in english.body
    assert "已超期" in chinese.body and unit.number in chinese.body
    assert '<html lang="en">' in english.body_html
    assert '<html lang="zh-hans">' in chinese.body_html
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["store1@aftersales.example.cn"].subject == english.subject
    assert by_address["tech1@aftersales.example.cn"].subject == chinese.subject


def test_inactive_users_get_no_digest(s001, demo_user, scan_on):
    # given store1 left the company
    store1 = demo_user("store1")
    store1.is_active = False
    store1.save()
    dispatched(shanghai(2026, 10, 20, 12), store=s001)
    # when the scan runs
    scan_on(shanghai(2026, 11, 14))
    # then store1 gets nothing, the technicians still do
    assert not Notification.objects.filter(recipient=store1).exists()
    assert Notification.objects.filter(recipient__username="tech1").exists()


def test_candidate_selection_is_one_query(s001, django_assert_num_queries):
    # given several due and overdue units
    for day in range(1, 6):
        dispatched(shanghai(2026, 10, day, 12), store=s001)
    # when the candidates are read, then it takes one query
    with django_assert_num_queries(1):
        assert len(list(turnaround_candidates(now=shanghai(2026, 11, 14, 8)))) == 5


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: writers cannot race on SQLite")
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_alert_each_unit_once(s001):
    # given two overdue units and two scans (say beat's and a manual run) released at the same moment
    units = [dispatched(shanghai(2026, 10, 20, 12), store=s001) for _ in range(2)]
    barrier = threading.Barrier(2, timeout=60)
    results: list = [None, None]

    def scan(index: int) -> None:
        try:
            barrier.wait()
            results[index] = turnaround_alerts_scan(now=shanghai(2026, 11, 14, SCAN_HOUR))
        except Exception as error:  # noqa: BLE001 - the test inspects what each scan got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    # then between them they raised each alert once and sent one set of digests
    assert all(isinstance(result, dict) for result in results), results
    assert sum(result["overdue"] for result in results) == len(units)
    assert Alert.objects.count() == len(units)
    digests = Notification.objects.filter(kind="turnaround_digest")
    assert digests.count() == sum(result["digests"] for result in results)
    assert digests.values("recipient").distinct().count() == digests.count()
