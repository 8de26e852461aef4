"""No document prints a stored code: every value of every choice field a PDF or XLSX shows comes out as words.

The write-off list printed "customer" (wrapped as "custo / mer") where the page says 顾客. Each document is
rendered for every value of each choice it prints (a line's responsibility and kind, a document's state and
party type, a report's responsibility rows) and read back as PDF text (pdftotext) and XLSX cells.
"""

import datetime as dt
import io
import subprocess
from decimal import Decimal

import pytest
from django.db import models
from openpyxl import load_workbook

from aftersales.exports import pdf
from chargebacks import documents as chargeback_documents
from chargebacks.choices import ChargebackLineKind, StatementState
from reports.choices import ReportKind
from reports.documents import report_pdf, report_tables, report_xlsx, responsibility_label
from reports.models import ReportRun
from suppliers.choices import Responsibility
from tests.factories.chargebacks import ChargebackLineFactory, ChargebackStatementFactory
from tests.factories.stores import StoreFactory
from tests.factories.suppliers import StyleFactory, SupplierFactory
from tests.factories.writeoffs import (
    LossReportFactory,
    ScrapPendingReturnFactory,
    WriteOffLineFactory,
    WriteOffListFactory,
)
from writeoffs import documents as writeoff_documents
from writeoffs.choices import PartyType, WriteOffListState

pytestmark = pytest.mark.django_db


def pdf_tokens(data: bytes, tmp_path) -> tuple[str, set[str]]:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()
    return text, set(text.split())


def xlsx_cells(data: bytes) -> set[str]:
    workbook = load_workbook(io.BytesIO(data))
    return {
        str(cell.value).strip()
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def zh(choices: type[models.TextChoices], value: str) -> str:
    """The words a document prints for a choice (its fixed Chinese wording)."""
    return pdf.label(
        {
            Responsibility: writeoff_documents.RESPONSIBILITY_LABELS,
            ChargebackLineKind: chargeback_documents.KIND_LABELS,
            PartyType: writeoff_documents.PARTY_TYPE_LABELS,
            StatementState: chargeback_documents.STATEMENT_STATE_LABELS,
            WriteOffListState: writeoff_documents.WRITEOFF_STATE_LABELS,
        }[choices],
        choices,
        value,
    )


def assert_no_codes(choices_used, tokens: set[str], cells: set[str], where: str) -> None:
    for choices in choices_used:
        for value in choices.values:
            assert value not in tokens, f"{where} PDF prints the code {value!r} of {choices.__name__}"
            assert value not in cells, f"{where} XLSX has the code {value!r} of {choices.__name__}"


def test_every_choice_has_words_that_are_not_its_code():
    for choices in (Responsibility, ChargebackLineKind, PartyType, StatementState, WriteOffListState):
        for value in choices.values:
            assert zh(choices, value) and zh(choices, value) != value, (choices.__name__, value)
    for value in [*Responsibility.values, ""]:
        assert responsibility_label(value) != value or value == ""


def writeoff_list_with_every_responsibility(state: str):
    supplier = SupplierFactory(code="SUPCH", name="宁波测试制衣厂")
    store = StoreFactory(code="SCH01", name="杭州西湖店")
    writeoff_list = WriteOffListFactory(period=dt.date(2026, 9, 1), state=state)
    for index, value in enumerate(Responsibility.values):
        WriteOffLineFactory(
            writeoff_list=writeoff_list,
            return_item=ScrapPendingReturnFactory(
                store=store, responsibility=value, style=StyleFactory(style_no=f"CH{index:03d}")
            ),
            responsibility=value,
            supplier=supplier if value == Responsibility.SUPPLIER else None,
            store=store,
        )
    return writeoff_list


@pytest.mark.parametrize("state", WriteOffListState.values)
def test_the_writeoff_list_prints_every_responsibility_and_state_as_words(tmp_path, state):
    # given a list in this state with one unit of every responsibility (customer and HQ included)
    writeoff_list = writeoff_list_with_every_responsibility(state)

    # when it is rendered as PDF and XLSX
    text, tokens = pdf_tokens(writeoff_documents.writeofflist_pdf(writeoff_list), tmp_path)
    cells = xlsx_cells(writeoff_documents.writeofflist_xlsx(writeoff_list))

    # then every responsibility and the state are words, in both, and no code is printed
    for value in Responsibility.values:
        assert zh(Responsibility, value) in text and zh(Responsibility, value) in cells, value
    assert zh(WriteOffListState, state) in text and zh(WriteOffListState, state) in cells
    assert_no_codes([Responsibility, WriteOffListState], tokens, cells, "write-off list")


@pytest.mark.parametrize("party_type", [PartyType.SUPPLIER, PartyType.STORE])
def test_the_loss_report_prints_its_party_type_and_responsibility_as_words(tmp_path, party_type):
    writeoff_list = writeoff_list_with_every_responsibility(WriteOffListState.APPROVED)
    line = writeoff_list.lines.get(responsibility=party_type)
    report = LossReportFactory(
        writeoff_list=writeoff_list,
        party_type=party_type,
        supplier=line.supplier if party_type == PartyType.SUPPLIER else None,
        store=line.store if party_type == PartyType.STORE else None,
    )

    text, tokens = pdf_tokens(writeoff_documents.lossreport_pdf(report), tmp_path)
    cells = xlsx_cells(writeoff_documents.lossreport_xlsx(report))

    assert zh(PartyType, party_type) in text
    assert zh(Responsibility, party_type) in text and zh(Responsibility, party_type) in cells
    assert_no_codes([Responsibility, PartyType], tokens, cells, "loss report")


@pytest.mark.parametrize("state", StatementState.values)
@pytest.mark.parametrize("party_type", PartyType.values)
def test_the_chargeback_statement_prints_kinds_state_and_party_type_as_words(tmp_path, state, party_type):
    # given a statement of this party type in this state with one line of every kind
    party = {
        PartyType.SUPPLIER: {"supplier": SupplierFactory(code="SUPCB", name="温州测试服饰")},
        PartyType.STORE: {"supplier": None, "store": StoreFactory(code="SCB01", name="苏州观前店")},
        PartyType.HQ: {"supplier": None},
    }[party_type]
    statement = ChargebackStatementFactory(party_type=party_type, state=state, period=dt.date(2026, 9, 1), **party)
    for index, kind in enumerate(ChargebackLineKind.values):
        ChargebackLineFactory(statement=statement, kind=kind, amount=Decimal("10.00"), position=index)

    # when it is rendered
    text, tokens = pdf_tokens(chargeback_documents.chargeback_pdf(statement), tmp_path)
    cells = xlsx_cells(chargeback_documents.chargeback_xlsx(statement))

    # then kinds, state and party type are words; the state is the one the documents were frozen in (a draft's
    # preview says 草稿, an issued statement's documents say 已开具 whatever it has become since)
    for kind in ChargebackLineKind.values:
        assert zh(ChargebackLineKind, kind) in text and zh(ChargebackLineKind, kind) in cells, kind
    printed = StatementState.DRAFT if state == StatementState.DRAFT else StatementState.ISSUED
    assert zh(StatementState, printed) in text and zh(StatementState, printed) in cells
    if printed != state:
        assert zh(StatementState, state) not in cells, "the frozen XLSX prints the state it was issued in"
    assert zh(PartyType, party_type) in text
    assert_no_codes([ChargebackLineKind, StatementState, PartyType], tokens, cells, "statement")


def figures_with_every_responsibility(kind: str) -> dict:
    """A report's figures as the build stores them, with a row for every responsibility."""
    if kind != ReportKind.SCRAP:
        return {}
    return {
        "turnaround_days": 15,
        "totals": {"units": len(Responsibility.values), "cost": "40.00"},
        "by_responsibility": [
            {"responsibility": value, "units": 1, "cost": "10.00"} for value in Responsibility.values
        ],
    }


@pytest.mark.parametrize("kind", ReportKind.values)
def test_every_report_prints_responsibilities_as_words(tmp_path, kind):
    run = ReportRun(kind=kind, period=dt.date(2026, 9, 1))
    figures = figures_with_every_responsibility(kind)

    text, tokens = pdf_tokens(report_pdf(run, figures), tmp_path)
    cells = xlsx_cells(report_xlsx(run, figures))
    # The section titles' English gloss ("按供应商 By supplier") is form text, printed for an empty month too.
    tokens -= pdf_tokens(report_pdf(run, {}), tmp_path)[1]

    assert report_tables(kind, figures)
    if kind == ReportKind.SCRAP:
        for value in Responsibility.values:
            assert zh(Responsibility, value) in text and zh(Responsibility, value) in cells, value
    assert_no_codes([Responsibility, ReportKind], tokens, cells, f"{kind} report")
