"""Two uses of the last unit of a part at one store at the same moment, on PostgreSQL (issue 18): exactly one
succeeds, the other is refused, the store's stock ends at zero and the ledger has one line."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from repairs import services
from repairs.models import PartStock, SparePart, StockMovement, StockMovementReason
from stores.models import Store
from tests.support.concurrency import run_together
from tests.support.returns import log_returns, user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks, so concurrent writers cannot race there",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_local_repairs_take_the_last_unit_at_one_store_and_exactly_one_wins(demo):
    # Given S001 holds one zip, and two of its units are repaired at the counter at the same moment
    part = SparePart.objects.get(part_no="P-ZIP-5")
    store = Store.objects.get(code="S001")
    services.stock_transfer(user=user("tech1"), store=store, parts=[(part, 1)])
    items = log_returns("S001", count=2, onsite_handling="local_repair")

    def use(index: int):
        return services.stock_use_at_store(user=user("store1"), return_item=items[index], parts=[(part, 1)])

    results = run_together(2, use)

    # Then one gets the zip, the other is refused, and the stock ends at zero, never below
    winners = [result for result in results if isinstance(result, list)]
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert len(winners) == 1 and len(refused) == 1, results
    assert PartStock.objects.get(part=part, store=store).quantity == 0
    uses = StockMovement.objects.filter(part=part, store=store, reason=StockMovementReason.LOCAL_REPAIR)
    assert uses.count() == 1 and uses.get().balance_after == 0
