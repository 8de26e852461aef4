"""The chargeback statement 扣款单 on paper: PDF and XLSX, rendered once after it is issued, by a task
(``chargebacks.services.chargeback_documents_render``), and stored with their SHA-256; by the core's one PDF
renderer (``aftersales.exports.pdf``) and one XLSX writer (``aftersales.exports.xlsx``). The party is printed as
on the loss report 报损单 (``writeoffs.documents``).
"""

from __future__ import annotations

from decimal import Decimal

from aftersales.exports.pdf import (
    PdfColumn,
    date_text,
    label,
    lines_table,
    money,
    period_text,
    person,
    render_pdf,
    total_of,
)
from aftersales.exports.xlsx import CNY_FORMAT, INTEGER_FORMAT, XlsxColumn, cny_amount, workbook_bytes
from aftersales.money import rmb_capital
from chargebacks.choices import ChargebackLineKind, StatementState
from writeoffs.choices import PartyType
from writeoffs.documents import PARTY_TYPE_LABELS, party_code, party_name

KIND_LABELS = {
    ChargebackLineKind.SCRAP: "报废",
    ChargebackLineKind.REPAIR: "维修费",
    ChargebackLineKind.EXTRA_SHIPMENT: "超额寄件费",
    ChargebackLineKind.RECALL: "召回费用",
    ChargebackLineKind.DESK_REFUND: "服务台退款",
    ChargebackLineKind.DESK_COMPENSATION: "服务台补偿",
}
STATEMENT_STATE_LABELS = {
    StatementState.DRAFT: "草稿",
    StatementState.ISSUED: "已开具",
    StatementState.ACKNOWLEDGED: "已确认",
    StatementState.DISPUTED: "有异议",
    StatementState.SETTLED: "已结算",
}


# Widths are whole numbers of GRID_PT (1.5 mm) and fill the 186 mm between the margins. The production
# year stands before the description, so the shared cell ends with the one free-text value.
CHARGEBACK_COLUMNS = (
    PdfColumn("序号", 10.5),
    PdfColumn("类别", 19.5),
    PdfColumn("退货/寄送单号", 30),
    PdfColumn("款号", 22.5),
    PdfColumn("生产年份", 15),
    PdfColumn("说明", 61.5),
    PdfColumn("金额", 27, right=True),
)


def printed_state(statement) -> str:
    """The state the documents print: a draft's preview says 草稿; an issued statement's documents say 已开具
    whatever it has become since (they are frozen at issue, so a render after the party answered, or a second
    render, prints what the first did)."""
    return StatementState.DRAFT if statement.state == StatementState.DRAFT else StatementState.ISSUED


def chargeback_lines(statement) -> list:
    """The statement's lines in print order, with their Return and shipment in the same query."""
    return list(
        statement.lines.select_related(
            "return_item", "shipment", "refund__service_case", "compensation__service_case"
        ).order_by("position", "id")
    )


def line_reference(line) -> str:
    """The Return number or shipment number a chargeback line is for (empty for a line with neither)."""
    # A nullable foreign key with no id answers None without a query; set ones come from select_related.
    if line.return_item is not None:
        return line.return_item.number
    if line.shipment is not None:
        return line.shipment.number
    # A service-desk cost (issue 15) is known by its service case's number.
    desk_cost = line.refund or line.compensation
    if desk_cost is not None:
        return desk_cost.service_case.number
    return ""


def line_note(line) -> str:
    """What 说明 prints for a line: its description without the Return or shipment number (printed in its own
    column already), and for an amount finance adjusted, the amount as built and the reason."""
    reference = line_reference(line)
    words = line.description.split()
    note = " ".join(word for word in words if word != reference) if reference else line.description
    if line.built_amount is not None:
        adjusted = f"原金额 {money(line.built_amount)}，调整原因：{line.adjustment_reason}"
        note = f"{note}\n{adjusted}" if note else adjusted
    return note


def chargeback_context(statement, lines: list | None = None) -> dict:
    """What the 扣款单 template prints: lines as plain tuples of text (lean cells, see bench/RESULTS.md)."""
    lines = chargeback_lines(statement) if lines is None else lines
    total = total_of(line.amount for line in lines)
    rows = [
        (
            index,
            label(KIND_LABELS, ChargebackLineKind, line.kind),
            line_reference(line),
            line.style_no,
            line.production_year or "",
            line_note(line),
            money(line.amount),
        )
        for index, line in enumerate(lines, start=1)
    ]
    return {
        "title": "扣款单",
        "title_en": "Chargeback statement",
        "document": statement,
        "number": statement.number,
        "version": statement.version,
        "party_name": party_name(statement),
        "party_code": party_code(statement),
        "party_type": label(PARTY_TYPE_LABELS, PartyType, statement.party_type),
        "period": period_text(statement.period),
        "state": label(STATEMENT_STATE_LABELS, StatementState, printed_state(statement)),
        "draft": statement.state == StatementState.DRAFT,
        "issued_on": date_text(statement.issued_at),
        "preparer": person(statement.issued_by) if statement.issued_by_id else "",
        **lines_table(rows, CHARGEBACK_COLUMNS, merged=6),
        "line_count": len(rows),
        "total": money(total),
        "total_capital": rmb_capital(total),
        "previous": statement.previous.number if statement.previous_id else "",
    }


def chargeback_pdf(statement, *, lines: list | None = None) -> bytes:
    """扣款单 as PDF: header, party, period, number and version, lines, totals with 大写金额, signatures.

    A draft carries a 草稿 / DRAFT watermark. ``lines`` (unsaved lines, in order) is for previews and
    the benchmark; by default the statement's lines are read in position order.
    """
    return render_pdf("pdf/chargeback.html", chargeback_context(statement, lines))


def chargeback_xlsx(statement, *, lines: list | None = None) -> bytes:
    """扣款单 as XLSX: the same facts and lines as the PDF, amounts numeric in CNY, a total row equal to their sum."""
    lines = chargeback_lines(statement) if lines is None else lines
    total = sum((line.amount for line in lines), Decimal("0.00"))
    columns = [
        XlsxColumn("序号 No.", 7, INTEGER_FORMAT),
        XlsxColumn("类别 Kind", 12),
        XlsxColumn("退货/寄送单号 Return / shipment", 20),
        XlsxColumn("款号 Style no.", 14),
        XlsxColumn("说明 Description", 40),
        XlsxColumn("生产年份 Production year", 10, INTEGER_FORMAT),
        XlsxColumn("金额 Amount", 14, CNY_FORMAT),
    ]
    rows = (
        (
            index,
            label(KIND_LABELS, ChargebackLineKind, line.kind),
            line_reference(line),
            line.style_no,
            line.description,
            line.production_year,
            cny_amount(line.amount),
        )
        for index, line in enumerate(lines, start=1)
    )
    party = party_name(statement)
    code = party_code(statement)
    return workbook_bytes(
        title=f"扣款单 {statement.number} v{statement.version}",
        sheet_title=f"扣款单 {statement.number}",
        columns=columns,
        title_rows=[
            [f"扣款单 Chargeback statement — {statement.number} 第{statement.version}版"],
            ["责任方 Party", f"{party}（{code}）" if code else party, "", "期间 Period", statement.period_label],
            [
                "状态 State",
                label(STATEMENT_STATE_LABELS, StatementState, printed_state(statement)),
                "",
                "开具日期 Issued on",
                date_text(statement.issued_at) or "—",
            ],
            ["大写金额 In words", f"人民币{rmb_capital(total)}"],
        ],
        rows=rows,
        total_row=["合计 Total", "", "", "", f"{len(lines)} 项", None, cny_amount(total)],
        created=statement.issued_at or statement.period,
    )
