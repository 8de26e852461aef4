from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.api.views import REFUSALS, ScopedWorkflowViewSet, transition_schema
from aftersales.fsm import TransitionForbidden
from cases.api.serializers import ReturnSerializer
from inspection import aql, permissions, services
from inspection.api.serializers import (
    AgreeReworkInputSerializer,
    DeclineReworkInputSerializer,
    IncomingLotCreateInputSerializer,
    IncomingLotDetailSerializer,
    IncomingLotSerializer,
    InspectionReportSerializer,
    LotEmptyInputSerializer,
    RecordResultInputSerializer,
    ReturnInspectInputSerializer,
    ReviewInputSerializer,
    SamplingPlanQuerySerializer,
    SamplingPlanSerializer,
)
from inspection.documents import incominglot_report_response
from inspection.filters import IncomingLotFilter, InspectionReportFilter
from inspection.selectors import incominglot_get, incominglot_list, inspectionreport_get, inspectionreport_list
from inspection.services import inspectionreport_agree_rework, inspectionreport_decline_rework, return_inspect


@extend_schema_view(
    list=extend_schema(summary="List inspection reports within your scope, newest first"),
    retrieve=extend_schema(summary="An inspection report"),
)
class InspectionReportViewSet(ScopedWorkflowViewSet):
    """Inspection reports 鉴定报告, written by a Return's ``inspect``; a supplier answers a rework request 返修."""

    selector = staticmethod(inspectionreport_list)
    getter = staticmethod(inspectionreport_get)
    serializer_class = InspectionReportSerializer
    filterset_class = InspectionReportFilter
    cursor_ordering = "-id"

    @transition_schema(
        AgreeReworkInputSerializer,
        InspectionReportSerializer,
        "Agree to rework the unit 经工厂同意, with the promised return date (the supplier)",
    )
    @action(detail=True, methods=["post"], url_path="agree_rework")
    def agree_rework(self, request, pk=None):
        report = self.get_object()
        data = self.read_input(AgreeReworkInputSerializer, report, transition="agree_rework")
        inspectionreport_agree_rework(user=request.user, report=report, promised_date=data["promised_date"])
        return self.detail_response(report.pk)

    @transition_schema(
        DeclineReworkInputSerializer,
        InspectionReportSerializer,
        "Decline to rework the unit, with a reason (the supplier)",
    )
    @action(detail=True, methods=["post"], url_path="decline_rework")
    def decline_rework(self, request, pk=None):
        report = self.get_object()
        data = self.read_input(DeclineReworkInputSerializer, report, transition="decline_rework")
        inspectionreport_decline_rework(user=request.user, report=report, reason=data["reason"])
        return self.detail_response(report.pk)


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


@extend_schema_view(
    list=extend_schema(summary="List incoming lots 大货批次 within your scope (a supplier: its own), newest first"),
    retrieve=extend_schema(summary="An incoming lot: plan, inspections, defects and the transitions you may fire"),
)
class IncomingLotViewSet(ScopedWorkflowViewSet):
    """Incoming bulk lots 大货批次: registered by logistics, sample-inspected under GB/T 2828.1, released only
    when accepted 抽检合格方能出货; a rejected lot is reviewed by QA (rework, return, or a concession the production
    VP approves)."""

    selector = staticmethod(incominglot_list)
    getter = staticmethod(incominglot_get)
    serializer_class = IncomingLotSerializer
    detail_serializer_class = IncomingLotDetailSerializer
    filterset_class = IncomingLotFilter
    cursor_ordering = "-id"

    @extend_schema(
        summary="Register a lot (logistics): its plan and the cartons to open are fixed now",
        request=IncomingLotCreateInputSerializer,
        responses={201: IncomingLotDetailSerializer, **{code: REFUSALS[code] for code in (400, 401, 403)}},
    )
    def create(self, request, *args, **kwargs):
        if not permissions.is_logistics(None, request.user):
            raise TransitionForbidden(_("Only logistics registers incoming lots."), transition="register")
        data = self.read_input(IncomingLotCreateInputSerializer)
        lot = services.incominglot_register(user=request.user, **data)
        return self.detail_response(lot.pk, status_code=status.HTTP_201_CREATED)

    @transition_schema(LotEmptyInputSerializer, IncomingLotDetailSerializer, "Start the sample inspection (technician)")
    @action(detail=True, methods=["post"], url_path="start_inspection")
    def start_inspection(self, request, pk=None):
        lot = self.get_object()
        self.read_input(LotEmptyInputSerializer, lot, transition="start_inspection")
        services.incominglot_start_inspection(user=request.user, lot=lot)
        return self.detail_response(lot.pk)

    @transition_schema(
        RecordResultInputSerializer,
        IncomingLotDetailSerializer,
        "Record what the sample showed (technician): the lot becomes accepted or rejected by the plan",
    )
    @action(detail=True, methods=["post"], url_path="record_result")
    def record_result(self, request, pk=None):
        lot = self.get_object()
        data = self.read_input(RecordResultInputSerializer, lot, transition="record_result")
        services.incominglot_record_result(user=request.user, lot=lot, **data)
        return self.detail_response(lot.pk)

    @transition_schema(
        LotEmptyInputSerializer, IncomingLotDetailSerializer, "Release an accepted lot 准予出货 (logistics)"
    )
    @action(detail=True, methods=["post"], url_path="release")
    def release(self, request, pk=None):
        lot = self.get_object()
        self.read_input(LotEmptyInputSerializer, lot, transition="release")
        services.incominglot_release(user=request.user, lot=lot)
        return self.detail_response(lot.pk)

    @transition_schema(
        ReviewInputSerializer,
        IncomingLotDetailSerializer,
        "Review a rejected lot (QA): rework (inspected again under tightened), return_to_supplier or concession",
    )
    @action(detail=True, methods=["post"], url_path="review")
    def review(self, request, pk=None):
        lot = self.get_object()
        data = self.read_input(ReviewInputSerializer, lot, transition="review")
        services.incominglot_review(user=request.user, lot=lot, **data)
        return self.detail_response(lot.pk)

    @transition_schema(
        LotEmptyInputSerializer, IncomingLotDetailSerializer, "Approve a concession 让步接收 (production VP): released"
    )
    @action(detail=True, methods=["post"], url_path="approve_concession")
    def approve_concession(self, request, pk=None):
        lot = self.get_object()
        self.read_input(LotEmptyInputSerializer, lot, transition="approve_concession")
        services.incominglot_approve_concession(user=request.user, lot=lot)
        return self.detail_response(lot.pk)

    @extend_schema(
        summary="The inspection report 验货报告单 (PDF) of the latest finished inspection; ?round= for another",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The PDF, frozen at the result."
            ),
            **{code: REFUSALS[code] for code in (401, 403, 404)},
        },
    )
    @action(detail=True, methods=["get"], url_path="report")
    def report(self, request, pk=None):
        return incominglot_report_response(self.get_object(), request.query_params.get("round"))
