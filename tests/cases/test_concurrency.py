"""Concurrency on PostgreSQL: one inspection wins, numbers never collide, one free dispatch per ISO week.

Real threads, each with its own database connection, start together at a
barrier and commit for real (``transaction=True``). SQLite serialises every
writer on one file lock and has no ``SELECT … FOR UPDATE``, so these tests
prove nothing there and are skipped.
"""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from aftersales.fsm import TransitionStateConflict, http_status
from aftersales.models import TransitionLog
from cases import services
from cases.choices import ReturnState
from cases.models import Return, Shipment
from inspection.models import InspectionReport
from inspection.services import return_inspect
from stores.models import Store
from suppliers.models import Style
from tests.factories.cases import ReturnFactory
from tests.support.concurrency import run_together
from tests.support.returns import user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks, so concurrent writers cannot race there",
    ),
    pytest.mark.django_db(transaction=True),
]

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_twenty_technicians_inspect_one_unit_and_exactly_one_wins(demo):
    # Given a unit received at the center, loaded by 20 technicians' requests before any of them acts
    item = ReturnFactory(store=Store.objects.get(code="S001"), state=ReturnState.RECEIVED)
    technicians = [user("tech1"), user("tech2")]
    copies = [Return.objects.get(pk=item.pk) for _ in range(20)]

    # When all 20 fire inspect at the same moment, with different verdicts
    verdicts = ["no_defect", "repairable", "supplier_rework", "unrepairable"]

    def inspect(index: int):
        return return_inspect(
            user=technicians[index % 2],
            return_item=copies[index],
            verdict=verdicts[index % 4],
            responsibility="hq",
        )

    results = run_together(20, inspect)

    # Then exactly one wins and the other 19 are told 409 (never a deadlock, a 500 or a second report)
    winners = [result for result in results if isinstance(result, InspectionReport)]
    conflicts = [result for result in results if isinstance(result, TransitionStateConflict)]
    assert len(winners) == 1, results
    assert len(conflicts) == 19, results
    assert {http_status(error) for error in conflicts} == {409}
    # And the database holds one report and one inspect log row, agreeing with the Return's state
    assert InspectionReport.objects.filter(return_item=item).count() == 1
    logs = TransitionLog.objects.for_object(item).filter(transition="inspect")
    assert logs.count() == 1
    item.refresh_from_db()
    assert item.verdict == winners[0].verdict == logs.get().payload["verdict"]
    assert item.state == logs.get().target_state != ReturnState.RECEIVED


def test_concurrent_logging_never_collides_on_a_number(demo):
    # Given ten store users' sessions logging at once (all store1 of S001: the same monthly counter)
    store = Store.objects.get(code="S001")
    style = Style.objects.get(style_no="226101JK001")
    clerk = user("store1")

    def log_five(index: int) -> list[str]:
        numbers = []
        for turn in range(5):
            items = services.return_log(
                user=clerk,
                store=store,
                receipt_no=f"POS-{index}-{turn}",
                purchase_date=timezone.localdate() - dt.timedelta(days=2),
                onsite_handling="exchange",
                units=[
                    services.ReturnUnit(
                        style=style, color="黑", size="M", production_year=2025, defect_description="开线"
                    )
                ],
            )
            numbers.extend(item.number for item in items)
        return numbers

    # When ten threads log five returns each (the clock held inside one month)
    with time_machine.travel(dt.datetime(2026, 5, 20, 10, 0, tzinfo=SHANGHAI)):
        results = run_together(10, log_five)

    # Then all 50 are logged with 50 different numbers, 1 to 50 of the month, none skipped
    assert all(isinstance(result, list) for result in results), results
    numbers = [number for result in results for number in result]
    assert len(numbers) == 50 and not [n for n, seen in Counter(numbers).items() if seen > 1]
    assert sorted(numbers) == [f"RT-202605-{serial:06d}" for serial in range(1, 51)]
    assert Return.objects.filter(number__startswith="RT-202605-").count() == 50


def test_two_parcels_dispatched_at_once_one_of_them_pays_the_extra_fee(demo):
    # Given two packed parcels of S001 and no dispatch yet this week
    store = Store.objects.get(code="S001")
    store.extra_dispatch_fee = Decimal("42.00")
    store.save()
    clerks = [user("store1"), user("store1")]
    style = Style.objects.get(style_no="226101JK001")
    wednesday = dt.datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(wednesday):
        drafts = []
        for index in range(2):
            item = services.return_log(
                user=clerks[index], store=store, receipt_no=f"POS-{index}", onsite_handling="exchange",
                purchase_date=timezone.localdate() - dt.timedelta(days=1),
                units=[services.ReturnUnit(style=style, color="黑", size="M", production_year=2025,
                                           defect_description="开线")],
            )[0]  # fmt: skip
            drafts.append(services.shipment_create(user=clerks[index], direction="to_center", store=store,
                                                   return_ids=[item.pk]))  # fmt: skip

        # When both are dispatched at the same moment
        results = run_together(2, lambda index: services.shipment_dispatch(user=clerks[index], shipment=drafts[index]))

    # Then both left, and exactly one of them is the week's free dispatch
    assert all(isinstance(result, Shipment) for result in results), results
    fees = sorted((Shipment.objects.get(pk=draft.pk).extra_fee for draft in drafts), key=lambda fee: fee is None)
    assert fees == [Decimal("42.00"), None]
    assert set(Return.objects.values_list("state", flat=True)) == {ReturnState.IN_TRANSIT}
