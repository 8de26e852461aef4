"""Page-number pagination for list pages that stays cheap on a million rows."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``), never the whole table.

    A technician's list of every return would otherwise COUNT a million rows on
    each page view. Past the cap the page says "more than 10,000 rows" and
    offers the filters; the first ``cap`` rows stay reachable page by page.
    """

    cap = 10_000

    @cached_property
    def _capped_count(self) -> int:
        object_list = self.object_list
        if hasattr(object_list, "count") and hasattr(object_list, "query"):
            return object_list[: self.cap + 1].count()
        return len(object_list)

    @cached_property
    def count(self) -> int:
        return min(self._capped_count, self.cap)

    @property
    def capped(self) -> bool:
        return self._capped_count > self.cap
