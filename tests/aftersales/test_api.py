"""The master-data API of api-contract.md: auth, scope, codes, pagination, query counts."""

import pytest
from django.urls import reverse

from stores.models import Region, Store
from suppliers.models import Style, Supplier
from tests.factories.stores import StoreFactory
from tests.factories.suppliers import StyleFactory

MASTER_DATA_LISTS = [
    "/api/v1/regions/",
    "/api/v1/stores/",
    "/api/v1/suppliers/",
    "/api/v1/categories/",
    "/api/v1/styles/",
    "/api/v1/defect-codes/",
    "/api/v1/spare-parts/",
]


def codes(response, key="code") -> set[str]:
    return {row[key] for row in response.json()["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize("path", MASTER_DATA_LISTS)
def test_anonymous_gets_401_with_a_token_challenge(api_client, demo, path):
    response = api_client.get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_token_endpoint_exchanges_credentials_for_a_working_token(api_client, demo):
    # when store1 asks for a token with its password
    response = api_client.post("/api/v1/auth/token/", {"username": "store1", "password": "demo12345"}, format="json")
    # then the token authenticates later calls
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/stores/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [{"username": "store1", "password": "wrong"}, {"username": "store1"}, {}, {"username": "nobody", "password": "x"}],
)
def test_token_endpoint_refuses_bad_credentials_with_400(api_client, demo, body):
    response = api_client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


@pytest.mark.django_db
def test_store_user_sees_only_its_own_store(api_as):
    client = api_as("store1")
    assert codes(client.get("/api/v1/stores/")) == {"S001"}
    own = Store.objects.get(code="S001")
    other = Store.objects.get(code="S002")
    assert client.get(f"/api/v1/stores/{own.pk}/").json()["code"] == "S001"
    # another store's object answers 404, not 403: its existence does not leak
    assert client.get(f"/api/v1/stores/{other.pk}/").status_code == 404


@pytest.mark.django_db
def test_region_manager_sees_the_region_and_not_beyond(api_as):
    client = api_as("region1")
    assert codes(client.get("/api/v1/stores/")) == {"S001", "S002", "S003", "S004"}
    outside = Store.objects.get(code="S101")
    assert client.get(f"/api/v1/stores/{outside.pk}/").status_code == 404
    assert codes(client.get("/api/v1/regions/")) == {"R01"}


@pytest.mark.django_db
def test_supplier_user_sees_only_its_own_supplier_and_styles(api_as):
    client = api_as("supplier1")
    assert codes(client.get("/api/v1/suppliers/")) == {"SUP01"}
    other = Supplier.objects.get(code="SUP02")
    assert client.get(f"/api/v1/suppliers/{other.pk}/").status_code == 404
    styles = client.get("/api/v1/styles/").json()["results"]
    assert styles and {row["supplier"] for row in styles} == {"SUP01"}
    foreign_style = Style.objects.filter(supplier=other).first()
    assert client.get(f"/api/v1/styles/{foreign_style.pk}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("store1", "/api/v1/spare-parts/"),
        ("region1", "/api/v1/spare-parts/"),
        ("supplier1", "/api/v1/stores/"),
        ("supplier1", "/api/v1/spare-parts/"),
    ],
)
def test_roles_without_access_to_a_kind_of_record_get_403(api_as, username, path):
    assert api_as(username).get(path).status_code == 403


@pytest.mark.django_db
def test_technician_sees_every_store_and_spare_part(api_as):
    client = api_as("tech1")
    assert codes(client.get("/api/v1/stores/?page_size=200")) == set(Store.objects.values_list("code", flat=True))
    assert len(client.get("/api/v1/spare-parts/").json()["results"]) == 8


@pytest.mark.django_db
def test_related_records_and_money_use_codes_and_decimal_strings(api_as):
    response = api_as("tech1").get("/api/v1/styles/", {"q": "226101JK001"})
    (style,) = response.json()["results"]
    assert style["style_no"] == "226101JK001"
    assert style["supplier"] == "SUP01"
    assert style["category"] == "JK"
    assert style["unit_cost"] == "268.00"
    store = api_as("tech1").get("/api/v1/stores/", {"q": "S001"}).json()["results"][0]
    assert store["region"] == "R01"
    assert store["extra_dispatch_fee"] == "50.00"
    assert store["contact_user"] == "store1"


@pytest.mark.django_db
def test_filters_are_named_after_fields_and_take_codes(api_as):
    client = api_as("tech1")
    assert codes(client.get("/api/v1/stores/", {"region": "R02"})) == {"S101", "S102"}
    assert codes(client.get("/api/v1/stores/", {"kind": "repair_point"})) == {"S004"}
    by_supplier = client.get("/api/v1/styles/", {"supplier": "SUP04"}).json()["results"]
    assert {row["style_no"] for row in by_supplier} == {"226501XL001", "226501XL007"}
    assert codes(client.get("/api/v1/defect-codes/", {"category": "XL"})) == {"D12"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/stores/", {"region": "NOPE"}, "region"),
        ("/api/v1/stores/", {"kind": "castle"}, "kind"),
        ("/api/v1/styles/", {"year": "last"}, "year"),
        ("/api/v1/stores/", {"q": "a\x00b"}, "q"),
    ],
)
def test_bad_filter_values_answer_400_naming_the_field(api_as, path, params, field):
    response = api_as("tech1").get(path, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_a_filter_cannot_reach_outside_the_scope(api_as):
    # store1 filtering by a region it is not in gets a clear 400, not other stores
    response = api_as("store1").get("/api/v1/stores/", {"region": "R02"})
    assert response.status_code == 400
    assert "region" in response.json()


@pytest.mark.django_db
def test_lists_page_with_next_links_until_the_end(api_as):
    # given 120 stores / when a technician follows next links 50 at a time
    region = Region.objects.get(code="R01")
    StoreFactory.create_batch(112, region=region)
    client = api_as("tech1")
    seen, url, pages = [], "/api/v1/stores/", 0
    while url:
        body = client.get(url).json()
        assert set(body) >= {"next", "previous", "results"}
        seen += [row["code"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    # then every store came exactly once, in code order
    assert pages == 3
    assert seen == sorted(Store.objects.values_list("code", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "rows"), [("/api/v1/stores/", "stores"), ("/api/v1/styles/", "styles")])
def test_list_query_count_does_not_grow_with_page_size(api_as, django_assert_max_num_queries, path, rows):
    # given more than 50 rows of each
    region = Region.objects.get(code="R01")
    StoreFactory.create_batch(60, region=region)
    StyleFactory.create_batch(60, supplier=Supplier.objects.get(code="SUP01"))
    client = api_as("region1") if rows == "stores" else api_as("store1")
    counts = []
    for size in (1, 50):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, {"page_size": size})
        assert len(response.json()["results"]) == size
        counts.append(len(captured))
    # then the same number of queries for 1 row as for 50, and few of them
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(8):
        client.get(path, {"page_size": 50})


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_a_cdn(client, demo):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/stores/" in schema.content
    docs = client.get(reverse("api_docs"))
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower() and b"unpkg" not in docs.content.lower()
