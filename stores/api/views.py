from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from aftersales.api.views import REFUSALS, ScopedReadOnlyViewSet, ScopedWorkflowViewSet
from stores.api.serializers import (
    DeliveryCreateInputSerializer,
    DeliveryImportInputSerializer,
    DeliverySerializer,
    RegionSerializer,
    StoreSerializer,
)
from stores.filters import DeliveryFilter, RegionFilter, StoreFilter
from stores.selectors import delivery_get, delivery_list, region_list, store_list
from stores.services import deliveries_import, delivery_record, delivery_record_refusal

MAX_IMPORT_BYTES = 2 * 1024 * 1024


@extend_schema_view(
    list=extend_schema(summary="List regions within your scope"),
    retrieve=extend_schema(summary="A region"),
)
class RegionViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(region_list)
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    cursor_ordering = "code"


@extend_schema_view(
    list=extend_schema(summary="List stores within your scope"),
    retrieve=extend_schema(summary="A store"),
)
class StoreViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(store_list)
    serializer_class = StoreSerializer
    filterset_class = StoreFilter
    cursor_ordering = "code"


@extend_schema_view(
    list=extend_schema(summary="List deliveries from logistics within your scope, newest first"),
    retrieve=extend_schema(summary="A delivery from logistics"),
)
class DeliveryViewSet(ScopedWorkflowViewSet):
    """Deliveries from logistics 物流到货: store staff record their own, logistics imports the warehouse file."""

    selector = staticmethod(delivery_list)
    getter = staticmethod(delivery_get)
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter
    cursor_ordering = "-id"

    @extend_schema(
        summary="Record a delivery (store staff of the store, or logistics)",
        request=DeliveryCreateInputSerializer,
        responses={201: DeliverySerializer, **{code: REFUSALS[code] for code in (400, 401, 403)}},
    )
    def create(self, request, *args, **kwargs):
        data = self.read_input(DeliveryCreateInputSerializer, refuse=lambda: delivery_record_refusal(user=request.user))
        delivery = delivery_record(user=request.user, **data)
        return self.detail_response(delivery.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Import the warehouse system's CSV of deliveries (all rows or none)",
        request={"multipart/form-data": DeliveryImportInputSerializer},
        responses={201: DeliverySerializer(many=True), **{code: REFUSALS[code] for code in (400, 401, 403)}},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        data = self.read_input(DeliveryImportInputSerializer, refuse=lambda: delivery_record_refusal(user=request.user))
        content = data["file"].read(MAX_IMPORT_BYTES + 1)
        if len(content) > MAX_IMPORT_BYTES:
            raise ValidationError({"file": [_("The file is larger than 2 MB; split it.")]})
        created = deliveries_import(user=request.user, content=content)
        return Response(DeliverySerializer(created, many=True).data, status=status.HTTP_201_CREATED)
