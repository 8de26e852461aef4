from drf_spectacular.utils import extend_schema, extend_schema_view

from cases.api.views import ScopedWorkflowViewSet
from inspection.api.serializers import InspectionReportSerializer
from inspection.filters import InspectionReportFilter
from inspection.selectors import inspectionreport_get, inspectionreport_list


@extend_schema_view(
    list=extend_schema(summary="List inspection reports within your scope, newest first"),
    retrieve=extend_schema(summary="An inspection report"),
)
class InspectionReportViewSet(ScopedWorkflowViewSet):
    """Inspection reports 鉴定报告, read-only: they are written by a Return's ``inspect``."""

    selector = staticmethod(inspectionreport_list)
    getter = staticmethod(inspectionreport_get)
    serializer_class = InspectionReportSerializer
    filterset_class = InspectionReportFilter
    cursor_ordering = "-id"
