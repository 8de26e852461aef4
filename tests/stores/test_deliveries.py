"""Deliveries from logistics 物流到货 (seed 000, 1.1): a store records when it received goods of a style (page, API,
the warehouse system's CSV), and the inspect page says how long the store had the goods beside the care hint.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.choices import ReturnState
from stores.models import Delivery, Store
from suppliers.models import Style
from tests.support.refusals import assert_refused, attempt, by_login, refusal_cases
from tests.support.returns import JACKET, return_in

TODAY = timezone.localdate


def body(**overrides) -> dict:
    values = {
        "store": "S001",
        "style": JACKET,
        "delivered_on": (TODAY() - dt.timedelta(days=5)).isoformat(),
        "quantity": 12,
        "reference": "DN-0001",
    }
    values.update(overrides)
    return values


def snapshot(_subject) -> tuple:
    return tuple(Delivery.objects.order_by("pk").values_list("pk", "quantity"))


RECORD_TABLE = by_login(
    "record_delivery",
    [(None, 401), ("tech1", 403), ("region1", 403), ("finance1", 403), ("store1", 201), ("logistics1", 201)],
    arrange=lambda: None,
    url=lambda _subject: "/api/v1/deliveries/",
    payload=body(),
)


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(RECORD_TABLE, snapshot=snapshot))
def test_record_delivery_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
        return
    data = tried.response.json()
    assert (data["store"], data["style"], data["quantity"], data["recorded_by"]) == ("S001", JACKET, 12, row.who)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"store": "S002"}, "store"),  # not store1's store: out of its scope
        ({"quantity": 0}, "quantity"),
        ({"delivered_on": (TODAY() + dt.timedelta(days=1)).isoformat()}, "delivered_on"),
        ({"style": "NOPE"}, "style"),
    ],
)
def test_bad_delivery_is_a_400_and_nothing_is_recorded(api_as, demo, overrides, field):
    response = api_as("store1").post("/api/v1/deliveries/", body(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_deliveries_are_scoped(api_as, demo):
    api_as("logistics1").post("/api/v1/deliveries/", body(store="S101"), format="json")
    api_as("store1").post("/api/v1/deliveries/", body(), format="json")
    assert {row["store"] for row in api_as("store1").get("/api/v1/deliveries/").json()["results"]} == {"S001"}
    assert {row["store"] for row in api_as("region1").get("/api/v1/deliveries/").json()["results"]} == {"S001"}
    assert len(api_as("tech1").get("/api/v1/deliveries/").json()["results"]) == 2
    assert api_as("supplier1").get("/api/v1/deliveries/").status_code == 403


CSV_GOOD = (
    "store,style,delivered_on,quantity,reference\n"
    f"S001,{JACKET},2026-01-05,20,WMS-1\n"
    f"S002,{JACKET},2026-01-06,8,WMS-2\n"
)


@pytest.mark.django_db
def test_logistics_imports_the_warehouse_file(api_as, demo):
    upload = SimpleUploadedFile("wms.csv", CSV_GOOD.encode("utf-8-sig"), content_type="text/csv")
    response = api_as("logistics1").post("/api/v1/deliveries/import/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert sorted((row["store"], row["quantity"]) for row in response.json()) == [("S001", 20), ("S002", 8)]


@pytest.mark.django_db
def test_a_file_with_a_bad_row_imports_nothing_and_names_the_line(api_as, demo):
    content = CSV_GOOD + f"S001,{JACKET},2026-13-01,5,WMS-3\nS999,{JACKET},2026-01-07,5,WMS-4\n"
    upload = SimpleUploadedFile("wms.csv", content.encode(), content_type="text/csv")
    response = api_as("logistics1").post("/api/v1/deliveries/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    problems = " ".join(response.json()["file"])
    assert "Line 4" in problems or "第 4" in problems or "4" in problems
    assert "S999" in problems
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_a_store_imports_only_its_own_stores_rows(api_as, demo):
    upload = SimpleUploadedFile("wms.csv", CSV_GOOD.encode(), content_type="text/csv")
    response = api_as("store1").post("/api/v1/deliveries/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "S002" in " ".join(response.json()["file"])
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_deliveries_page_records_and_imports(browser_as, demo):
    client = browser_as("store1")
    page = client.get(reverse("stores:delivery_list"))
    assert page.status_code == 200 and 'data-testid="delivery-form"' in page.content.decode()
    style = Style.objects.get(style_no=JACKET)
    response = client.post(
        reverse("stores:delivery_record"),
        {
            "store": Store.objects.get(code="S001").pk,
            "style": style.pk,
            "delivered_on": (TODAY() - dt.timedelta(days=3)).isoformat(),
            "quantity": 6,
        },
    )
    assert response.status_code == 302
    assert Delivery.objects.get().store == Store.objects.get(code="S001")
    bad = client.post(reverse("stores:delivery_record"), {"style": style.pk, "delivered_on": "", "quantity": 0})
    assert bad.status_code == 400 and Delivery.objects.count() == 1
    # Another store's delivery: not a choice for store1, and nothing is recorded.
    other = client.post(
        reverse("stores:delivery_record"),
        {"store": Store.objects.get(code="S002").pk, "style": style.pk, "delivered_on": "2026-01-01", "quantity": 1},
    )
    assert other.status_code == 400 and Delivery.objects.count() == 1
    csv_file = SimpleUploadedFile(
        "wms.csv", f"store,style,delivered_on,quantity\nS001,{JACKET},2026-01-02,3\n".encode()
    )
    imported = client.post(reverse("stores:delivery_record"), {"import": "1", "file": csv_file})
    assert imported.status_code == 302 and Delivery.objects.count() == 2
    assert browser_as("supplier1").get(reverse("stores:delivery_list")).status_code == 403


# --- the inspect page: "the store had it N days" ---


def record(store_code: str, days_before_purchase: int, purchase: dt.date) -> None:
    Delivery.objects.create(
        store=Store.objects.get(code=store_code),
        style=Style.objects.get(style_no=JACKET),
        delivered_on=purchase - dt.timedelta(days=days_before_purchase),
        quantity=10,
        recorded_by_id=Store.objects.get(code=store_code).memberships.first().user_id,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("held", "store_fault"), [(7, False), (8, True)])
def test_inspect_page_says_how_long_the_store_had_it(browser_as, demo, held, store_fault):
    item = return_in(ReturnState.RECEIVED)
    record("S001", held, item.purchase_date)
    record("S001", held + 30, item.purchase_date)  # an older delivery: the latest before the sale counts
    record("S002", 1, item.purchase_date)  # another store's delivery says nothing of this one
    page = browser_as("tech1").get(reverse("cases:return_detail", args=[item.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert 'data-testid="store-held"' in text
    assert f"{held} day" in text or f"{held} 天" in text
    assert ('data-testid="held-over-limit"' in text) is store_fault
    assert ('data-testid="held-within-limit"' in text) is not store_fault


@pytest.mark.django_db
def test_inspect_page_without_a_delivery_says_it_is_not_known(browser_as, demo):
    item = return_in(ReturnState.RECEIVED)
    text = browser_as("tech1").get(reverse("cases:return_detail", args=[item.pk])).content.decode()
    assert 'data-testid="store-held-unknown"' in text and 'data-testid="store-held"' not in text
