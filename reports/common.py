"""What every monthly report's figures share: the viewer's cut (``ReportScope``), the number formats, the median
from a histogram the database counted, the month as a filter, and the ``Table`` a report prints.

Kept apart from ``reports.selectors`` so the per-kind modules (``reports.kinds``) can use them while the selectors
register those kinds' sections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from aftersales.periods import period_bounds
from suppliers.choices import Responsibility

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class ReportScope:
    """Whose figures a report shows: everything (the center), some stores, or the units charged to some suppliers."""

    everything: bool = True
    store_ids: frozenset[int] = frozenset()
    supplier_ids: frozenset[int] = frozenset()

    def returns_q(self, prefix: str = "") -> Q:
        """The Returns in scope, written against a lookup ``prefix`` (``"return_item__"`` from a repair ticket)."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        if self.store_ids:
            condition |= Q(**{f"{prefix}store_id__in": sorted(self.store_ids)})
        if self.supplier_ids:
            condition |= Q(
                **{
                    f"{prefix}style__supplier_id__in": sorted(self.supplier_ids),
                    f"{prefix}responsibility": Responsibility.SUPPLIER,
                }
            )
        return condition

    def suppliers_q(self, field: str = "supplier_id") -> Q:
        """Documents addressed to a supplier: every one for the center, the own ones for a supplier user."""
        if self.everything:
            return Q()
        return Q(**{f"{field}__in": sorted(self.supplier_ids)})

    def stores_q(self, field: str = "store_id") -> Q:
        """Rows of a store (a service case, a stock movement): every one for the center, those of the own stores for
        a store or region user, none for a supplier (no store is theirs). A row with no store is the center's."""
        if self.everything:
            return Q()
        return Q(**{f"{field}__in": sorted(self.store_ids)})

    @property
    def has_stores(self) -> bool:
        """Whether a store-based report has anything of this viewer's: the center, or a user with stores."""
        return self.everything or bool(self.store_ids)


EVERYTHING = ReportScope()


def money(value) -> str:
    """Decimal money as the contract writes it: a string with two places."""
    return str((value if value is not None else ZERO).quantize(CENT, rounding=ROUND_HALF_UP))


def share(part: int, whole: int) -> str | None:
    """A percentage with one decimal place as a string ("83.3"), or None when there is nothing to divide."""
    if not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP))


def median_from_histogram(histogram: Iterable[tuple[int, int]]) -> str | None:
    """The median of values given as (value, how many) pairs, as a string with one decimal, None when empty."""
    pairs = sorted((value, count) for value, count in histogram if count)
    total = sum(count for _, count in pairs)
    if not total:
        return None
    # The middle value(s): positions (total-1)//2 and total//2 counted from 0.
    wanted = sorted({(total - 1) // 2, total // 2})
    found: list[int] = []
    seen = 0
    for value, count in pairs:
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return str((Decimal(sum(found)) / len(found)).quantize(TENTH, rounding=ROUND_HALF_UP))


def in_month(field: str, period: dt.date) -> Q:
    start, end = period_bounds(period)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


@dataclass(frozen=True)
class Table:
    """One table of a report: a sheet of the XLSX and a section of the PDF. Money cells are Decimal."""

    key: str
    title: str
    headers: list[str]
    rows: list[list]
    money_columns: frozenset[int] = frozenset()


def dec(value) -> Decimal | None:
    return None if value is None else Decimal(value)
