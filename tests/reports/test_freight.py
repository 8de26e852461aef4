"""Freight 运费 in the monthly turnaround report: what the month's parcels cost, by store and by carrier (issue 13)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from cases import services
from reports.documents import report_tables
from reports.selectors import ReportScope, freight_by_carrier, freight_by_store, report_figures
from stores.access import scope_for
from tests.support.returns import fresh, log_returns, ship_to_center, user


def parcel(store_code: str, carrier: str, tracking_no: str, cost: str | None):
    staff = {"S001": "store1", "S002": "store2", "S101": "store101"}[store_code]
    shipment = ship_to_center(log_returns(store_code), dispatch=False)
    return services.shipment_dispatch(
        user=user(staff),
        shipment=fresh(shipment),
        carrier=carrier,
        tracking_no=tracking_no,
        freight_cost=None if cost is None else Decimal(cost),
    )


@pytest.mark.django_db
def test_freight_by_store_and_carrier(demo):
    parcel("S001", "顺丰", "SF1234567890123", "18.50")
    parcel("S002", "顺丰", "SF1234567890124", "12.00")
    parcel("S002", "本地快递", "LOCAL-1", None)
    period = timezone.localdate().replace(day=1)
    by_store = {row["code"]: row for row in freight_by_store(period)}
    assert (by_store["S001"]["parcels"], by_store["S001"]["freight"]) == (1, "18.50")
    assert (by_store["S002"]["parcels"], by_store["S002"]["priced"], by_store["S002"]["freight"]) == (2, 1, "12.00")
    by_carrier = {row["carrier"]: row for row in freight_by_carrier(period)}
    assert by_carrier["顺丰"]["freight"] == "30.50" and by_carrier["本地快递"]["freight"] == "0.00"
    figures = report_figures("turnaround", period)
    assert figures["freight_by_store"] and figures["freight_by_carrier"]
    tables = {table.key: table for table in report_tables("turnaround", figures)}
    assert Decimal("30.50") in [row[3] for row in tables["freight_by_carrier"].rows]


@pytest.mark.django_db
def test_a_store_sees_only_its_own_freight(demo):
    parcel("S001", "顺丰", "SF1234567890123", "18.50")
    parcel("S101", "顺丰", "SF1234567890125", "9.00")
    period = timezone.localdate().replace(day=1)
    own = ReportScope(everything=False, store_ids=scope_for(user("store1")).store_ids)
    assert [row["code"] for row in freight_by_store(period, own)] == ["S001"]
    assert freight_by_store(period, ReportScope(everything=False, supplier_ids=frozenset({1}))) == []
