"""Incoming lots 大货批次 for tests: registered and inspected through the real services, and one snapshot."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from aftersales.models import TransitionLog
from inspection.models import IncomingLot
from inspection.services import (
    incominglot_record_result,
    incominglot_register,
    incominglot_review,
    incominglot_start_inspection,
)
from suppliers.models import Style, Supplier

ITEMS = ["外观", "尺寸", "做工", "面料"]


def user(username: str):
    return get_user_model().objects.get(username=username)


def register(*, supplier: str = "SUP01", style: str = "226101JK001", quantity: int = 1500, cartons: int = 60,
             days: int = 14) -> IncomingLot:  # fmt: skip
    """A lot registered by logistics1 (1 500 items: K, n = 125 at level II)."""
    return incominglot_register(
        user=user("logistics1"),
        supplier=Supplier.objects.get(code=supplier),
        style=Style.objects.get(style_no=style),
        po_number="PO-2026-001",
        quantity=quantity,
        cartons=cartons,
        delivery_date=timezone.localdate() + dt.timedelta(days=days),
    )


def inspect(lot: IncomingLot, *, major: int = 0, minor: int = 0, critical: int = 0) -> IncomingLot:
    """tech1 starts and records the inspection with this many defects per class (codes D01, D03, D06)."""
    lot = incominglot_start_inspection(user=user("tech1"), lot=lot)
    counts = (("critical", "D06", critical), ("major", "D01", major), ("minor", "D03", minor))
    defects = [
        {"defect_class": defect_class, "defect_code": code, "quantity": quantity}
        for defect_class, code, quantity in counts
        if quantity
    ]
    return incominglot_record_result(user=user("tech1"), lot=lot, defects=defects, items_checked=ITEMS)


def rejected(**kwargs) -> IncomingLot:
    return inspect(register(**kwargs), major=8)


def reviewed(disposition: str, **kwargs) -> IncomingLot:
    return incominglot_review(user=user("qa1"), lot=rejected(**kwargs), disposition=disposition, notes="与工厂确认")


def snapshot(lot: IncomingLot) -> dict:
    """Everything a refused request must leave as it was: the lot, its inspections, defects, logs, the supplier."""
    fresh = IncomingLot.objects.get(pk=lot.pk)
    return {
        "lot": {
            field.name: getattr(fresh, field.attname)
            for field in IncomingLot._meta.concrete_fields
            if field.name != "updated_at"
        },
        "inspections": [
            (
                row.round,
                row.accepted,
                row.inspector_id,
                row.started_at,
                row.inspected_at,
                row.items_checked,
                row.plan,
                sorted(row.defects.values_list("defect_class", "defect_code__code", "quantity")),
            )
            for row in fresh.inspections.order_by("round")
        ],  # fmt: skip
        "logs": TransitionLog.objects.for_object(fresh).count(),
        "severity": Supplier.objects.get(pk=fresh.supplier_id).inspection_severity,
        "switches": fresh.supplier.severity_switches.count(),
    }
