"""Reads of the defect-code catalogue and of inspection reports 鉴定报告."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from inspection.models import InspectionReport


def inspectionreport_list(user) -> QuerySet[InspectionReport]:
    """Inspection reports 鉴定报告 of the Returns the user may see, with the Return, inspector and codes."""
    return (
        InspectionReport.objects.visible_to(user)
        .select_related("return_item", "inspector")
        .prefetch_related("defect_codes")
    )


def inspectionreport_get(user, pk) -> InspectionReport:
    """One inspection report; 404 outside the user's scope."""
    return get_object_or_404(inspectionreport_list(user), pk=pk)
