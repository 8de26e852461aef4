"""The customer's service receipt 受理回执 and the units' hang tags 挂牌, as PDF.

The receipt lists every unit the customer left in one visit (``customerview.selectors.receipt_returns``): brand,
store with its phone, date, and per unit the return number, style, colour, size, the problem as reported, the
day it is due back (dispatch + the turnaround, or "within N days of dispatch" while it waits for its parcel) and
a QR code of its status page (``customerview.links``). Two layouts: A4, and 80 mm for a counter's receipt
printer (``RECEIPT_FORMATS``). Hang tags are a sheet of A4 labels, one per unit, with the return number as text
and as a QR code holding just the number, which is what the center's receiving scan box reads.

QR codes are drawn by ``segno`` (pure Python, SVG that WeasyPrint draws as vectors, sharp on any printer) into
``data:`` URIs, the only thing the PDF renderer fetches. Like every paper form, the documents are Chinese
whatever the viewer's language (``aftersales.exports.pdf``); nothing on them is personal (no customer name or
phone), since a receipt leaves the store in the customer's pocket and a tag hangs on the garment.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.http import HttpResponse

from aftersales.exports.pdf import PDF_CONTENT_TYPE, date_text, render_pdf
from customerview.links import status_url
from customerview.progress import expected_back, waits_for_dispatch

A4 = "a4"
RECEIPT_80MM = "80mm"
RECEIPT_FORMATS = {A4: "pdf/service_receipt.html", RECEIPT_80MM: "pdf/service_receipt_80mm.html"}


def qr_data_uri(text: str, *, scale: int = 4) -> str:
    """``text`` as a QR code (error correction M, a quiet zone of 2 modules), an SVG ``data:`` URI."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=scale, border=2)


def due_back_text(item) -> str:
    """预计返还: the due date, "寄出后15天内" while the unit waits for its parcel, else a dash."""
    due = expected_back(item)
    if due is not None:
        return date_text(due) + "前"
    if waits_for_dispatch(item):
        return f"寄出后{settings.AFTERSALES_TURNAROUND_DAYS}天内"
    return "—"


def receipt_context(units) -> dict:
    units = list(units)
    first = units[0]
    store = first.store
    return {
        "title": "受理回执",
        "title_en": "Service receipt",
        "brand": settings.AFTERSALES_COMPANY_NAME,
        "store": store,
        "date": date_text(min(unit.created_at for unit in units)),
        "receipt_no": first.receipt_no,
        "turnaround_days": settings.AFTERSALES_TURNAROUND_DAYS,
        "units": [
            {
                "number": unit.number,
                "style_no": unit.style.style_no,
                "style_name": unit.style.name,
                "color": unit.color,
                "size": unit.size,
                "problem": unit.defect_description,
                "due_back": due_back_text(unit),
                "status_url": status_url(unit.number),
                "qr": qr_data_uri(status_url(unit.number), scale=3),
            }
            for unit in units
        ],
    }


def receipt_pdf(units, *, layout: str = A4) -> bytes:
    """受理回执 of ``units`` (one customer's visit, one store) in ``layout`` (``a4`` or ``80mm``)."""
    return render_pdf(RECEIPT_FORMATS[layout], receipt_context(units))


def tags_context(units) -> dict:
    units = list(units)
    return {
        "title": "挂牌",
        "tags": [
            {
                "number": unit.number,
                "store": unit.store.code,
                "style_no": unit.style.style_no,
                "color": unit.color,
                "size": unit.size,
                "date": date_text(unit.created_at),
                "qr": qr_data_uri(unit.number, scale=3),
            }
            for unit in units
        ],
    }


def tags_pdf(units) -> bytes:
    """挂牌: an A4 sheet of labels (3 × 7 per page), one per unit, its return number as text and QR code."""
    return render_pdf("pdf/hang_tags.html", tags_context(units))


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """A PDF answer opened inline, for printing from the browser."""
    response = HttpResponse(data, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def receipt_filename(item, layout: str) -> str:
    suffix = "" if layout == A4 else f"-{layout}"
    return f"{item.number}-receipt{suffix}.pdf"
