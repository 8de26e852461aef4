"""Issue 13 at the counter: a Return's reason kind (quality or change of mind), the resale condition, paid repair
past the warranty, and change-of-mind units resolved at the store (never shipped) — in the service, the API and
the 登记退货 form.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from aftersales.fsm import TransitionForbidden
from cases import services
from cases.choices import ReasonKind, ReturnState, ShipmentDirection
from cases.models import Return
from cases.selectors import shippable_returns
from stores.models import Store
from suppliers.models import Style
from tests.support.returns import JACKET, fresh, log_returns, user

SHIRT = "226201TS008"  # category TS: 6-month warranty, no paid repair after it


@pytest.fixture(autouse=True)
def english():
    """The services' messages are read in English here; pages answer in the user's language (Chinese)."""
    with translation.override("en"):
        yield


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def change_of_mind(days: int, **overrides) -> list[Return]:
    values = {"purchase_date": days_ago(days), "reason_kind": ReasonKind.CHANGE_OF_MIND, "resaleable": True}
    values.update(overrides)
    return log_returns(**values)


# --- the change-of-mind window: 7 days by default ---


@pytest.mark.django_db
def test_change_of_mind_on_day_7_is_inside_the_window(demo):
    item = change_of_mind(7)[0]
    assert item.reason_kind == ReasonKind.CHANGE_OF_MIND
    assert item.resaleable is True
    assert item.policy_exception is False


@pytest.mark.django_db
def test_change_of_mind_on_day_8_needs_a_written_reason_and_is_flagged(demo):
    before = Return.objects.count()
    with pytest.raises(ValidationError) as refused:
        change_of_mind(8)
    problems = refused.value.message_dict["policy_exception_reason"]
    assert any("8" in problem and "7" in problem for problem in problems), problems
    assert Return.objects.count() == before
    item = change_of_mind(8, policy_exception_reason="店长同意")[0]
    assert item.policy_exception is True
    assert item.policy_exception_reason == "店长同意"


@pytest.mark.django_db
def test_a_quality_return_on_day_10_is_inside_its_15_day_window(demo):
    """The window depends on the reason: 10 days is late for a change of mind, not for a quality problem."""
    assert log_returns(purchase_date=days_ago(10))[0].policy_exception is False
    with pytest.raises(ValidationError):
        change_of_mind(10)


@pytest.mark.django_db
def test_the_categorys_own_change_of_mind_window_is_read(demo):
    category = Style.objects.get(style_no=JACKET).category
    category.change_of_mind_days = 3
    category.save()
    change_of_mind(3)
    with pytest.raises(ValidationError):
        change_of_mind(4)


# --- the resale condition ---


@pytest.mark.django_db
def test_change_of_mind_goods_must_be_resaleable(demo):
    before = Return.objects.count()
    with pytest.raises(ValidationError) as refused:
        change_of_mind(2, resaleable=False)
    assert set(refused.value.message_dict) == {"resaleable"}
    assert "tags and packaging" in refused.value.message_dict["resaleable"][0]
    # No written reason helps: the goods cannot be sold again.
    with pytest.raises(ValidationError):
        change_of_mind(2, resaleable=False, policy_exception_reason="顾客坚持")
    assert Return.objects.count() == before


@pytest.mark.django_db
def test_change_of_mind_is_refunded_or_exchanged_not_repaired(demo):
    with pytest.raises(ValidationError) as refused:
        change_of_mind(2, onsite_handling="local_repair")
    assert "onsite_handling" in refused.value.message_dict
    assert change_of_mind(2, onsite_handling="refund")[0].onsite_handling == "refund"


@pytest.mark.django_db
def test_a_quality_return_does_not_ask_for_the_resale_condition(demo):
    item = log_returns(resaleable=False)[0]
    assert item.reason_kind == ReasonKind.QUALITY


# --- change-of-mind units stay at the store ---


@pytest.mark.django_db
def test_change_of_mind_units_never_go_to_the_service_center(demo):
    mind = change_of_mind(2)[0]
    quality = log_returns()[0]
    store1 = user("store1")
    shippable = set(shippable_returns(store1, mind.store, ShipmentDirection.TO_CENTER).values_list("pk", flat=True))
    assert quality.pk in shippable and mind.pk not in shippable
    with pytest.raises(ValidationError) as refused:
        services.shipment_create(
            user=store1, direction=ShipmentDirection.TO_CENTER, store=mind.store, return_ids=[mind.pk]
        )
    assert "resolved at the store" in refused.value.message_dict["returns"][0]
    resolved = services.return_resolve_at_store(user=store1, return_item=mind, note="已换货")
    assert resolved.state == ReturnState.RESOLVED_AT_STORE


# --- past the warranty: paid repair where the category offers it ---


@pytest.mark.django_db
def test_out_of_warranty_repair_is_offered_paid_repair_where_the_category_allows_it(demo):
    with pytest.raises(ValidationError) as refused:
        log_returns(purchase_date=days_ago(400), onsite_handling="local_repair")
    assert any("paid repair" in problem for problem in refused.value.message_dict["policy_exception_reason"])
    item = log_returns(purchase_date=days_ago(400), onsite_handling="local_repair", policy_exception_reason="有偿")[0]
    assert item.paid_repair is True and item.policy_exception is True


@pytest.mark.django_db
def test_out_of_warranty_repair_in_a_category_without_paid_repair_says_why_it_cannot_be_accepted(demo):
    shirt = Style.objects.get(style_no=SHIRT)
    unit = services.ReturnUnit(style=shirt, color="白", size="M", production_year=2024, defect_description="掉色")
    with pytest.raises(ValidationError) as refused:
        log_returns(purchase_date=days_ago(250), onsite_handling="local_repair", units=[unit])
    problems = " ".join(refused.value.message_dict["policy_exception_reason"])
    assert "no paid repair" in problems and "cannot be accepted" in problems
    item = log_returns(
        purchase_date=days_ago(250), onsite_handling="local_repair", units=[unit], policy_exception_reason="特批"
    )[0]
    assert item.paid_repair is False and item.policy_exception is True


@pytest.mark.django_db
def test_a_return_logged_before_the_choice_reads_as_quality(demo):
    """Existing Returns migrated to ``quality`` (the field's default), and a log without the choice is one."""
    item = log_returns()[0]
    assert fresh(item).reason_kind == ReasonKind.QUALITY and fresh(item).paid_repair is False


# --- the API ---


def api_body(**overrides) -> dict:
    body = {
        "store": "S001",
        "style": JACKET,
        "color": "黑色",
        "size": "L",
        "production_year": timezone.localdate().year - 1,
        "purchase_date": days_ago(7).isoformat(),
        "receipt_no": "POS-9001",
        "defect_description": "颜色不喜欢",
        "onsite_handling": "exchange",
        "reason_kind": "change_of_mind",
        "resaleable": True,
    }
    body.update(overrides)
    return body


@pytest.mark.django_db
def test_api_logs_a_change_of_mind_with_its_fields(api_as):
    response = api_as("store1").post("/api/v1/returns/", api_body(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["reason_kind"] == "change_of_mind"
    assert data["resaleable"] is True
    assert data["paid_repair"] is False
    assert data["policy_exception"] is False
    assert "dispatch" not in data["available_transitions"]
    assert "resolve_at_store" in data["available_transitions"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"resaleable": False}, "resaleable"),
        ({"reason_kind": "bored"}, "reason_kind"),
        ({"purchase_date": days_ago(8).isoformat()}, "policy_exception_reason"),
        ({"onsite_handling": "local_repair"}, "onsite_handling"),
    ],
)
def test_api_refuses_a_bad_change_of_mind_with_a_400_naming_the_field(api_as, overrides, field):
    before = Return.objects.count()
    response = api_as("store1").post("/api/v1/returns/", api_body(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Return.objects.count() == before


@pytest.mark.django_db
def test_api_without_a_reason_kind_logs_a_quality_return(api_as):
    body = api_body(purchase_date=days_ago(2).isoformat())
    del body["reason_kind"], body["resaleable"]
    response = api_as("store1").post("/api/v1/returns/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["reason_kind"] == "quality"


# --- the form ---


def form_data(**overrides) -> dict:
    style = Style.objects.get(style_no=JACKET)
    data = {
        "receipt_no": "POS-7788",
        "purchase_date": days_ago(7).isoformat(),
        "reason_kind": "change_of_mind",
        "resaleable": "on",
        "onsite_handling": "refund",
        "customer_name": "",
        "customer_phone": "",
        "policy_exception_reason": "",
        "unit-TOTAL_FORMS": "1",
        "unit-INITIAL_FORMS": "0",
        "unit-MIN_NUM_FORMS": "1",
        "unit-MAX_NUM_FORMS": "20",
        "unit-0-style": str(style.pk),
        "unit-0-color": "藏青",
        "unit-0-size": "M",
        "unit-0-batch_no": "",
        "unit-0-production_year": str(timezone.localdate().year - 1),
        "unit-0-defect_description": "不合适",
        "unit-0-reported_defect": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_form_logs_a_change_of_mind_and_the_list_tells_it_apart(browser_as):
    client = browser_as("store1")
    page = client.get(reverse("cases:return_create"))
    assert 'name="reason_kind"' in page.content.decode() and 'name="resaleable"' in page.content.decode()
    response = client.post(reverse("cases:return_create"), form_data())
    assert response.status_code == 302
    item = Return.objects.latest("id")
    assert (item.reason_kind, item.resaleable, item.policy_exception) == (ReasonKind.CHANGE_OF_MIND, True, False)
    listed = client.get(reverse("cases:return_list"), {"reason_kind": "change_of_mind"}).content.decode()
    assert item.number in listed and 'data-testid="badge-change-of-mind"' in listed
    detail = client.get(reverse("cases:return_detail", args=[item.pk])).content.decode()
    assert "无理由退换" in detail and "不寄往售后服务部" in detail


@pytest.mark.django_db
def test_form_refuses_goods_not_fit_to_sell_again_and_keeps_the_page(browser_as):
    client = browser_as("store1")
    before = Return.objects.count()
    data = form_data()
    del data["resaleable"]
    response = client.post(reverse("cases:return_create"), data)
    assert response.status_code == 400
    assert 'data-error-for="resaleable"' in response.content.decode()
    assert Return.objects.count() == before


@pytest.mark.django_db
def test_policy_hint_reads_the_reason_kind(browser_as):
    client = browser_as("store1")
    style = Style.objects.get(style_no=JACKET)
    body = {"purchase_date": days_ago(8).isoformat(), "onsite_handling": "exchange", "unit-0-style": str(style.pk)}
    quality = client.post(reverse("cases:return_policy_hint"), {**body, "reason_kind": "quality"}).content.decode()
    mind = client.post(reverse("cases:return_policy_hint"), {**body, "reason_kind": "change_of_mind"}).content.decode()
    assert "无理由退换期限" not in quality
    assert "无理由退换期限" in mind and "8" in mind


@pytest.mark.django_db
def test_store_staff_of_another_store_cannot_log_there(demo):
    with pytest.raises(TransitionForbidden):
        services.return_log(
            user=user("store2"),
            store=Store.objects.get(code="S001"),
            receipt_no="X",
            purchase_date=days_ago(1),
            onsite_handling="exchange",
            reason_kind=ReasonKind.CHANGE_OF_MIND,
            resaleable=True,
            units=[],
        )
