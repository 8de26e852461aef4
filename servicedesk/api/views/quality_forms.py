"""A case's quality information form over the API, ``/api/v1/service-cases/<case_pk>/quality-form/``, and the
escalations, ``/api/v1/escalations/``.

The form: GET (404 when the case is out of scope or has none), POST to make it from a quality case, PATCH to
correct a draft, ``approve/`` (QA's 批示), ``pdf/`` (a draft's preview marked 草稿, the approved form's stored,
frozen PDF). Reads go through the selectors, writes through the services; refusals follow ``aftersales.fsm``
(404, 409, 403, then 400) and change nothing.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.api.transitions import valid_input
from aftersales.api.views import REFUSALS, NoContentNegotiation, ScopedWorkflowViewSet
from aftersales.fsm import TransitionStateConflict, refusal
from servicedesk import services
from servicedesk.api.serializers.quality_forms import (
    EscalationAcknowledgeInputSerializer,
    EscalationSerializer,
    QualityFormApproveInputSerializer,
    QualityFormCreateInputSerializer,
    QualityFormSerializer,
    QualityFormUpdateInputSerializer,
)
from servicedesk.choices import QualityFormState
from servicedesk.models.quality_forms import Escalation
from servicedesk.selectors import servicecase_get
from servicedesk.selectors.quality_forms import escalation_get, escalation_list, qualityform_get
from servicedesk.services.quality_forms import quality_form_pdf

PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The form as an A4 PDF."),
    401: REFUSALS[401],
    404: REFUSALS[404],
    409: OpenApiResponse(description="The approved form's PDF is still being made; try again in a moment."),
}


class _CaseFormMixin:
    # Every role may ask; the case's scope decides (a supplier sees no case: 404).
    permission_classes = [IsAuthenticated]

    def answer(self, request, case_pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        form = qualityform_get(request.user, case_pk)
        return Response(QualityFormSerializer(form, context={"request": request}).data, status=status_code)


class QualityFormView(_CaseFormMixin, APIView):
    """产品质量信息传递处置单 of one quality case: read, make, correct while a draft."""

    @extend_schema(summary="The case's quality information form", responses={200: QualityFormSerializer, **REFUSALS})
    def get(self, request, case_pk: int):
        servicecase_get(request.user, case_pk)
        return self.answer(request, case_pk)

    @extend_schema(
        summary="Make the case's quality information form (hotline or QA; a quality case only)",
        request=QualityFormCreateInputSerializer,
        responses={201: QualityFormSerializer, **REFUSALS},
    )
    def post(self, request, case_pk: int):
        case = servicecase_get(request.user, case_pk)
        data = valid_input(
            QualityFormCreateInputSerializer(data=request.data),
            refuse=lambda: services.qualityform_create_refusal(user=request.user, case=case),
        )
        services.qualityform_create(user=request.user, case=case, **data)
        return self.answer(request, case_pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct a draft form (the handling opinion is QA's); an approved form is frozen (409)",
        request=QualityFormUpdateInputSerializer,
        responses={200: QualityFormSerializer, **REFUSALS},
    )
    def patch(self, request, case_pk: int):
        form = qualityform_get(request.user, case_pk)
        data = valid_input(
            QualityFormUpdateInputSerializer(data=request.data),
            refuse=lambda: services.QUALITYFORM_EDIT.refusal(form, request.user),
        )
        services.qualityform_update(user=request.user, form=form, **data)
        return self.answer(request, case_pk)


class QualityFormApproveView(_CaseFormMixin, APIView):
    """``approve``: the department leader's 批示 (QA), which freezes the form."""

    @extend_schema(
        summary="Approve the form with the handling opinion (QA); its PDF is then made and frozen",
        request=QualityFormApproveInputSerializer,
        responses={200: QualityFormSerializer, **REFUSALS},
    )
    def post(self, request, case_pk: int):
        form = qualityform_get(request.user, case_pk)
        data = valid_input(
            QualityFormApproveInputSerializer(data=request.data),
            refuse=lambda: refusal(form, "approve", request.user, check_conditions=False),
        )
        services.qualityform_approve(user=request.user, form=form, opinion=data.get("handling_opinion"))
        return self.answer(request, case_pk)


class QualityFormPdfView(_CaseFormMixin, APIView):
    """The form's PDF for whoever sees the case: a draft's preview (草稿), else the stored frozen file."""

    content_negotiation_class = NoContentNegotiation

    @extend_schema(summary="The quality information form as a PDF", responses=PDF_RESPONSES)
    def get(self, request, case_pk: int):
        form = qualityform_get(request.user, case_pk)
        return qualityform_pdf_response(form)


def qualityform_pdf_response(form) -> HttpResponse:
    """The PDF as a download (shared by the page): a draft rendered now, an approved form its stored file only."""
    if form.state == QualityFormState.DRAFT:
        response = HttpResponse(quality_form_pdf(form), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{form.number}-draft.pdf"'
    else:
        if not form.pdf_sha256:
            raise TransitionStateConflict(_("The approved form's PDF is being made; try again in a moment."))
        try:
            handle = form.pdf.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404 from error
        response = FileResponse(
            handle, content_type="application/pdf", as_attachment=True, filename=f"{form.number}.pdf"
        )
        response["X-Checksum-SHA256"] = form.pdf_sha256
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@extend_schema_view(
    list=extend_schema(
        summary="Escalations of major incidents and safety cases (?pending=true: those your role has not acknowledged)",
        parameters=[OpenApiParameter("pending", bool, description="Only those still waiting for your role(s).")],
    ),
    retrieve=extend_schema(summary="One escalation with its acknowledgements"),
)
class EscalationViewSet(ScopedWorkflowViewSet):
    """上报: major quality incidents and safety hazards reported to QA and the production VP, until acknowledged."""

    permission_classes = [IsAuthenticated]
    serializer_class = EscalationSerializer
    queryset_model = Escalation
    filterset_class = None
    cursor_ordering = "-id"
    getter = staticmethod(escalation_get)

    @staticmethod
    def selector(user):
        return escalation_list(user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Escalation.objects.none()
        pending = self.request.query_params.get("pending")
        wanted = {"true": True, "1": True, "false": False, "0": False}.get((pending or "").lower())
        return escalation_list(self.request.user, pending=wanted)

    @extend_schema(
        summary="Acknowledge the escalation for your role(s): QA or the production VP, once per role",
        request=EscalationAcknowledgeInputSerializer,
        responses={200: EscalationSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="acknowledge")
    def acknowledge(self, request, pk=None):
        escalation = self.get_object()
        data = valid_input(
            EscalationAcknowledgeInputSerializer(data=request.data),
            refuse=lambda: services.escalation_acknowledge_refusal(escalation, request.user),
        )
        services.escalation_acknowledge(user=request.user, escalation=escalation, note=data["note"])
        return self.detail_response(escalation.pk)
