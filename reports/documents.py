"""The monthly reports 月度报表 on paper: one list of tables, read from a run's figures, feeds the PDF and the XLSX.

The PDF is rendered by the core's one PDF renderer (``aftersales.exports.pdf``), the XLSX written by its one
XLSX writer (``aftersales.exports.xlsx``); both are stored with their SHA-256 when the run is built
(``reports.services.reportrun_build``), and a run's scoped figures are downloaded as XLSX from the same tables.
"""

from __future__ import annotations

from decimal import Decimal

from aftersales.exports.xlsx import CNY_FORMAT, XlsxColumn, XlsxSheet, write_workbook
from aftersales.money import format_money
from reports.choices import ReportKind
from reports.common import Table, dec
from reports.kinds import parts_usage, quality_summary, service_desk
from reports.models import ReportRun
from suppliers.choices import InspectionSeverity, Responsibility

# The stored documents are the center's paper: Chinese with an English gloss whatever the requester's language (like
# the month-end forms), so their bytes never depend on who asked.
TITLES = {
    ReportKind.SCRAP: ("报废报表", "Monthly scrap report"),
    ReportKind.SUPPLIER_QUALITY: ("供应商质量评估", "Supplier quality report"),
    ReportKind.TURNAROUND: ("返修周期报表", "Turnaround report"),
    ReportKind.SERVICE_DESK: service_desk.TITLE,
    ReportKind.PARTS_USAGE: parts_usage.TITLE,
    ReportKind.QUALITY_SUMMARY: quality_summary.TITLE,
}
# The reports that keep their tables in their own module (``reports.kinds``).
KIND_TABLES = {
    ReportKind.SERVICE_DESK: service_desk.tables,
    ReportKind.PARTS_USAGE: parts_usage.tables,
    ReportKind.QUALITY_SUMMARY: quality_summary.tables,
}
RESPONSIBILITY = {"supplier": "供应商", "store": "专卖店", "customer": "顾客", "hq": "总公司", "": "—"}


def responsibility_label(value: str) -> str:
    """Words, never the stored code, for a responsibility (a choice added later prints its Chinese label)."""
    from aftersales.exports.pdf import label  # WeasyPrint loads only when a document is made

    return label(RESPONSIBILITY, Responsibility, value)


SEVERITY = {"normal": "正常检验", "tightened": "加严检验", "reduced": "放宽检验", "discontinued": "暂停检验", "": "—"}


def severity_label(value: str) -> str:
    """A supplier's inspection severity in words (reports built before issue 16 have none: "—")."""
    from aftersales.exports.pdf import label

    return label(SEVERITY, InspectionSeverity, value)


_dec = dec


def report_tables(kind: str, figures: dict) -> list[Table]:
    """The report's tables in print order, read from its figures (the run's ``data``)."""
    if kind in KIND_TABLES:
        return KIND_TABLES[kind](figures)
    if kind == ReportKind.SCRAP:
        head = ["件数 Units", "成本 Cost (CNY)"]

        def by(key: str, title: str, first: list[str], cells) -> Table:
            rows = [[*cells(row), row["units"], _dec(row["cost"])] for row in figures.get(key, [])]
            return Table(key, title, [*first, *head], rows, frozenset({len(first) + 1}))

        totals = figures.get("totals", {})
        return [
            Table(
                "totals", "合计 Totals", head, [[totals.get("units", 0), _dec(totals.get("cost", "0"))]],
                frozenset({1}),
            ),
            by(
                "by_supplier", "按供应商 By supplier", ["代码 Code", "供应商 Supplier"],
                lambda r: [r["code"], r["name"]],
            ),
            by(
                "by_store", "按专卖店 By store", ["代码 Code", "专卖店 Store", "区域 Region"],
                lambda r: [r["code"], r["name"], r["region"]],
            ),
            by("by_region", "按区域 By region", ["代码 Code", "区域 Region"], lambda r: [r["code"], r["name"]]),
            by(
                "by_defect", "按缺陷代码 By defect code", ["代码 Code", "缺陷 Defect"],
                lambda r: [r["code"] or "—", r["name_zh"] or "未编码"],
            ),
            by("by_year", "按生产年份 By production year", ["生产年份 Year"], lambda r: [r["year"]]),
            by(
                "by_responsibility", "按责任方 By responsibility", ["责任方 Party"],
                lambda r: [responsibility_label(r["responsibility"])],
            ),
        ]  # fmt: skip
    if kind == ReportKind.SUPPLIER_QUALITY:
        headers = [
            "排名 Rank", "代码 Code", "供应商 Supplier", "评分 Score", "环比 Δ score", "退货 Returns", "环比 Δ returns",
            "责任件/鉴定 Fault/inspected", "主要缺陷 Top defects", "报废件 Scrapped", "报废成本 Scrap cost",
            "维修费 Repair cost", "扣款 Chargebacks", "准时率 On time %", "大货合格率 Incoming pass %",
            "不合格批 Lots rejected", "检验严格度 Severity",
        ]  # fmt: skip
        rows = [
            [
                row["rank"], row["code"], row["name"], _dec(row["score"]), _dec(row["score_change"]), row["logged"],
                row["logged_change"], f"{row['supplier_fault']}/{row['inspected']}",
                "、".join(f"{d['code']}×{d['units']}" for d in row["top_defects"]), row["scrap_units"],
                _dec(row["scrap_cost"]), _dec(row["repair_cost"]), _dec(row["chargebacks"]), _dec(row["on_time_share"]),
                _dec(row.get("incoming_pass_rate")), row.get("lots_rejected", 0),
                severity_label(row.get("severity", "")),
            ]
            for row in figures.get("ranking", [])
        ]  # fmt: skip
        return [Table("ranking", "供应商排名 Supplier ranking", headers, rows, frozenset({10, 11, 12}))]
    headers = ["件数 Units", "准时 On time", "超期 Late", "准时率 On time %", "中位天数 Median days"]

    def turnaround_cells(row: dict) -> list:
        return [row["units"], row["on_time"], row["late"], _dec(row["on_time_share"]), _dec(row["median_days"])]

    totals = figures.get("totals", {})
    return [
        Table("totals", "合计 Totals", headers, [turnaround_cells(totals)] if totals.get("units") else []),
        Table(
            "by_region", "按区域 By region", ["代码 Code", "区域 Region", *headers],
            [[r["code"], r["name"], *turnaround_cells(r)] for r in figures.get("by_region", [])],
        ),
        Table(
            "by_store", "按专卖店 By store", ["代码 Code", "专卖店 Store", "区域 Region", *headers],
            [[r["code"], r["name"], r["region"], *turnaround_cells(r)] for r in figures.get("by_store", [])],
        ),
        Table(
            "trend", "趋势 Trend", ["月份 Month", "件数 Units", "准时 On time", "准时率 On time %"],
            [[r["period"], r["units"], r["on_time"], _dec(r["on_time_share"])] for r in figures.get("trend", [])],
        ),
        Table(
            "freight_by_store", "运费·按专卖店 Freight by store",
            ["代码 Code", "专卖店 Store", "区域 Region", "包裹 Parcels", "已计运费 Priced", "运费 Freight"],
            [[r["code"], r["name"], r["region"], r["parcels"], r["priced"], _dec(r["freight"])]
             for r in figures.get("freight_by_store", [])],
            frozenset({5}),
        ),
        Table(
            "freight_by_carrier", "运费·按承运商 Freight by carrier",
            ["承运商 Carrier", "包裹 Parcels", "已计运费 Priced", "运费 Freight"],
            [[r["carrier"] or "—", r["parcels"], r["priced"], _dec(r["freight"])]
             for r in figures.get("freight_by_carrier", [])],
            frozenset({3}),
        ),
    ]  # fmt: skip


def _cell_text(value, is_money: bool) -> str:
    if value is None or value == "":
        return "—"
    if is_money:
        return format_money(value)
    return str(value)


def report_pdf(run: ReportRun, figures: dict) -> bytes:
    """The report as the center's PDF (``templates/pdf/report_<kind>.html``, rendered by ``aftersales.exports.pdf``)."""
    from aftersales.exports.pdf import render_pdf

    title, title_en = TITLES[run.kind]
    tables = []
    for table in report_tables(run.kind, figures):
        # Numbers (counts, shares, amounts) stand right-aligned under a right-aligned header, as on paper.
        numeric = [
            index in table.money_columns
            or all(isinstance(row[index], int | float | Decimal) or row[index] in (None, "") for row in table.rows)
            for index in range(len(table.headers))
        ]
        tables.append(
            {
                "key": table.key,
                "title": table.title,
                "headers": [(header, "r" if numeric[index] else "") for index, header in enumerate(table.headers)],
                "rows": [
                    [
                        (_cell_text(value, index in table.money_columns), "r" if numeric[index] else "")
                        for index, value in enumerate(row)
                    ]
                    for row in table.rows
                ],
            }
        )
    context = {
        "title": title,
        "title_en": title_en,
        "number": f"{run.period:%Y-%m}",
        "period": f"{run.period.year}年{run.period.month}月",
        "figures": figures,
        "tables": tables,
    }
    return render_pdf(f"pdf/report_{run.kind}.html", context)


def report_xlsx(run: ReportRun, figures: dict, *, title_suffix: str = "") -> bytes:
    """The report as XLSX, one sheet per table; deterministic (dated by the period, like the month-end documents)."""
    title, title_en = TITLES[run.kind]
    sheets = [
        XlsxSheet(
            title=table.title,
            title_rows=[[f"{title} {title_en} {run.period:%Y-%m}{title_suffix} — {table.title}"]],
            title_size=13,
            columns=[
                XlsxColumn(header, width=None, number_format=CNY_FORMAT if index in table.money_columns else None)
                for index, header in enumerate(table.headers)
            ],
            rows=table.rows,
            freeze_header=False,
            wrap_header=False,
        )
        for table in report_tables(run.kind, figures)
    ]
    # Dated by the period, never the clock: a rebuilt report has the same bytes and checksum.
    return write_workbook(sheets, title=f"{title} {run.period:%Y-%m}", created=run.period)
