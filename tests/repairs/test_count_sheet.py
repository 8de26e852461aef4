"""The stocktake's count sheet 盘点表 (issue 18): an XLSX of the location's parts with their book stock and an empty
count column, which the stocktake page's upload takes back as it is: filled in, it posts the count."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from repairs import services
from repairs.models import PartStock, SparePart, Stocktake
from stores.models import Store
from tests.support.returns import user

pytestmark = pytest.mark.django_db

ZIP = "P-ZIP-5"
BUTTON = "P-BTN-18"


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="stocktake-')
    book = load_workbook(io.BytesIO(response.content))
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def at_s001(part_no) -> int:
    row = PartStock.objects.filter(part__part_no=part_no, store__code="S001").first()
    return row.quantity if row else 0


def test_the_count_sheet_lists_the_store_parts_with_book_stock_and_an_empty_count(client, demo):
    # Given S001 holds three zips
    services.stock_transfer(
        user=user("tech1"), store=Store.objects.get(code="S001"), parts=[(SparePart.objects.get(part_no=ZIP), 3)]
    )
    client.force_login(user("store1"))
    # Then the stocktake page links the sheet of its location
    assert 'href="/repairs/stocktake/sheet/?location=S001"' in client.get("/repairs/stocktake/").content.decode()
    rows = sheet_rows(client.get("/repairs/stocktake/sheet/?location=S001"))
    # And the sheet has the headers the upload reads, every active part once, its book stock and no count
    assert rows[0] == ("part_no", "name", "unit", "book", "counted", "reason")
    active = list(SparePart.objects.filter(active=True).order_by("part_no").values_list("part_no", flat=True))
    assert [row[0] for row in rows[1:]] == active
    by_part = {row[0]: row for row in rows[1:]}
    assert by_part[ZIP][3] == 3 and by_part[BUTTON][3] == 0
    assert all(row[4] is None and row[5] is None for row in rows[1:])


def test_the_center_sheet_carries_the_center_stock(client, demo):
    client.force_login(user("tech1"))
    rows = sheet_rows(client.get("/repairs/stocktake/sheet/?location=CENTER"))
    assert {row[0]: row[3] for row in rows[1:]}[ZIP] == SparePart.objects.get(part_no=ZIP).stock_quantity


def test_the_filled_sheet_goes_back_through_the_upload(client, demo):
    # Given tech1 downloads the center's sheet
    client.force_login(user("tech1"))
    response = client.get("/repairs/stocktake/sheet/?location=CENTER")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    zips = SparePart.objects.get(part_no=ZIP).stock_quantity
    buttons = SparePart.objects.get(part_no=BUTTON).stock_quantity
    # When it counts two parts only (the zips two short, with a reason; the buttons as booked) and uploads it
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == ZIP:
            row[4].value, row[5].value = row[3].value - 2, "两条破损"
        elif row[0].value == BUTTON:
            row[4].value = row[3].value
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        "/repairs/stocktake/?location=CENTER", {"workbook": SimpleUploadedFile("count.xlsx", buffer.getvalue())}
    )
    # Then the count is posted: only the counted parts, the difference booked with its reason
    stocktake = Stocktake.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/repairs/stocktakes/{stocktake.pk}/"
    lines = {line.part.part_no: line for line in stocktake.lines.all()}
    assert sorted(lines) == [BUTTON, ZIP]
    assert (lines[ZIP].expected, lines[ZIP].counted, lines[ZIP].reason) == (zips, zips - 2, "两条破损")
    assert lines[BUTTON].difference == 0
    assert SparePart.objects.get(part_no=ZIP).stock_quantity == zips - 2
    assert SparePart.objects.get(part_no=BUTTON).stock_quantity == buttons


def test_an_untouched_sheet_posts_nothing_and_says_why(client, demo):
    client.force_login(user("store1"))
    blank = client.get("/repairs/stocktake/sheet/?location=S001").content
    response = client.post("/repairs/stocktake/?location=S001", {"workbook": SimpleUploadedFile("c.xlsx", blank)})
    assert response.status_code == 400 and 'data-testid="stocktake-errors"' in response.content.decode()
    assert not Stocktake.objects.exists()


@pytest.mark.parametrize(
    ("who", "location", "expected"),
    [(None, "S001", 302), ("store1", "S002", 404), ("store1", "CENTER", 404), ("supplier1", "S001", 403)],
)
def test_the_sheet_is_only_for_those_who_count_the_location(client, demo, who, location, expected):
    if who:
        client.force_login(user(who))
    response = client.get(f"/repairs/stocktake/sheet/?location={location}")
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")
