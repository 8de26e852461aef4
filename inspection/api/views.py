from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.api.views import ScopedWorkflowViewSet, transition_schema
from cases.api.serializers import ReturnSerializer
from inspection import aql
from inspection.api.serializers import (
    InspectionReportSerializer,
    ReturnInspectInputSerializer,
    SamplingPlanQuerySerializer,
    SamplingPlanSerializer,
)
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


class SamplingPlanView(APIView):
    """GB/T 2828.1 single sampling lookup: ``?lot_size=1500&level=II&severity=normal&aql=2.5``."""

    @extend_schema(
        summary="A GB/T 2828.1 single-sampling plan (code letter, n, Ac, Re) for a lot size, level, severity and AQL",
        parameters=[SamplingPlanQuerySerializer],
        responses=SamplingPlanSerializer,
    )
    def get(self, request):
        query = SamplingPlanQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        plan = aql.plan(data["lot_size"], data["aql"], severity=data["severity"], level=data["level"])
        return Response(
            SamplingPlanSerializer(
                {
                    **data,
                    "code_letter": plan.code_letter,
                    "sample_size": plan.sample_size,
                    "accept": plan.accept,
                    "reject": plan.reject,
                    "full_inspection": plan.full_inspection,
                }
            ).data
        )
