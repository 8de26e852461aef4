"""The returns and shipments API of api-contract.md, driven as other programs drive it.

Returns are put into each state through the real services. Every transition
endpoint gets the matrix: anonymous 401, wrong role 403, out of scope 404,
wrong state 409, allowed 200 — and each refusal is checked to change nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from aftersales.models import TransitionLog
from cases import services
from cases.choices import ReturnState, ShipmentDirection, ShipmentState
from cases.models import Attachment, Return, Shipment
from inspection.services import return_inspect
from stores.models import Store
from suppliers.models import DefectCode
from tests.factories.cases import ShipmentFactory
from tests.support.files import png_bytes
from tests.support.refusals import Refusal, assert_refused, attempt, by_login, refusal_cases, standard_matrix
from tests.support.returns import JACKET, PHONE, fresh, log_returns, return_in, ship_to_center, snapshot, user
from tests.support.schema import generated_schema

# --- helpers: put Returns and shipments in a state through the services ---


def shipment_back(state=ShipmentState.IN_TRANSIT) -> Shipment:
    """A center → store shipment of one ready unit of S001, packed (and dispatched unless ``draft``)."""
    tech1 = user("tech1")
    item = return_in(ReturnState.READY_TO_RETURN)
    shipment = services.shipment_create(
        user=tech1, direction=ShipmentDirection.TO_STORE, store=item.store, return_ids=[item.pk]
    )
    if state == ShipmentState.DRAFT:
        return shipment
    return services.shipment_dispatch(user=tech1, shipment=shipment)


# --- transition matrix: returns ---

# (transition, state it fires from, a wrong state, body, role allowed, a wrong role)
RETURN_TRANSITIONS = [
    ("inspect", ReturnState.RECEIVED, ReturnState.LOGGED, {"verdict": "no_defect"}, "tech1", "store1"),
    ("resolve_at_store", ReturnState.LOGGED, ReturnState.IN_TRANSIT, {"note": "sewn on"}, "store1", "tech1"),
    ("cancel", ReturnState.LOGGED, ReturnState.IN_TRANSIT, {"reason": "logged twice"}, "store1", "region1"),
    ("found", ReturnState.MISSING, ReturnState.RECEIVED, {}, "tech1", "store1"),
    ("receive_from_supplier", ReturnState.AT_SUPPLIER, ReturnState.RECEIVED, {"note": "back"}, "tech1", "region1"),
]
EXPECTED_TARGET = {
    "inspect": ReturnState.READY_TO_RETURN,
    "resolve_at_store": ReturnState.RESOLVED_AT_STORE,
    "cancel": ReturnState.CANCELLED,
    "found": ReturnState.RECEIVED,
    "receive_from_supplier": ReturnState.READY_TO_RETURN,
}


def return_url(name):
    return lambda item: f"/api/v1/returns/{item.pk}/{name}/"


RETURN_MATRIX = [
    row
    for name, source, wrong_state, body, allowed, wrong_role in RETURN_TRANSITIONS
    for row in standard_matrix(
        name,
        arrange=lambda source=source: return_in(source),
        arrange_wrong_state=lambda wrong_state=wrong_state: return_in(wrong_state),
        url=return_url(name),
        payload=body,
        allowed=allowed,
        wrong_role=wrong_role,
    )
] + [
    # A received S001 Return: no store outside R01 and no supplier (not charged yet) can see it to inspect it
    *by_login(
        "inspect",
        [("supplier1", 404), ("store101", 404)],
        arrange=lambda: return_in(ReturnState.RECEIVED),
        url=return_url("inspect"),
        payload={"verdict": "no_defect"},
        case="outside_scope",
    ),
    # The state is the first refusal, as fsm.fire orders them: a verdict that does not exist on a logged Return
    Refusal(
        "inspect", "tech1", 409, lambda: return_in(ReturnState.LOGGED), return_url("inspect"), {"verdict": "bogus"},
        case="wrong_state_bad_input",
    ),
    # The role is refused before the input is looked at: its store sends a bad verdict and unknown codes
    Refusal(
        "inspect", "store1", 403, lambda: return_in(ReturnState.RECEIVED), return_url("inspect"),
        {"verdict": "bogus", "defect_codes": ["NOPE"]}, case="wrong_role_bad_input",
    ),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(RETURN_MATRIX, snapshot=snapshot, detail=True))
def test_return_transition_matrix(api_as, demo, row):
    # Given a Return of S001 in the transition's source state (or a wrong one), when the row's login fires it
    tried = attempt(row, api_as)
    # Then the answer is the expected one; a refusal changed nothing, a success moved the Return
    if row.allowed:
        item = tried.subject
        assert tried.response.json()["state"] == EXPECTED_TARGET[row.action] == fresh(item).state
        assert TransitionLog.objects.for_object(item).latest("id").transition == row.action
    else:
        assert_refused(tried)  # and a refusal other than 401 says why ("detail")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"verdict": "bogus"}, "verdict"),
        ({"verdict": "unrepairable"}, "responsibility"),
        ({"verdict": "repairable", "defect_codes": ["NOPE"]}, "defect_codes"),
        ({"verdict": "repairable", "notes": "a\x00b"}, "notes"),
        ({"verdict": "supplier_rework", "supplier_promised_date": "2000-01-01"}, "supplier_promised_date"),
        ({}, "verdict"),
    ],
)
def test_inspect_bad_input_is_400_naming_the_field(api_as, demo, body, field):
    # Given a received Return and a technician
    item = return_in(ReturnState.RECEIVED)
    before = snapshot(item)
    # When the inspection input is bad
    response = api_as("tech1").post(f"/api/v1/returns/{item.pk}/inspect/", body, format="json")
    # Then the field is named and nothing changed
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot(item) == before


@pytest.mark.django_db
def test_inspect_repairable_shows_the_report_and_the_repair_ticket(api_as, demo):
    # Given a received Return
    item = return_in(ReturnState.RECEIVED)
    codes = list(DefectCode.objects.order_by("code").values_list("code", flat=True)[:2])
    # When a technician inspects it as repairable with two defect codes
    response = api_as("tech1").post(
        f"/api/v1/returns/{item.pk}/inspect/",
        {"verdict": "repairable", "responsibility": "supplier", "defect_codes": codes, "notes": "开线"},
        format="json",
    )
    # Then the detail nests the report and points at the new repair ticket
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == ReturnState.REPAIRING
    assert body["inspection"]["verdict"] == "repairable"
    assert sorted(body["inspection"]["defect_codes"]) == sorted(codes)
    assert body["inspection"]["inspector"] == "tech1"
    assert body["repair_ticket"] == fresh(item).repair_ticket.pk
    assert body["available_transitions"] == []


@pytest.mark.django_db
def test_cancel_without_a_reason_is_400(api_as, demo):
    item = return_in(ReturnState.LOGGED)
    before = snapshot(item)
    response = api_as("store1").post(f"/api/v1/returns/{item.pk}/cancel/", {"reason": "   "}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    assert snapshot(item) == before


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/returns/abc/", "/api/v1/returns/99999999999999999999999/"])
def test_a_malformed_or_huge_id_is_404(api_as, demo, path):
    assert api_as("tech1").get(path).status_code == 404


# --- reading returns ---


@pytest.mark.django_db
def test_detail_shows_the_contract_fields_and_what_the_user_may_fire(api_as, demo):
    # Given a logged Return of S001
    item = return_in(ReturnState.LOGGED)
    # When its store reads it
    body = api_as("store1").get(f"/api/v1/returns/{item.pk}/").json()
    # Then master data is shown by code and the store's own transitions are offered
    assert body["number"] == item.number
    assert body["store"] == "S001"
    assert body["style"] == JACKET
    assert body["state"] == "logged"
    assert body["inspection"] is None
    assert body["repair_ticket"] is None
    assert sorted(body["available_transitions"]) == ["cancel", "resolve_at_store"]
    for field in ("shipped_at", "due_at", "returned_at", "responsibility", "on_time", "due_status"):
        assert field in body
    # And a technician sees the same Return with nothing to fire on it yet
    assert api_as("tech1").get(f"/api/v1/returns/{item.pk}/").json()["available_transitions"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "phone", "name"),
    [("store1", PHONE, "张三"), ("region1", "138****1234", "张*"), ("tech1", "138****1234", "张*"),
     ("hotline1", PHONE, "张三")],
)  # fmt: skip
def test_customer_contact_is_masked_for_all_but_the_store_and_the_hotline(api_as, demo, login, phone, name):
    # Given a Return with the customer's phone
    item = return_in(ReturnState.LOGGED)
    # When each role reads it (detail and list)
    client = api_as(login)
    detail = client.get(f"/api/v1/returns/{item.pk}/").json()
    row = next(row for row in client.get("/api/v1/returns/").json()["results"] if row["id"] == item.pk)
    # Then the phone is in full only for the logging store and the hotline
    assert (detail["customer_phone"], detail["customer_name"]) == (phone, name)
    assert (row["customer_phone"], row["customer_name"]) == (phone, name)


@pytest.mark.django_db
def test_another_store_cannot_see_the_return_at_all(api_as, demo):
    item = return_in(ReturnState.LOGGED)
    client = api_as("store2")
    assert client.get(f"/api/v1/returns/{item.pk}/").status_code == 404
    assert item.pk not in {row["id"] for row in client.get("/api/v1/returns/").json()["results"]}


@pytest.mark.django_db
def test_filters_by_state_and_store_code(api_as, demo):
    # Given a received Return of S001, a logged one of S001 and a received one of S002
    received = return_in(ReturnState.RECEIVED)
    return_in(ReturnState.LOGGED)
    other = return_in(ReturnState.RECEIVED, store_code="S002")
    # When the center filters ?state=received&store=S001
    response = api_as("tech1").get("/api/v1/returns/?state=received&store=S001")
    # Then only the first is listed
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [received.pk]
    assert other.pk in {row["id"] for row in api_as("tech1").get("/api/v1/returns/?state=received").json()["results"]}


@pytest.mark.django_db
def test_list_follows_next_without_repeats(api_as, demo):
    # Given five Returns of S001
    created = {item.pk for item in log_returns(count=5)}
    client = api_as("store1")
    # When the store follows `next` two at a time
    seen, url = [], "/api/v1/returns/?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    # Then every Return is listed once, newest first
    assert seen == sorted(created, reverse=True)


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["store1", "region1", "tech1", "hotline1"])
def test_return_list_runs_a_fixed_number_of_queries(api_as, demo, login):
    # Given 60 Returns of S001 in several states; the newest are inspected (codes, repair tickets), so even
    # a one-row page has every nested part to load
    items = log_returns(count=60)
    shipment = ship_to_center(items[30:])
    services.shipment_receive(user=user("tech1"), shipment=shipment, received_ids=[item.pk for item in items[30:]])
    code = DefectCode.objects.first()
    for item in items[40:]:
        return_inspect(user=user("tech1"), return_item=fresh(item), verdict="repairable", responsibility="supplier",
                       defect_codes=[code])  # fmt: skip
    client = api_as(login)

    # When the list is read at 1 and at 50 rows a page
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/returns/?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(queries))

    # Then both cost the same, and few
    assert counts[0] == counts[1] <= 8, counts


# --- creating returns ---


def create_body(**overrides) -> dict:
    body = {
        "store": "S001",
        "style": JACKET,
        "color": "黑色",
        "size": "L",
        "batch_no": "B2406",
        "production_year": timezone.localdate().year - 1,
        "purchase_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "receipt_no": "POS-9001",
        "defect_description": "拉链坏",
        "onsite_handling": "exchange",
        "customer_name": "李四",
        "customer_phone": "13900001111",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not ...}


@pytest.mark.django_db
def test_store_staff_logs_a_return(api_as, demo):
    # Given store1 and a defect code from the catalogue
    code = DefectCode.objects.first().code
    # When it posts a unit
    response = api_as("store1").post("/api/v1/returns/", create_body(reported_defect=code), format="json")
    # Then the Return is logged, numbered, and shown as its detail
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("RT-")
    assert (body["state"], body["store"], body["style"], body["reported_defect"]) == ("logged", "S001", JACKET, code)
    assert body["customer_phone"] == "13900001111"
    assert body["policy_exception"] is False
    assert Return.objects.get(pk=body["id"]).logged_by.username == "store1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"style": "NOPE"}, "style"),
        ({"store": "NOPE"}, "store"),
        ({"reported_defect": "NOPE"}, "reported_defect"),
        ({"purchase_date": (timezone.localdate() + dt.timedelta(days=5)).isoformat()}, "purchase_date"),
        ({"production_year": 1999}, "production_year"),
        ({"production_year": 2099}, "production_year"),
        ({"production_year": "soon"}, "production_year"),
        ({"defect_description": "坏\x00"}, "defect_description"),
        ({"customer_name": "\x00"}, "customer_name"),
        ({"receipt_no": ...}, "receipt_no"),
        ({"color": ...}, "color"),
        ({"onsite_handling": "donate"}, "onsite_handling"),
        ({"customer_phone": "call me"}, "customer_phone"),
        # The return form's rule: a mobile or a landline with area code, not any run of digits.
        ({"customer_phone": "12345"}, "customer_phone"),
        ({"customer_phone": "23900001111"}, "customer_phone"),
        ({"style": 12}, "style"),
        ({"purchase_date": "yesterday"}, "purchase_date"),
    ],
)
def test_bad_input_to_create_is_400_naming_the_field_and_creates_nothing(api_as, demo, overrides, field):
    before = snapshot()
    response = api_as("store1").post("/api/v1/returns/", create_body(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert snapshot() == before


@pytest.mark.django_db
def test_a_purchase_outside_policy_needs_a_reason_and_is_flagged(api_as, demo):
    # Given a refund of a jacket bought 40 days ago (outside the 15-day quality-return window)
    outside = create_body(
        onsite_handling="refund", purchase_date=(timezone.localdate() - dt.timedelta(days=40)).isoformat()
    )
    client = api_as("store1")
    before = snapshot()
    # When it is posted without a reason, it is refused naming the reason field
    response = client.post("/api/v1/returns/", outside, format="json")
    assert response.status_code == 400
    assert "policy_exception_reason" in response.json()
    assert snapshot() == before
    # When it is posted with a reason, it is logged and flagged
    response = client.post("/api/v1/returns/", {**outside, "policy_exception_reason": "店长特批"}, format="json")
    assert response.status_code == 201
    assert response.json()["policy_exception"] is True
    assert response.json()["policy_exception_reason"] == "店长特批"


@pytest.mark.django_db
@pytest.mark.parametrize(("login", "expected"), [("store2", 400), ("region1", 403), ("tech1", 403), ("hotline1", 403)])
def test_only_the_stores_own_staff_logs_for_it(api_as, demo, login, expected):
    # store2 does not see S001 at all, so for it the code is unknown (400 naming `store`);
    # roles that never log returns are refused (403) even with bad input.
    before = snapshot()
    response = api_as(login).post("/api/v1/returns/", create_body(), format="json")
    assert response.status_code == expected
    if expected == 400:
        assert "store" in response.json()
    assert api_as(login).post("/api/v1/returns/", {}, format="json").status_code == expected
    assert snapshot() == before


@pytest.mark.django_db
def test_anonymous_cannot_log(demo):
    response = APIClient().post("/api/v1/returns/", create_body(), format="json")
    assert response.status_code == 401
    assert not Return.objects.exists()


# --- attachments ---


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def upload(client, item, name, content):
    return client.post(f"/api/v1/returns/{item.pk}/attachments/", {"file": named(name, content)}, format="multipart")


def named(name, content):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "content_type"), [("photo.png", png_bytes(), "image/png"),
                                                               ("scan.pdf", PDF, "application/pdf")])  # fmt: skip
def test_photo_and_pdf_are_attached_listed_and_downloaded(api_as, demo, name, content, content_type):
    # Given a Return of S001
    item = return_in(ReturnState.LOGGED)
    client = api_as("store1")
    # When the store uploads a file
    response = upload(client, item, name, content)
    # Then it is stored with its sniffed type and listed
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["original_name"], body["content_type"], body["size"]) == (name, content_type, len(content))
    assert body["uploaded_by"] == "store1" and body["kind"] == "logging"
    listed = client.get(f"/api/v1/returns/{item.pk}/attachments/").json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    # And its url gives back the very bytes (a photo inline, a PDF as a download), with the type browsers must not
    # second-guess
    download = client.get(body["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == content_type
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("inline" if content_type.startswith("image/") else "attachment")
    # And the center sees it too
    assert api_as("tech1").get(body["url"]).status_code == 200


@pytest.mark.django_db
def test_a_text_file_named_png_is_refused(api_as, demo):
    item = return_in(ReturnState.LOGGED)
    before = snapshot(item)
    response = upload(api_as("store1"), item, "photo.png", b"just some text, honestly")
    assert response.status_code == 400
    assert "file" in response.json()
    assert snapshot(item) == before


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(api_as, demo):
    item = return_in(ReturnState.LOGGED)
    before = snapshot(item)
    content = png_bytes()
    with override_settings(AFTERSALES_MAX_UPLOAD_BYTES=len(content) - 1):
        response = upload(api_as("store1"), item, "big.png", content)
    assert response.status_code == 400
    assert "file" in response.json()
    assert snapshot(item) == before


@pytest.mark.django_db
def test_upload_without_a_file_names_the_field(api_as, demo):
    item = return_in(ReturnState.LOGGED)
    response = api_as("store1").post(f"/api/v1/returns/{item.pk}/attachments/", {"kind": "logging"})
    assert response.status_code == 400
    assert "file" in response.json()


UPLOAD_REFUSALS = by_login(
    "upload",
    [(None, 401), ("region1", 403), ("hotline1", 403), ("store2", 404)],
    arrange=lambda: return_in(ReturnState.LOGGED),
    url=lambda item: f"/api/v1/returns/{item.pk}/attachments/",
    payload=lambda item: {"file": named("photo.png", png_bytes())},
    format="multipart",
)


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(UPLOAD_REFUSALS, snapshot=snapshot))
def test_only_the_store_and_technicians_upload(api_as, demo, row):
    assert_refused(attempt(row, api_as))


@pytest.mark.django_db
def test_another_stores_attachment_is_404(api_as, demo):
    # Given a photo of an S001 Return
    item = return_in(ReturnState.LOGGED)
    url = upload(api_as("store1"), item, "photo.png", png_bytes()).json()["url"]
    # Then another store, anonymous callers and a mismatched path cannot fetch it
    assert api_as("store2").get(url).status_code == 404
    assert api_as("store2").get(f"/api/v1/returns/{item.pk}/attachments/").status_code == 404
    assert APIClient().get(url).status_code == 401
    other = return_in(ReturnState.LOGGED)
    attachment = Attachment.objects.get()
    assert api_as("store1").get(f"/api/v1/returns/{other.pk}/attachments/{attachment.pk}/file/").status_code == 404


@pytest.mark.django_db
def test_the_browser_session_downloads_the_file(browser_as, api_as, demo):
    # The UI's <img> tags use this URL with the session cookie and an image Accept header.
    item = return_in(ReturnState.LOGGED)
    url = upload(api_as("store1"), item, "photo.png", png_bytes()).json()["url"]
    response = browser_as("store1").get(url, HTTP_ACCEPT="image/avif,image/webp,image/*,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


# --- shipments ---


@pytest.mark.django_db
def test_store_packs_and_dispatches_a_shipment_over_the_api(api_as, demo):
    # Given two logged units of S001
    first, second = log_returns(count=2)
    client = api_as("store1")
    # When the store packs them
    response = client.post(
        "/api/v1/shipments/",
        {"direction": "to_center", "store": "S001", "returns": [first.pk, second.pk], "carrier": "顺丰",
         "tracking_no": "SF1000000000100"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["direction"], body["store"]) == ("draft", "to_center", "S001")
    assert [line["id"] for line in body["lines"]] == [first.pk, second.pk]
    assert {line["outcome"] for line in body["lines"]} == {"pending"}
    assert sorted(body["available_transitions"]) == ["cancel", "dispatch"]
    # When it dispatches them
    response = client.post(
        f"/api/v1/shipments/{body['id']}/dispatch/", {"tracking_no": "SF1000000000101"}, format="json"
    )
    # Then the shipment and its units are on their way
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["tracking_no"]) == ("in_transit", "SF1000000000101")
    assert fresh(first).state == ReturnState.IN_TRANSIT


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "body", "expected", "field"),
    [
        ("store1", {"direction": "to_center", "store": "S001", "returns": []}, 400, "returns"),
        ("store1", {"direction": "sideways", "store": "S001", "returns": [1]}, 400, "direction"),
        ("store1", {"direction": "to_center", "store": "S002", "returns": [1]}, 400, "store"),
        ("store1", {"direction": "to_center", "store": "S001", "returns": ["x"]}, 400, "returns"),
        ("store1", {"direction": "to_center", "store": "S001", "returns": [987654321]}, 400, "returns"),
        ("store1", {"direction": "to_center", "store": "S001", "returns": [1], "carrier": "\x00"}, 400, "carrier"),
        ("region1", {"direction": "to_center", "store": "S001", "returns": []}, 403, None),
        # the center packs only parcels back to stores
        ("tech1", {"direction": "to_center", "store": "S001", "returns": "OWN"}, 403, None),
    ],
)
def test_bad_shipment_input_is_refused_and_creates_nothing(api_as, demo, login, body, expected, field):
    item = return_in(ReturnState.LOGGED)
    body = {**body, "returns": [item.pk]} if body["returns"] == "OWN" else body
    before = snapshot(item)
    response = api_as(login).post("/api/v1/shipments/", body, format="json")
    assert response.status_code == expected
    if field:
        assert field in response.json()
    assert snapshot(item) == before


def shipment_in(name: str, case: str) -> Shipment:
    """The shipment a transition fires on (or one in a wrong state for it)."""
    if name in ("dispatch", "cancel"):
        items = [return_in(ReturnState.LOGGED)]
        return ship_to_center(items, dispatch=case == "wrong_state")
    if name == "receive":
        return ship_to_center([return_in(ReturnState.LOGGED)], dispatch=case != "wrong_state")
    return shipment_back(ShipmentState.DRAFT if case == "wrong_state" else ShipmentState.IN_TRANSIT)


# (transition, body, role allowed, a wrong role, state after)
SHIPMENT_TRANSITIONS = [
    ("dispatch", {"carrier": "顺丰", "tracking_no": "SF1000000000009"}, "store1", "tech1", ShipmentState.IN_TRANSIT),
    ("receive", "ALL", "tech1", "store1", ShipmentState.RECEIVED),
    ("confirm_received", {}, "store1", "tech1", ShipmentState.RECEIVED),
    ("cancel", {"reason": "wrong parcel"}, "store1", "tech1", ShipmentState.CANCELLED),
]


def shipment_units(shipment: Shipment) -> list[Return]:
    return [line.return_item for line in shipment.lines.select_related("return_item")]


def shipment_snapshot(shipment: Shipment) -> tuple:
    return snapshot(shipment, *shipment_units(shipment))


def shipment_body(body):
    if body == "ALL":
        return lambda shipment: {"received": [unit.pk for unit in shipment_units(shipment)]}
    return body


SHIPMENT_TARGET = {name: target for name, _body, _allowed, _wrong_role, target in SHIPMENT_TRANSITIONS}
SHIPMENT_MATRIX = [
    row
    for name, body, allowed, wrong_role, _target in SHIPMENT_TRANSITIONS
    for row in standard_matrix(
        name,
        arrange=lambda name=name: shipment_in(name, "allowed"),
        arrange_wrong_state=lambda name=name: shipment_in(name, "wrong_state"),
        url=lambda shipment, name=name: f"/api/v1/shipments/{shipment.pk}/{name}/",
        payload=shipment_body(body),
        allowed=allowed,
        wrong_role=wrong_role,
    )
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(SHIPMENT_MATRIX, snapshot=shipment_snapshot))
def test_shipment_transition_matrix(api_as, demo, row):
    # Given a shipment of S001 in the transition's source state (or a wrong one), when the row's login fires it
    tried = attempt(row, api_as)
    # Then the answer is the expected one, and only a success changed anything
    if row.allowed:
        assert tried.response.json()["state"] == SHIPMENT_TARGET[row.action] == fresh(tried.subject).state
    else:
        assert_refused(tried)


@pytest.mark.django_db
def test_receive_is_a_checklist_over_the_api(api_as, demo):
    # Given a dispatched parcel of two units
    first, second = log_returns(count=2)
    shipment = ship_to_center([first, second])
    # When the center ticks only the first
    response = api_as("tech1").post(
        f"/api/v1/shipments/{shipment.pk}/receive/", {"received": [first.pk]}, format="json"
    )
    # Then the second is missing, on both the line and the Return
    assert response.status_code == 200
    outcomes = {line["id"]: line["outcome"] for line in response.json()["lines"]}
    assert outcomes == {first.pk: "received", second.pk: "missing"}
    assert fresh(second).state == ReturnState.MISSING
    # And the missing one offers `found` to the center
    assert "found" in api_as("tech1").get(f"/api/v1/returns/{second.pk}/").json()["available_transitions"]


@pytest.mark.django_db
def test_receive_refuses_units_not_on_the_shipment(api_as, demo):
    item = return_in(ReturnState.LOGGED)
    shipment = ship_to_center([item])
    before = snapshot(shipment, item)
    response = api_as("tech1").post(f"/api/v1/shipments/{shipment.pk}/receive/", {"received": [item.pk, 987654]},
                                    format="json")  # fmt: skip
    assert response.status_code == 400
    assert "received" in response.json()
    assert snapshot(shipment, item) == before


@pytest.mark.django_db
def test_second_dispatch_in_an_iso_week_shows_and_records_the_fee(api_as, demo):
    # Given store1 has not dispatched this week
    store = Store.objects.get(code="S001")
    client = api_as("store1")
    fees, warnings = [], []
    for _ in range(2):
        shipment = ship_to_center([return_in(ReturnState.LOGGED)], dispatch=False)
        # When it reads the draft, then dispatches it
        warnings.append(client.get(f"/api/v1/shipments/{shipment.pk}/").json()["extra_fee_warning"])
        fees.append(client.post(f"/api/v1/shipments/{shipment.pk}/dispatch/", {}, format="json").json()["extra_fee"])
    # Then the first is free and the second carries the store's fee, warned before dispatch
    fee = f"{store.extra_dispatch_fee:.2f}"
    assert fees == [None, fee]
    assert warnings == [None, fee]
    assert Decimal(fee) > 0
    # And once dispatched there is nothing more to warn about
    assert client.get(f"/api/v1/shipments/{shipment.pk}/").json()["extra_fee_warning"] is None


@pytest.mark.django_db
def test_shipment_filters_and_scope(api_as, demo):
    mine = ship_to_center([return_in(ReturnState.LOGGED)])
    theirs = ship_to_center([return_in(ReturnState.LOGGED, store_code="S002")], dispatch=False)
    assert [row["id"] for row in api_as("store1").get("/api/v1/shipments/").json()["results"]] == [mine.pk]
    assert api_as("store1").get(f"/api/v1/shipments/{theirs.pk}/").status_code == 404
    rows = api_as("tech1").get("/api/v1/shipments/?state=in_transit&store=S001").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["store1", "tech1"])
def test_shipment_list_runs_a_fixed_number_of_queries(api_as, demo, login):
    # Given 55 shipments of S001, each with a unit on board
    store = Store.objects.get(code="S001")
    items = log_returns(count=55)
    for item in items:
        shipment = ShipmentFactory(store=store, created_by=user("store1"))
        shipment.lines.create(return_item=item)
    client = api_as(login)
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/shipments/?page_size={size}")
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts


# --- the error mapping and the schema ---


def test_concurrent_change_and_refused_transitions_map_to_their_statuses():
    from django_fsm import ConcurrentTransition

    from aftersales.api.exceptions import exception_handler
    from aftersales.fsm import TransitionForbidden, TransitionInvalid, TransitionStateConflict

    assert exception_handler(ConcurrentTransition("changed"), {}).status_code == 409
    for error, status in ((TransitionStateConflict("x"), 409), (TransitionForbidden("y"), 403),
                          (TransitionInvalid("z"), 400)):  # fmt: skip
        response = exception_handler(error, {})
        assert (response.status_code, response.data) == (status, {"detail": error.message})


def test_schema_documents_each_transitions_input():
    schema = generated_schema()
    paths, components = schema["paths"], schema["components"]["schemas"]

    def input_of(path):
        ref = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return set(components[ref.rsplit("/", 1)[1]]["properties"])

    assert input_of("/api/v1/returns/{id}/inspect/") == {
        "verdict", "responsibility", "defect_codes", "notes", "supplier_agreement", "supplier_promised_date"
    }  # fmt: skip
    assert input_of("/api/v1/returns/{id}/cancel/") == {"reason"}
    assert input_of("/api/v1/shipments/{id}/receive/") == {"received"}
    assert input_of("/api/v1/shipments/{id}/dispatch/") == {"carrier", "tracking_no", "freight_cost"}
    assert "qc_passed" in input_of("/api/v1/repair-tickets/{id}/complete/")
    assert "available_transitions" in components["Return"]["properties"]
