"""The inspection report 验货报告单 of an incoming lot's sample inspection: a Chinese A4 PDF, frozen at the result.

Laid out by ``templates/pdf/incoming_inspection.html`` through the one renderer
(``aftersales.exports.pdf.render_pdf``): Chinese form text with an English gloss, whatever the viewer's
language. It prints the lot, the plan of each defect class (code letter, n, Ac, Re), what was found,
the computed verdict, the inspector, the photos' thumbnails (as ``data:`` URLs: the renderer fetches
nothing else) and the signature blocks. The first render after the result is stored with its SHA-256
and served from then on (``inspection_report_freeze``), so the paper never changes.
"""

from __future__ import annotations

import base64
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404, HttpResponse

from aftersales.display import display_name, format_document_date
from aftersales.exports.pdf import render_pdf
from aftersales.exports.xlsx import DATETIME_FORMAT, INTEGER_FORMAT, XlsxColumn, XlsxSheet, write_workbook
from inspection.choices import DefectClass
from inspection.models import SampleInspection

CLASS_LABELS = {"critical": "致命缺陷 Critical", "major": "严重缺陷 Major", "minor": "轻微缺陷 Minor"}
SEVERITY_LABELS = {"normal": "正常检验 Normal", "tightened": "加严检验 Tightened", "reduced": "放宽检验 Reduced"}
MAX_THUMBNAILS = 12


def _thumbnail(photo) -> str | None:
    try:
        with photo.file.open("rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return None
    return f"data:{photo.content_type};base64,{base64.b64encode(content).decode('ascii')}"


def inspection_report_context(inspection: SampleInspection) -> dict:
    lot = inspection.lot
    rows = []
    for defect_class in (DefectClass.CRITICAL, DefectClass.MAJOR, DefectClass.MINOR):
        plan = inspection.plan.get(defect_class, {})
        found = inspection.found(defect_class)
        rows.append(
            {
                "label": CLASS_LABELS[defect_class],
                "aql": plan.get("aql", ""),
                "code_letter": plan.get("code_letter", ""),
                "sample_size": plan.get("sample_size", ""),
                "accept": plan.get("accept", ""),
                "reject": plan.get("reject", ""),
                "found": found,
                "verdict": "合格" if found <= plan.get("accept", 0) else "不合格",
            }
        )
    photos = [data for photo in list(inspection.photos.all())[:MAX_THUMBNAILS] if (data := _thumbnail(photo))]
    return {
        "title": "验货报告单",
        "title_en": "Incoming inspection report",
        "number": f"{lot.number}-{inspection.round}",
        "lot": lot,
        "inspection": inspection,
        "severity": SEVERITY_LABELS.get(inspection.severity, inspection.severity),
        "rows": rows,
        "defects": [
            (CLASS_LABELS[defect.defect_class], defect.defect_code.code, defect.defect_code.name_zh, defect.quantity)
            for defect in inspection.defects.all()
        ],
        "cartons": "、".join(str(carton) for carton in inspection.cartons_to_open),
        "items": "、".join(inspection.items_checked),
        "accepted": inspection.accepted,
        "inspector": inspection.inspector.get_full_name() or inspection.inspector.username
        if inspection.inspector
        else "",
        "inspected_on": format_document_date(inspection.inspected_at),
        "received_on": format_document_date(lot.received_at),
        "delivery_on": format_document_date(lot.delivery_date),
        "photos": photos,
    }


def inspection_report_pdf(inspection: SampleInspection) -> bytes:
    return render_pdf("pdf/incoming_inspection.html", inspection_report_context(inspection))


def inspection_report_freeze(inspection_id: int) -> SampleInspection:
    """Render and store the report of a finished inspection once, with its checksum; later calls serve it."""
    with transaction.atomic():
        inspection = SampleInspection.objects.select_for_update().select_related("lot").get(pk=inspection_id)
        if inspection.report_pdf or inspection.accepted is None:
            return inspection
        content = inspection_report_pdf(inspection)
        inspection.report_sha256 = hashlib.sha256(content).hexdigest()
        inspection.report_pdf.save(f"{inspection.lot.number}-{inspection.round}.pdf", ContentFile(content), save=False)
        inspection.save(update_fields=["report_pdf", "report_sha256", "updated_at"])
    return inspection


def incominglot_report_response(lot, round_value=None) -> HttpResponse:
    finished = [row for row in lot.inspections.all() if row.accepted is not None]
    if round_value not in (None, ""):
        finished = [row for row in finished if str(row.round) == str(round_value)]
    if not finished:
        raise Http404
    inspection = inspection_report_freeze(max(finished, key=lambda row: row.round).pk)
    with inspection.report_pdf.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{lot.number}-{inspection.round}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the daily inspection report 抽检日报: XLSX (the one writer) and an A4 PDF like the inspection report ---

DAILY_TITLE = "抽检日报"
DAILY_TITLE_EN = "Daily inspection report"
VERDICT_TEXT = {True: "合格 Accepted", False: "不合格 Rejected"}


def daily_report_xlsx(report) -> bytes:
    """The day's figures by supplier, then every inspection of the day, on two sheets."""
    title_rows = [[f"{DAILY_TITLE} {DAILY_TITLE_EN}"], [f"日期 Day: {report.day:%Y-%m-%d}"]]
    percent = "0.0"
    by_supplier = XlsxSheet(
        title="按供应商 By supplier",
        title_rows=title_rows,
        columns=[
            XlsxColumn("供应商代码 Supplier code", 16),
            XlsxColumn("供应商 Supplier", 28),
            XlsxColumn("抽检批次 Lots inspected", 14, INTEGER_FORMAT),
            XlsxColumn("合格 Accepted", 12, INTEGER_FORMAT),
            XlsxColumn("不合格 Rejected", 12, INTEGER_FORMAT),
            XlsxColumn("样本量合计 Items sampled", 14, INTEGER_FORMAT),
            XlsxColumn("合格率 % Pass rate", 12, percent),
        ],
        rows=[
            [
                row.supplier.code,
                row.supplier.name,
                row.inspected,
                row.accepted,
                row.rejected,
                row.sampled,
                row.pass_rate,
            ]
            for row in report.rows
        ],
        total_row=[
            "合计 Total",
            "",
            report.total.inspected,
            report.total.accepted,
            report.total.rejected,
            report.total.sampled,
            report.total.pass_rate,
        ],
    )
    lots = XlsxSheet(
        title="批次 Lots",
        title_rows=title_rows,
        columns=[
            XlsxColumn("批次 Lot", 18),
            XlsxColumn("次数 Round", 8, INTEGER_FORMAT),
            XlsxColumn("供应商 Supplier", 16),
            XlsxColumn("款号 Style", 14),
            XlsxColumn("严格度 Severity", 20),
            XlsxColumn("批量 Lot size", 10, INTEGER_FORMAT),
            XlsxColumn("样本量 Sample", 10, INTEGER_FORMAT),
            XlsxColumn("结论 Verdict", 16),
            XlsxColumn("检验员 Inspector", 16),
            XlsxColumn("检验时间 Inspected at", 18, DATETIME_FORMAT),
        ],
        rows=[
            [
                row.lot.number,
                row.round,
                row.lot.supplier.code,
                row.lot.style.style_no,
                SEVERITY_LABELS.get(row.severity, row.severity),
                row.lot.quantity,
                row.sample_size,
                VERDICT_TEXT[bool(row.accepted)],
                row.inspector,
                row.inspected_at,
            ]
            for row in report.inspections
        ],
    )
    return write_workbook([by_supplier, lots], title=f"{DAILY_TITLE} {report.day:%Y-%m-%d}", created=report.day)


def daily_report_pdf(report) -> bytes:
    """The day's report as a Chinese A4 PDF through the one renderer (``templates/pdf/daily_inspection.html``)."""
    context = {
        "title": DAILY_TITLE,
        "title_en": DAILY_TITLE_EN,
        "number": f"{report.day:%Y-%m-%d}",
        "report": report,
        "day": format_document_date(report.day),
        "lines": [
            {
                "lot": row.lot,
                "round": row.round,
                "severity": SEVERITY_LABELS.get(row.severity, row.severity),
                "verdict": VERDICT_TEXT[bool(row.accepted)],
                "inspector": display_name(row.inspector) if row.inspector else "",
                "sample_size": row.sample_size,
            }
            for row in report.inspections
        ],
    }
    return render_pdf("pdf/daily_inspection.html", context)
