from drf_spectacular.utils import extend_schema, extend_schema_view

from aftersales.api.views import ScopedReadOnlyViewSet
from stores.api.serializers import RegionSerializer, StoreSerializer
from stores.filters import RegionFilter, StoreFilter
from stores.selectors import region_list, store_list


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
