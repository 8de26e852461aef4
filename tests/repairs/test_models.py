import pytest

from repairs.models import SparePart
from tests.factories.repairs import SparePartFactory


@pytest.mark.django_db
def test_parts_at_or_below_their_reorder_level_are_flagged():
    low = SparePartFactory(stock_quantity=10, reorder_level=10)
    empty = SparePartFactory(stock_quantity=0, reorder_level=5)
    plenty = SparePartFactory(stock_quantity=11, reorder_level=10)
    assert set(SparePart.objects.below_reorder_level()) == {low, empty}
    assert low.needs_reorder and not plenty.needs_reorder


@pytest.mark.django_db
def test_below_reorder_filter_in_the_api(api_as):
    response = api_as("tech1").get("/api/v1/spare-parts/", {"below_reorder_level": "true"})
    # demo data: 3号尼龙拉链 35 ≤ 40 is the only part to reorder
    assert [row["part_no"] for row in response.json()["results"]] == ["P-ZIP-3"]
    stocked = api_as("tech1").get("/api/v1/spare-parts/", {"below_reorder_level": "false"}).json()["results"]
    assert len(stocked) == 7 and "P-ZIP-3" not in {row["part_no"] for row in stocked}
