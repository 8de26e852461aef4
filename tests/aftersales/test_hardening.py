"""Inputs that used to reach a 500 (issue 19): each answers a clear 400 (or JSON 404/500 under /api/) instead.

They run on SQLite and, in ``make test-postgres``, on PostgreSQL: a NUL byte in a code reference answered 400 on
SQLite but 500 on PostgreSQL, so the suite on SQLite alone never saw it.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zlib

import pytest
from django.test import override_settings
from django.urls import get_resolver
from django.urls.converters import IntConverter

from cases.models import Return
from recalls.models import Recall
from tests.support.files import png_bytes
from tests.support.returns import JACKET

NUL = "\x00"


# --- q= on report runs -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/reports/?q=x", "/month-end/reports/?q=x", "/month-end/reports/?q=x&export=xlsx"]
)
def test_a_search_on_report_runs_is_not_a_server_error(client, demo_user, url):
    # Given the service center's manager (who sees the monthly reports)
    client.force_login(demo_user("admin"))
    # When they search the report runs, on the API, the page or its Excel export
    response = client.get(url)
    # Then it answers (the search box is not offered there, so q is ignored)
    assert response.status_code == 200


# --- NUL bytes in code references (PostgreSQL refuses NUL in text; the database must never see one) -------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "path", "param"),
    [
        ("store1", "/api/v1/returns/", "store"),
        ("store1", "/api/v1/returns/", "style"),
        ("store1", "/api/v1/shipments/", "store"),
        ("qa1", "/api/v1/recalls/", "defect_code"),
        ("store1", "/api/v1/recall-notices/", "store"),
        ("tech1", "/api/v1/stock-movements/", "part"),
        ("tech1", "/api/v1/stores/", "region"),
        ("tech1", "/api/v1/styles/", "supplier"),
    ],
)
def test_a_nul_byte_in_a_code_filter_is_400_naming_it(api_as, login, path, param):
    response = api_as(login).get(path, {param: f"S0{NUL}01"})
    assert response.status_code == 400
    assert param in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/returns/", "/repairs/stock-ledger/", "/recalls/"])
def test_a_nul_byte_in_a_page_filter_is_400(browser_as, path):
    response = browser_as("admin").get(path, {"store": f"S{NUL}", "part": f"P{NUL}", "style": f"X{NUL}"})
    assert response.status_code == 400


def return_body(**overrides):
    from tests.cases.test_api import create_body

    return create_body(**overrides)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "path", "body", "field"),
    [
        ("store1", "/api/v1/returns/", {"store": f"S0{NUL}01"}, "store"),
        ("store1", "/api/v1/returns/", {"style": f"{JACKET}{NUL}"}, "style"),
        ("store1", "/api/v1/returns/", {"reported_defect": f"D{NUL}01"}, "reported_defect"),
        (
            "tech1",
            "/api/v1/shipments/",
            {"direction": "to_store", "store": f"S0{NUL}01", "returns": [1]},
            "store",
        ),
        ("tech1", "/api/v1/recalls/", {"style": f"{NUL}", "defect_code": "D01", "test_report": "x"}, "style"),
        ("tech1", "/api/v1/recalls/", {"style": JACKET, "defect_code": f"D{NUL}", "test_report": "x"}, "defect_code"),
    ],
)
def test_a_nul_byte_in_a_code_reference_is_400_naming_the_field_and_creates_nothing(api_as, login, path, body, field):
    before = (Return.objects.count(), Recall.objects.count())
    if path == "/api/v1/returns/":
        body = return_body(**body)
    response = api_as(login).post(path, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert (Return.objects.count(), Recall.objects.count()) == before


@pytest.mark.django_db
def test_a_nul_byte_in_a_posted_form_is_400_and_creates_nothing(browser_as):
    before = Return.objects.count()
    response = browser_as("store1").post("/returns/new/", {"store": "S001", "style": f"{JACKET}{NUL}"})
    assert response.status_code == 400
    assert Return.objects.count() == before


# --- a JSON body nested 5,000 levels deep --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/returns/", "/api/v1/auth/token/"])
def test_a_deeply_nested_json_body_is_400(api_as, path):
    body = "[" * 5000 + "]" * 5000
    response = api_as("store1").post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()
    # and a body nested deeper than any input takes (though Python could parse it) is refused the same way
    body = '{"store": ' + "[" * 200 + "]" * 200 + "}"
    response = api_as("store1").post(path, body, content_type="application/json")
    assert response.status_code == 400


# --- images that claim huge dimensions ----------------------------------------------------------------------------


def png_claiming(width: int, height: int) -> bytes:
    """A ~100-byte PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb's calling card)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def named(name: str, content: bytes):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.mark.django_db
@pytest.mark.parametrize("size", [(20_000, 20_000), (10_000, 10_000), (8_000, 6_000)])
def test_an_image_above_the_pixel_limit_is_refused_with_400_on_every_upload_path(api_as, browser_as, demo, size):
    from cases.choices import ReturnState
    from tests.support.returns import return_in

    bomb = png_claiming(*size)
    assert len(bomb) < 200
    item = return_in(ReturnState.LOGGED)
    # the Return's attachments (API)
    response = api_as("store1").post(
        f"/api/v1/returns/{item.pk}/attachments/", {"file": named("bomb.png", bomb)}, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert "file" in response.json()
    assert not item.attachments.exists()
    # the temporary upload of a form's photo
    response = browser_as("store1").post("/uploads/", {"file": named("bomb.png", bomb)})
    assert response.status_code == 400
    # the Return page's photo form
    response = browser_as("store1").post(
        f"/returns/{item.pk}/attachments/", {"photos": named("bomb.png", bomb)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code in (200, 400)
    assert not item.attachments.exists()


@pytest.mark.django_db
def test_an_ordinary_photo_still_uploads(api_as, demo):
    from cases.choices import ReturnState
    from tests.support.returns import return_in

    item = return_in(ReturnState.LOGGED)
    response = api_as("store1").post(
        f"/api/v1/returns/{item.pk}/attachments/", {"file": named("p.png", png_bytes(size=64))}, format="multipart"
    )
    assert response.status_code == 201


# --- ids above 64 bits ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999999999999", "-99999999999999999999", "1e30", "0"])
def test_an_id_filter_above_64_bits_is_400(api_as, value):
    response = api_as("store1").get("/api/v1/recall-notices/", {"recall": value})
    assert response.status_code == 400
    assert "recall" in response.json()


@pytest.mark.django_db
def test_an_id_filter_above_64_bits_on_the_page_is_not_a_server_error(browser_as):
    assert browser_as("store1").get("/recall-notices/", {"recall": "99999999999999999999"}).status_code in (200, 400)


# --- API errors outside DRF are JSON --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_api_address_answers_json_404(api_as):
    response = api_as("store1").get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


@pytest.mark.django_db
def test_a_server_error_in_the_api_answers_json_500(api_as, monkeypatch):
    from aftersales.api.notifications import NotificationViewSet

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(NotificationViewSet, "list", broken)
    client = api_as("store1")
    client.raise_request_exception = False
    response = client.get("/api/v1/notifications/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "A server error occurred."} or "detail" in response.json()
    assert "boom" not in response.content.decode()


@pytest.mark.django_db
def test_pages_outside_the_api_keep_their_html_error_pages(browser_as):
    response = browser_as("store1").get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_an_oversized_api_body_answers_json_400(api_as):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        response = api_as("store1").post(
            "/api/v1/returns/", json.dumps({"x": "y" * 500}), content_type="application/json"
        )
    assert response.status_code in (400, 413)
    assert response["Content-Type"].startswith("application/json")


# --- ids past the database's integers in the path ---------------------------------------------------------------

HUGE_ID = 2**70  # past a bigint: SQLite cannot even bind it, PostgreSQL would refuse it


def int_routes() -> list[tuple[str, str]]:
    """(route, URL with every integer of the route set to HUGE_ID) for every route that takes an integer."""
    routes = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            # A path() route (<int:pk>) or a DRF router's regex ((?P<pk>[0-9]+)), which the include()s join.
            route = prefix + str(pattern.pattern).removeprefix("^").removesuffix("$")
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
                continue
            url = re.sub(r"<int:\w+>|\(\?P<\w+>\[0-9\]\+\)", str(HUGE_ID), route)
            converters = getattr(pattern.pattern, "converters", {}).values()
            plain = not re.search(r"[<>()\[\]\\?*+^$]", url)  # every placeholder filled, no other regex left
            if url != route and plain and all(isinstance(converter, IntConverter) for converter in converters):
                routes.append((route, "/" + url))

    walk(get_resolver().url_patterns)
    return routes


@pytest.mark.parametrize("username", ["admin", "hotline1", "tech1"])
def test_an_id_past_the_databases_integers_in_any_path_is_not_found_not_a_server_error(client, demo_user, username):
    # given every route that takes an integer (a page, an API object, a nested one such as a case's visit)
    routes = int_routes()
    assert any("case_pk" in route for route, _ in routes) and len(routes) > 100
    client.force_login(demo_user(username))
    client.raise_request_exception = False  # a server error is an answer to list, not the end of the walk
    # when each is asked for with ids no row can have (GET, and POST for the API's actions)
    answers = {}
    for route, url in routes:
        methods = ("get", "post") if url.startswith("/api/") else ("get",)
        for method in methods:
            status = getattr(client, method)(url).status_code
            if status >= 500 or status == 200:
                answers[f"{method.upper()} {route}"] = status
    # then nothing answers a server error, and nothing is found
    assert answers == {}
