"""Keyset (cursor) pagination for every API list.

The contract's ``{"next", "previous", "results"}`` without a table-wide COUNT
or OFFSET: page 1,000 of a million returns costs what page 1 costs.
"""

from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def get_ordering(self, request, queryset, view):
        # Each viewset names its own stable, unique ordering (e.g. by code).
        ordering = getattr(view, "cursor_ordering", None)
        if ordering:
            return (ordering,) if isinstance(ordering, str) else tuple(ordering)
        return super().get_ordering(request, queryset, view)
