"""The packing list 装箱单 that travels with a parcel: an A4 PDF printed before dispatch.

It names the store, the date, the carrier and tracking number, and every unit on the shipment (return number,
style, colour, size and, for a recalled unit, the recall's number), with the shipment number as a QR code: the
service center's inbound page takes that code from a scanner to open the parcel (``cases.views.queues``).
Rendered on demand by the core's one PDF renderer, in Chinese whatever the viewer's language, like every
paper form (``aftersales.exports.pdf``).
"""

from __future__ import annotations

import segno
from django.http import HttpResponse

from aftersales.exports.pdf import PDF_CONTENT_TYPE, date_text, label, person, render_pdf
from cases.choices import ShipmentDirection, ShipmentState

DIRECTION_LABELS = {
    ShipmentDirection.TO_CENTER: "专卖店 → 售后服务中心",
    ShipmentDirection.TO_STORE: "售后服务中心 → 专卖店",
}
STATE_LABELS = {
    ShipmentState.DRAFT: "待发出",
    ShipmentState.IN_TRANSIT: "寄送中",
    ShipmentState.RECEIVED: "已签收",
}


def shipment_qr_data_uri(number: str) -> str:
    """The shipment number as a QR code, an SVG ``data:`` URI (the PDF renderer fetches nothing else)."""
    return segno.make(number, error="m", micro=False).svg_data_uri(scale=4, border=2)


def packinglist_context(shipment) -> dict:
    """What the packing list prints: the parcel's facts and one row per unit, in the order they were packed."""
    from cases.carriers import carrier_for

    lines = shipment.lines.select_related("return_item__style", "return_item__recall").order_by("id")
    rows = [
        {
            "index": index,
            "number": line.return_item.number,
            "style_no": line.return_item.style.style_no,
            "color": line.return_item.color,
            "size": line.return_item.size,
            "recall": line.return_item.recall.number if line.return_item.recall_id else "",
        }
        for index, line in enumerate(lines, start=1)
    ]
    carrier = carrier_for(shipment.carrier)
    return {
        "title": "装箱单",
        "title_en": "Packing list",
        "number": shipment.number,
        "draft": False,
        "store": f"{shipment.store.code} {shipment.store.name}",
        "direction": label(DIRECTION_LABELS, ShipmentDirection, shipment.direction),
        "state": label(STATE_LABELS, ShipmentState, shipment.state),
        # The date the parcel left, or (printed before dispatch) the day it was packed.
        "date": date_text(shipment.dispatched_at or shipment.created_at),
        "carrier": carrier.name if carrier else shipment.carrier,
        "tracking_no": shipment.tracking_no,
        "packed_by": person(shipment.created_by),
        "rows": rows,
        "unit_count": len(rows),
        "recall_count": sum(1 for row in rows if row["recall"]),
        "qr": shipment_qr_data_uri(shipment.number),
    }


def packinglist_pdf(shipment) -> bytes:
    """装箱单 as PDF (see the module)."""
    return render_pdf("pdf/packinglist.html", packinglist_context(shipment))


def packinglist_response(shipment) -> HttpResponse:
    """The packing list as a download answer (the API's and the shipment page's), opened inline for printing."""
    response = HttpResponse(packinglist_pdf(shipment), content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{shipment.number}-packing-list.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
