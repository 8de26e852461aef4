"""Reads of inspection reports 鉴定报告, incoming lots 大货批次, suppliers' severity switches and the daily
inspection report 抽检日报."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from inspection.models import IncomingLot, InspectionReport, SampleInspection, SeveritySwitch
from suppliers.models import Supplier


def inspectionreport_list(user) -> QuerySet[InspectionReport]:
    """Inspection reports 鉴定报告 of the Returns the user may see, with the Return, inspector and codes."""
    return (
        InspectionReport.objects.visible_to(user)
        .select_related("return_item__style", "inspector")
        .prefetch_related("defect_codes")
    )


def inspectionreport_get(user, pk) -> InspectionReport:
    """One inspection report; 404 outside the user's scope."""
    return get_object_or_404(inspectionreport_list(user), pk=pk)


def incominglot_list(user) -> QuerySet[IncomingLot]:
    """Incoming lots 大货批次 the user may see (a supplier: its own), with what a list row shows."""
    return (
        IncomingLot.objects.visible_to(user)
        .select_related("supplier", "style", "style__category", "registered_by")
        .prefetch_related("inspections")
    )


def incominglot_get(user, pk) -> IncomingLot:
    """One lot with its inspections, defects and photos; 404 outside the user's scope."""
    return get_object_or_404(
        incominglot_list(user).prefetch_related(
            "inspections__defects__defect_code", "inspections__photos", "inspections__inspector"
        ),
        pk=pk,
    )


def severityswitch_list(user, supplier=None) -> QuerySet[SeveritySwitch]:
    """Severity switches the user may see, newest first, with the lots behind each."""
    rows = SeveritySwitch.objects.visible_to(user).select_related("supplier", "decided_by").prefetch_related("lots")
    return rows.filter(supplier=supplier) if supplier is not None else rows


# --- the daily inspection report 抽检日报 ---


@dataclass(frozen=True)
class DailySupplierRow:
    """One supplier's inspections finished on the day (``supplier`` None: the total row)."""

    supplier: Supplier | None
    inspected: int
    accepted: int
    rejected: int
    sampled: int

    @property
    def pass_rate(self) -> Decimal | None:
        """Accepted ÷ inspected, in percent to one decimal; None when nothing was inspected."""
        if not self.inspected:
            return None
        return (Decimal(self.accepted) * 100 / self.inspected).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DailyInspectionReport:
    day: dt.date
    rows: list[DailySupplierRow]
    total: DailySupplierRow
    inspections: list[SampleInspection]


def shanghai_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The day's first instant and the next day's, on the Shanghai calendar (the project's time zone)."""
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone)
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), zone)


def daily_inspection_report(user, day: dt.date) -> DailyInspectionReport:
    """Lots inspected 抽检 on ``day`` (Shanghai): each sample inspection whose result was recorded that day, among
    the lots the user may see, counted by supplier (accepted, rejected, items sampled). A reworked lot's new
    inspection counts again, as the inspection it is. One query."""
    start, end = shanghai_day_bounds(day)
    inspections = list(
        SampleInspection.objects.filter(
            lot__in=IncomingLot.objects.visible_to(user).values("pk"),
            accepted__isnull=False,
            inspected_at__gte=start,
            inspected_at__lt=end,
        )
        .select_related("lot__supplier", "lot__style", "inspector")
        .order_by("lot__supplier__code", "inspected_at", "id")
    )
    rows = []
    for _supplier_id, same_supplier in groupby(inspections, key=lambda row: row.lot.supplier_id):
        group = list(same_supplier)
        accepted = sum(1 for row in group if row.accepted)
        rows.append(
            DailySupplierRow(
                supplier=group[0].lot.supplier,
                inspected=len(group),
                accepted=accepted,
                rejected=len(group) - accepted,
                sampled=sum(row.sample_size for row in group),
            )
        )
    total = DailySupplierRow(
        supplier=None,
        inspected=sum(row.inspected for row in rows),
        accepted=sum(row.accepted for row in rows),
        rejected=sum(row.rejected for row in rows),
        sampled=sum(row.sampled for row in rows),
    )
    return DailyInspectionReport(day=day, rows=rows, total=total, inspections=inspections)
