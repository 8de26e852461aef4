"""Pages of the chargeback statements 扣款单: finance's list with month totals and build form, a statement's
page with its checksums, downloads, transitions (htmx), revision and line edits; scoping on each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.periods import current_period
from chargebacks.choices import StatementState
from chargebacks.models import ChargebackLine, ChargebackStatement
from chargebacks.services import chargeback_build
from stores.models import Store
from tests.factories.chargebacks import ChargebackStatementFactory
from tests.support.chargebacks import charged_month, snapshot, state_after, statement_of

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def month(demo, fast_documents):
    month = charged_month()
    chargeback_build(period=month.period)
    return month


def detail(statement) -> str:
    return reverse("chargebacks:chargeback_detail", args=[statement.pk])


# --- the list ---


def test_finance_sees_statements_month_totals_and_the_build_form(month, browser_as):
    # given
    client = browser_as("finance1")

    # when
    response = client.get(reverse("chargebacks:chargeback_list"), {"period": f"{month.period:%Y-%m}"})

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="build-form"' in html and 'data-testid="month-totals"' in html
    totals = {(row["party_type"], row["total"]) for row in response.context["totals"]}
    assert totals == {("supplier", Decimal("758.50")), ("store", Decimal("288.00")), ("hq", Decimal("455.00"))}
    assert all(isinstance(total, Decimal) for _type, total in totals)
    assert len(response.context["object_list"]) == 4


def test_the_list_page_costs_a_fixed_number_of_queries(month, browser_as, django_assert_max_num_queries):
    # given
    client = browser_as("finance1")
    url = reverse("chargebacks:chargeback_list")
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for code in ["S002", "S101"]:
        for back in range(1, 5):
            ChargebackStatementFactory(
                party_type="store",
                store=Store.objects.get(code=code),
                period=(month.period - dt.timedelta(days=28 * back)).replace(day=1),
                state=StatementState.ISSUED,
            )

    # when / then
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["object_list"]) == 12


@pytest.mark.parametrize("username", ["store2", "supplier1"])
def test_a_party_without_issued_statements_sees_an_empty_list_without_totals_or_build(month, browser_as, username):
    # given: only drafts exist

    # when
    response = browser_as(username).get(reverse("chargebacks:chargeback_list"))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="empty-state"' in html
    assert 'data-testid="build-form"' not in html and 'data-testid="month-totals"' not in html


def test_build_form_refuses_a_future_or_malformed_month_with_a_message(demo, browser_as):
    # given
    charged_month()
    client = browser_as("finance1")
    future = f"{(current_period() + dt.timedelta(days=32)).replace(day=1):%Y-%m}"

    # when
    answers = [client.post(reverse("chargebacks:chargeback_build"), {"period": value}) for value in [future, "2026-13"]]

    # then
    for response in answers:
        assert response.status_code == 400
        assert 'data-error-for="period"' in response.content.decode()
    assert not ChargebackStatement.objects.exists()


@pytest.mark.parametrize(("username", "status"), [("store1", 403), ("supplier1", 403), ("tech1", 403)])
def test_only_finance_builds_from_the_page(demo, browser_as, username, status):
    # given
    month = charged_month()

    # when
    response = browser_as(username).post(reverse("chargebacks:chargeback_build"), {"period": f"{month.period:%Y-%m}"})

    # then
    assert response.status_code == status
    assert not ChargebackStatement.objects.exists()


def test_build_form_builds_the_drafts(demo, browser_as):
    # given
    month = charged_month()

    # when
    response = browser_as("finance1").post(reverse("chargebacks:chargeback_build"), {"period": f"{month.period:%Y-%m}"})

    # then
    assert response.status_code == 302 and f"period={month.period:%Y-%m}" in response["Location"]
    assert ChargebackStatement.objects.filter(state=StatementState.DRAFT).count() == 4


# --- a statement's page ---


def test_detail_shows_lines_years_total_and_after_issue_the_checksums(
    month, browser_as, django_capture_on_commit_callbacks
):
    # given
    statement = statement_of(month.period, "store:S001")
    client = browser_as("finance1")

    # when (the documents task queued on the issue's commit runs, in-process as by default)
    draft = client.get(detail(statement)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        issued = client.post(reverse("chargebacks:chargeback_transition", args=[statement.pk, "issue"]), **HTMX)

    # then
    assert "2023" in draft and "—" in draft and "288.00" in draft
    assert 'data-action="issue"' in draft and 'data-testid="pdf-sha256"' not in draft
    assert issued.status_code == 200
    statement.refresh_from_db()
    assert statement.state == StatementState.ISSUED
    page = client.get(detail(statement)).content.decode()
    assert len(statement.pdf_sha256) == 64 and len(statement.xlsx_sha256) == 64
    assert statement.pdf_sha256 in page and statement.xlsx_sha256 in page
    assert 'data-testid="download-pdf"' in page


@pytest.mark.parametrize(
    ("party_key", "username"),
    [("supplier:SUP02", "supplier1"), ("supplier:SUP01", "store1"), ("store:S001", "store2"), ("hq", "region1")],
)
def test_out_of_scope_statement_pages_and_downloads_are_404(month, browser_as, demo_user, party_key, username):
    # given
    statement = statement_of(month.period, party_key)
    state_after(statement, StatementState.ISSUED, demo_user)
    client = browser_as(username)

    # when / then
    for name in ["chargeback_detail", "chargeback_pdf", "chargeback_xlsx"]:
        assert client.get(reverse(f"chargebacks:{name}", args=[statement.pk])).status_code == 404
    before = snapshot(statement)
    url = reverse("chargebacks:chargeback_transition", args=[statement.pk, "acknowledge"])
    assert client.post(url, **HTMX).status_code == 404
    assert snapshot(statement) == before


def test_downloads_serve_the_stored_bytes_and_a_draft_has_none(month, browser_as, demo_user):
    # given
    statement = statement_of(month.period, "supplier:SUP01")
    client = browser_as("supplier1")
    draft = browser_as("finance1").get(reverse("chargebacks:chargeback_pdf", args=[statement.pk]))
    state_after(statement, StatementState.ISSUED, demo_user)
    statement.refresh_from_db()
    client = browser_as("supplier1")

    # when
    pdf = client.get(reverse("chargebacks:chargeback_pdf", args=[statement.pk]))
    xlsx = client.get(reverse("chargebacks:chargeback_xlsx", args=[statement.pk]))

    # then
    assert draft.status_code == 409
    assert b"".join(pdf.streaming_content) == statement.pdf.open("rb").read()
    assert b"".join(xlsx.streaming_content) == statement.xlsx.open("rb").read()


@pytest.mark.parametrize(
    ("name", "before", "username", "data", "status"),
    [
        ("issue", "draft", "tech1", {}, 403),
        ("issue", "issued", "finance1", {}, 409),
        ("acknowledge", "issued", "finance1", {}, 403),
        ("acknowledge", "issued", "supplier1", {}, 400),
        ("acknowledge", "issued", "supplier1", {"checked": "on"}, 200),
        ("dispute", "issued", "supplier1", {"reason": ""}, 400),
        ("dispute", "issued", "supplier1", {"reason": "单价有误"}, 200),
        ("settle", "draft", "finance1", {"reference": "PZ-9"}, 409),
        ("settle", "acknowledged", "finance1", {"reference": ""}, 400),
        ("settle", "acknowledged", "supplier1", {"reference": "PZ-9"}, 403),
        ("settle", "acknowledged", "finance1", {"reference": "PZ-9"}, 200),
    ],
)
def test_transition_buttons(month, browser_as, demo_user, name, before, username, data, status):
    # given
    statement = statement_of(month.period, "supplier:SUP01")
    state_after(statement, before, demo_user)
    unchanged = snapshot(statement)

    # when
    url = reverse("chargebacks:chargeback_transition", args=[statement.pk, name])
    response = browser_as(username).post(url, data, **HTMX)

    # then
    assert response.status_code == status
    assert 'id="chargeback-panel"' in response.content.decode()
    if status != 200:
        assert snapshot(statement) == unchanged


def test_store_staff_acknowledge_their_store_statement(month, browser_as, demo_user):
    # given
    statement = statement_of(month.period, "store:S001")
    state_after(statement, StatementState.ISSUED, demo_user)

    # when
    response = browser_as("store1").post(
        reverse("chargebacks:chargeback_transition", args=[statement.pk, "acknowledge"]), {"checked": "on"}, **HTMX
    )

    # then
    assert response.status_code == 200
    statement.refresh_from_db()
    assert statement.state == StatementState.ACKNOWLEDGED


def test_revise_from_the_page_opens_version_two(month, browser_as, demo_user):
    # given
    statement = statement_of(month.period, "supplier:SUP01")
    state_after(statement, StatementState.DISPUTED, demo_user)
    url = reverse("chargebacks:chargeback_revise", args=[statement.pk])
    assert 'data-testid="submit-revise"' in browser_as("finance1").get(detail(statement)).content.decode()

    # when
    refused = browser_as("supplier1").post(url)
    response = browser_as("finance1").post(url)

    # then
    assert refused.status_code == 403
    revision = ChargebackStatement.objects.get(previous=statement)
    assert response.status_code == 302 and response["Location"] == detail(revision)
    assert (revision.number, revision.version, revision.state) == (statement.number, 2, StatementState.DRAFT)


@pytest.mark.parametrize(
    ("action", "username", "data", "status"),
    [
        ("remove", "tech1", {"reason": "x"}, 403),
        ("remove", "finance1", {"reason": ""}, 400),
        ("adjust", "finance1", {"amount": "abc", "reason": "x"}, 400),
        ("adjust", "finance1", {"amount": "-1", "reason": "x"}, 400),
        ("remove", "finance1", {"reason": "重复计费"}, 200),
        ("adjust", "finance1", {"amount": "100.00", "reason": "协商折让"}, 200),
    ],
)
def test_line_edits_on_a_draft(month, browser_as, action, username, data, status):
    # given
    statement = statement_of(month.period, "supplier:SUP01")
    line = statement.lines.get(kind="repair")
    unchanged = snapshot(statement)

    # when
    url = reverse("chargebacks:chargebackline_edit", args=[statement.pk, line.pk, action])
    response = browser_as(username).post(url, data, **HTMX)

    # then
    assert response.status_code == status
    statement.refresh_from_db()
    if status != 200:
        assert snapshot(statement) == unchanged
    elif action == "remove":
        assert statement.total == Decimal("268.00")
        assert ChargebackLine.all_objects.get(pk=line.pk).removal_reason == "重复计费"
    else:
        assert statement.total == Decimal("368.00")


def test_line_edits_on_an_issued_statement_are_409(month, browser_as, demo_user):
    # given
    statement = statement_of(month.period, "supplier:SUP01")
    state_after(statement, StatementState.ISSUED, demo_user)
    line = statement.lines.first()
    unchanged = snapshot(statement)

    # when
    url = reverse("chargebacks:chargebackline_edit", args=[statement.pk, line.pk, "remove"])
    response = browser_as("finance1").post(url, {"reason": "x"}, **HTMX)

    # then
    assert response.status_code == 409
    assert snapshot(statement) == unchanged


def test_acknowledging_asks_for_confirmation_and_refuses_an_unticked_form(month, browser_as, demo_user):
    """Acknowledging is final: the page asks the browser to confirm, and without JavaScript the form's checkbox is
    the confirmation; a form without it changes nothing and says why."""
    # given an issued statement on its party's page
    statement = statement_of(month.period, "supplier:SUP01")
    state_after(statement, StatementState.ISSUED, demo_user)
    client = browser_as("supplier1")
    page = client.get(reverse("chargebacks:chargeback_detail", args=[statement.pk])).content.decode()
    assert "hx-confirm=" in page and 'name="checked"' in page
    unchanged = snapshot(statement)

    # when the form is sent without the tick (a plain POST, as without JavaScript)
    url = reverse("chargebacks:chargeback_transition", args=[statement.pk, "acknowledge"])
    response = client.post(url, {})

    # then nothing changes and the page says why
    assert response.status_code == 400
    assert "请勾选" in response.content.decode()
    assert snapshot(statement) == unchanged
    # and with the tick it is acknowledged
    assert client.post(url, {"checked": "on"}).status_code == 302
    statement.refresh_from_db()
    assert statement.state == StatementState.ACKNOWLEDGED
