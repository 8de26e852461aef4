"""Many row counts in one SQL statement: ``SELECT (SELECT COUNT(*) FROM (…)), (SELECT COUNT(*) FROM (…)), …``.

The home page shows a dozen counts (the apps' tiles, the master data); one query each made the page the slowest
in the product (issue 19). A tile gives its QuerySet, or a list of QuerySets to add up, instead of a number, and
``count_all`` counts them together. Each QuerySet is compiled by Django (its own SQL and parameters, as ``count()``
would filter it) and counted as a derived table, so DISTINCT, GROUP BY and joins count what ``count()`` counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

# What a tile may give as its count: a number already known, a QuerySet, or QuerySets to add up.
Countable = int | QuerySet | Sequence[QuerySet]


def _parts(item: Countable) -> list[QuerySet]:
    if isinstance(item, QuerySet):
        return [item]
    if isinstance(item, int):
        return []
    return list(item)


def _subquery(queryset: QuerySet) -> tuple[str, tuple[Any, ...]] | None:
    """``(SELECT COUNT(*) FROM (<the rows' keys>) AS …)`` with its parameters, or None when no row can match."""
    rows = queryset.order_by().values("pk")
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"(SELECT COUNT(*) FROM ({sql}) AS counted)", tuple(params)


def count_all(items: Sequence[Countable]) -> list[int]:
    """The count of each item (an int as it is, a QuerySet's rows, a list's rows added up), in one query at most."""
    columns: list[str] = []
    params: list[Any] = []
    # per item: its known number and the columns to add to it
    plan: list[tuple[int, list[int]]] = []
    using = None
    for item in items:
        known = item if isinstance(item, int) else 0
        indexes = []
        for queryset in _parts(item):
            part = _subquery(queryset)
            if part is None:
                continue
            using = using or queryset.db
            indexes.append(len(columns))
            columns.append(part[0])
            params.extend(part[1])
        plan.append((known, indexes))
    values: Sequence[int] = ()
    if columns:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(columns), params)
            values = cursor.fetchone()
    return [known + sum(values[index] for index in indexes) for known, indexes in plan]
