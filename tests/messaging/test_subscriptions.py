"""Report subscriptions 报表订阅 (issue 20): the month's report mailed when its build is done, read back from the
outbox: in the subscriber's language, cut to what they may see, attached or linked, and never twice unless asked."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.test import override_settings
from openpyxl import load_workbook

from aftersales.models import UserPreference
from cases.choices import ReturnState, Verdict
from messaging.models import ReportMailing, ReportSubscription
from messaging.subscriptions import report_subscriptions_resend_newest
from reports.choices import ReportKind, ReportRunStatus
from reports.models import ReportRun
from reports.services import reportrun_rebuild, reportrun_request
from stores.models import Store
from suppliers.choices import Responsibility
from tests.factories.cases import ReturnFactory
from tests.factories.suppliers import StyleFactory

pytestmark = pytest.mark.django_db
PERIOD = "2025-04"


@pytest.fixture(autouse=True)
def no_stored_reports():
    def clear():
        folder = "documents/2025/04"
        if default_storage.exists(folder):
            for name in default_storage.listdir(folder)[1]:
                default_storage.delete(f"{folder}/{name}")

    clear()
    yield
    clear()


@pytest.fixture
def scrapped(demo):
    """April 2025: a unit of S001 scrapped (100.00) and one of S101 (250.50)."""
    at = dt.datetime(2025, 4, 10, 10, tzinfo=dt.UTC)
    for code, cost in (("S001", "100.00"), ("S101", "250.50")):
        ReturnFactory(
            store=Store.objects.get(code=code),
            style=StyleFactory(unit_cost=Decimal(cost)),
            state=ReturnState.SCRAP_PENDING,
            verdict=Verdict.UNREPAIRABLE,
            responsibility=Responsibility.SUPPLIER,
            inspected_at=at,
        )


@pytest.fixture
def subscribers(demo, demo_user):
    """tech1 (the center, English), store1 (S001's staff, Chinese) and finance's address list subscribe to scrap."""
    tech1, store1 = demo_user("tech1"), demo_user("store1")
    tech1.email, store1.email = "tech1@brand.example", "store1@brand.example"
    tech1.save(update_fields=["email"])
    store1.save(update_fields=["email"])
    UserPreference.objects.update_or_create(user=tech1, defaults={"language": "en"})
    for user in (tech1, store1):
        ReportSubscription.objects.create(kind=ReportKind.SCRAP, user=user)
    ReportSubscription.objects.create(
        kind=ReportKind.SCRAP, addresses="gm@brand.example\nfinance@brand.example", language="zh-hans"
    )
    ReportSubscription.objects.create(kind=ReportKind.TURNAROUND, user=tech1)
    return tech1, store1


def build(django_capture_on_commit_callbacks, kind=ReportKind.SCRAP):
    with django_capture_on_commit_callbacks(execute=True):
        run, _created = reportrun_request(kind=kind, period=PERIOD, user=None)
    run.refresh_from_db()
    assert run.status == ReportRunStatus.DONE
    return run


def by_address() -> dict[str, mail.EmailMessage]:
    return {message.to[0]: message for message in mail.outbox}


def test_the_built_report_reaches_each_subscriber_in_their_language(
    scrapped, subscribers, django_capture_on_commit_callbacks
):
    # When the month's scrap report is built
    build(django_capture_on_commit_callbacks)
    # Then each subscriber got one mail (nobody subscribed to turnaround is mailed scrap)
    sent = by_address()
    assert set(sent) == {"tech1@brand.example", "store1@brand.example", "gm@brand.example", "finance@brand.example"}
    # The center, in English: the whole summary, the stored PDF and XLSX attached
    center = sent["tech1@brand.example"]
    assert center.subject == "Monthly scrap report 2025-04"
    assert "every store and supplier" in center.body
    assert "- Units: 2" in center.body and "- Cost (CNY): 350.50" in center.body
    names = [name for name, _content, _type in center.attachments]
    assert names == ["report-scrap-2025-04.pdf", "report-scrap-2025-04.xlsx"]
    assert center.attachments[0][1].startswith(b"%PDF")
    html, content_type = center.alternatives[0]
    assert content_type == "text/html" and "350.50" in html
    # The address list, in Chinese, the whole report too
    gm = sent["gm@brand.example"]
    assert gm.subject == "月度报废报表 2025-04" or "2025-04" in gm.subject
    assert "350.50" in gm.body and len(gm.attachments) == 2


def test_a_store_gets_only_its_own_figures(scrapped, subscribers, django_capture_on_commit_callbacks):
    build(django_capture_on_commit_callbacks)
    store = by_address()["store1@brand.example"]
    # Its summary counts S001's unit only, and it gets the XLSX of its own figures (the full PDF is the center's)
    assert "100.00" in store.body and "350.50" not in store.body and "250.50" not in store.body
    [(name, content, _type)] = store.attachments
    assert name == "report-scrap-2025-04-mine.xlsx"
    workbook = load_workbook(io.BytesIO(content))
    cells = [cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "S001" in cells and "S101" not in cells


def test_a_rebuild_does_not_mail_twice_unless_asked(
    scrapped, subscribers, django_capture_on_commit_callbacks, demo_user
):
    run = build(django_capture_on_commit_callbacks)
    first = len(mail.outbox)
    assert first == 4 and ReportMailing.objects.count() == 4
    # When the center rebuilds the month as a new version
    with django_capture_on_commit_callbacks(execute=True):
        rebuilt = reportrun_rebuild(run=run, user=demo_user("tech1"))
    rebuilt.refresh_from_db()
    assert rebuilt.status == ReportRunStatus.DONE and rebuilt.version == 2
    # Then nobody is mailed again
    assert len(mail.outbox) == first
    # When the admin asks to send the newest report again to the address list, it goes out once more
    addresses = ReportSubscription.objects.get(user__isnull=True)
    assert report_subscriptions_resend_newest(subscriptions=[addresses]) == 2
    assert len(mail.outbox) == first + 2
    assert {message.to[0] for message in mail.outbox[first:]} == {"gm@brand.example", "finance@brand.example"}
    assert ReportMailing.objects.filter(resend=True, run=rebuilt).count() == 2


@override_settings(AFTERSALES_REPORT_MAIL_ATTACH_MAX_BYTES=100)
def test_large_files_are_linked_not_attached(scrapped, subscribers, django_capture_on_commit_callbacks):
    run = build(django_capture_on_commit_callbacks)
    center = by_address()["tech1@brand.example"]
    assert center.attachments == []
    assert f"/month-end/reports/{run.pk}/download/pdf/" in center.body
    assert f"/month-end/reports/{run.pk}/download/xlsx/" in center.body
    assert not ReportMailing.objects.get(address="tech1@brand.example").attached


def test_an_inactive_or_unauthorised_subscriber_gets_nothing(
    scrapped, subscribers, django_capture_on_commit_callbacks, demo_user
):
    ReportSubscription.objects.filter(user=demo_user("store1")).update(active=False)
    hotline = demo_user("hotline1")
    hotline.email = "hotline@brand.example"
    hotline.save(update_fields=["email"])
    ReportSubscription.objects.create(kind=ReportKind.SCRAP, user=hotline)  # the hotline reads no reports
    build(django_capture_on_commit_callbacks)
    assert set(by_address()) == {"tech1@brand.example", "gm@brand.example", "finance@brand.example"}


def test_a_user_subscribes_on_their_page(demo, browser_as, demo_user):
    client = browser_as("store1")
    page = client.get("/month-end/subscriptions/").content.decode()
    assert 'value="scrap"' in page and "我的报表订阅" in page
    response = client.post("/month-end/subscriptions/", {"kinds": ["scrap", "turnaround"]})
    assert response.status_code == 302

    def chosen():
        rows = ReportSubscription.objects.filter(user=demo_user("store1"), active=True)
        return set(rows.values_list("kind", flat=True))

    assert chosen() == {"scrap", "turnaround"}
    client.post("/month-end/subscriptions/", {"kinds": ["turnaround"]})
    assert chosen() == {"turnaround"}
    # A bad kind is a 400 and changes nothing; the hotline, which reads no reports, has no page
    assert client.post("/month-end/subscriptions/", {"kinds": ["salary"]}).status_code == 400
    assert ReportSubscription.objects.filter(user=demo_user("store1"), active=True).count() == 1
    assert browser_as("hotline1").get("/month-end/subscriptions/").status_code == 403


def test_the_subscription_admin_is_translated(demo, browser_as):
    page = browser_as("admin").get("/admin/messaging/reportsubscription/add/").content.decode()
    assert "报表订阅" in page and "电子邮件地址" in page


def test_runs_built_for_nobody_mail_nothing(scrapped, django_capture_on_commit_callbacks):
    build(django_capture_on_commit_callbacks)
    assert mail.outbox == [] and ReportRun.objects.count() == 1


def test_a_supplier_cannot_subscribe_to_the_store_side_reports(demo, browser_as, demo_user):
    # given supplier1, who reads the monthly reports cut to its own supplier
    client = browser_as("supplier1")
    page = client.get("/month-end/subscriptions/").content.decode()
    # then the service-desk and parts usage reports (stores' and the desk's figures) are not offered
    assert 'value="scrap"' in page
    assert 'value="service_desk"' not in page and 'value="parts_usage"' not in page
    # and posting one anyway is a 400 that subscribes to nothing
    response = client.post("/month-end/subscriptions/", {"kinds": ["scrap", "service_desk"]})
    assert response.status_code == 400
    assert not ReportSubscription.objects.filter(user=demo_user("supplier1"), active=True).exists()


def test_a_store_side_report_is_never_mailed_to_a_supplier(demo, demo_user, django_capture_on_commit_callbacks):
    # given a supplier's user subscribed to the service-desk report before the page stopped offering it
    supplier = demo_user("supplier1")
    supplier.email = "supplier1@factory.example"
    supplier.save(update_fields=["email"])
    ReportSubscription.objects.create(kind=ReportKind.SERVICE_DESK, user=supplier)
    # when the month's service-desk report is built
    build(django_capture_on_commit_callbacks, kind=ReportKind.SERVICE_DESK)
    # then nothing is mailed to the supplier
    assert "supplier1@factory.example" not in by_address()
