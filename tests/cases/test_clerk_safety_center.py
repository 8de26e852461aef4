"""The service center's smaller things from issue 11, item 16: the store's reported defect preselected at
inspection, no turnaround badge on a unit found unrepairable, and the ready-to-return queue as one table with a
header row per store.
"""

from __future__ import annotations

import pytest
import tinyhtml5

from cases.choices import ReturnState
from cases.models import Return
from inspection.services import return_inspect
from suppliers.models import DefectCode
from tests.support.returns import received


def tag(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


# --- (a) the reported defect at inspection ---


@pytest.mark.django_db
def test_the_inspect_form_starts_with_the_defect_the_store_reported(demo_user, browser_as):
    # Given a received unit the store reported with a defect code
    code = DefectCode.objects.filter(active=True).order_by("code")[1]
    (item,) = received(demo_user, reported_defect=code)

    # When the technician opens it to inspect
    response = browser_as("tech1").get(f"/returns/{item.pk}/")

    # Then the inspect form has that code chosen (the technician may still change it)
    (inspect,) = [action for action in response.context["actions"] if action["name"] == "inspect"]
    assert [str(value) for value in inspect["form"]["defect_codes"].value()] == [str(code.pk)]
    assert not inspect["form"].is_bound


@pytest.mark.django_db
def test_without_a_reported_code_nothing_is_chosen(demo_user, browser_as):
    (item,) = received(demo_user)

    response = browser_as("tech1").get(f"/returns/{item.pk}/")

    (inspect,) = [action for action in response.context["actions"] if action["name"] == "inspect"]
    assert not inspect["form"]["defect_codes"].value()


# --- (b) no turnaround badge on the scrap path ---


@pytest.mark.django_db
def test_a_unit_found_unrepairable_shows_no_turnaround_badge(demo_user, browser_as):
    # Given a unit found unrepairable at inspection (scrap pending)
    (item,) = received(demo_user)
    return_inspect(user=demo_user("tech1"), return_item=item, verdict="unrepairable", responsibility="supplier")
    assert Return.objects.get(pk=item.pk).state == ReturnState.SCRAP_PENDING

    # When its page is opened
    page = tinyhtml5.parse(browser_as("tech1").get(f"/returns/{item.pk}/").content.decode())

    # Then its turnaround says the clock stopped with the verdict, with no "0 天 按时" badge
    (turnaround,) = [e for e in page.iter() if e.get("data-testid") == "turnaround"]
    shown = text(turnaround)
    assert "按时" not in shown and "逾期" not in shown and "0 天" not in shown
    assert "无法维修" in shown and "不返还专卖店" in shown


# --- (c) the ready-to-return queue ---


@pytest.mark.django_db
def test_the_ready_queue_is_one_table_with_a_header_row_per_store(demo_user, browser_as):
    # Given units ready to go back to two stores
    tech1 = demo_user("tech1")
    units = received(demo_user, "S001", count=2) + received(demo_user, "S002")
    for item in units:
        return_inspect(user=tech1, return_item=item, verdict="no_defect")

    # When the technician opens the ready-to-return queue
    page = tinyhtml5.parse(browser_as("tech1").get("/center/ready-to-return/").content.decode())

    # Then no template text leaks onto the page, and it is one table: the column headers once,
    # then a group per store headed by its row with "Ship back"
    assert "{#" not in text(page) and "#}" not in text(page)
    (table,) = [e for e in page.iter() if tag(e) == "table" and e.get("data-testid") == "ready-table"]
    (head,) = [e for e in table if tag(e) == "thead"]
    columns = [text(th) for th in head.iter() if tag(th) == "th"]
    assert columns[:2] == ["应返还", "编号"] and len(columns) >= 4
    # (since issue 13 the stores are grouped by region: a region's header row comes before its stores' groups)
    bodies = [e for e in table if tag(e) == "tbody"]
    regions = [body for body in bodies if "region-group" in body.get("class", "")]
    assert regions and all(body.get("data-region") for body in regions)
    groups = [body for body in bodies if body.get("data-store")]
    assert len(regions) + len(groups) == len(bodies)
    assert [group.get("data-store") for group in groups] == ["S001", "S002"]
    for group in groups:
        (region,) = [body for body in bodies[: bodies.index(group)] if body in regions][-1:]
        assert region.get("data-region") == group.get("data-region")
    for group, numbers in zip(groups, [[u.number for u in units[:2]], [units[2].number]], strict=True):
        header, *rows = [e for e in group if tag(e) == "tr"]
        assert group.get("data-store") in text(header) and "寄回" in text(header)
        assert any(e.get("data-testid") == f"ship-back-{group.get('data-store')}" for e in header.iter())
        # every unit row has a cell per column, each named for the card layout on phones
        assert [text(row).split()[0] in numbers or any(n in text(row) for n in numbers) for row in rows] == [
            True
        ] * len(numbers)
        for row in rows:
            cells = [e for e in row if tag(e) == "td"]
            assert len(cells) == len(columns)
            assert [cell.get("data-label") for cell in cells] == columns
