"""Service-desk costs charged back where they belong (issue 15): a case's refunds and given compensation, when its
linked Return was judged the supplier's fault, are lines on that supplier's monthly statement, once, with the
Return's production year, and the statement's PDF prints them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from aftersales.periods import add_months
from chargebacks import documents
from chargebacks.choices import ChargebackLineKind
from chargebacks.models import ChargebackLine, ChargebackStatement
from chargebacks.services import chargeback_build
from servicedesk.choices import CompensationState
from servicedesk.services import money as money_services
from suppliers.choices import Responsibility
from suppliers.models import Style
from tests.factories.cases import ReturnFactory
from tests.factories.chargebacks import ChargebackStatementFactory
from tests.factories.servicedesk import CompensationFactory
from tests.support.printed import flat, pdf_text
from tests.support.servicedesk import in_progress, open_case, user

SHANGHAI = timezone.get_default_timezone()
DESK_KINDS = [ChargebackLineKind.DESK_REFUND, ChargebackLineKind.DESK_COMPENSATION]


def months_ago(count: int) -> dt.date:
    """A month well before the demo history's statements, so its drafts are this test's own."""
    return add_months(timezone.localdate().replace(day=1), -count)


def moment(period: dt.date, day: int) -> dt.datetime:
    return dt.datetime.combine(period.replace(day=day), dt.time(11), tzinfo=SHANGHAI)


def judged(period: dt.date, *, responsibility=Responsibility.SUPPLIER, supplier="SUP01", year=2024, day=5):
    """A Return inspected on ``day`` of ``period`` and judged ``responsibility``'s fault."""
    style = Style.objects.filter(supplier__code=supplier).order_by("id").first()
    return ReturnFactory(
        store_id=1, style=style, production_year=year, responsibility=responsibility,
        inspected_at=moment(period, day),
    )  # fmt: skip


def case_with(*units):
    return in_progress(open_case(return_ids=[unit.pk for unit in units]))


def refund(case, amount, paid_on, unit=None):
    return money_services.refund_record(
        user=user("hotline1"), case=case, amount=Decimal(amount), method="original_payment", paid_on=paid_on,
        return_item=unit,
    )  # fmt: skip


def given_compensation(case, amount, at):
    comp = money_services.compensation_propose(user=user("hotline1"), case=case, kind="money", amount=Decimal(amount))
    if comp.state == "proposed":
        comp = money_services.compensation_approve(user=user("qa1"), compensation=comp)
    return money_services.compensation_give(user=user("hotline1"), compensation=comp, now=at)


def desk_lines(period, supplier="SUP01"):
    return list(
        ChargebackLine.objects.filter(
            statement__period=period, statement__supplier__code=supplier, kind__in=DESK_KINDS
        ).order_by("kind", "id")
    )


@pytest.mark.django_db
def test_a_supplier_fault_cases_refund_and_compensation_join_the_suppliers_statement_once(demo):
    # given a case whose linked Return was judged SUP01's fault, with a refund and a CNY 800 compensation (QA
    # approved, then given) in the month, and a compensation still waiting for QA
    period = months_ago(7)
    unit = judged(period, year=2024)
    case = case_with(unit)
    paid = refund(case, "299.00", period.replace(day=12))
    comp = given_compensation(case, "800.00", moment(period, 14))
    money_services.compensation_propose(user=user("hotline1"), case=case, kind="gift", amount=Decimal("900.00"))

    # when the month is built, twice
    chargeback_build(period=period)
    first = [(line.pk, line.amount) for line in desk_lines(period)]
    chargeback_build(period=period)

    # then SUP01's statement has one refund line and one compensation line, with the Return's year, unchanged
    lines = desk_lines(period)
    assert [(line.pk, line.amount) for line in lines] == first
    assert [(line.kind, line.amount, line.refund_id, line.compensation_id) for line in lines] == [
        (ChargebackLineKind.DESK_COMPENSATION, Decimal("800.00"), None, comp.pk),
        (ChargebackLineKind.DESK_REFUND, Decimal("299.00"), paid.pk, None),
    ]
    assert {line.production_year for line in lines} == {2024}
    assert {line.style_no for line in lines} == {unit.style.style_no}
    assert all(case.number in line.description and unit.number in line.description for line in lines)
    statement = lines[0].statement
    assert statement.total == sum(line.amount for line in statement.lines.all())


@pytest.mark.django_db
def test_the_statement_pdf_prints_the_desk_lines(demo):
    period = months_ago(8)
    unit = judged(period)
    case = case_with(unit)
    refund(case, "128.50", period.replace(day=9))
    given_compensation(case, "66.00", moment(period, 20))
    chargeback_build(period=period)
    statement = ChargebackStatement.objects.get(period=period, supplier__code="SUP01")

    text = flat(pdf_text(documents.chargeback_pdf(statement)))

    assert "服务台退款" in text and "服务台补偿" in text
    assert case.number in text and "128.50" in text and "66.00" in text
    assert "2024" in text  # the Return's production year


@pytest.mark.django_db
def test_costs_of_cases_not_judged_the_suppliers_are_not_charged(demo):
    period = months_ago(9)
    store_fault = case_with(judged(period, responsibility=Responsibility.STORE))
    refund(store_fault, "50.00", period.replace(day=10))
    not_inspected = case_with(ReturnFactory(store_id=1))
    refund(not_inspected, "60.00", period.replace(day=10))
    no_return = in_progress()
    given_compensation(no_return, "20.00", moment(period, 10))

    chargeback_build(period=period)

    assert not ChargebackLine.objects.filter(statement__period=period, kind__in=DESK_KINDS).exists()


@pytest.mark.django_db
def test_a_refund_paid_before_the_verdict_is_charged_in_the_verdicts_month(demo):
    # given a refund paid in one month, and the Return judged the supplier's in the next
    paid_month, verdict_month = months_ago(11), months_ago(10)
    unit = judged(verdict_month, day=3)
    case = case_with(unit)
    refund(case, "75.00", paid_month.replace(day=25))

    chargeback_build(period=paid_month)
    chargeback_build(period=verdict_month)

    # then it is charged in the verdict's month, and only there
    assert desk_lines(paid_month) == []
    assert [line.amount for line in desk_lines(verdict_month)] == [Decimal("75.00")]


@pytest.mark.django_db
def test_a_refund_linked_to_one_of_two_returns_is_charged_to_that_returns_supplier(demo):
    period = months_ago(12)
    first, second = judged(period, supplier="SUP01"), judged(period, supplier="SUP02")
    case = case_with(first, second)
    refund(case, "40.00", period.replace(day=15), unit=second)
    # a refund for the case as a whole cannot say which supplier pays: not charged
    refund(case, "10.00", period.replace(day=15))

    chargeback_build(period=period)

    assert desk_lines(period, "SUP01") == []
    assert [line.amount for line in desk_lines(period, "SUP02")] == [Decimal("40.00")]


@pytest.mark.django_db
def test_the_database_refuses_a_second_charge_of_one_refund(demo):
    period = months_ago(13)
    case = case_with(judged(period))
    refund(case, "30.00", period.replace(day=10))
    chargeback_build(period=period)
    (line,) = desk_lines(period)
    other = ChargebackStatementFactory(period=add_months(period, -1))
    with pytest.raises(IntegrityError), transaction.atomic():
        ChargebackLine.objects.create(
            statement=other, kind=line.kind, refund=line.refund, description="again", amount=line.amount
        )


@pytest.mark.django_db
def test_compensation_not_given_costs_the_supplier_nothing(demo):
    # given a supplier-fault case with a compensation approved but not handed over, and one rejected
    period = months_ago(14)
    case = case_with(judged(period))
    CompensationFactory(service_case=case, state=CompensationState.APPROVED, decided_at=moment(period, 10))
    CompensationFactory(service_case=case, state=CompensationState.REJECTED, amount=Decimal("900.00"))

    chargeback_build(period=period)

    assert desk_lines(period) == []
