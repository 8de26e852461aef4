"""The write-off list 报废清单 and the loss report 报损单 on paper: PDF and XLSX from the same printed values.

Both are rendered now, on demand, for whoever may see the document, by the core's one PDF renderer
(``aftersales.exports.pdf``) and one XLSX writer (``aftersales.exports.xlsx``). The party helpers here
(``party_name``, ``party_code``, ``PARTY_TYPE_LABELS``) also print the chargeback statement 扣款单, the other
document addressed to a party (``writeoffs.models.PartyMixin``).
"""

from __future__ import annotations

from collections.abc import Iterable
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
)
from aftersales.exports.xlsx import CNY_FORMAT, INTEGER_FORMAT, XlsxColumn, cny_amount, workbook_bytes
from aftersales.money import rmb_capital
from aftersales.periods import period_label
from suppliers.choices import Responsibility
from writeoffs.choices import PartyType, WriteOffListState

PARTY_TYPE_LABELS = {PartyType.SUPPLIER: "供应商", PartyType.STORE: "专卖店", PartyType.HQ: "总公司"}
WRITEOFF_STATE_LABELS = {
    WriteOffListState.DRAFT: "草稿",
    WriteOffListState.SUBMITTED: "已提交",
    WriteOffListState.CONFIRMED: "已确认",
    WriteOffListState.APPROVED: "已审批",
    WriteOffListState.DESTROYED: "已销毁",
}
RESPONSIBILITY_LABELS = {"supplier": "供应商", "store": "专卖店", "customer": "顾客", "hq": "总公司"}


# Widths are whole numbers of GRID_PT (1.5 mm) and fill the 186 mm between the margins.
WRITEOFF_COLUMNS = (
    PdfColumn("序号", 10.5),
    PdfColumn("退货单号", 30),
    PdfColumn("款号", 22.5),
    PdfColumn("生产年份", 15),
    PdfColumn("责任", 13.5),
    PdfColumn("供应商", 36),
    PdfColumn("专卖店", 34.5),
    PdfColumn("成本", 24, right=True),
)


def party_name(document) -> str:
    """The party's Chinese name: the supplier's or store's name, 总公司 for HQ."""
    if document.party_type == PartyType.HQ:
        return PARTY_TYPE_LABELS[PartyType.HQ]
    party = document.party
    return party.name if party is not None else ""


def party_code(document) -> str:
    party = document.party
    return getattr(party, "code", "") if party is not None else ""


# --- 报损单 ---------------------------------------------------------------------


def writeoff_values(lines: Iterable) -> tuple[list[tuple], Decimal]:
    """Write-off lines as printed values (cost still a Decimal) and their total: shared by PDF and XLSX."""
    rows, total = [], Decimal("0.00")
    for index, line in enumerate(lines, start=1):
        total += line.unit_cost
        rows.append(
            (
                index,
                line.return_item.number,
                line.style_no,
                line.production_year,
                label(RESPONSIBILITY_LABELS, Responsibility, line.responsibility),
                line.supplier.name if line.supplier_id else "",
                line.store.name,
                line.unit_cost,
            )
        )
    return rows, total


def writeoff_rows(lines: Iterable) -> tuple[list[tuple], Decimal]:
    values, total = writeoff_values(lines)
    return [(*row[:-1], money(row[-1])) for row in values], total


def lossreport_context(loss_report) -> dict:
    lines = loss_report.lines.select_related("return_item", "supplier", "store").order_by("id")
    rows, total = writeoff_rows(lines)
    return {
        "title": "报损单",
        "title_en": "Loss report",
        "document": loss_report,
        "number": loss_report.number,
        "party_name": party_name(loss_report),
        "party_code": party_code(loss_report),
        "party_type": label(PARTY_TYPE_LABELS, PartyType, loss_report.party_type),
        "period": period_text(loss_report.period),
        "list_number": loss_report.writeoff_list.number,
        "approved_on": date_text(loss_report.writeoff_list.approved_at),
        **lines_table(rows, WRITEOFF_COLUMNS, merged=7),
        "line_count": len(rows),
        "total": money(total),
        "total_capital": rmb_capital(total),
        "signed_by": person(loss_report.acknowledged_by) if loss_report.acknowledged_by_id else "",
        "signed_on": date_text(loss_report.acknowledged_at),
    }


def lossreport_pdf(loss_report) -> bytes:
    """报损单 as PDF: the party's scrapped units of one write-off list, total with 大写金额, the party's signature."""
    return render_pdf("pdf/lossreport.html", lossreport_context(loss_report))


# --- 报废清单 -------------------------------------------------------------------


def writeofflist_context(writeoff_list) -> dict:
    lines = (
        writeoff_list.lines.filter(removed_at__isnull=True)
        .select_related("return_item", "supplier", "store")
        .order_by("id")
    )
    rows, total = writeoff_rows(lines)
    approvals = [
        ("提交 Submitted", person(writeoff_list.submitted_by), date_text(writeoff_list.submitted_at)),
        ("确认 Confirmed", person(writeoff_list.confirmed_by), date_text(writeoff_list.confirmed_at)),
        ("审批 Approved", person(writeoff_list.approved_by), date_text(writeoff_list.approved_at)),
    ]
    destruction = None
    if writeoff_list.destroyed_on:
        destruction = {
            "on": date_text(writeoff_list.destroyed_on),
            "method": writeoff_list.destruction_method,
            "warehouse_person": writeoff_list.warehouse_person,
            "witness": writeoff_list.witness,
            "recorded_by": person(writeoff_list.destruction_recorded_by),
        }
    return {
        "title": "报废清单",
        "title_en": "Write-off list",
        "document": writeoff_list,
        "number": writeoff_list.number,
        "period": period_text(writeoff_list.period),
        "state": label(WRITEOFF_STATE_LABELS, WriteOffListState, writeoff_list.state),
        "draft": writeoff_list.state == WriteOffListState.DRAFT,
        **lines_table(rows, WRITEOFF_COLUMNS, merged=7),
        "line_count": len(rows),
        "total": money(total),
        "total_capital": rmb_capital(total),
        "approvals": approvals,
        "destruction": destruction,
    }


def writeofflist_pdf(writeoff_list) -> bytes:
    """报废清单 as PDF: live lines, total with 大写金额, who submitted/confirmed/approved when, and the destruction."""
    return render_pdf("pdf/writeofflist.html", writeofflist_context(writeoff_list))


# --- XLSX -----------------------------------------------------------------------

WRITEOFF_XLSX_COLUMNS = [
    XlsxColumn("序号 No.", 7, INTEGER_FORMAT),
    XlsxColumn("退货单号 Return", 20),
    XlsxColumn("款号 Style no.", 14),
    XlsxColumn("生产年份 Production year", 10, INTEGER_FORMAT),
    XlsxColumn("责任 Responsibility", 10),
    XlsxColumn("供应商 Supplier", 24),
    XlsxColumn("专卖店 Store", 20),
    XlsxColumn("成本 Cost", 14, CNY_FORMAT),
]


def _xlsx_rows(lines: Iterable) -> tuple[list[tuple], Decimal]:
    values, total = writeoff_values(lines)
    return [(*row[:-1], cny_amount(row[-1])) for row in values], total


def lossreport_xlsx(loss_report) -> bytes:
    """报损单 as XLSX: the party's scrapped units with their cost (numeric, CNY) and the total."""
    lines = loss_report.lines.select_related("return_item", "supplier", "store").order_by("id")
    rows, total = _xlsx_rows(lines)
    party = party_name(loss_report)
    code = party_code(loss_report)
    return workbook_bytes(
        title=f"报损单 {loss_report.number}",
        columns=WRITEOFF_XLSX_COLUMNS,
        title_rows=[
            [f"报损单 Loss report — {loss_report.number}"],
            [
                "责任方 Party",
                f"{party}（{code}）" if code else party,
                "",
                "期间 Period",
                period_label(loss_report.period),
            ],
            ["报废清单 Write-off list", loss_report.writeoff_list.number],
            ["大写金额 In words", f"人民币{rmb_capital(total)}"],
        ],
        rows=rows,
        total_row=["合计 Total", f"{len(rows)} 件", "", None, "", "", "", cny_amount(total)],
        created=loss_report.writeoff_list.approved_at or loss_report.period,
    )


def writeofflist_xlsx(writeoff_list) -> bytes:
    """报废清单 as XLSX: live lines with cost and responsible party, the total, then the approvals."""
    lines = (
        writeoff_list.lines.filter(removed_at__isnull=True)
        .select_related("return_item", "supplier", "store")
        .order_by("id")
    )
    rows, total = _xlsx_rows(lines)
    return workbook_bytes(
        title=f"报废清单 {writeoff_list.number}",
        columns=WRITEOFF_XLSX_COLUMNS,
        title_rows=[
            [f"报废清单 Write-off list — {writeoff_list.number}"],
            [
                "期间 Period",
                writeoff_list.period_label,
                "",
                "状态 State",
                label(WRITEOFF_STATE_LABELS, WriteOffListState, writeoff_list.state),
            ],
            [
                "提交 Submitted",
                person(writeoff_list.submitted_by),
                date_text(writeoff_list.submitted_at),
                "确认 Confirmed",
                person(writeoff_list.confirmed_by),
                date_text(writeoff_list.confirmed_at),
            ],
            [
                "审批 Approved",
                person(writeoff_list.approved_by),
                date_text(writeoff_list.approved_at),
                "销毁 Destroyed",
                date_text(writeoff_list.destroyed_on),
                writeoff_list.destruction_method,
            ],
            ["大写金额 In words", f"人民币{rmb_capital(total)}"],
        ],
        rows=rows,
        total_row=["合计 Total", f"{len(rows)} 件", "", None, "", "", "", cny_amount(total)],
        created=writeoff_list.approved_at or writeoff_list.submitted_at or writeoff_list.period,
    )
