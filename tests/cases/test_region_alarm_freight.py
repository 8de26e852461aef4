"""Issue 13 around the loop: a store's batch alarm (seed 000, 2.1), the region's sign-off of a store's parcel to
the center (seed 000, 1.3), a parcel's freight cost, and the returns filters by region, reason and recall with
fixed query counts; the ready-to-return queue by region, then store.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales.models import Notification, TransitionLog
from cases import services
from cases.choices import ReasonKind, ReturnState
from cases.models import BatchAlarm, Shipment
from recalls.selectors import recall_candidates
from stores.models import Region
from suppliers.models import DefectCode, Style
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases, standard_matrix
from tests.support.returns import JACKET, fresh, log_returns, return_in, ship_to_center, user

# --- the store's batch alarm ---


def alarm_snapshot(item) -> tuple:
    return (
        fresh(item).state,
        BatchAlarm.objects.count(),
        Notification.objects.count(),
        TransitionLog.objects.count(),
    )


def alarm_url(item) -> str:
    return f"/api/v1/returns/{item.pk}/raise_batch_alarm/"


ALARM_TABLE = standard_matrix(
    "raise_batch_alarm",
    arrange=lambda: log_returns()[0],
    arrange_wrong_state=lambda: return_in(ReturnState.CANCELLED),
    url=alarm_url,
    payload={"note": "三位顾客反映同一款起球"},
    allowed="store1",
    wrong_role="tech1",
    allowed_status=201,
) + [
    Refusal(
        action="raise_batch_alarm",
        case="region_manager_reads_only",
        who="region1",
        expected=403,
        arrange=lambda: log_returns()[0],
        url=alarm_url,
        payload={"note": "x"},
    ),
    Refusal(
        action="raise_batch_alarm",
        case="blank_note",
        who="store1",
        expected=400,
        arrange=lambda: log_returns()[0],
        url=alarm_url,
        payload={"note": "  "},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(ALARM_TABLE, snapshot=alarm_snapshot, detail=False))
def test_batch_alarm_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
        return
    alarm = BatchAlarm.objects.get(return_item=tried.subject)
    assert tried.response.json()["note"] == "三位顾客反映同一款起球"
    assert alarm.store.code == "S001" and alarm.raised_by.username == "store1"
    told = set(Notification.objects.filter(kind="batch_alarm").values_list("recipient__username", flat=True))
    assert {"tech1", "tech2", "qa1"} <= told
    assert "store1" not in told
    # Once per Return: a second alarm is a 409 and changes nothing.
    before = alarm_snapshot(tried.subject)
    again = api_as("store1").post(alarm_url(tried.subject), {"note": "again"}, format="json")
    assert again.status_code == 409
    assert alarm_snapshot(tried.subject) == before


@pytest.mark.django_db
def test_batch_alarm_from_the_return_page(browser_as):
    item = log_returns()[0]
    client = browser_as("store1")
    page = client.get(reverse("cases:return_detail", args=[item.pk])).content.decode()
    assert 'data-testid="batch-alarm-form"' in page
    response = client.post(
        reverse("cases:return_batch_alarm", args=[item.pk]), {"note": "同款多人反映掉色"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="batch-alarm"' in body and "同款多人反映掉色" in body
    # The technician sees it on the Return's page, without the button.
    tech_page = browser_as("tech1").get(reverse("cases:return_detail", args=[item.pk])).content.decode()
    assert "同款多人反映掉色" in tech_page and 'data-testid="batch-alarm-form"' not in tech_page


@pytest.mark.django_db
def test_a_store_alarm_makes_one_stores_reports_a_recall_candidate(demo, settings):
    settings.AFTERSALES_RECALL_MIN_RETURNS = 5
    settings.AFTERSALES_RECALL_MIN_STORES = 3
    code = DefectCode.objects.filter(active=True).order_by("code").first()
    style = Style.objects.get(style_no=JACKET)
    unit = services.ReturnUnit(
        style=style, color="黑", size="L", production_year=2025, defect_description="起球", reported_defect=code
    )
    items = log_returns(units=[unit] * 5)
    key = (style.pk, code.pk)
    assert key not in {(c.style.pk, c.defect_code.pk) for c in recall_candidates()}
    services.return_raise_batch_alarm(user=user("store1"), return_item=items[0], note="五位顾客同一问题")
    candidates = {(c.style.pk, c.defect_code.pk): c for c in recall_candidates()}
    assert key in candidates
    assert candidates[key].store_count == 1 and candidates[key].return_count == 5


@pytest.mark.django_db
def test_an_alarm_does_not_lower_the_number_of_returns(demo, settings):
    settings.AFTERSALES_RECALL_MIN_RETURNS = 5
    code = DefectCode.objects.filter(active=True).order_by("code").first()
    style = Style.objects.get(style_no=JACKET)
    unit = services.ReturnUnit(
        style=style, color="黑", size="L", production_year=2025, defect_description="起球", reported_defect=code
    )
    items = log_returns(units=[unit] * 2)
    services.return_raise_batch_alarm(user=user("store1"), return_item=items[0], note="两位顾客")
    assert (style.pk, code.pk) not in {(c.style.pk, c.defect_code.pk) for c in recall_candidates()}


# --- the region's sign-off ---


def require_sign_off(code="R01", required=True):
    Region.objects.filter(code=code).update(shipment_sign_off_required=required)


def packed(store_code="S001") -> Shipment:
    return ship_to_center(log_returns(store_code), dispatch=False)


def sign_off_snapshot(shipment) -> tuple:
    row = fresh(shipment)
    return row.state, row.signed_off_at, row.signed_off_by_id, TransitionLog.objects.count()


def sign_off_url(shipment) -> str:
    return f"/api/v1/shipments/{shipment.pk}/sign_off/"


def packed_on_sign_off_region():
    require_sign_off()
    return packed()


def dispatched_after_sign_off():
    require_sign_off()
    shipment = packed()
    services.shipment_sign_off(user=user("region1"), shipment=shipment)
    return services.shipment_dispatch(
        user=user("store1"), shipment=shipment, carrier="顺丰", tracking_no="SF1234567890123"
    )


SIGN_OFF_TABLE = standard_matrix(
    "sign_off",
    arrange=packed_on_sign_off_region,
    arrange_wrong_state=dispatched_after_sign_off,
    url=sign_off_url,
    payload={"note": "同意寄出"},
    allowed="region1",
    wrong_role="store1",
) + [
    Refusal(
        action="sign_off",
        case="technician",
        who="tech1",
        expected=403,
        arrange=packed_on_sign_off_region,
        url=sign_off_url,
        payload={},
    ),
    Refusal(
        action="sign_off",
        case="region_asks_none",
        who="region1",
        expected=400,
        arrange=packed,
        url=sign_off_url,
        payload={},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(SIGN_OFF_TABLE, snapshot=sign_off_snapshot, detail=True))
def test_sign_off_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if not row.allowed:
        assert_refused(tried)
        return
    data = tried.response.json()
    assert data["state"] == "draft"
    assert data["signed_off_by"] == "region1" and data["signed_off_at"]
    assert "sign_off" not in data["available_transitions"]
    # Signed off once: a second sign-off changes nothing.
    before = sign_off_snapshot(tried.subject)
    assert api_as("region1").post(sign_off_url(tried.subject), {}, format="json").status_code == 400
    assert sign_off_snapshot(tried.subject) == before


@pytest.mark.django_db
def test_sign_off_off_by_default_a_store_dispatches_at_once(api_as, demo):
    shipment = packed()
    detail = api_as("store1").get(f"/api/v1/shipments/{shipment.pk}/").json()
    assert "dispatch" in detail["available_transitions"] and detail["signed_off_at"] is None
    response = api_as("store1").post(
        f"/api/v1/shipments/{shipment.pk}/dispatch/",
        {"carrier": "顺丰", "tracking_no": "SF1234567890123"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "in_transit"


@pytest.mark.django_db
def test_sign_off_on_the_store_waits_for_the_region_manager(api_as, browser_as, demo):
    require_sign_off()
    shipment = packed()
    store1 = api_as("store1")
    detail = store1.get(f"/api/v1/shipments/{shipment.pk}/").json()
    assert "dispatch" not in detail["available_transitions"]
    before = sign_off_snapshot(shipment)
    refused = store1.post(
        f"/api/v1/shipments/{shipment.pk}/dispatch/",
        {"carrier": "顺丰", "tracking_no": "SF1234567890123"},
        format="json",
    )
    assert refused.status_code == 400 and "审批" in refused.json()["detail"]  # the region manager's sign-off
    assert sign_off_snapshot(shipment) == before
    assert fresh(shipment.lines.first().return_item).state == ReturnState.LOGGED
    # The region manager sees what waits: the queue page, its home tile, and the button on the parcel.
    region = browser_as("region1")
    queue = region.get(reverse("cases:sign_off_queue")).content.decode()
    assert shipment.number in queue
    waiting = api_as("region1").get("/api/v1/shipments/?awaits_sign_off=true").json()["results"]
    assert [row["number"] for row in waiting] == [shipment.number]
    assert shipment.number not in {
        row["number"] for row in api_as("region1").get("/api/v1/shipments/?awaits_sign_off=false").json()["results"]
    }
    assert reverse("cases:sign_off_queue") in region.get("/").content.decode()
    page = region.post(reverse("cases:shipment_transition", args=[shipment.pk, "sign_off"]), {"note": ""})
    assert page.status_code in (200, 302)
    assert fresh(shipment).signed_off_by.username == "region1"
    assert shipment.number not in region.get(reverse("cases:sign_off_queue")).content.decode()
    response = store1.post(
        f"/api/v1/shipments/{shipment.pk}/dispatch/",
        {"carrier": "顺丰", "tracking_no": "SF1234567890123"},
        format="json",
    )
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_sign_off_queue_is_the_region_managers_own(browser_as, demo):
    require_sign_off("R02")
    other = packed("S101")
    assert other.number not in browser_as("region1").get(reverse("cases:sign_off_queue")).content.decode()
    assert browser_as("store1").get(reverse("cases:sign_off_queue")).status_code == 403


# --- freight ---


@pytest.mark.django_db
def test_dispatch_records_the_freight_cost(api_as, demo):
    shipment = packed()
    response = api_as("store1").post(
        f"/api/v1/shipments/{shipment.pk}/dispatch/",
        {"carrier": "顺丰", "tracking_no": "SF1234567890123", "freight_cost": "18.50"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["freight_cost"] == "18.50"
    assert str(fresh(shipment).freight_cost) == "18.50"


@pytest.mark.django_db
@pytest.mark.parametrize("cost", ["-1", "abc", "1.005", "1e12"])
def test_a_bad_freight_cost_is_a_400_and_nothing_leaves(api_as, demo, cost):
    shipment = packed()
    before = sign_off_snapshot(shipment)
    response = api_as("store1").post(
        f"/api/v1/shipments/{shipment.pk}/dispatch/",
        {"carrier": "顺丰", "tracking_no": "SF1234567890123", "freight_cost": cost},
        format="json",
    )
    assert response.status_code == 400
    assert "freight_cost" in response.json()
    assert sign_off_snapshot(shipment) == before and fresh(shipment).freight_cost is None


# --- filters: region, reason kind, recall; fixed query counts ---


def list_queries(client, url) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response


@pytest.mark.django_db
def test_api_filters_by_region_reason_kind_and_recall(api_as, demo):
    s001 = log_returns()[0]
    s101 = log_returns("S101")[0]
    mind = log_returns(purchase_date=timezone.localdate(), reason_kind=ReasonKind.CHANGE_OF_MIND, resaleable=True)[0]
    tech = api_as("tech1")

    def numbers(query):
        response = tech.get(f"/api/v1/returns/?{query}")
        assert response.status_code == 200, response.content
        return {row["number"] for row in response.json()["results"]}

    assert numbers("region=R01") >= {s001.number, mind.number} and s101.number not in numbers("region=R01")
    assert numbers("region=R02") == {s101.number}
    assert numbers("reason_kind=change_of_mind") == {mind.number}
    assert mind.number not in numbers("reason_kind=quality")
    assert numbers("recalled=true") == set()
    assert s001.number in numbers("recalled=false")
    assert numbers("recall=999999") == set()
    # An unknown or out-of-scope region is a 400 naming it, never silently ignored.
    assert tech.get("/api/v1/returns/?region=R99").status_code == 400
    assert api_as("store1").get("/api/v1/returns/?region=R02").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["region=R01", "reason_kind=quality", "recalled=false", "responsibility=supplier&region=R01"]
)
def test_filtered_lists_take_a_fixed_number_of_queries(api_as, browser_as, demo, query):
    items = [return_in(ReturnState.READY_TO_RETURN)]
    api = api_as("tech1")
    page = browser_as("tech1")
    one_api, _ = list_queries(api, f"/api/v1/returns/?{query}")
    one_page, _ = list_queries(page, f"{reverse('cases:return_list')}?{query}")
    items += [return_in(ReturnState.READY_TO_RETURN) for _ in range(4)]
    many_api, response = list_queries(api, f"/api/v1/returns/?{query}")
    many_page, _ = list_queries(page, f"{reverse('cases:return_list')}?{query}")
    assert len(response.json()["results"]) == len(items)
    assert many_api == one_api
    assert many_page == one_page


@pytest.mark.django_db
def test_ready_queue_groups_by_region_then_store(browser_as, demo):
    ready = [return_in(ReturnState.READY_TO_RETURN, code) for code in ("S101", "S002", "S001")]
    body = browser_as("tech1").get(reverse("cases:ready_queue")).content.decode()
    r01, r02 = body.index('data-testid="region-R01"'), body.index('data-testid="region-R02"')
    s001, s002, s101 = (body.index(f'data-store="{code}"') for code in ("S001", "S002", "S101"))
    assert r01 < s001 < s002 < r02 < s101
    assert all(item.number in body for item in ready)


# --- both languages ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Reason for the return", "Change of mind", "Tags and packaging intact", "Suspect a batch problem"]),
        ("zh-hans", ["退货原因", "无理由退换", "吊牌、包装完好", "疑似批量问题"]),
    ],
)
def test_the_counter_pages_speak_both_languages(browser_as, demo, language, words):
    client = browser_as("store1")
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    item = log_returns()[0]
    pages = client.get(reverse("cases:return_create")).content.decode()
    pages += client.get(reverse("cases:return_detail", args=[item.pk])).content.decode()
    for word in words:
        assert word in pages, word


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Parcels waiting for your sign-off", "Sign off for dispatch"]),
        ("zh-hans", ["待您审批的包裹", "审批寄出"]),
    ],
)
def test_the_sign_off_pages_speak_both_languages(browser_as, demo, language, words):
    require_sign_off()
    shipment = packed()
    client = browser_as("region1")
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    pages = client.get(reverse("cases:sign_off_queue")).content.decode()
    pages += client.get(reverse("cases:shipment_detail", args=[shipment.pk])).content.decode()
    for word in words:
        assert word in pages, word
