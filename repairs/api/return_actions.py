"""``POST /api/v1/returns/{id}/store-parts/``: the parts a store's local repair used, from its own stock.

An action of cases' ``ReturnViewSet`` (``self``), added by ``repairs.hooks`` through
``cases.api.views.register_return_action``.
"""

from __future__ import annotations

from rest_framework.decorators import action

from aftersales.api.views import transition_schema
from cases.api.serializers import ReturnSerializer
from repairs.api.serializers import ReturnStorePartsInputSerializer
from repairs.services import stock_use_at_store, stock_use_refusal


@transition_schema(
    ReturnStorePartsInputSerializer,
    ReturnSerializer,
    "Record the spare parts a local repair at the store used, from the store's stock (the store's own staff)",
)
@action(detail=True, methods=["post"], url_path="store-parts", url_name="store_parts")
def store_parts(self, request, pk=None):
    item = self.get_object()
    data = self.read_input(
        ReturnStorePartsInputSerializer, refuse=lambda: stock_use_refusal(user=request.user, return_item=item)
    )
    stock_use_at_store(user=request.user, return_item=item, parts=ReturnStorePartsInputSerializer.arguments(data))
    return self.detail_response(item.pk)
