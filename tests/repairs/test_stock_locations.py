"""Spare-part stock per location (issue 18): the service center and each store, one ledger of every movement
(transfer center → store, use on a store's local repair, stocktake adjustment), never below zero at any location,
and the API of stock, movements and stocktakes with each store seeing only its own."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from cases.choices import ReturnState
from repairs import services
from repairs.models import CENTER, PartStock, SparePart, StockMovement, StockMovementReason, Stocktake
from stores.models import Store
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases
from tests.support.returns import log_returns, return_in, user

pytestmark = pytest.mark.django_db

ZIP = "P-ZIP-5"
BUTTON = "P-BTN-18"


def part(part_no=ZIP) -> SparePart:
    return SparePart.objects.get(part_no=part_no)


def store(code="S001") -> Store:
    return Store.objects.get(code=code)


def stock_at(part_no, code) -> int:
    row = PartStock.objects.filter(part__part_no=part_no, store__code=code).first()
    return row.quantity if row else 0


def center_stock(part_no) -> tuple[int, int]:
    """The center's stock as the part has it and as its center row mirrors it (always equal)."""
    return (
        SparePart.objects.get(part_no=part_no).stock_quantity,
        PartStock.objects.get(part__part_no=part_no, store=None).quantity,
    )


def test_a_transfer_moves_parts_from_the_center_to_a_store_on_the_ledger(demo):
    # Given the center's zips
    before, mirrored = center_stock(ZIP)
    assert before == mirrored
    # When tech1 sends three to S001
    moves = services.stock_transfer(user=user("tech1"), store=store(), parts=[(part(), 3)], note="随货配件")
    # Then the center has three fewer, S001 three, and the ledger says so twice, with who and where
    assert center_stock(ZIP) == (before - 3, before - 3)
    assert stock_at(ZIP, "S001") == 3
    assert [(m.reason, m.quantity, m.store_id, m.balance_after, m.moved_by.username) for m in moves] == [
        (StockMovementReason.TRANSFER_OUT, -3, None, before - 3, "tech1"),
        (StockMovementReason.TRANSFER_IN, 3, store().pk, 3, "tech1"),
    ]


def test_a_transfer_beyond_the_center_stock_changes_nothing(demo):
    before = center_stock(ZIP)
    ledger = StockMovement.objects.count()
    with pytest.raises(ValidationError):
        services.stock_transfer(user=user("tech1"), store=store(), parts=[(part(BUTTON), 1), (part(), before[0] + 1)])
    assert center_stock(ZIP) == before and stock_at(ZIP, "S001") == 0 and stock_at(BUTTON, "S001") == 0
    assert StockMovement.objects.count() == ledger


def test_only_technicians_transfer(demo):
    with pytest.raises(TransitionForbidden):
        services.stock_transfer(user=user("store1"), store=store(), parts=[(part(), 1)])


def test_a_local_repair_uses_the_store_stock_and_never_below_zero(demo):
    # Given S001 holds three zips and a customer's unit logged there
    services.stock_transfer(user=user("tech1"), store=store(), parts=[(part(), 3)])
    item = log_returns("S001", onsite_handling="local_repair")[0]
    center_before = center_stock(ZIP)
    # When store1 records two zips used on its local repair
    (move,) = services.stock_use_at_store(user=user("store1"), return_item=item, parts=[(part(), 2)])
    # Then S001 has one left, the center is untouched, the ledger line names the Return
    assert stock_at(ZIP, "S001") == 1 and center_stock(ZIP) == center_before
    assert (move.reason, move.quantity, move.return_item_id, move.store.code) == (
        StockMovementReason.LOCAL_REPAIR,
        -2,
        item.pk,
        "S001",
    )
    # When it tries two more: refused with the figure, nothing changes
    with pytest.raises(ValidationError) as refused:
        services.stock_use_at_store(user=user("store1"), return_item=item, parts=[(part(), 2)])
    assert "Only 1 × P-ZIP-5 in stock at S001; 2 needed." in str(refused.value) or "S001" in str(refused.value)
    assert stock_at(ZIP, "S001") == 1


def test_only_the_store_own_staff_use_its_stock_on_its_units_still_at_the_store(demo):
    services.stock_transfer(user=user("tech1"), store=store(), parts=[(part(), 3)])
    item = log_returns("S001")[0]
    for who in ("store2", "tech1", "region1"):
        with pytest.raises(TransitionForbidden):
            services.stock_use_at_store(user=user(who), return_item=item, parts=[(part(), 1)])
    shipped = return_in(ReturnState.IN_TRANSIT)
    with pytest.raises(TransitionStateConflict):
        services.stock_use_at_store(user=user("store1"), return_item=shipped, parts=[(part(), 1)])
    assert stock_at(ZIP, "S001") == 3


def test_a_stocktake_posts_each_difference_with_its_reason_and_keeps_the_count(demo):
    # Given S001 holds three zips and no buttons
    services.stock_transfer(user=user("tech1"), store=store(), parts=[(part(), 3)])
    # When store1 counts one zip and four buttons
    stocktake = services.stocktake_post(
        user=user("store1"),
        store=store(),
        counts=[(part(), 1, "两条用于现场维修未登记"), (part(BUTTON), 4, "上次到货未入账")],
        note="月末清点",
    )
    # Then the book stock is the count, each difference is a stocktake line on the ledger with its reason
    assert stock_at(ZIP, "S001") == 1 and stock_at(BUTTON, "S001") == 4
    lines = {line.part.part_no: (line.expected, line.counted, line.difference) for line in stocktake.lines.all()}
    assert lines == {ZIP: (3, 1, -2), BUTTON: (0, 4, 4)}
    moves = StockMovement.objects.filter(stocktake=stocktake).order_by("part__part_no")
    assert [(m.part.part_no, m.quantity, m.reason, m.note) for m in moves] == [
        (BUTTON, 4, StockMovementReason.STOCKTAKE, "上次到货未入账"),
        (ZIP, -2, StockMovementReason.STOCKTAKE, "两条用于现场维修未登记"),
    ]


def test_a_stocktake_difference_without_a_reason_posts_nothing(demo):
    services.stock_transfer(user=user("tech1"), store=store(), parts=[(part(), 3)])
    with pytest.raises(ValidationError) as refused:
        services.stocktake_post(user=user("store1"), store=store(), counts=[(part(), 2, " ")])
    assert ZIP in str(refused.value)
    assert stock_at(ZIP, "S001") == 3 and not Stocktake.objects.exists()


def test_the_center_is_counted_by_technicians_and_its_mirror_follows(demo):
    before, _mirror = center_stock(ZIP)
    services.stocktake_post(user=user("tech1"), store=None, counts=[(part(), before - 5, "报损")])
    assert center_stock(ZIP) == (before - 5, before - 5)
    with pytest.raises(TransitionForbidden):
        services.stocktake_post(user=user("store1"), store=None, counts=[(part(), 0, "x")])


# --- API ---


def stocked():
    """S001 and S002 each hold zips; the center its own."""
    services.stock_transfer(user=user("tech1"), store=store("S001"), parts=[(part(), 3)])
    services.stock_transfer(user=user("tech1"), store=store("S002"), parts=[(part(), 2)])


def rows(response) -> list[tuple[str, str, int]]:
    assert response.status_code == 200, response.content
    return [(row["location"], row["part"], row["quantity"]) for row in response.json()["results"]]


def test_a_store_sees_only_its_own_stock_and_ledger(api_as, demo):
    stocked()
    client = api_as("store1")
    assert rows(client.get("/api/v1/stock/")) == [("S001", ZIP, 3)]
    assert rows(client.get("/api/v1/stock/", {"location": "S001", "part": ZIP})) == [("S001", ZIP, 3)]
    # Another store or the center reads like an unknown location: a 400 naming the field
    for location in ("S002", "NOPE"):
        response = client.get("/api/v1/stock/", {"location": location})
        assert response.status_code == 400 and "location" in response.json()
    assert rows(client.get("/api/v1/stock/", {"location": "CENTER"})) == []
    movements = client.get("/api/v1/stock-movements/").json()["results"]
    assert [(m["location"], m["reason"], m["quantity"]) for m in movements] == [("S001", "transfer_in", 3)]


def test_the_center_sees_every_location_and_filters_by_location_and_part(api_as, demo):
    stocked()
    client = api_as("tech1")
    everything = rows(client.get("/api/v1/stock/", {"part": ZIP}))
    center, _mirror = center_stock(ZIP)
    assert sorted(everything) == sorted([(CENTER, ZIP, center), ("S001", ZIP, 3), ("S002", ZIP, 2)])
    at_center = rows(client.get("/api/v1/stock/", {"location": "CENTER"}))
    assert {row[0] for row in at_center} == {CENTER} and len(at_center) == SparePart.objects.count()
    assert rows(client.get("/api/v1/stock/", {"location": "S002"})) == [("S002", ZIP, 2)]
    body = client.get("/api/v1/stock/", {"location": "S002"}).json()["results"][0]
    assert body["reorder_level"] == 2 and body["needs_reorder"] is True
    ledger = client.get("/api/v1/stock-movements/", {"location": "S002"}).json()["results"]
    assert [(m["location"], m["reason"]) for m in ledger] == [("S002", "transfer_in")]


def test_stock_list_queries_do_not_grow_with_rows(api_as, demo, django_assert_max_num_queries):
    client = api_as("tech1")
    services.stock_transfer(user=user("tech1"), store=store("S001"), parts=[(part(), 1)])
    with django_assert_max_num_queries(8) as small:
        client.get("/api/v1/stock/")
    for code in ("S002", "S101", "S003", "S004"):
        services.stock_transfer(user=user("tech1"), store=store(code), parts=[(p, 1) for p in SparePart.objects.all()])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/api/v1/stock/")


def stocktake_body(location="S001", counted=1, reason="清点差异"):
    return {"location": location, "counts": [{"part": ZIP, "counted": counted, "reason": reason}], "note": "月末"}


def snapshot_stock(_subject):
    return (
        list(PartStock.objects.order_by("pk").values_list("pk", "quantity")),
        StockMovement.objects.count(),
        Stocktake.objects.count(),
    )


def _stocked():
    stocked()


STOCKTAKE_REFUSALS = [
    Refusal(action="stocktake", case="anonymous", who=None, expected=401, arrange=_stocked,
            url=lambda _s: "/api/v1/stocktakes/", payload=stocktake_body()),
    Refusal(action="stocktake", case="wrong_role", who="supplier1", expected=403, arrange=_stocked,
            url=lambda _s: "/api/v1/stocktakes/", payload=stocktake_body()),
    Refusal(action="stocktake", case="region_manager", who="region1", expected=403, arrange=_stocked,
            url=lambda _s: "/api/v1/stocktakes/", payload=stocktake_body()),
    Refusal(action="stocktake", case="other_store", who="store2", expected=400, arrange=_stocked,
            url=lambda _s: "/api/v1/stocktakes/", payload=stocktake_body()),
    Refusal(action="stocktake", case="no_reason", who="store1", expected=400, arrange=_stocked,
            url=lambda _s: "/api/v1/stocktakes/", payload=stocktake_body(reason="")),
    Refusal(action="stocktake", case="negative", who="store1", expected=400, arrange=_stocked,
            url=lambda _s: "/api/v1/stocktakes/", payload=stocktake_body(counted=-1)),
    Refusal(action="stocktake", case="allowed", who="store1", expected=201, arrange=_stocked,
            url=lambda _s: "/api/v1/stocktakes/", payload=stocktake_body()),
    Refusal(action="stocktake", case="center", who="tech1", expected=201, arrange=_stocked,
            url=lambda _s: "/api/v1/stocktakes/", payload=stocktake_body(location="CENTER", counted=7)),
]  # fmt: skip


@pytest.mark.parametrize("row", refusal_cases(STOCKTAKE_REFUSALS, snapshot=snapshot_stock))
def test_stocktake_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
        return
    body = tried.response.json()
    location = body["location"]
    assert body["lines"][0]["part"] == ZIP and body["lines"][0]["counted"] == row.payload["counts"][0]["counted"]
    if location == CENTER:
        assert center_stock(ZIP)[0] == 7
    else:
        assert stock_at(ZIP, location) == 1
    # And it is read back from the list and the detail, a store seeing only its own
    listed = api_as(row.who).get("/api/v1/stocktakes/").json()["results"]
    assert [item["id"] for item in listed] == [body["id"]]
    assert api_as(row.who).get(f"/api/v1/stocktakes/{body['id']}/").json()["lines"] == body["lines"]
    other = "store2" if location != CENTER else "store1"
    assert api_as(other).get(f"/api/v1/stocktakes/{body['id']}/").status_code == 404


# --- a local repair's parts, from the Return's page and the API ---


def _local_repair_unit():
    services.stock_transfer(user=user("tech1"), store=store(), parts=[(part(), 2)])
    return log_returns("S001", onsite_handling="local_repair")[0]


def _shipped_unit():
    services.stock_transfer(user=user("tech1"), store=store(), parts=[(part(), 2)])
    return return_in(ReturnState.IN_TRANSIT)


def _store_parts_url(item):
    return f"/api/v1/returns/{item.pk}/store-parts/"


def _snapshot_unit(item):
    return (stock_at(ZIP, "S001"), StockMovement.objects.filter(return_item=item).count())


def _parts(quantity=1, part_no=ZIP):
    return {"parts": [{"part": part_no, "quantity": quantity}]}


STORE_PARTS_REFUSALS = [
    Refusal(action="store-parts", case="anonymous", who=None, expected=401, arrange=_local_repair_unit,
            url=_store_parts_url, payload=_parts()),
    Refusal(action="store-parts", case="wrong_role", who="tech1", expected=403, arrange=_local_repair_unit,
            url=_store_parts_url, payload=_parts()),
    Refusal(action="store-parts", case="other_store", who="store2", expected=404, arrange=_local_repair_unit,
            url=_store_parts_url, payload=_parts()),
    Refusal(action="store-parts", case="wrong_state", who="store1", expected=409, arrange=_shipped_unit,
            url=_store_parts_url, payload=_parts()),
    Refusal(action="store-parts", case="too_many", who="store1", expected=400, arrange=_local_repair_unit,
            url=_store_parts_url, payload=_parts(3)),
    Refusal(action="store-parts", case="unknown_part", who="store1", expected=400, arrange=_local_repair_unit,
            url=_store_parts_url, payload=_parts(part_no="NOPE")),
    Refusal(action="store-parts", case="allowed", who="store1", expected=200, arrange=_local_repair_unit,
            url=_store_parts_url, payload=_parts(2)),
]  # fmt: skip


@pytest.mark.parametrize("row", refusal_cases(STORE_PARTS_REFUSALS, snapshot=_snapshot_unit))
def test_store_parts_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        assert tried.after == (0, 1)
        assert tried.response.json()["number"] == tried.subject.number
    else:
        assert_refused(tried)


def test_the_return_page_records_a_part_from_the_store_stock(client, demo):
    # Given a unit repaired at S001's counter, S001 holding two zips
    item = _local_repair_unit()
    client.force_login(user("store1"))
    page = client.get(f"/returns/{item.pk}/").content.decode()
    assert 'data-testid="store-parts-form"' in page
    # When store1 takes one zip for it
    response = client.post(f"/repairs/returns/{item.pk}/store-parts/", {"part": ZIP, "quantity": 1})
    # Then it is back on the Return's page, the store has one left and the card lists the zip
    assert response.status_code == 302 and response["Location"] == f"/returns/{item.pk}/"
    assert stock_at(ZIP, "S001") == 1
    page = client.get(f"/returns/{item.pk}/").content.decode()
    assert f'data-part="{ZIP}"' in page
    # And another store's staff cannot post it (not found), nor does the form show for a technician
    client.force_login(user("store2"))
    assert client.post(f"/repairs/returns/{item.pk}/store-parts/", {"part": ZIP, "quantity": 1}).status_code == 404
    client.force_login(user("tech1"))
    assert 'data-testid="store-parts-form"' not in client.get(f"/returns/{item.pk}/").content.decode()
    assert stock_at(ZIP, "S001") == 1
