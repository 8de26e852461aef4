"""Many counts in one query (aftersales.counts, issue 19): each as ``count()`` would say, in one SQL statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.counts import count_all
from stores.models import Store, StoreMembership


@pytest.mark.django_db
def test_counts_equal_count_in_one_query(demo, demo_user):
    # Given querysets of every kind a tile gives: filtered, joined and DISTINCT (one row per membership otherwise),
    # empty by construction, a list to add up, and a number already known; S001 with two staff
    StoreMembership.objects.create(user=demo_user("store2"), store=Store.objects.get(code="S001"))
    stores = Store.objects.all()
    with_staff = Store.objects.filter(memberships__isnull=False).distinct()
    joined = Store.objects.filter(memberships__isnull=False)
    first = Store.objects.order_by("code")[:1].get()
    expected = [
        stores.count(),
        stores.filter(code=first.code).count(),
        with_staff.count(),
        joined.count(),
        0,
        stores.count() + with_staff.count(),
        7,
    ]
    assert with_staff.count() < joined.count()
    # When they are counted together
    with CaptureQueriesContext(connection) as queries:
        counts = count_all(
            [
                stores,
                stores.filter(code=first.code),
                with_staff,
                joined,
                Store.objects.filter(pk__in=[]),
                [stores, with_staff],
                7,
            ]
        )
    # Then each is what count() says, in one query
    assert counts == expected
    assert len(queries) == 1


@pytest.mark.django_db
def test_nothing_to_count_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert count_all([3, [], Store.objects.none()]) == [3, 0, 0]
