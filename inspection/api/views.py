from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from aftersales.api.views import ScopedWorkflowViewSet, transition_schema
from cases.api.serializers import ReturnSerializer
from inspection.api.serializers import InspectionReportSerializer, ReturnInspectInputSerializer
from inspection.filters import InspectionReportFilter
from inspection.selectors import inspectionreport_get, inspectionreport_list
from inspection.services import return_inspect


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


# ``POST /api/v1/returns/{id}/inspect/``: an action of cases' ReturnViewSet (``self``), added to it by
# ``inspection.hooks`` (``cases.api.views.register_return_action``). No docstring: the operation is described by
# the viewset's, as every other action of the Return is.
@transition_schema(ReturnInspectInputSerializer, ReturnSerializer, "Inspect 鉴定 a received return (technician)")
@action(detail=True, methods=["post"], url_path="inspect")
def inspect(self, request, pk=None):
    item = self.get_object()
    data = self.read_input(ReturnInspectInputSerializer, item, transition="inspect")
    return_inspect(user=request.user, return_item=item, **data)
    return self.detail_response(item.pk)
