"""Supplier rework in the open 返修确认: a ``supplier_rework`` verdict asks the supplier, in its portal, to agree
(with the promised return date) or decline (with why); a promised date that passes alerts the technicians once."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.models import Alert, Notification, TransitionLog
from cases.choices import ReturnState
from inspection.alerts import ALERT_KIND, supplier_rework_overdue_scan
from inspection.models import InspectionReport
from inspection.services import inspectionreport_agree_rework
from tests.factories.stores import UserFactory
from tests.factories.suppliers import SupplierFactory
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases, standard_matrix
from tests.support.returns import inspected, user


def rework_requested() -> InspectionReport:
    """A unit sent to its supplier for rework; responsibility the store's, so only the request shows it to the
    supplier."""
    report = inspected(1, verdict="supplier_rework", responsibility="store")[0]
    assert report.return_item.state == ReturnState.AT_SUPPLIER
    return report


def rework_agreed(days: int = 5) -> InspectionReport:
    report = rework_requested()
    return inspectionreport_agree_rework(
        user=user("supplier1"), report=report, promised_date=timezone.localdate() + dt.timedelta(days=days)
    )


def snapshot(report):
    row = InspectionReport.objects.get(pk=report.pk)
    logs = TransitionLog.objects.filter(object_id=report.pk, transition__endswith="_rework").count()
    return (row.rework_answer, row.supplier_promised_date, row.rework_decline_reason, row.rework_answered_by_id, logs)


def other_supplier_user():
    return UserFactory(username="supplier9", roles=["supplier_user"], suppliers=[SupplierFactory(code="SUP99")])


def url(name):
    return lambda report: f"/api/v1/inspections/{report.pk}/{name}/"


IN_A_WEEK = (dt.date.today() + dt.timedelta(days=7)).isoformat()
TABLE = [
    *standard_matrix(
        "agree_rework",
        arrange=rework_requested,
        arrange_wrong_state=rework_agreed,
        url=url("agree_rework"),
        payload={"promised_date": IN_A_WEEK},
        allowed="supplier1",
        wrong_role="store1",
        other_store=None,
    ),
    Refusal(action="agree_rework", case="technician", who="tech1", expected=403, arrange=rework_requested,
            url=url("agree_rework"), payload={"promised_date": IN_A_WEEK}),
    *standard_matrix(
        "decline_rework",
        arrange=rework_requested,
        arrange_wrong_state=rework_agreed,
        url=url("decline_rework"),
        payload={"reason": "面料已停产"},
        allowed="supplier1",
        wrong_role="store1",
        other_store=None,
    ),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(TABLE, snapshot=snapshot))
def test_rework_answer_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        answer = tried.response.json()["rework_answer"]
        assert answer == ("agreed" if row.action == "agree_rework" else "declined")
        assert tried.after[4] == tried.before[4] + 1  # logged
    else:
        assert_refused(tried)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["agree_rework", "decline_rework"])
def test_another_supplier_gets_404_and_nothing_changes(api_as, demo, name):
    report = rework_requested()
    other_supplier_user()
    before = snapshot(report)
    body = {"promised_date": IN_A_WEEK} if name == "agree_rework" else {"reason": "不修"}
    response = api_as("supplier9").post(f"/api/v1/inspections/{report.pk}/{name}/", body, format="json")
    assert response.status_code == 404
    assert api_as("supplier9").get("/api/v1/inspections/").json()["results"] == []
    assert snapshot(report) == before


@pytest.mark.django_db
def test_supplier_agrees_with_its_promised_date(api_as, demo):
    # Given a rework request the supplier sees in its list (though the store is responsible)
    report = rework_requested()
    listed = api_as("supplier1").get("/api/v1/inspections/").json()["results"]
    row = next(row for row in listed if row["id"] == report.pk)
    assert row["rework_answer"] == "requested"
    assert set(row["available_transitions"]) == {"agree_rework", "decline_rework"}
    # When it agrees to have the unit back in ten days
    promised = timezone.localdate() + dt.timedelta(days=10)
    response = api_as("supplier1").post(
        f"/api/v1/inspections/{report.pk}/agree_rework/", {"promised_date": promised.isoformat()}, format="json"
    )
    # Then the report says so, with who answered, and the unit stays at the supplier
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["rework_answer"], body["supplier_promised_date"]) == ("agreed", promised.isoformat())
    assert body["available_transitions"] == []
    report.refresh_from_db()
    assert report.rework_answered_by.username == "supplier1"
    assert report.return_item.state == ReturnState.AT_SUPPLIER
    # and the technicians read it on the Return
    detail = api_as("tech1").get(f"/api/v1/returns/{report.return_item_id}/").json()
    assert detail["inspection"]["rework_answer"] == "agreed"


@pytest.mark.django_db
def test_supplier_declines_with_a_reason(api_as, demo):
    report = rework_requested()
    response = api_as("supplier1").post(
        f"/api/v1/inspections/{report.pk}/decline_rework/", {"reason": "  面料已停产，无法返修  "}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["rework_answer"], body["rework_decline_reason"]) == ("declined", "面料已停产，无法返修")
    log = TransitionLog.objects.get(object_id=report.pk, transition="decline_rework")
    assert (log.source_state, log.target_state, log.actor.username) == ("requested", "declined", "supplier1")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        ("agree_rework", {"promised_date": (dt.date.today() - dt.timedelta(days=2)).isoformat()}, "promised_date"),
        ("agree_rework", {}, "promised_date"),
        ("agree_rework", {"promised_date": "next week"}, "promised_date"),
        ("decline_rework", {"reason": "   "}, "reason"),
        ("decline_rework", {}, "reason"),
        ("decline_rework", {"reason": "a\x00b"}, "reason"),
        ("decline_rework", {"reason": "x" * 2001}, "reason"),
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(api_as, demo, name, body, field):
    report = rework_requested()
    before = snapshot(report)
    response = api_as("supplier1").post(f"/api/v1/inspections/{report.pk}/{name}/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot(report) == before


@pytest.mark.django_db
def test_an_answer_once_the_unit_is_back_is_refused(api_as, demo):
    from cases.services import return_receive_from_supplier

    report = rework_requested()
    return_receive_from_supplier(user=user("tech1"), return_item=report.return_item)
    before = snapshot(report)
    response = api_as("supplier1").post(
        f"/api/v1/inspections/{report.pk}/agree_rework/", {"promised_date": IN_A_WEEK}, format="json"
    )
    assert response.status_code == 400
    assert snapshot(report) == before


@pytest.mark.django_db
def test_a_passed_promised_date_alerts_the_technicians_once(demo):
    # Given one rework promised for today and one for next week
    late = rework_agreed(days=0)
    rework_agreed(days=7)
    before = Notification.objects.filter(kind="supplier_rework_overdue").count()
    # When the daily scan runs the day after tomorrow
    later = timezone.now() + dt.timedelta(days=2)
    summary = supplier_rework_overdue_scan(now=later)
    # Then the late one is alerted, to every technician, in one message each
    assert summary["overdue"] == 1
    assert list(Alert.objects.filter(kind=ALERT_KIND).values_list("object_id", flat=True)) == [late.pk]
    sent = Notification.objects.filter(kind="supplier_rework_overdue")
    assert sent.count() - before == 2
    assert {row.recipient.username for row in sent} == {"tech1", "tech2"}
    assert late.return_item.number in sent.first().body
    # And a second run raises nothing new
    assert supplier_rework_overdue_scan(now=later + dt.timedelta(hours=1))["overdue"] == 0
    assert Alert.objects.filter(kind=ALERT_KIND).count() == 1
    assert sent.count() - before == 2


@pytest.mark.django_db
def test_supplier_answers_on_its_page(browser_as, demo):
    report = rework_requested()
    client = browser_as("supplier1")
    listing = client.get(reverse("inspection:rework_list"))
    assert listing.status_code == 200 and report.return_item.number in listing.content.decode()
    detail_url = reverse("inspection:rework_detail", args=[report.pk])
    page = client.get(detail_url).content.decode()
    assert 'data-testid="action-agree_rework"' in page and 'data-testid="action-decline_rework"' in page
    # a date in the past is refused on the page, nothing changes
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    refused = client.post(detail_url, {"action": "agree_rework", "promised_date": past})
    assert refused.status_code == 400
    assert InspectionReport.objects.get(pk=report.pk).rework_answer == "requested"
    promised = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    done = client.post(detail_url, {"action": "agree_rework", "promised_date": promised})
    assert done.status_code == 302
    page = client.get(detail_url).content.decode()
    assert promised in page and 'data-testid="action-agree_rework"' not in page
    # the store sees the request but may not answer it
    store = browser_as("store1")
    assert store.post(detail_url, {"action": "decline_rework", "reason": "x"}).status_code == 409
