from drf_spectacular.utils import extend_schema, extend_schema_view

from aftersales.api.views import ScopedReadOnlyViewSet
from inspection.api.serializers import DefectCodeSerializer
from inspection.filters import DefectCodeFilter
from inspection.selectors import defectcode_list


@extend_schema_view(
    list=extend_schema(summary="List defect codes"),
    retrieve=extend_schema(summary="A defect code"),
)
class DefectCodeViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(defectcode_list)
    serializer_class = DefectCodeSerializer
    filterset_class = DefectCodeFilter
    cursor_ordering = "code"
