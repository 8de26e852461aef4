"""The stocktake 清点 pages (issue 18): a store counts its parts on the tablet page or uploads an XLSX, each
difference is posted with its reason, and the count's report is kept; another store's location is not offered."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from repairs import services
from repairs.models import PartStock, SparePart, Stocktake
from stores.models import Store
from tests.support.returns import user

pytestmark = pytest.mark.django_db

ZIP = "P-ZIP-5"
BUTTON = "P-BTN-18"


def s001_holds_three_zips():
    services.stock_transfer(
        user=user("tech1"), store=Store.objects.get(code="S001"), parts=[(SparePart.objects.get(part_no=ZIP), 3)]
    )


def at_s001(part_no):
    row = PartStock.objects.filter(part__part_no=part_no, store__code="S001").first()
    return row.quantity if row else 0


def test_a_store_counts_on_the_page_and_the_report_is_kept(client, demo):
    # Given S001 holds three zips, store1 on the stocktake page
    s001_holds_three_zips()
    client.force_login(user("store1"))
    page = client.get("/repairs/stocktake/")
    html = page.content.decode()
    assert page.status_code == 200 and 'value="S001"' in html and 'value="S002"' not in html
    assert 'value="CENTER"' not in html
    # When store1 counts one zip without a reason: refused, the entry kept, nothing posted
    response = client.post("/repairs/stocktake/?location=S001", {"counted-P-ZIP-5": "1"})
    assert response.status_code == 400 and ZIP in response.content.decode()
    assert not Stocktake.objects.exists() and at_s001(ZIP) == 3
    # When it gives the reason (buttons left empty: not counted)
    response = client.post(
        "/repairs/stocktake/?location=S001", {"counted-P-ZIP-5": "1", "reason-P-ZIP-5": "两条丢失", "note": "月末"}
    )
    # Then the stocktake is posted and its report shows the line
    stocktake = Stocktake.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/repairs/stocktakes/{stocktake.pk}/"
    assert at_s001(ZIP) == 1 and [line.part.part_no for line in stocktake.lines.all()] == [ZIP]
    report = client.get(response["Location"]).content.decode()
    assert 'data-part="P-ZIP-5"' in report and "两条丢失" in report and "-2" in report
    # And another store's staff cannot read it, nor open S001's page
    client.force_login(user("store2"))
    assert client.get(response["Location"]).status_code == 404
    assert client.get("/repairs/stocktake/?location=S001").status_code == 404


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("count.xlsx", buffer.getvalue())


def test_an_xlsx_count_is_posted_or_refused_whole(client, demo):
    s001_holds_three_zips()
    client.force_login(user("store1"))
    # A bad row (unknown part) posts nothing, naming it
    bad = workbook([["part_no", "counted", "reason"], [ZIP, 2, "损耗"], ["NOPE", 1, ""]])
    response = client.post("/repairs/stocktake/?location=S001", {"workbook": bad})
    assert response.status_code == 400 and "NOPE" in response.content.decode() and not Stocktake.objects.exists()
    # A file that is not a workbook is a 400 too
    response = client.post("/repairs/stocktake/?location=S001", {"workbook": SimpleUploadedFile("x.xlsx", b"nope")})
    assert response.status_code == 400
    # A good one is posted
    good = workbook([["part_no", "counted", "reason"], [ZIP, 2, "损耗"], [BUTTON, 5, "到货未入账"]])
    response = client.post("/repairs/stocktake/?location=S001", {"workbook": good})
    assert response.status_code == 302
    assert (at_s001(ZIP), at_s001(BUTTON)) == (2, 5)


def test_technicians_count_the_center(client, demo):
    client.force_login(user("tech1"))
    html = client.get("/repairs/stocktake/").content.decode()
    assert 'value="CENTER"' in html and 'value="S001"' in html
    before = SparePart.objects.get(part_no=ZIP).stock_quantity
    response = client.post(
        "/repairs/stocktake/?location=CENTER", {"counted-P-ZIP-5": str(before - 1), "reason-P-ZIP-5": "报损"}
    )
    assert response.status_code == 302
    assert SparePart.objects.get(part_no=ZIP).stock_quantity == before - 1
    client.force_login(user("supplier1"))
    assert client.get("/repairs/stocktake/").status_code == 403
