"""A report whose month changed after it was built is rebuilt as a new version, keeping the old one; the request
says what happened (not "queued" above "done 100 %"); slow month-end actions show that work is under way."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.test import APIClient

from cases.choices import ReturnState, Verdict
from reports.choices import ReportKind, ReportRunStatus
from reports.models import ReportRun
from reports.services import reportrun_rebuild, reportrun_request
from suppliers.choices import Responsibility
from tests.factories.cases import ReturnFactory
from tests.factories.reports import ReportRunFactory
from tests.factories.stores import UserFactory
from tests.factories.suppliers import StyleFactory

PERIOD = dt.date(2025, 3, 1)


def scrap_unit(cost: str) -> None:
    ReturnFactory(
        style=StyleFactory(unit_cost=Decimal(cost)),
        state=ReturnState.SCRAP_PENDING,
        verdict=Verdict.UNREPAIRABLE,
        responsibility=Responsibility.SUPPLIER,
        inspected_at=dt.datetime(2025, 3, 10, 10, tzinfo=dt.UTC),
    )


@pytest.fixture
def technician(db):
    return UserFactory(roles=["technician"])


@pytest.fixture
def done_run(technician, django_capture_on_commit_callbacks):
    """March's scrap report, built with one unit of ¥100."""
    scrap_unit("100.00")
    with django_capture_on_commit_callbacks(execute=True):
        run, _ = reportrun_request(kind=ReportKind.SCRAP, period=PERIOD, user=technician)
    run.refresh_from_db()
    assert run.status == ReportRunStatus.DONE
    return run


def test_a_changed_month_is_rebuilt_as_a_new_version_and_the_old_one_is_kept(
    technician, done_run, client, django_capture_on_commit_callbacks
):
    # given a built report, then a unit judged in that month after the build
    old_pdf, old_sha = done_run.pdf.name, done_run.pdf_sha256
    scrap_unit("250.50")
    client.force_login(technician)
    page = client.get(reverse("reports:reportrun_detail", args=[done_run.pk])).content.decode()
    assert 'data-testid="rebuild"' in page

    # when the technician builds it again from its page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:reportrun_rebuild", args=[done_run.pk]))

    # then version 2 holds the new figures and its own files, and version 1 is as it was
    new = ReportRun.objects.get(kind=ReportKind.SCRAP, period=PERIOD, version=2)
    assert response.status_code == 302 and response["Location"] == reverse("reports:reportrun_detail", args=[new.pk])
    assert new.status == ReportRunStatus.DONE and new.data["totals"] == {"units": 2, "cost": "350.50"}
    done_run.refresh_from_db()
    assert done_run.data["totals"] == {"units": 1, "cost": "100.00"}
    assert (done_run.pdf.name, done_run.pdf_sha256) == (old_pdf, old_sha)
    assert new.pdf.name != old_pdf and new.pdf.name.endswith("report-scrap-2025-03-v2.pdf")
    # and the newest is the default: the list, the API list and a new request answer version 2
    listed = client.get(reverse("reports:reportrun_list")).content.decode()
    assert f'data-run="{new.pk}"' in listed and f'data-run="{done_run.pk}"' not in listed
    api = APIClient()
    api.force_authenticate(technician)
    assert [row["id"] for row in api.get("/api/v1/reports/").json()["results"]] == [new.pk]
    assert set(api.get(f"/api/v1/reports/{done_run.pk}/").json()) == set(api.get(f"/api/v1/reports/{new.pk}/").json())
    assert reportrun_request(kind=ReportKind.SCRAP, period=PERIOD, user=technician) == (new, False)
    # and both pages list the versions; the old one says it is not the newest
    old_page = client.get(reverse("reports:reportrun_detail", args=[done_run.pk])).content.decode()
    assert 'data-testid="older-version"' in old_page and 'data-testid="rebuild"' not in old_page
    new_page = client.get(reverse("reports:reportrun_detail", args=[new.pk])).content.decode()
    assert 'data-testid="version-link"' in new_page and 'data-testid="older-version"' not in new_page


@pytest.mark.parametrize("case", ["store user", "older version", "not done"])
def test_refused_rebuilds_change_nothing(technician, done_run, client, case):
    user = technician
    run = done_run
    if case == "store user":
        user = UserFactory(roles=["store_staff"])
    elif case == "older version":
        reportrun_rebuild(run=done_run, user=technician)
    else:
        run = ReportRunFactory(kind=ReportKind.TURNAROUND, period=PERIOD, status=ReportRunStatus.RUNNING)
    before = list(ReportRun.objects.order_by("pk").values())
    client.force_login(user)

    response = client.post(reverse("reports:reportrun_rebuild", args=[run.pk]))

    assert response.status_code == 302
    assert list(ReportRun.objects.order_by("pk").values()) == before
    assert [message.level_tag for message in get_messages(response.wsgi_request)] == ["error"]


@pytest.mark.django_db(transaction=True)
def test_a_report_built_at_once_is_not_announced_as_queued(client):
    """With no separate worker the build runs before the page is drawn: the message says it is built."""
    technician = UserFactory(roles=["technician"])
    client.force_login(technician)

    response = client.post(
        reverse("reports:reportrun_request"), {"kind": "turnaround", "period": "2025-01"}, follow=True
    )

    body = response.content.decode()
    run = ReportRun.objects.get(kind="turnaround", period=dt.date(2025, 1, 1))
    assert run.status == ReportRunStatus.DONE and 'data-status="done"' in body
    texts = [str(message) for message in response.context["messages"]]
    assert texts and all("队列" not in text and "queued" not in text for text in texts), texts
    assert any("已生成" in text for text in texts), texts
    # asked again: it says it was built before and offers a new version
    again = client.post(reverse("reports:reportrun_request"), {"kind": "turnaround", "period": "2025-01"}, follow=True)
    texts = [str(message) for message in again.context["messages"]]
    assert any("新版本" in text for text in texts), texts
    assert 'data-testid="rebuild"' in again.content.decode()


def test_slow_actions_show_that_work_is_under_way(technician, client, db):
    """Building drafts, the write-off list or a report, and issuing a statement: the form shows 正在生成… while it
    runs and its button is disabled (htmx hx-disabled-elt, or static/js/busy.js for a plain form)."""
    finance = UserFactory(roles=["finance"])
    client.force_login(technician)
    for url in (reverse("reports:reportrun_list"), reverse("writeoffs:writeofflist_list")):
        body = client.get(url).content.decode()
        assert "data-busy" in body and 'data-testid="busy"' in body and "正在生成…" in body, url
    client.force_login(finance)
    body = client.get(reverse("chargebacks:chargeback_list")).content.decode()
    assert "data-busy" in body and 'data-testid="busy"' in body
    assert "js/busy.js" in body
