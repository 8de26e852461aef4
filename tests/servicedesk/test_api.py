"""The service desk over the API of api-contract.md (``/api/v1/service-cases/``, ``/api/v1/customers/``).

The whole case by API; the matrix of every transition and action (anonymous
401, wrong role 403, out of scope 404, wrong state 409, allowed, each refusal
changing nothing); the bad input the issue names; scoping and phone masking;
fixed query counts for the lists.
"""

from __future__ import annotations

import pytest

from aftersales.models import TransitionLog
from cases.models import Return
from servicedesk.choices import CaseState
from servicedesk.models import Customer, PhoneAccessLog, ServiceCase
from tests.factories.cases import ReturnFactory
from tests.support.files import png_bytes
from tests.support.refusals import Refusal, assert_refused, attempt, by_login, refusal_cases
from tests.support.servicedesk import (
    CALLER,
    closed,
    future,
    in_progress,
    in_store_case,
    open_case,
    resolved,
    snapshot,
)

URL = "/api/v1/service-cases/"
NEW_CASE = {
    "channel": "phone",
    "kind": "repair",
    "severity": "normal",
    "description": "台灯开关失灵",
    "customer": CALLER,
    "store": "S001",
    "style": "226101JK001",
    "batch_no": "B2026-07",
    "production_date": "2026-07-01",
    "quantity": 1,
    "direct_loss": "0.00",
}


def detail(case) -> str:
    return f"{URL}{case.pk}/"


def action(name):
    return lambda case: f"{URL}{case.pk}/{name}/"


@pytest.mark.django_db
def test_a_case_from_call_to_close_over_the_api(api_as, demo):
    hotline = api_as("hotline1")
    unit = ReturnFactory(store_id=1, customer_phone="13800138000")
    created = hotline.post(URL, {**NEW_CASE, "returns": [unit.pk]}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"].startswith("SC-") and body["state"] == "open" and body["returns"] == [unit.pk]
    assert body["customer"]["phone"] == "13800138000" and body["promise"] is None and body["major_incident"] is False
    assert body["first_response_due"] and body["responded_at"] is None
    assert set(body["available_transitions"]) == {"respond", "cancel"}
    case_url = f"{URL}{body['id']}/"
    promised = hotline.post(case_url + "promise/", {"deadline": future(), "outcome": "三天内上门维修"}, format="json")
    assert promised.status_code == 200 and promised.json()["promise"]["outcome"] == "三天内上门维修"
    assert len(promised.json()["promise_history"]) == 1
    responded = hotline.post(case_url + "respond/", {"method": "phone", "message": "已预约"}, format="json")
    assert responded.json()["state"] == "in_progress" and responded.json()["responded_at"]
    resolved_ = hotline.post(case_url + "resolve/", {"resolution": "已修好", "outcome": "repaired"}, format="json")
    assert resolved_.json()["state"] == "resolved" and resolved_.json()["available_transitions"] == ["follow_up"]
    reopened = hotline.post(case_url + "follow_up/", {"satisfaction": 2, "remarks": "又坏了"}, format="json")
    assert reopened.json()["state"] == "in_progress" and reopened.json()["reopened_count"] == 1
    hotline.post(case_url + "resolve/", {"resolution": "换新", "outcome": "exchanged"}, format="json")
    final = hotline.post(case_url + "follow_up/", {"satisfaction": 4}, format="json")
    assert final.json()["state"] == "closed" and final.json()["satisfaction"] == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customer": {**CALLER, "consent": False}}, "customer"),
        ({"channel": "fax"}, "channel"),
        ({"kind": "praise"}, "kind"),
        ({"description": "x" * 100_000}, "description"),
        ({"description": "坏了\x00"}, "description"),
        ({"store": "NOPE"}, "store"),
        ({"returns": [999_999]}, "returns"),
        ({"direct_loss": "-1.00"}, "direct_loss"),
        ({"severity": "safety"}, "told_to_stop_using"),
        ({"quantity": 0}, "quantity"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(api_as, demo, change, field):
    response = api_as("hotline1").post(URL, {**NEW_CASE, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ServiceCase.objects.exists() and not Customer.objects.filter(phone="13800138000").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "payload", "field"),
    [
        ("follow_up", {"satisfaction": 0}, "satisfaction"),
        ("follow_up", {"satisfaction": 6}, "satisfaction"),
        ("follow_up", {"satisfaction": 3, "remarks": "\x00"}, "remarks"),
    ],
)
def test_bad_callback_is_a_400_and_changes_nothing(api_as, demo, name, payload, field):
    case = resolved()
    before = snapshot(case)
    response = api_as("hotline1").post(action(name)(case), payload, format="json")
    assert response.status_code == 400 and field in response.json()
    assert snapshot(case) == before


@pytest.mark.django_db
def test_a_promise_in_the_past_is_a_400(api_as, demo):
    case = open_case()
    before = snapshot(case)
    response = api_as("hotline1").post(
        action("promise")(case), {"deadline": "2020-01-01T10:00:00+08:00", "outcome": "x"}, format="json"
    )
    assert response.status_code == 400 and "deadline" in response.json()
    assert snapshot(case) == before


# --- the permission matrices (tests/support/refusals.py) ---

EVERYONE_ELSE = [
    ("store1", 403),  # sees S001's case, but the hotline logged it
    ("store2", 404),
    ("region1", 403),
    ("tech1", 403),
    ("qa1", 403),
    ("vp1", 403),
    ("supplier1", 404),
]
TRANSITIONS = [
    ("respond", open_case, in_progress, {"method": "phone", "message": "已回电"}),
    ("resolve", in_progress, resolved, {"resolution": "已换新", "outcome": "exchanged"}),
    ("follow_up", resolved, closed, {"satisfaction": 5, "remarks": ""}),
    ("cancel", open_case, in_progress, {"reason": "重复来电"}),
    ("promise", open_case, resolved, lambda case: {"deadline": future(), "outcome": "三天内处理"}),
]
TABLE = []
for name, arrange, wrong_state, payload in TRANSITIONS:
    TABLE += by_login(name, [(None, 401), *EVERYONE_ELSE], arrange=arrange, url=action(name), payload=payload)
    TABLE.append(
        Refusal(action=name, case="wrong_state", who="hotline1", expected=409, arrange=wrong_state, url=action(name),
                payload=payload)
    )  # fmt: skip
    TABLE.append(Refusal(action=name, case="allowed", who="hotline1", expected=200, arrange=arrange, url=action(name),
                         payload=payload))  # fmt: skip
# The store that logged an in-store case works it (but the callback is the hotline's).
TABLE += [
    Refusal(action="respond", case="logging_store", who="store1", expected=200, arrange=in_store_case,
            url=action("respond"), payload={"method": "in_person", "message": "店内已处理"}),
    Refusal(action="promise", case="logging_store", who="store1", expected=200, arrange=in_store_case,
            url=action("promise"), payload=lambda case: {"deadline": future(), "outcome": "店内换新"}),
    Refusal(action="follow_up", case="logging_store", who="store1", expected=403,
            arrange=lambda: resolved(in_store_case()), url=action("follow_up"), payload={"satisfaction": 5}),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(TABLE, snapshot=snapshot))
def test_transition_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        assert tried.after != tried.before
        assert TransitionLog.objects.for_object(tried.subject).filter(transition=row.action).exists()
    else:
        assert_refused(tried)


def _attach(case):
    return {"file": ("photo.png", png_bytes())}


ATTACH_TABLE = [
    *by_login("attach", [(None, 401), *EVERYONE_ELSE], arrange=open_case, url=action("attachments"),
              payload={"file": b""}, format="multipart"),
    Refusal(action="attach", case="wrong_state", who="hotline1", expected=409, arrange=closed,
            url=action("attachments"), payload={"file": b""}, format="multipart"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(ATTACH_TABLE, snapshot=snapshot))
def test_attachment_matrix(api_as, demo, row):
    assert_refused(attempt(row, api_as))


@pytest.mark.django_db
def test_hotline_attaches_a_photo(api_as, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = open_case()
    response = api_as("hotline1").post(
        action("attachments")(case), {"file": SimpleUploadedFile("p.png", png_bytes())}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert api_as("hotline1").get(response.json()["url"]).status_code == 200
    assert api_as("store2").get(response.json()["url"]).status_code == 404


CREATE_TABLE = [
    *by_login("create", [(None, 401), ("store1", 403), ("region1", 403), ("tech1", 403), ("qa1", 403),
                         ("supplier1", 403)],
              arrange=lambda: None, url=lambda _subject: URL, payload=NEW_CASE),
    Refusal(action="create", case="other_store", who="store1", expected=403, arrange=lambda: None,
            url=lambda _subject: URL, payload={**NEW_CASE, "channel": "in_store", "store": "S002"}),
    Refusal(action="create", case="own_store_in_store", who="store1", expected=201, arrange=lambda: None,
            url=lambda _subject: URL, payload={**NEW_CASE, "channel": "in_store"}),
    Refusal(action="create", case="allowed", who="hotline1", expected=201, arrange=lambda: None,
            url=lambda _subject: URL, payload=NEW_CASE),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(CREATE_TABLE, snapshot=lambda _subject: ServiceCase.objects.count()))
def test_create_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        assert tried.after == tried.before + 1
    else:
        assert_refused(tried)


# --- scope and privacy ---


@pytest.mark.django_db
def test_scope_store_region_supplier(api_as, demo):
    s001, s101 = open_case(store="S001"), open_case(store="S101")
    seen = {who: {row["id"] for row in api_as(who).get(URL).json()["results"]} for who in
            ("hotline1", "tech1", "store1", "store2", "region1", "store101", "supplier1")}  # fmt: skip
    assert seen["hotline1"] == seen["tech1"] == {s001.pk, s101.pk}
    assert seen["store1"] == seen["region1"] == {s001.pk}
    assert seen["store2"] == set() and seen["store101"] == {s101.pk} and seen["supplier1"] == set()
    assert api_as("store2").get(detail(s001)).status_code == 404
    assert api_as("supplier1").get(detail(s001)).status_code == 404


@pytest.mark.django_db
def test_phones_are_masked_but_for_the_hotline_and_the_logging_store_and_full_views_are_logged(api_as, demo):
    hotline_case, counter_case = open_case(), in_store_case()
    assert api_as("store1").get(detail(hotline_case)).json()["customer"]["phone"] == "138****8000"
    assert api_as("region1").get(detail(counter_case)).json()["customer"]["phone"] == "138****8000"
    assert PhoneAccessLog.objects.count() == 0
    assert api_as("store1").get(detail(counter_case)).json()["customer"]["phone"] == "13800138000"
    assert api_as("hotline1").get(detail(hotline_case)).json()["customer"]["name"] == "李娜"
    logged = PhoneAccessLog.objects.order_by("id")
    assert [(entry.user.username, entry.service_case_id) for entry in logged] == [
        ("store1", counter_case.pk),
        ("hotline1", hotline_case.pk),
    ]


@pytest.mark.django_db
def test_filters_phone_state_kind_breached(api_as, demo):
    from django.utils import timezone

    first = open_case()
    other = open_case(customer={**CALLER, "phone": "13912345678"}, kind="repair")
    ServiceCase.objects.filter(pk=other.pk).update(next_due=timezone.now().replace(year=2020))
    hotline = api_as("hotline1")

    def ids(query):
        return {row["id"] for row in hotline.get(URL + query).json()["results"]}

    assert ids("?phone=138-0013-8000") == {first.pk}
    assert ids("?kind=repair") == {other.pk}
    assert ids("?state=open") == {first.pk, other.pk} and ids("?state=closed") == set()
    assert ids("?breached=true") == {other.pk} and ids("?breached=false") == {first.pk}
    assert hotline.get(URL + "?state=nonsense").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["hotline1", "store1"])
def test_the_list_costs_the_same_for_5_and_25_cases(api_as, demo, who, django_assert_max_num_queries):
    client = api_as(who)
    client.get(URL)  # the token and roles once, outside the count

    def queries_for(count: int) -> int:
        for _ in range(count - ServiceCase.objects.count()):
            open_case(by="store1", channel="in_store")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert len(client.get(URL).json()["results"]) == count
        return len(captured)

    assert queries_for(5) == queries_for(25)


@pytest.mark.django_db
def test_keyset_pagination_follows_next(api_as, demo):
    for _ in range(3):
        open_case()
    hotline = api_as("hotline1")
    page = hotline.get(URL + "?page_size=2").json()
    assert len(page["results"]) == 2 and page["next"] and "cursor=" in page["next"]
    rest = hotline.get(page["next"]).json()
    assert len(rest["results"]) == 1


# --- the customer archive ---


@pytest.mark.django_db
def test_customers_by_phone_with_cases_and_returns_hotline_only(api_as, demo):
    case = open_case()
    unit = ReturnFactory(store_id=case.store_id, customer_phone="13800138000")
    case.customer.returns.add(unit)
    found = api_as("hotline1").get("/api/v1/customers/?phone=138 0013 8000").json()["results"]
    assert len(found) == 1
    assert [row["number"] for row in found[0]["cases"]] == [case.number]
    assert [row["id"] for row in found[0]["returns"]] == [unit.pk]
    assert PhoneAccessLog.objects.filter(user__username="hotline1", customer=case.customer).exists()
    for who in ("store1", "tech1", "supplier1"):
        assert api_as(who).get("/api/v1/customers/").status_code == 403


@pytest.mark.django_db
def test_erase_over_the_api(api_as, demo):
    case = open_case()
    unit = ReturnFactory(store_id=case.store_id, customer_name="李娜", customer_phone="13800138000")
    url = f"/api/v1/customers/{case.customer_id}/erase/"
    assert api_as("store1").post(url).status_code == 403
    erased = api_as("hotline1").post(url)
    assert erased.status_code == 200 and erased.json()["phone"] == "" and erased.json()["erased_at"]
    assert Return.objects.filter(pk=unit.pk, customer_phone="").exists()
    assert ServiceCase.objects.get(pk=case.pk).state == CaseState.OPEN
