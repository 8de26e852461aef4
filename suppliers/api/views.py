from drf_spectacular.utils import extend_schema, extend_schema_view

from aftersales.api.views import ScopedReadOnlyViewSet
from suppliers.api.serializers import CategorySerializer, StyleSerializer, SupplierSerializer
from suppliers.filters import CategoryFilter, StyleFilter, SupplierFilter
from suppliers.selectors import category_list, style_list, supplier_list


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
