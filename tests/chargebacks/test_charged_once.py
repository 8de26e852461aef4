"""A unit is charged to a party at most once, whatever the path (issue 13; domain.md, Batch recall).

The double charge of issue 13: a recall's unit sat ``received`` after the recall went to the supplier, was
inspected unrepairable on its own, and month end charged its supplier a ``recall`` line and a ``scrap`` line
(625.00 for the demo's 312.50 jacket). Now the recall's units follow the recall, the database refuses a second
charge line for one Return, and the build skips (and logs) a charge for a unit already charged.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from aftersales.fsm import TransitionStateConflict
from aftersales.periods import add_months
from cases.choices import ReturnState
from chargebacks.choices import ChargebackLineKind, StatementState
from chargebacks.models import ChargebackLine, ChargebackStatement
from chargebacks.services import (
    chargeback_build,
    chargeback_dispute,
    chargeback_issue,
    chargeback_revise,
)
from inspection.services import return_inspect
from recalls import services as recalls
from recalls.choices import RecallOutcome
from suppliers.choices import Responsibility
from suppliers.models import Style
from tests.factories.chargebacks import ChargebackStatementFactory
from tests.factories.recalls import RecallUnitFactory
from tests.factories.writeoffs import WriteOffLineFactory, WriteOffListFactory
from tests.support.chargebacks import in_period
from tests.support.recalls import JACKET_312, recall_at_supplier, recall_received
from writeoffs.choices import WriteOffListState
from writeoffs.services import writeofflist_approve, writeofflist_build, writeofflist_confirm, writeofflist_submit

SHANGHAI = timezone.get_default_timezone()


def user(username):
    return get_user_model().objects.get(username=username)


def months_ago(count: int) -> dt.date:
    """The first day of a month well before the demo history's three months (its statements are its own)."""
    return add_months(timezone.localdate().replace(day=1), -count)


def moment(period: dt.date, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(period.replace(day=day), dt.time(hour, minute), tzinfo=SHANGHAI)


def last_minute(period: dt.date) -> dt.datetime:
    return dt.datetime.combine(add_months(period, 1), dt.time(0, 0), tzinfo=SHANGHAI) - dt.timedelta(minutes=5)


def at(when: dt.datetime):
    return time_machine.travel(when, tick=False)


def write_off_month(period: dt.date) -> None:
    """The month end of the write-off list 报废清单: built, submitted, confirmed and approved by three people."""
    first = add_months(period, 1)
    with at(moment(first, 1, 2)):
        writeoff_list, _created = writeofflist_build(period=period, user=None)
    if not writeoff_list.lines.filter(removed_at=None).exists():
        return
    with at(moment(first, 2)):
        writeofflist_submit(writeoff_list=writeoff_list, user=user("tech1"))
    with at(moment(first, 3)):
        writeofflist_confirm(writeoff_list=writeoff_list, user=user("logistics1"))
    with at(moment(first, 4)):
        writeofflist_approve(writeoff_list=writeoff_list, user=user("vp1"))


def build_month(period: dt.date) -> None:
    with at(moment(add_months(period, 1), 6)):
        chargeback_build(period=period, user=user("finance1"))


def charges_of(unit) -> list[tuple[str, str, str, Decimal]]:
    """Every line that charges the unit (live, current): (month, party, kind, amount)."""
    lines = ChargebackLine.objects.filter(return_item=unit, current=True).select_related("statement")
    return sorted(
        (f"{line.statement.period:%Y-%m}", line.statement.party_key, line.kind, line.amount) for line in lines
    )


# --- the reproduction of issue 13 ---


@pytest.mark.django_db
def test_a_recalled_unit_found_unrepairable_charges_its_supplier_once(demo):
    # Given the demo jacket 226101JK002 (SUP01, 312.50) is recalled at the supplier's cost and shipped to it
    period = months_ago(6)
    with at(moment(period, 3)):
        recall, received = recall_received(style_no=JACKET_312, cost_bearer="supplier")
        # Then while at the center its unit is not inspected on its own: it goes with its recall (400)
        with pytest.raises(ValidationError, match="recall"):
            return_inspect(user=user("tech1"), return_item=received[0], verdict="unrepairable",
                           responsibility=Responsibility.SUPPLIER)  # fmt: skip
    with at(moment(period, 10)):
        recall = recalls.recall_ship_to_supplier(user=user("tech1"), recall=recall, carrier="德邦", tracking_no="DB9")
    unit = received[0]
    unit.refresh_from_db()
    assert unit.state == ReturnState.AT_SUPPLIER
    # And once it is at the supplier, inspecting it there is no longer possible (409)
    with pytest.raises(TransitionStateConflict):
        return_inspect(user=user("tech1"), return_item=unit, verdict="unrepairable",
                       responsibility=Responsibility.SUPPLIER)  # fmt: skip

    # When the factory finds it unrepairable, the month's write-off list takes it and month end is built
    with at(moment(period, 20)):
        recalls.recall_record_outcome(
            user=user("tech1"), recall=recall, return_ids=[unit.pk], outcome=RecallOutcome.UNREPAIRABLE
        )
    unit.refresh_from_db()
    assert (unit.state, unit.responsibility, unit.verdict) == (ReturnState.SCRAP_PENDING, "supplier", "unrepairable")
    write_off_month(period)
    build_month(period)

    # Then SUP01 is charged 312.50 for it, once: one recall line, no scrap line
    unit.refresh_from_db()
    assert unit.state == ReturnState.WRITTEN_OFF
    assert charges_of(unit) == [(f"{period:%Y-%m}", "supplier:SUP01", ChargebackLineKind.RECALL, Decimal("312.50"))]
    statement = ChargebackStatement.objects.get(period=period, party_key="supplier:SUP01")
    assert statement.total == Decimal("312.50")


@pytest.mark.django_db
def test_the_double_charge_left_by_the_old_path_is_charged_once(demo):
    # Given a recalled unit from before issue 13: inspected unrepairable on its own, written off on the month's
    # approved list, and the factory's outcome unrepairable recorded for it in the same month
    period = months_ago(6)
    style = Style.objects.get(style_no=JACKET_312)
    recall_unit = RecallUnitFactory(
        recall__style=style,
        recall__cost_bearer="supplier",
        return_item__state=ReturnState.WRITTEN_OFF,
        return_item__responsibility=Responsibility.SUPPLIER,
        return_item__inspected_at=in_period(period, 8),
        outcome=RecallOutcome.UNREPAIRABLE,
        outcome_recorded_at=in_period(period, 15),
    )
    writeoff_list = WriteOffListFactory(period=period, state=WriteOffListState.APPROVED)
    WriteOffLineFactory(writeoff_list=writeoff_list, return_item=recall_unit.return_item)

    # When the month is built (twice)
    chargeback_build(period=period)
    chargeback_build(period=period)

    # Then the supplier is charged 312.50, not 625.00
    assert charges_of(recall_unit.return_item) == [
        (f"{period:%Y-%m}", "supplier:SUP01", ChargebackLineKind.RECALL, Decimal("312.50"))
    ]
    assert ChargebackStatement.objects.get(period=period, party_key="supplier:SUP01").total == Decimal("312.50")


# --- every recall outcome × cost bearer × month boundary ---

EXPECTED = {
    # outcome: {cost bearer: (party charged, kind, amount) or None}
    RecallOutcome.REPAIRED_BY_FACTORY: {"supplier": None, "hq": None, "shared": None},
    RecallOutcome.UNREPAIRABLE: {
        "supplier": ("supplier:SUP01", ChargebackLineKind.RECALL, Decimal("312.50")),
        "hq": None,  # head office bears the recall: nobody is charged
        "shared": ("supplier:SUP01", ChargebackLineKind.RECALL, Decimal("156.25")),
    },
    # Our own fault: head office's scrap, whoever was to bear the recall's cost; the supplier owes nothing.
    RecallOutcome.OUR_FAULT: {
        bearer: ("hq", ChargebackLineKind.SCRAP, Decimal("312.50")) for bearer in ("supplier", "hq", "shared")
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("boundary", ["mid_month", "last_minute", "next_month"])
@pytest.mark.parametrize("cost_bearer", ["supplier", "hq", "shared"])
@pytest.mark.parametrize("outcome", [RecallOutcome.REPAIRED_BY_FACTORY, RecallOutcome.UNREPAIRABLE,
                                     RecallOutcome.OUR_FAULT])  # fmt: skip
def test_each_outcome_and_cost_bearer_charges_at_most_once_across_the_month_end(demo, outcome, cost_bearer, boundary):
    # Given a recall of the 312.50 jacket with the cost bearer agreed, shipped to the supplier in month M
    month = months_ago(6)
    with at(moment(month, 3)):
        recall, (unit,) = recall_at_supplier(cost_bearer=cost_bearer)
    # When the outcome comes back mid-month, in the month's last minutes, or in the first minutes of M+1
    recorded_at = {
        "mid_month": moment(month, 15),
        "last_minute": last_minute(month),
        "next_month": last_minute(month) + dt.timedelta(minutes=10),
    }[boundary]
    outcome_month = timezone.localdate(recorded_at).replace(day=1)
    with at(recorded_at):
        recalls.recall_record_outcome(
            user=user("tech1"), recall=recall, return_ids=[unit.pk], outcome=outcome, note="仓储受潮, 仓管员负责"
        )
    # And both months go through the month end (write-off list, then the chargeback statements)
    for period in (month, add_months(month, 1)):
        write_off_month(period)
        build_month(period)

    # Then the unit is where its outcome sends it
    unit.refresh_from_db()
    if outcome == RecallOutcome.REPAIRED_BY_FACTORY:
        assert unit.state == ReturnState.READY_TO_RETURN
    else:
        assert unit.state == ReturnState.WRITTEN_OFF
        assert unit.responsibility == ("supplier" if outcome == RecallOutcome.UNREPAIRABLE else "hq")
    # And it is charged at most once, in the month of its outcome, to the party the agreement names
    expected = EXPECTED[outcome][cost_bearer]
    assert charges_of(unit) == ([] if expected is None else [(f"{outcome_month:%Y-%m}", *expected)])
    # And no other month carries a line for it, removed or superseded ones included
    assert ChargebackLine.all_objects.filter(return_item=unit).count() == (0 if expected is None else 1)


# --- the constraint itself ---


@pytest.mark.django_db
def test_the_database_refuses_a_second_charge_line_for_one_return(demo):
    # Given a unit charged on one statement
    period = months_ago(6)
    unit = RecallUnitFactory(outcome=RecallOutcome.UNREPAIRABLE).return_item
    first = ChargebackStatementFactory(period=period)
    ChargebackLine.objects.create(statement=first, kind=ChargebackLineKind.RECALL, return_item=unit,
                                  description="recall", amount=Decimal("312.50"))  # fmt: skip
    other = ChargebackStatementFactory(period=add_months(period, 1))
    # Then a second line for it is refused, on another statement or as another kind on the same one
    for statement, kind in ((other, ChargebackLineKind.SCRAP), (first, ChargebackLineKind.SCRAP)):
        with pytest.raises(IntegrityError), transaction.atomic():
            ChargebackLine.objects.create(
                statement=statement, kind=kind, return_item=unit, description="scrap", amount=Decimal("312.50")
            )
    # But a line finance removed, or one a revision replaced, is no charge: the unit may be charged elsewhere
    ChargebackLine.objects.filter(statement=first).update(removed_at=timezone.now(), removal_reason="重复")
    ChargebackLine.objects.create(statement=other, kind=ChargebackLineKind.SCRAP, return_item=unit,
                                  description="scrap", amount=Decimal("312.50"))  # fmt: skip
    assert ChargebackLine.objects.filter(return_item=unit).count() == 1


@pytest.mark.django_db
def test_a_revised_statement_carries_its_lines_over_without_tripping_the_constraint(demo, demo_user, fast_documents):
    # Given SUP01's statement with the recall line of the 312.50 jacket, issued and disputed
    period = months_ago(6)
    recall_unit = RecallUnitFactory(
        recall__style=Style.objects.get(style_no=JACKET_312),
        outcome=RecallOutcome.UNREPAIRABLE,
        outcome_recorded_at=in_period(period, 15),
    )
    chargeback_build(period=period)
    statement = ChargebackStatement.objects.get(period=period, party_key="supplier:SUP01")
    chargeback_issue(statement=statement, user=demo_user("finance1"))
    chargeback_dispute(statement=statement, user=demo_user("supplier1"), reason="金额有误")

    # When finance revises it, and the month is built again
    revision = chargeback_revise(statement=statement, user=demo_user("finance1"))
    chargeback_build(period=period)

    # Then version 2 carries the line (the charge now), version 1 keeps its own as it was, no longer current
    assert revision.version == 2 and revision.state == StatementState.DRAFT
    assert charges_of(recall_unit.return_item) == [
        (f"{period:%Y-%m}", "supplier:SUP01", ChargebackLineKind.RECALL, Decimal("312.50"))
    ]
    assert ChargebackLine.objects.get(statement=revision).current
    old = ChargebackLine.objects.get(statement=statement)
    assert (old.amount, old.current) == (Decimal("312.50"), False)


@pytest.mark.django_db
def test_a_charge_for_a_unit_already_charged_is_skipped_and_logged(demo, demo_user, fast_documents, caplog):
    # Given a unit charged as scrap to SUP01 in month M, on an issued statement
    period = months_ago(6)
    recall_unit = RecallUnitFactory(
        recall__style=Style.objects.get(style_no=JACKET_312),
        return_item__state=ReturnState.WRITTEN_OFF,
        return_item__responsibility=Responsibility.SUPPLIER,
        return_item__inspected_at=in_period(period, 8),
    )
    unit = recall_unit.return_item
    writeoff_list = WriteOffListFactory(period=period, state=WriteOffListState.APPROVED)
    WriteOffLineFactory(writeoff_list=writeoff_list, return_item=unit)
    chargeback_build(period=period)
    statement = ChargebackStatement.objects.get(period=period, party_key="supplier:SUP01")
    chargeback_issue(statement=statement, user=demo_user("finance1"))

    # When the factory's outcome for it comes in month M+1 (the old path), and M+1 is built
    RecallUnitFactory._meta.model.objects.filter(pk=recall_unit.pk).update(
        outcome=RecallOutcome.UNREPAIRABLE, outcome_recorded_at=in_period(add_months(period, 1), 3)
    )
    with caplog.at_level(logging.WARNING, logger="chargebacks.services"):
        drafts = chargeback_build(period=add_months(period, 1))

    # Then it is not charged again, and the build's log says why
    assert drafts == []
    assert charges_of(unit) == [(f"{period:%Y-%m}", "supplier:SUP01", ChargebackLineKind.SCRAP, Decimal("312.50"))]
    assert any(unit.number in message and statement.number in message for message in caplog.messages)
