"""Workbooks of the month-end documents (reports.xlsx): numeric CNY amounts, totals, frozen header, stable bytes."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from aftersales.exports import xlsx
from chargebacks import documents as chargeback_documents
from chargebacks.choices import StatementState
from tests.factories.chargebacks import ChargebackLineFactory, ChargebackStatementFactory
from tests.factories.stores import StoreFactory, UserFactory
from tests.factories.suppliers import StyleFactory, SupplierFactory
from tests.factories.writeoffs import (
    LossReportFactory,
    ScrapPendingReturnFactory,
    WriteOffLineFactory,
    WriteOffListFactory,
)
from writeoffs import documents as writeoff_documents
from writeoffs.choices import PartyType, WriteOffListState

ISSUED_AT = dt.datetime(2026, 11, 3, 2, 30, tzinfo=dt.UTC)


def sheet_of(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def table(sheet):
    """(header row number, data rows, total row) of a document sheet: the header is the frozen row's upper neighbour."""
    header_row = int(sheet.freeze_panes[1:]) - 1
    rows = list(sheet.iter_rows(min_row=header_row + 1))
    return header_row, rows[:-1], rows[-1]


@pytest.fixture
def statement(db):
    supplier = SupplierFactory(code="SUPXL", name="杭州锦绣制衣厂")
    statement = ChargebackStatementFactory(
        supplier=supplier,
        state=StatementState.ISSUED,
        issued_at=ISSUED_AT,
        number="CB-202610-011",
        period=dt.date(2026, 10, 1),
    )
    for index, amount in enumerate(["100.10", "0.20", "1234.56", "99.99"]):
        ChargebackLineFactory(
            statement=statement,
            return_item__style=StyleFactory(style_no=f"XL{index:03d}", supplier=supplier),
            amount=Decimal(amount),
            position=index,
        )
    return statement


def test_chargeback_xlsx_amounts_are_numbers_in_cny_and_the_total_is_their_sum(statement):
    # given an issued statement with four lines
    # when its workbook is read back
    sheet = sheet_of(chargeback_documents.chargeback_xlsx(statement))
    header_row, lines, total = table(sheet)

    # then the header names the columns, each amount is a numeric CNY cell and the total equals the sum
    headers = [cell.value for cell in sheet[header_row]]
    assert any("款号" in header for header in headers) and any("生产年份" in header for header in headers)
    amount_column = next(index for index, header in enumerate(headers) if header.startswith("金额"))
    amounts = [row[amount_column] for row in lines]
    assert [row[3].value for row in lines] == ["XL000", "XL001", "XL002", "XL003"]
    assert all(cell.data_type == "n" and cell.number_format == xlsx.CNY_FORMAT for cell in amounts)
    assert [Decimal(str(cell.value)) for cell in amounts] == [
        Decimal("100.10"), Decimal("0.20"), Decimal("1234.56"), Decimal("99.99"),
    ]  # fmt: skip
    total_cell = total[amount_column]
    assert total_cell.number_format == xlsx.CNY_FORMAT
    assert Decimal(str(total_cell.value)) == Decimal("1434.85") == sum(Decimal(str(c.value)) for c in amounts)
    # and the party, the period and the amount in words are in the title rows
    titles = " ".join(str(cell.value) for row in sheet.iter_rows(max_row=header_row - 1) for cell in row if cell.value)
    assert "杭州锦绣制衣厂" in titles and "2026-10" in titles and "壹仟肆佰叁拾肆元捌角伍分" in titles
    # and the production year is a number
    assert lines[0][5].value == 2025 and lines[0][5].data_type == "n"


def test_header_is_frozen_and_columns_have_widths(statement):
    # given a statement's workbook
    sheet = sheet_of(chargeback_documents.chargeback_xlsx(statement))

    # when / then the rows below the header scroll under it and every column has a width
    header_row, _, _ = table(sheet)
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert all(sheet.column_dimensions[letter].width > 5 for letter in "ABCDEFG")


def test_two_renders_are_byte_identical_and_dated_by_the_document(statement):
    # given an issued statement
    # when its workbook is written twice
    first = chargeback_documents.chargeback_xlsx(statement)
    second = chargeback_documents.chargeback_xlsx(statement)

    # then the bytes are equal and the workbook is dated at the issue, not now
    assert first == second
    properties = load_workbook(io.BytesIO(first)).properties
    assert properties.created == properties.modified == dt.datetime(2026, 11, 3, 2, 30)  # noqa: DTZ001


def test_workbook_bytes_builds_title_rows_header_rows_and_total():
    # given a generic table
    columns = [xlsx.XlsxColumn("门店", 20), xlsx.XlsxColumn("金额", 14, xlsx.CNY_FORMAT)]

    # when it is written
    data = xlsx.workbook_bytes(
        title="月度报表",
        columns=columns,
        title_rows=[["报废月报 2026-10"], ["期间", "2026-10"]],
        rows=[("广州天河城店", Decimal("10.50")), ("深圳万象城店", Decimal("0.05"))],
        total_row=("合计", Decimal("10.55")),
        created=dt.date(2026, 11, 1),
    )

    # then it reads back as written
    sheet = sheet_of(data)
    assert sheet.title == "月度报表"
    assert sheet["A1"].value == "报废月报 2026-10" and sheet["A1"].font.b
    assert [cell.value for cell in sheet[3]] == ["门店", "金额"] and sheet.freeze_panes == "A4"
    assert sheet["B4"].value == 10.5 and sheet["B4"].number_format == xlsx.CNY_FORMAT
    assert sheet["A6"].value == "合计" and sheet["B6"].value == 10.55 and sheet["B6"].font.b


@pytest.mark.django_db
def test_loss_report_xlsx_lists_the_partys_units_with_a_total():
    # given an approved list with units of two stores, and the loss report of one of them
    store = StoreFactory(code="SXL01", name="成都太古里店")
    writeoff_list = WriteOffListFactory(period=dt.date(2026, 10, 1), state=WriteOffListState.APPROVED)
    for index, (unit_store, cost) in enumerate([(store, "80.00"), (store, "19.99"), (StoreFactory(), "50.00")]):
        WriteOffLineFactory(
            writeoff_list=writeoff_list,
            return_item=ScrapPendingReturnFactory(
                store=unit_store, responsibility="store", style=StyleFactory(style_no=f"XLR{index:02d}")
            ),
            unit_cost=Decimal(cost),
        )
    report = LossReportFactory(writeoff_list=writeoff_list, party_type=PartyType.STORE, store=store)

    # when its workbook is read back
    sheet = sheet_of(writeoff_documents.lossreport_xlsx(report))
    _, lines, total = table(sheet)

    # then only the store's units are there, costs numeric in CNY, total their sum
    assert [row[2].value for row in lines] == ["XLR00", "XLR01"]
    assert all(row[7].data_type == "n" and row[7].number_format == xlsx.CNY_FORMAT for row in lines)
    assert Decimal(str(total[7].value)) == Decimal("99.99")


@pytest.mark.django_db
def test_writeoff_list_xlsx_has_live_lines_total_and_approvals():
    # given an approved list with two live lines and a removed one
    approver = UserFactory(username="xl_vp", first_name="陈副总")
    writeoff_list = WriteOffListFactory(
        period=dt.date(2026, 9, 1),
        state=WriteOffListState.APPROVED,
        approved_by=approver,
        approved_at=ISSUED_AT,
    )
    WriteOffLineFactory(writeoff_list=writeoff_list, unit_cost=Decimal("10.00"))
    WriteOffLineFactory(writeoff_list=writeoff_list, unit_cost=Decimal("20.25"))
    WriteOffLineFactory(writeoff_list=writeoff_list, unit_cost=Decimal("999.00"), removed_at=ISSUED_AT)

    # when its workbook is read back
    data = writeoff_documents.writeofflist_xlsx(writeoff_list)
    sheet = sheet_of(data)
    header_row, lines, total = table(sheet)

    # then the live lines and their total, and the approver, are there
    assert len(lines) == 2
    assert Decimal(str(total[7].value)) == Decimal("30.25")
    titles = " ".join(str(cell.value) for row in sheet.iter_rows(max_row=header_row - 1) for cell in row if cell.value)
    assert "陈副总" in titles and "2026年11月3日" in titles
    assert data == writeoff_documents.writeofflist_xlsx(writeoff_list)
