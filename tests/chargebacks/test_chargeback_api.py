"""``/api/v1/chargebacks/`` (api-contract.md): build, list and filters, detail, downloads, and the permission
matrix of every transition (401 anonymous, 403 wrong role, 404 out of scope, 409 wrong state, 400 bad input,
200 allowed), each refusal leaving the statement unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from aftersales.periods import current_period
from chargebacks.choices import StatementState
from chargebacks.models import ChargebackStatement
from chargebacks.services import chargeback_build
from stores.models import Store
from tests.factories.chargebacks import ChargebackStatementFactory
from tests.support.chargebacks import charged_month, snapshot, state_after, statement_of
from tests.support.refusals import Refusal, assert_refused, attempt, by_login, refusal_cases
from tests.support.returns import user

URL = "/api/v1/chargebacks/"


@pytest.fixture
def month(demo, fast_documents):
    month = charged_month()
    chargeback_build(period=month.period)
    return month


# --- build ---


BUILD_REFUSALS = by_login(
    "build",
    [(None, 401), ("store1", 403), ("supplier1", 403), ("tech1", 403)],
    arrange=charged_month,
    url=lambda month: URL + "build/",
    payload=lambda month: {"period": f"{month.period:%Y-%m}"},
)


@pytest.mark.parametrize("row", refusal_cases(BUILD_REFUSALS, snapshot=lambda _: ChargebackStatement.objects.count()))
def test_build_is_for_finance_only(demo, api_as, row):
    # given a charged month, when the row's login builds its statements
    tried = attempt(row, api_as)

    # then
    assert_refused(tried)
    assert not ChargebackStatement.objects.exists()


def test_build_answers_the_drafts_and_is_idempotent(demo, api_as):
    # given
    month = charged_month()
    client = api_as("finance1")

    # when
    first = client.post(URL + "build/", {"period": f"{month.period:%Y-%m}"}, format="json")
    second = client.post(URL + "build/", {"period": f"{month.period:%Y-%m}"}, format="json")

    # then
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["period"] == f"{month.period:%Y-%m}"
    assert sorted((row["party_type"], row["party"]) for row in first.json()["results"]) == [
        ("hq", None),
        ("store", "S001"),
        ("supplier", "SUP01"),
        ("supplier", "SUP02"),
    ]


@pytest.mark.parametrize("period", ["next", "2026-13", "2026/10", "", "abcd-ef", None])
def test_build_of_a_future_or_malformed_period_is_400_with_a_message(demo, api_as, period):
    # given
    charged_month()
    if period == "next":
        period = f"{(current_period() + dt.timedelta(days=32)).replace(day=1):%Y-%m}"
    body = {} if period is None else {"period": period}

    # when
    response = api_as("finance1").post(URL + "build/", body, format="json")

    # then
    assert response.status_code == 400
    assert response.json()["period"][0]
    assert not ChargebackStatement.objects.exists()


# --- list, filters, detail ---


def test_detail_has_lines_with_production_year_and_string_amounts(month, api_as):
    # given
    statement = statement_of(month.period, "supplier:SUP01")

    # when
    body = api_as("finance1").get(f"{URL}{statement.pk}/").json()

    # then
    assert body["number"] == statement.number and body["version"] == 1
    assert body["period"] == f"{month.period:%Y-%m}"
    assert (body["party_type"], body["party"], body["state"]) == ("supplier", "SUP01", "draft")
    assert body["total"] == "303.50"
    assert body["available_transitions"] == ["issue"]
    assert body["pdf_url"] is None and body["pdf_sha256"] == ""
    assert [(line["kind"], line["return"], line["production_year"], line["amount"]) for line in body["lines"]] == [
        ("scrap", month.units.sup01.pk, 2024, "268.00"),
        ("repair", month.repaired.pk, 2021, "35.50"),
    ]
    assert all(line["description"] for line in body["lines"])
    store = api_as("finance1").get(f"{URL}{statement_of(month.period, 'store:S001').pk}/").json()
    fee = [line for line in store["lines"] if line["kind"] == "extra_shipment"][0]
    assert (fee["return"], fee["production_year"], fee["amount"]) == (None, None, "20.00")


def test_list_filters_by_period_party_type_and_party(month, api_as):
    # given
    client = api_as("finance1")
    period = f"{month.period:%Y-%m}"

    # when
    suppliers = client.get(URL, {"period": period, "party_type": "supplier"}).json()["results"]
    sup01 = client.get(URL, {"period": period, "party_type": "supplier", "party": "SUP01"}).json()["results"]
    store = client.get(URL, {"party": "S001"}).json()["results"]
    other_month = client.get(URL, {"period": "2001-01"}).json()["results"]
    malformed = client.get(URL, {"period": "2026-99"})

    # then
    assert sorted(row["party"] for row in suppliers) == ["SUP01", "SUP02"]
    assert [row["party"] for row in sup01] == ["SUP01"]
    assert [row["party"] for row in store] == ["S001"]
    assert other_month == []
    assert malformed.status_code == 400 and "period" in malformed.json()


def test_list_costs_a_fixed_number_of_queries(month, api_as, django_assert_max_num_queries, demo_user):
    # given
    client = api_as("finance1")
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    for statement in ChargebackStatement.objects.all():
        state_after(statement, StatementState.ISSUED, demo_user)
    for code in ["S002", "S101"]:
        for months_back in range(1, 4):
            ChargebackStatementFactory(
                party_type="store",
                store=Store.objects.get(code=code),
                period=(month.period - dt.timedelta(days=28 * months_back)).replace(day=1),
                state=StatementState.SETTLED,
                total=Decimal("12.30"),
            )

    # when / then
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.json()["results"]) == 10


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("supplier1", ["supplier:SUP01"]),
        ("store1", ["store:S001"]),
        ("store2", []),
        ("region1", ["store:S001"]),
        ("finance1", ["hq", "store:S001", "supplier:SUP01", "supplier:SUP02"]),
    ],
)
def test_parties_see_only_their_own_issued_statements(month, api_as, demo_user, username, visible):
    # given
    for statement in ChargebackStatement.objects.all():
        state_after(statement, StatementState.ISSUED, demo_user)
    client = api_as(username)

    # when
    rows = client.get(URL).json()["results"]

    # then
    keys = sorted(ChargebackStatement.objects.get(pk=row["id"]).party_key for row in rows)
    assert keys == visible
    for statement in ChargebackStatement.objects.exclude(party_key__in=visible):
        assert client.get(f"{URL}{statement.pk}/").status_code == 404
        assert client.get(f"{URL}{statement.pk}/pdf/").status_code == 404
        assert client.get(f"{URL}{statement.pk}/xlsx/").status_code == 404


def test_a_party_does_not_see_drafts(month, api_as):
    # given
    statement = statement_of(month.period, "supplier:SUP01")

    # when / then
    assert api_as("supplier1").get(URL).json()["results"] == []
    assert api_as("supplier1").get(f"{URL}{statement.pk}/").status_code == 404


# --- downloads ---


def test_downloads_serve_the_stored_files_and_a_draft_has_none(month, api_as, demo_user):
    # given
    statement = statement_of(month.period, "supplier:SUP01")
    client = api_as("finance1")
    draft_pdf = client.get(f"{URL}{statement.pk}/pdf/")
    state_after(statement, StatementState.ISSUED, demo_user)
    statement.refresh_from_db()

    # when
    pdf = api_as("supplier1").get(f"{URL}{statement.pk}/pdf/")
    xlsx = api_as("supplier1").get(f"{URL}{statement.pk}/xlsx/")

    # then
    assert draft_pdf.status_code == 409
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == statement.pdf.open("rb").read()
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content) == statement.xlsx.open("rb").read()
    assert xlsx["X-Checksum-SHA256"] == statement.xlsx_sha256
    detail = client.get(f"{URL}{statement.pk}/").json()
    assert detail["pdf_sha256"] == statement.pdf_sha256 and detail["pdf_url"].endswith(f"{statement.pk}/pdf/")
    assert APIClient().get(f"{URL}{statement.pk}/pdf/").status_code == 401


# --- transitions ---

MATRIX = [
    # (transition, party, state before, user, body, status)
    ("issue", "supplier:SUP01", "draft", None, {}, 401),
    ("issue", "supplier:SUP01", "draft", "tech1", {}, 403),
    ("issue", "supplier:SUP01", "draft", "supplier1", {}, 404),
    ("issue", "supplier:SUP01", "issued", "finance1", {}, 409),
    ("issue", "supplier:SUP01", "draft", "finance1", {}, 200),
    ("acknowledge", "supplier:SUP01", "issued", None, {}, 401),
    ("acknowledge", "supplier:SUP01", "issued", "finance1", {}, 403),
    ("acknowledge", "supplier:SUP01", "issued", "store1", {}, 404),
    ("acknowledge", "supplier:SUP02", "issued", "supplier1", {}, 404),
    ("acknowledge", "supplier:SUP01", "acknowledged", "supplier1", {}, 409),
    ("acknowledge", "supplier:SUP01", "issued", "supplier1", {}, 200),
    ("acknowledge", "store:S001", "issued", "region1", {}, 403),
    ("acknowledge", "store:S001", "issued", "store1", {}, 200),
    ("acknowledge", "hq", "issued", "finance1", {}, 200),
    ("dispute", "supplier:SUP01", "issued", None, {"reason": "x"}, 401),
    ("dispute", "supplier:SUP01", "issued", "tech1", {"reason": "x"}, 403),
    ("dispute", "store:S001", "issued", "store2", {"reason": "x"}, 404),
    ("dispute", "supplier:SUP01", "settled", "supplier1", {"reason": "x"}, 409),
    ("dispute", "supplier:SUP01", "issued", "supplier1", {}, 400),
    ("dispute", "supplier:SUP01", "issued", "supplier1", {"reason": "  "}, 400),
    ("dispute", "supplier:SUP01", "issued", "supplier1", {"reason": "数量不符"}, 200),
    ("settle", "supplier:SUP01", "acknowledged", None, {"reference": "PZ-1"}, 401),
    ("settle", "supplier:SUP01", "acknowledged", "supplier1", {"reference": "PZ-1"}, 403),
    ("settle", "supplier:SUP01", "draft", "finance1", {"reference": "PZ-1"}, 409),
    ("settle", "supplier:SUP01", "issued", "finance1", {"reference": "PZ-1"}, 409),
    ("settle", "supplier:SUP01", "acknowledged", "finance1", {}, 400),
    ("settle", "supplier:SUP01", "acknowledged", "finance1", {"reference": "PZ-1"}, 200),
    ("revise", "supplier:SUP01", "disputed", None, {}, 401),
    ("revise", "supplier:SUP01", "disputed", "supplier1", {}, 403),
    ("revise", "supplier:SUP01", "issued", "finance1", {}, 409),
    ("revise", "supplier:SUP01", "disputed", "finance1", {}, 201),
]


def statement_in(period, party_key: str, before: str) -> ChargebackStatement:
    """The party's statement of ``period``, moved to ``before`` through the services."""
    statement = statement_of(period, party_key)
    if before == "settled":
        state_after(statement, StatementState.ACKNOWLEDGED, user)
        from chargebacks.services import chargeback_settle

        chargeback_settle(statement=statement, user=user("finance1"), reference="PZ-0")
    else:
        state_after(statement, before, user)
    return statement


def bad_input(body: dict, status: int) -> str:
    if status != 400:
        return ""
    return "-empty_body" if not body else "-blank_" + next(iter(body))


TRANSITION_MATRIX = [
    Refusal(
        action=transition,
        case=f"{party_key}-{before}{bad_input(body, status)}",
        who=username,
        expected=status,
        arrange=lambda month, party_key=party_key, before=before: statement_in(month.period, party_key, before),
        url=lambda statement, transition=transition: f"{URL}{statement.pk}/{transition}/",
        payload=body,
    )
    for transition, party_key, before, username, body, status in MATRIX
]


def statement_snapshot(statement: ChargebackStatement) -> tuple:
    return snapshot(statement), ChargebackStatement.objects.count()


@pytest.mark.parametrize("row", refusal_cases(TRANSITION_MATRIX, snapshot=statement_snapshot))
def test_transition_matrix(month, api_as, row):
    # given a statement of the month in the state before, when the row's login fires the transition
    tried = attempt(row, api_as, month)
    statement, response, transition = tried.subject, tried.response, row.action

    # then
    if not row.allowed:
        assert_refused(tried)  # the statement and the number of statements unchanged
        if row.expected in (400, 403, 409):
            assert response.json()
        return
    data = response.json()
    if transition == "revise":
        assert (data["number"], data["version"], data["previous"], data["state"]) == (
            statement.number,
            2,
            statement.pk,
            "draft",
        )
        assert data["total"] == str(statement.total)
        return
    expected = {"issue": "issued", "acknowledge": "acknowledged", "dispute": "disputed", "settle": "settled"}
    assert data["state"] == expected[transition]
    if transition == "issue":
        # The documents are made by a task queued on the issue's commit, which this test's transaction never
        # reaches (test_chargeback_documents.py has the request that commits and answers them made).
        assert data["documents_status"] == "queued" and data["pdf_sha256"] == "" and data["pdf_url"] is None
    if transition == "settle":
        assert data["settlement_reference"] == "PZ-1"


def test_available_transitions_offer_revise_to_finance_on_a_disputed_statement(month, api_as, demo_user):
    # given
    statement = statement_of(month.period, "supplier:SUP01")
    state_after(statement, StatementState.DISPUTED, demo_user)

    # when
    finance = api_as("finance1").get(f"{URL}{statement.pk}/").json()
    supplier = api_as("supplier1").get(f"{URL}{statement.pk}/").json()

    # then
    assert finance["available_transitions"] == ["revise"]
    assert supplier["available_transitions"] == []
    assert supplier["dispute_reason"] == "金额有误"
    assert Decimal(supplier["total"]) == statement.total
