"""Rectification orders over the API: ``/api/v1/rectification-orders/`` (api-contract.md).

Reads through ``quality.selectors.orders`` (an order outside the scope is a 404: another supplier's or store's
order too), writes through ``quality.services.orders``; refusals follow ``aftersales.fsm`` (404, 409, 403, then
400) and change nothing. ``/pdf/`` serves the order's PDF the render task stored.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated

from aftersales.api.views import REFUSALS, NoContentNegotiation, ScopedWorkflowViewSet, transition_schema
from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from quality.api.serializers.orders import (
    RectificationOrderCreateInputSerializer,
    RectificationOrderDetailSerializer,
    RectificationOrderRespondInputSerializer,
    RectificationOrderSerializer,
    RectificationOrderVerifyInputSerializer,
)
from quality.models.orders import RectificationOrder, is_qa
from quality.selectors.orders import RectificationOrderFilter, order_get, order_list
from quality.services import orders as services

PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The order's PDF."),
    401: REFUSALS[401],
    404: REFUSALS[404],
    409: OpenApiResponse(description="The PDF is still being made."),
}


def open_refusal(user):
    if not is_qa(None, user):
        return TransitionForbidden(_("Only QA opens rectification orders."), transition="open")
    return None


@extend_schema_view(
    list=extend_schema(summary="Rectification orders within your scope (?state=, ?party_type=, ?party=, ?overdue=)"),
    retrieve=extend_schema(summary="One rectification order with its recurrence count and timeline"),
)
class RectificationOrderViewSet(ScopedWorkflowViewSet):
    """质量整改令: opened by QA, answered by the party under 四不放过, verified by QA."""

    # Every role may ask; the scope decides what it sees (QA all, a supplier or a store its own).
    permission_classes = [IsAuthenticated]
    selector = staticmethod(order_list)
    getter = staticmethod(order_get)
    serializer_class = RectificationOrderSerializer
    detail_serializer_class = RectificationOrderDetailSerializer
    filterset_class = RectificationOrderFilter
    queryset_model = RectificationOrder
    cursor_ordering = "-id"

    @extend_schema(
        summary="Open a rectification order (QA)",
        request=RectificationOrderCreateInputSerializer,
        responses={201: RectificationOrderDetailSerializer, **{code: REFUSALS[code] for code in (400, 401, 403)}},
    )
    def create(self, request, *args, **kwargs):
        refused = open_refusal(request.user)
        if refused is not None:
            raise refused
        data = self.read_input(RectificationOrderCreateInputSerializer, refuse=lambda: open_refusal(request.user))
        order = services.open_order(by=request.user, **data)
        return self.detail_response(order.pk, status_code=status.HTTP_201_CREATED)

    @transition_schema(
        RectificationOrderRespondInputSerializer, RectificationOrderDetailSerializer,
        "The party's answer under 四不放过: root cause, corrective action, accountability, staff education",
    )  # fmt: skip
    @action(detail=True, methods=["post"], url_path="respond")
    def respond(self, request, pk=None):
        order = self.get_object()
        data = self.read_input(RectificationOrderRespondInputSerializer, order, transition="respond")
        services.order_respond(order=order, user=request.user, answers=data)
        return self.detail_response(order.pk)

    @transition_schema(
        RectificationOrderVerifyInputSerializer, RectificationOrderDetailSerializer,
        "QA's verification: effective closes the order, not effective sends it back with the reason",
    )  # fmt: skip
    @action(detail=True, methods=["post"], url_path="verify")
    def verify(self, request, pk=None):
        order = self.get_object()
        data = self.read_input(RectificationOrderVerifyInputSerializer, order, transition="verify")
        services.order_verify(order=order, user=request.user, effective=data["effective"], notes=data["notes"])
        return self.detail_response(order.pk)

    @extend_schema(summary="The order's PDF for the party", responses=PDF_RESPONSES)
    @action(detail=True, methods=["get"], url_path="pdf", content_negotiation_class=NoContentNegotiation)
    def pdf(self, request, pk=None):
        order = self.get_object()
        return pdf_response(order)


def pdf_response(order: RectificationOrder) -> FileResponse:
    """The stored PDF (shared with the page's download), or 409 while the task is still making it."""
    if not order.documents_ready:
        raise TransitionStateConflict(_("The PDF is being made; try again in a moment."))
    try:
        handle = order.pdf.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=f"{order.number}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Checksum-SHA256"] = order.pdf_sha256
    return response
