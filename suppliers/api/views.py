from drf_spectacular.utils import extend_schema, extend_schema_view

from aftersales.api.views import ScopedReadOnlyViewSet
from suppliers.api.serializers import CategorySerializer, DefectCodeSerializer, StyleSerializer, SupplierSerializer
from suppliers.filters import CategoryFilter, DefectCodeFilter, StyleFilter, SupplierFilter
from suppliers.selectors import category_list, defectcode_list, style_list, supplier_list


@extend_schema_view(
    list=extend_schema(summary="List suppliers within your scope"),
    retrieve=extend_schema(summary="A supplier"),
)
class SupplierViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(supplier_list)
    serializer_class = SupplierSerializer
    filterset_class = SupplierFilter
    cursor_ordering = "code"


@extend_schema_view(
    list=extend_schema(summary="List categories with their warranty policy"),
    retrieve=extend_schema(summary="A category"),
)
class CategoryViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(category_list)
    serializer_class = CategorySerializer
    filterset_class = CategoryFilter
    cursor_ordering = "code"


@extend_schema_view(
    list=extend_schema(summary="List styles within your scope"),
    retrieve=extend_schema(summary="A style"),
)
class StyleViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(style_list)
    serializer_class = StyleSerializer
    filterset_class = StyleFilter
    cursor_ordering = "style_no"


@extend_schema_view(
    list=extend_schema(summary="List defect codes"),
    retrieve=extend_schema(summary="A defect code"),
)
class DefectCodeViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(defectcode_list)
    serializer_class = DefectCodeSerializer
    filterset_class = DefectCodeFilter
    cursor_ordering = "code"
