"""The PostgreSQL backend (aftersales/postgresql/base.py) reads timestamps with psycopg's C loader and gives exactly
what Django's own loader gives: aware datetimes in UTC, the same instants, whatever the offset they were written
with."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from cases.models import Return
from tests.support.returns import log_returns

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the backend is PostgreSQL's (CI runs PostgreSQL)"),
]

MOMENTS = """
SELECT '2026-03-01 00:00:00+08'::timestamptz, '2026-10-25 01:30:00.123456-05'::timestamptz,
       '1999-12-31 23:59:59.999999+00'::timestamptz, NULL::timestamptz, now()
"""


def read(sql: str, *, django_loader: bool) -> tuple:
    with connection.cursor() as cursor:
        if django_loader:
            # Django's own loader, as its backend registers it on a cursor
            register_tzloader(dt.UTC, cursor.cursor)
        cursor.execute(sql)
        return cursor.fetchone()


def test_timestamps_read_by_the_c_loader_equal_djangos_in_value_and_time_zone():
    connection.ensure_connection()
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(1184, 0)
    # given the backend's cursor: psycopg's compiled loader, not Django's Python subclass
    assert loader.__module__.startswith("psycopg_binary") or loader.__module__.startswith("psycopg_c")
    fast, django = read(MOMENTS, django_loader=False), read(MOMENTS, django_loader=True)
    # then every value is the same instant, aware, in datetime.timezone.utc, and NULL stays None
    assert fast[:4] == django[:4]
    assert fast[0] == dt.datetime(2026, 2, 28, 16, 0, tzinfo=dt.UTC)
    assert fast[1] == dt.datetime(2026, 10, 25, 6, 30, 0, 123456, tzinfo=dt.UTC)
    assert fast[3] is None
    assert all(value.tzinfo is dt.UTC for value in fast if value is not None)
    assert all(value.tzinfo is dt.UTC for value in django if value is not None)


def test_a_model_saved_and_read_back_through_the_orm_keeps_its_moments(demo_user):
    (item,) = log_returns()
    created = Return.objects.values_list("created_at", flat=True).get(pk=item.pk)
    assert created == item.created_at
    assert created.tzinfo is dt.UTC
    # and an iterator (a named server-side cursor) reads them the same way
    assert [row.created_at for row in Return.objects.filter(pk=item.pk).iterator(chunk_size=1)] == [item.created_at]
