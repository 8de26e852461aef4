"""The Returns API's rows are built flat (aftersales.api.rows.FlatRowsMixin, issue 19 "Speed"); they must stay DRF's.

Every test reads the same page twice, once as served and once with the rows
built field by field by DRF's own ``Serializer.to_representation``, and wants
the same bytes: for every demo login that may list Returns, over Returns in
many states, with and without an inspection report, a repair ticket, a batch
recall, a referral to a repair point, a masked or blank customer's contact.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from aftersales.api.rows import FlatRowsMixin
from cases import services
from cases.api.serializers import ReturnDetailSerializer, ReturnSerializer
from cases.choices import ReturnState
from cases.models import Return
from stores.models import Store
from suppliers.models import DefectCode
from tests.factories.cases import BatchAlarmFactory
from tests.factories.recalls import RecallUnitFactory
from tests.support.returns import inspected, log_returns, return_in, user

DEMO_LOGINS = [
    "store1",
    "store2",
    "store101",
    "region1",
    "tech1",
    "tech2",
    "hotline1",
    "qa1",
    "logistics1",
    "vp1",
    "finance1",
    "supplier1",
    "admin",
]


@pytest.fixture
def returns_in_every_shape(demo):
    """Returns of S001, S002 and S101 in several states, covering every optional part of a row."""
    shapes = [
        *log_returns("S001", count=2),
        log_returns("S002", customer_name="", customer_phone="")[0],
        log_returns("S101", customer_name="李", customer_phone="0755-8888888")[0],
        return_in(ReturnState.CANCELLED),
        return_in(ReturnState.IN_TRANSIT, "S002"),
        return_in(ReturnState.MISSING),
        return_in(ReturnState.RECEIVED),
        return_in(ReturnState.AT_SUPPLIER),
        return_in(ReturnState.READY_TO_RETURN, "S002"),
        return_in(ReturnState.SCRAP_PENDING),
        # An inspection report with defect codes and a repair ticket.
        *inspected(2),
    ]
    # Referred to a repair point: repair_point, referred_at, referral_note and on_time.
    referred = return_in(ReturnState.RECEIVED)
    shapes.append(
        services.return_refer_to_repair_point(
            user=user("tech1"), return_item=referred, repair_point=Store.objects.get(code="S001"), note="钉扣"
        )
    )
    # A unit of a batch recall at the supplier (recall, its unit's outcome read by the transitions).
    unit = RecallUnitFactory(return_item__store=Store.objects.get(code="S001"), return_item__logged_by=user("store1"))
    shapes.append(unit.return_item)
    # A defect code reported at the counter on two of them.
    Return.objects.filter(pk__in=[shapes[1].pk, shapes[4].pk]).update(reported_defect=DefectCode.objects.first())
    # A store's batch alarm on one (the detail's batch_alarm).
    BatchAlarmFactory(return_item=shapes[0], store=shapes[0].store, style=shapes[0].style)
    return shapes


def field_by_field(monkeypatch):
    monkeypatch.setattr(FlatRowsMixin, "to_representation", FlatRowsMixin.field_by_field)


def read(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@pytest.mark.django_db
def test_list_rows_are_drfs_field_by_field_output(api_as, returns_in_every_shape, monkeypatch):
    listed = []
    for login in DEMO_LOGINS:
        # Given Returns in every shape and a demo login
        client = api_as(login)
        url = "/api/v1/returns/?page_size=200"
        # When the login reads the list as served, then with DRF building each row field by field
        flat, flat_queries = read(client, url)
        with monkeypatch.context() as patch:
            field_by_field(patch)
            drf, drf_queries = read(client, url)
        # Then both answers are the same bytes, from the same number of queries
        assert flat.status_code == drf.status_code, login
        assert flat.content == drf.content, login
        assert flat_queries == drf_queries, login
        if flat.status_code == 200:
            listed.append((login, len(flat.json()["results"])))
    # and the logins that may list Returns saw some: the stores their own, the center all of them
    assert dict(listed)["store1"] < dict(listed)["tech1"] == len(returns_in_every_shape)
    assert {"store1", "store2", "store101", "region1", "tech1", "hotline1", "admin"} <= dict(listed).keys()


@pytest.mark.django_db
def test_the_rows_cover_every_optional_part(api_as, returns_in_every_shape):
    # Given Returns in every shape / When the service center lists them
    rows = api_as("tech1").get("/api/v1/returns/?page_size=200").json()["results"]
    # Then each optional part appears both filled and empty, so the comparison above tries both ways
    for key in ("inspection", "repair_ticket", "recall", "repair_point", "reported_defect", "on_time", "due_at"):
        values = [row[key] for row in rows]
        assert None in values and any(value is not None for value in values), key
    assert {row["state"] for row in rows} >= {
        ReturnState.LOGGED,
        ReturnState.CANCELLED,
        ReturnState.IN_TRANSIT,
        ReturnState.MISSING,
        ReturnState.RECEIVED,
        ReturnState.AT_SUPPLIER,
        ReturnState.READY_TO_RETURN,
        ReturnState.SCRAP_PENDING,
        ReturnState.REPAIRING,
        ReturnState.REFERRED,
    }
    assert any(row["inspection"] and row["inspection"]["defect_codes"] for row in rows)
    assert any(row["available_transitions"] for row in rows)
    # and store1 sees its own customers in full and region1 sees them masked
    own = api_as("store1").get("/api/v1/returns/?page_size=200").json()["results"]
    masked = api_as("region1").get("/api/v1/returns/?page_size=200").json()["results"]
    assert "张三" in {row["customer_name"] for row in own}
    assert "张*" in {row["customer_name"] for row in masked}
    assert "" in {row["customer_name"] for row in masked}


@pytest.mark.django_db
def test_detail_is_drfs_field_by_field_output(api_as, returns_in_every_shape, monkeypatch):
    for login in ("store1", "region1", "tech1", "hotline1"):
        # Given Returns in every shape / When a login reads each detail, flat and field by field
        client = api_as(login)
        compared = 0
        for item in returns_in_every_shape:
            flat = client.get(f"/api/v1/returns/{item.pk}/")
            with monkeypatch.context() as patch:
                field_by_field(patch)
                drf = client.get(f"/api/v1/returns/{item.pk}/")
            # Then the same status and the same bytes
            assert flat.status_code == drf.status_code, (login, item.number)
            assert flat.content == drf.content, (login, item.number)
            compared += flat.status_code == 200
        assert compared, login


@pytest.mark.django_db
@override_settings(AFTERSALES_SITE_URL="https://aftersales.example.com/sub")
def test_status_url_is_the_one_status_url_gives(api_as, returns_in_every_shape):
    # Given another public address / When the list is read
    from customerview.links import status_url

    rows = api_as("tech1").get("/api/v1/returns/?page_size=200").json()["results"]
    # Then each row's link is exactly the customer's status link of its number
    assert rows
    assert all(row["status_url"] == status_url(row["number"]) for row in rows)


@pytest.mark.django_db
def test_a_serializer_built_once_serves_rows_in_order(api_as, returns_in_every_shape, rf):
    # Given the serializers used directly, for a page of rows (as the list does) and for one (as a transition does)
    request = rf.get("/api/v1/returns/")
    request.user = user("tech1")
    items = list(Return.objects.filter(pk__in=[item.pk for item in returns_in_every_shape]).order_by("-id"))
    context = {"request": request}
    # When they represent them
    page = ReturnSerializer(items, many=True, context=context).data
    one = ReturnDetailSerializer(items[0], context=context).data
    # Then each row is DRF's own and the keys keep Meta.fields' order
    reference = ReturnSerializer(context=context)
    assert [dict(row) for row in page] == [reference.field_by_field(item) for item in items]
    assert list(page[0]) == ReturnSerializer.Meta.fields
    assert dict(one) == ReturnDetailSerializer(context=context).field_by_field(items[0])
    assert list(one) == ReturnDetailSerializer.Meta.fields
