from drf_spectacular.utils import extend_schema, extend_schema_view

from aftersales.api.views import ScopedReadOnlyViewSet
from repairs.api.serializers import SparePartSerializer
from repairs.filters import SparePartFilter
from repairs.selectors import sparepart_list


@extend_schema_view(
    list=extend_schema(summary="List spare parts (service center)"),
    retrieve=extend_schema(summary="A spare part"),
)
class SparePartViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(sparepart_list)
    serializer_class = SparePartSerializer
    filterset_class = SparePartFilter
    cursor_ordering = "part_no"
