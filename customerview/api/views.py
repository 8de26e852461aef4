"""``GET /api/v1/returns/{id}/receipt/``: the customer's service receipt 受理回执 as PDF (api-contract.md).

An action of cases' ``ReturnViewSet`` added by ``customerview.hooks``. ``?format=`` picks the layout (``a4``,
the default, or ``80mm``); DRF's own use of ``format`` (picking a renderer) is switched off for it by
``NoContentNegotiation``. Whoever may see the Return may print it (others get 404); a cancelled unit has no
receipt (409); an unknown layout is a 400.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from aftersales.api.views import REFUSALS, NoContentNegotiation
from aftersales.fsm import TransitionStateConflict
from cases.choices import ReturnState
from customerview import documents
from customerview.selectors import receipt_returns


def receipt_layout(value: str | None) -> str:
    layout = (value or documents.A4).lower()
    if layout not in documents.RECEIPT_FORMATS:
        raise ValidationError({"format": [_("Choose “a4” or “80mm”.")]})
    return layout


@extend_schema(
    summary="The customer's service receipt 受理回执: a PDF of the units logged together, with status QR codes",
    parameters=[
        OpenApiParameter(
            "format", OpenApiTypes.STR, enum=sorted(documents.RECEIPT_FORMATS), description="a4 (default) or 80mm"
        )
    ],
    responses={
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The receipt."),
        **{code: REFUSALS[code] for code in (400, 401, 404, 409)},
    },
)
@action(
    detail=True,
    methods=["get"],
    url_path="receipt",
    url_name="receipt",
    filterset_class=None,
    content_negotiation_class=NoContentNegotiation,
)
def receipt(self, request, pk=None):
    item = self.get_object()
    layout = receipt_layout(request.query_params.get("format"))
    if item.state == ReturnState.CANCELLED:
        raise TransitionStateConflict(_("A cancelled return has no receipt."))
    units = receipt_returns(request.user, item)
    return documents.pdf_response(documents.receipt_pdf(units, layout=layout), documents.receipt_filename(item, layout))
