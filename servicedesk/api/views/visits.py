"""On-site service over the API: ``/api/v1/service-cases/{case_pk}/visits/`` (api-contract.md ``visits/``).

``GET`` lists the case's visits, ``POST`` dispatches one (hotline, QA); each
visit has ``arrive``, ``sign`` and ``cancel`` (transitions), ``record_findings``
(an action), and two scope-checked downloads: ``signature/`` (the image) and
``form/`` (the signed result feedback form 处置结果反馈单, PDF). A case outside
the scope is a 404 for all of them; refusals follow ``aftersales.fsm``.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from aftersales.api.parsers import JSONParser
from aftersales.api.views import (
    REFUSALS,
    NoContentNegotiation,
    ScopedWorkflowViewSet,
    StoredFileAPIView,
    transition_schema,
)
from aftersales.files import upload_bytes
from servicedesk import services
from servicedesk.api.serializers.visits import (
    VisitArriveInputSerializer,
    VisitCancelInputSerializer,
    VisitDispatchInputSerializer,
    VisitFindingsInputSerializer,
    VisitSerializer,
    VisitSignInputSerializer,
)
from servicedesk.models import ServiceCase, Visit, VisitSignature
from servicedesk.selectors import servicecase_get, visit_get, visit_list
from servicedesk.services import visits as visit_services


def visit_form_response(visit: Visit) -> HttpResponse:
    """The frozen PDF of a signed visit's form (409 while it is being made; a failed render is queued again)."""
    from django.utils.translation import gettext as _

    from aftersales.fsm import TransitionStateConflict

    if not visit.signed_at:
        raise TransitionStateConflict(_("The customer has not signed the feedback form yet."), transition="form")
    if not visit.form_sha256:
        if visit.form_error:
            visit_services.visit_form_requeue(visit)
        raise TransitionStateConflict(_("The feedback form is being made; try again in a moment."), transition="form")
    with visit.form_pdf.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{visit.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@extend_schema_view(
    list=extend_schema(summary="The case's on-site visits"),
    retrieve=extend_schema(summary="One on-site visit with its crew, findings and signed form"),
)
class VisitViewSet(ScopedWorkflowViewSet):
    """On-site visits 现场服务 of a case: dispatched by the hotline or QA, recorded by the visit's technicians."""

    permission_classes = [IsAuthenticated]
    serializer_class = VisitSerializer
    filterset_class = None
    queryset_model = Visit
    cursor_ordering = "-id"
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def case(self) -> ServiceCase:
        return servicecase_get(self.request.user, self.kwargs["case_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Visit.objects.none()
        case = self.case()
        return visit_list(self.request.user).filter(service_case=case)

    def get_object(self):
        return visit_get(self.request.user, self.kwargs["pk"], case_pk=self.kwargs["case_pk"])

    @extend_schema(
        summary="Dispatch engineers on site (hotline, QA): technicians, lead when several, planned arrival",
        request=VisitDispatchInputSerializer,
        responses={201: VisitSerializer, **REFUSALS},
    )
    def create(self, request, *args, **kwargs):
        case = self.case()
        data = self.read_input(
            VisitDispatchInputSerializer, refuse=lambda: services.VISIT_DISPATCH.refusal(case, request.user)
        )
        visit = services.visit_dispatch(user=request.user, case=case, **data)
        return self.detail_response(visit.pk, status_code=status.HTTP_201_CREATED)

    @transition_schema(VisitArriveInputSerializer, VisitSerializer, "The engineers arrived (never before dispatch)")
    @action(detail=True, methods=["post"], url_path="arrive")
    def arrive(self, request, case_pk=None, pk=None):
        visit = self.get_object()
        data = self.read_input(VisitArriveInputSerializer, visit, transition="arrive")
        services.visit_arrive(user=request.user, visit=visit, at=data["arrived_at"])
        return self.detail_response(visit.pk)

    @transition_schema(
        VisitFindingsInputSerializer, VisitSerializer, "Record the findings and the handling (the visit's technicians)"
    )
    @action(detail=True, methods=["post"], url_path="record_findings")
    def record_findings(self, request, case_pk=None, pk=None):
        visit = self.get_object()
        data = self.read_input(
            VisitFindingsInputSerializer, refuse=lambda: services.VISIT_FINDINGS.refusal(visit, request.user)
        )
        services.visit_record_findings(user=request.user, visit=visit, **data)
        return self.detail_response(visit.pk)

    @extend_schema(
        summary="The customer signs the result feedback form: the canvas's PNG or a photo of the signed paper",
        request={"multipart/form-data": VisitSignInputSerializer, "application/json": VisitSignInputSerializer},
        responses={200: VisitSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="sign")
    def sign(self, request, case_pk=None, pk=None):
        visit = self.get_object()
        data = self.read_input(VisitSignInputSerializer, visit, transition="sign")
        upload = data["file"]
        services.visit_sign(
            user=request.user,
            visit=visit,
            content=upload_bytes(upload) if upload is not None else None,
            data_url=data["image"],
            source=data["source"],
            signer_name=data["signer_name"],
            filename=(upload.name or "") if upload is not None else "",
        )
        return self.detail_response(visit.pk)

    @transition_schema(VisitCancelInputSerializer, VisitSerializer, "Call the visit off before arrival (hotline, QA)")
    @action(detail=True, methods=["post"], url_path="cancel")
    def cancel(self, request, case_pk=None, pk=None):
        visit = self.get_object()
        data = self.read_input(VisitCancelInputSerializer, visit, transition="cancel")
        services.visit_cancel(user=request.user, visit=visit, **data)
        return self.detail_response(visit.pk)


@extend_schema(summary="Download the customer's signature of a visit (image)")
class VisitSignatureFileView(StoredFileAPIView):
    """The signature image, for whoever may see the visit's case (404 for anyone else)."""

    permission_classes = [IsAuthenticated]
    queryset_model = ServiceCase

    def get_stored_file(self, request, *, case_pk: int, pk: int) -> VisitSignature:
        visits = Visit.objects.visible_to(request.user).filter(service_case__pk=case_pk)
        return get_object_or_404(VisitSignature.objects.filter(visit__in=visits.values("pk")), visit_id=pk)


class VisitFormFileView(APIView):
    """The signed result feedback form 处置结果反馈单 (PDF), for whoever may see the visit's case."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = NoContentNegotiation

    @extend_schema(
        summary="Download the signed result feedback form (PDF)",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
            401: REFUSALS[401],
            404: REFUSALS[404],
            409: REFUSALS[409],
        },
    )
    def get(self, request, case_pk: int, pk: int):
        return visit_form_response(visit_get(request.user, pk, case_pk=case_pk))


__all__ = ["VisitFormFileView", "VisitSignatureFileView", "VisitViewSet", "visit_form_response"]
