"""Reads of inspection reports 鉴定报告, incoming lots 大货批次 and suppliers' severity switches."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from inspection.models import IncomingLot, InspectionReport, SeveritySwitch


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
