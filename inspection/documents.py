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

from aftersales.display import format_document_date
from aftersales.exports.pdf import render_pdf
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
