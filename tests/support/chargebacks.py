"""Chargeback statements 扣款单 in tests: a month with one charge of every kind, walking a statement to a state,
and what a refused request must leave as it was.

``charged_month`` sets up a month with one charge of every kind: scrapped units on an approved write-off list
charged to SUP01, SUP02, store S001, HQ and (not charged) a customer; a supplier-caused repair completed in the
month; and an extra dispatch of S001 in the month. It needs the ``demo`` master data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.test import TestCase
from django.utils import timezone

from cases.choices import ReturnState, ShipmentDirection, ShipmentState
from chargebacks.choices import StatementState
from chargebacks.models import ChargebackLine, ChargebackStatement
from chargebacks.services import chargeback_acknowledge, chargeback_dispute, chargeback_issue
from repairs.models import RepairTicket
from stores.models import Store
from suppliers.choices import Responsibility
from suppliers.models import Style
from tests.factories.cases import ReturnFactory, ShipmentFactory
from tests.factories.writeoffs import (
    ScrapPendingReturnFactory,
    WriteOffLineFactory,
    WriteOffListFactory,
    first_of_last_month,
)
from writeoffs.choices import WriteOffListState

SHANGHAI = timezone.get_default_timezone()


def in_period(period: dt.date, day: int = 10) -> dt.datetime:
    return dt.datetime.combine(period.replace(day=day), dt.time(12), tzinfo=SHANGHAI)


def charged_month(period: dt.date | None = None, *, writeoff_state=WriteOffListState.APPROVED) -> SimpleNamespace:
    """A month with a charge of every kind (see the module docstring); needs the ``demo`` master data."""
    period = period or first_of_last_month()
    sup01_style = Style.objects.get(style_no="226101JK001")  # SUP01, unit cost 268.00
    sup02_style = Style.objects.get(style_no="225101JK015")  # SUP02, unit cost 455.00
    s001 = Store.objects.get(code="S001")
    s002 = Store.objects.get(code="S002")
    writeoff_list = WriteOffListFactory(period=period, state=writeoff_state)
    written_off = {"state": ReturnState.WRITTEN_OFF, "inspected_at": in_period(period, 5)}

    def scrapped(style, responsibility, store, year):
        unit = ScrapPendingReturnFactory(
            style=style, responsibility=responsibility, store=store, production_year=year, **written_off
        )
        WriteOffLineFactory(writeoff_list=writeoff_list, return_item=unit)
        return unit

    units = SimpleNamespace(
        sup01=scrapped(sup01_style, Responsibility.SUPPLIER, s002, 2024),
        sup02=scrapped(sup02_style, Responsibility.SUPPLIER, s001, 2025),
        store=scrapped(sup01_style, Responsibility.STORE, s001, 2023),
        hq=scrapped(sup02_style, Responsibility.HQ, s002, 2022),
        customer=scrapped(sup01_style, Responsibility.CUSTOMER, s001, 2025),
    )
    repaired = ReturnFactory(
        style=sup01_style, store=s001, responsibility=Responsibility.SUPPLIER, state=ReturnState.READY_TO_RETURN,
        production_year=2021,
    )  # fmt: skip
    ticket = RepairTicket.objects.create(
        return_item=repaired,
        technician=repaired.logged_by,
        state="completed",
        labour_rate=Decimal("60.00"),
        parts_cost=Decimal("5.50"),
        labour_cost=Decimal("30.00"),
        total_cost=Decimal("35.50"),
        qc_passed=True,
        completed_at=in_period(period, 20),
    )
    shipment = ShipmentFactory(
        store=s001,
        direction=ShipmentDirection.TO_CENTER,
        state=ShipmentState.IN_TRANSIT,
        dispatched_at=in_period(period, 12),
        extra_fee=Decimal("20.00"),
    )
    return SimpleNamespace(
        period=period, writeoff_list=writeoff_list, units=units, repaired=repaired, ticket=ticket, shipment=shipment
    )


def statement_of(period, party_key: str, version: int = 1) -> ChargebackStatement:
    return ChargebackStatement.objects.get(period=period, party_key=party_key, version=version)


def snapshot(statement: ChargebackStatement) -> tuple:
    statement.refresh_from_db()
    lines = list(ChargebackLine.all_objects.filter(statement=statement).values_list("id", "amount", "removed_at"))
    return (statement.state, statement.total, statement.pdf_sha256, statement.dispute_reason, lines)


def issue_and_render(statement, user) -> ChargebackStatement:
    """Issue a draft as a request would: the issue commits, then the documents task queued on its commit runs
    (in-process, as by default); the test's own transaction stays open and is rolled back."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        chargeback_issue(statement=statement, user=user)
    statement.refresh_from_db()
    return statement


def state_after(statement, state: str, demo_user) -> None:
    """Walk a built draft to ``state`` through the services (its documents made after issue, as in a request)."""
    finance = demo_user("finance1")
    party = {"supplier": "supplier1", "store": "store1", "hq": "finance1"}[statement.party_type]
    if state == StatementState.DRAFT:
        return
    issue_and_render(statement, finance)
    if state == StatementState.ACKNOWLEDGED:
        chargeback_acknowledge(statement=statement, user=demo_user(party))
    elif state == StatementState.DISPUTED:
        chargeback_dispute(statement=statement, user=demo_user(party), reason="金额有误")
