"""The return workflow in the browser: pages per role, logging a receipt, htmx transitions, shipments, queues."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.models import TransitionLog
from cases import services
from cases.choices import ReturnState, ShipmentLineOutcome, ShipmentState
from cases.models import Attachment, Return, Shipment
from inspection.models import InspectionReport
from stores.models import Store
from suppliers.models import Style
from tests.support.files import png_bytes
from tests.support.returns import log_units, received_unit, ship

HTMX = {"HTTP_HX_REQUEST": "true"}
STYLE_NO = "226101JK001"


def receipt_post(style, count=2, **overrides):
    data = {
        "receipt_no": "POS-7788",
        "purchase_date": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "onsite_handling": "exchange",
        "customer_name": "王芳",
        "customer_phone": "13900001111",
        "policy_exception_reason": "",
        "unit-TOTAL_FORMS": str(count),
        "unit-INITIAL_FORMS": "0",
        "unit-MIN_NUM_FORMS": "1",
        "unit-MAX_NUM_FORMS": "20",
    }
    for index in range(count):
        data.update(
            {
                f"unit-{index}-style": str(style.pk),
                f"unit-{index}-color": "藏青",
                f"unit-{index}-size": ["M", "L", "XL"][index % 3],
                f"unit-{index}-batch_no": "B2401",
                f"unit-{index}-production_year": "2025",
                f"unit-{index}-defect_description": "开线",
                f"unit-{index}-reported_defect": "",
            }
        )
    data.update(overrides)
    return data


# --- pages per role ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "allowed", "denied"),
    [
        ("/returns/", {"store1", "region1", "tech1", "hotline1", "supplier1"}, set()),
        ("/returns/new/", {"store1"}, {"region1", "tech1", "supplier1"}),
        ("/shipments/", {"store1", "region1", "tech1"}, {"supplier1"}),
        ("/shipments/new/?direction=to_center", {"store1"}, {"region1", "supplier1"}),
        ("/center/inbound/", {"tech1", "qa1"}, {"store1", "region1", "supplier1"}),
        ("/center/inspection/", {"tech1"}, {"store1", "region1", "supplier1"}),
        ("/center/ready-to-return/", {"tech1"}, {"store1", "region1"}),
        ("/center/at-supplier/", {"tech1"}, {"store1"}),
        ("/center/missing/", {"tech1"}, {"store1"}),
    ],
)
def test_workflow_pages_open_for_their_roles_and_are_forbidden_to_others(browser_as, url, allowed, denied):
    for username in allowed:
        # given a user whose role works on this page, when they open it, then it renders
        assert browser_as(username).get(url).status_code == 200, username
    for username in denied:
        # given a user whose role has no business here, then the answer is 403 (not a login loop)
        assert browser_as(username).get(url).status_code == 403, username


@pytest.mark.django_db
def test_empty_lists_invite_the_store_to_log_a_return(browser_as):
    # given store1 with no returns yet
    body = browser_as("store1").get("/returns/").content.decode()
    # then the list says so and links to the log form
    assert 'data-testid="empty-state"' in body
    assert 'href="/returns/new/"' in body


@pytest.mark.django_db
def test_return_detail_is_in_scope_only(browser_as, demo_user):
    # given a return of S001
    item = log_units(demo_user("store1"), customer_phone="13812341234", customer_name="张三")[0]
    url = f"/returns/{item.pk}/"
    # then its store, its region's manager and the center see it
    for username in ("store1", "region1", "tech1"):
        assert browser_as(username).get(url).status_code == 200, username
    # and another store and another region's store get 404, so its existence does not leak
    for username in ("store2", "store101"):
        assert browser_as(username).get(url).status_code == 404, username
    # and the phone is masked for the technician but not for the logging store
    assert "138****1234" in browser_as("tech1").get(url).content.decode()
    assert "13812341234" in browser_as("store1").get(url).content.decode()


@pytest.mark.django_db
def test_detail_shows_fields_timeline_and_only_the_users_transitions(browser_as, demo_user):
    # given a logged return of S001
    item = log_units(demo_user("store1"))[0]
    # when its store opens it
    body = browser_as("store1").get(f"/returns/{item.pk}/").content.decode()
    # then it shows the unit, the timeline's log step and the store's buttons (cancel, resolve at store)
    assert item.number in body and STYLE_NO in body and "POS-0001" in body
    assert 'data-testid="timeline"' in body and body.count('class="timeline-step"') == 1
    assert 'data-action="cancel"' in body and 'data-action="resolve_at_store"' in body
    assert 'data-action="inspect"' not in body
    # and the region manager sees it read-only: no buttons, no photo form
    body = browser_as("region1").get(f"/returns/{item.pk}/").content.decode()
    assert 'data-testid="actions"' not in body and 'data-testid="add-photo"' not in body


# --- logging a receipt ---


@pytest.mark.django_db
def test_store_logs_several_units_of_one_receipt_in_one_form(browser_as):
    # given store1 on the log form
    client = browser_as("store1")
    style = Style.objects.get(style_no=STYLE_NO)
    data = receipt_post(style, count=3)
    photo = io.BytesIO(png_bytes())
    photo.name = "receipt.png"
    data["photos"] = photo
    # when they submit three units of one receipt with a receipt photo
    response = client.post("/returns/new/", data, follow=True)
    # then three returns exist with their own numbers, named in the success message
    created = list(Return.objects.filter(receipt_no="POS-7788").order_by("id"))
    assert len(created) == 3
    assert {item.size for item in created} == {"M", "L", "XL"}
    body = response.content.decode()
    for item in created:
        assert item.number in body
    assert response.redirect_chain[-1][0] == "/returns/"
    # and the receipt photo is attached to every unit
    assert Attachment.objects.filter(return_item__in=created).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purchase_date": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}, "purchase_date"),
        ({"receipt_no": "POS\x00-1"}, "receipt_no"),
        ({"unit-1-color": "黑\x00"}, "unit-1-color"),
        ({"unit-0-production_year": "1990"}, "unit-0-production_year"),
        ({"unit-0-style": "999999"}, "unit-0-style"),
        ({"onsite_handling": "teleport"}, "onsite_handling"),
    ],
)
def test_bad_receipts_show_the_field_error_and_create_nothing(browser_as, overrides, field):
    # given store1 submitting a receipt with one bad field
    style = Style.objects.get(style_no=STYLE_NO)
    response = browser_as("store1").post("/returns/new/", receipt_post(style, **overrides))
    # then the form comes back (400) naming the field, and nothing was logged
    assert response.status_code == 400
    assert f'data-error-for="{field}"' in response.content.decode()
    assert not Return.objects.exists()


@pytest.mark.django_db
def test_outside_policy_needs_a_written_reason(browser_as):
    # given a refund of goods bought long ago (outside the quality-return window)
    style = Style.objects.get(style_no=STYLE_NO)
    old = (timezone.localdate() - dt.timedelta(days=200)).isoformat()
    client = browser_as("store1")
    # when logged without a reason
    response = client.post("/returns/new/", receipt_post(style, count=1, purchase_date=old, onsite_handling="refund"))
    # then the warning and the reason field's error show, and nothing is logged
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-error-for="policy_exception_reason"' in body
    assert 'data-testid="policy-warning"' in body
    assert not Return.objects.exists()
    # when logged again with a reason, then it is logged and flagged
    data = receipt_post(style, count=1, purchase_date=old, onsite_handling="refund", policy_exception_reason="老顾客")
    assert client.post("/returns/new/", data).status_code == 302
    assert Return.objects.get().policy_exception is True


@pytest.mark.django_db
def test_policy_hint_warns_live(browser_as):
    style = Style.objects.get(style_no=STYLE_NO)
    old = (timezone.localdate() - dt.timedelta(days=200)).isoformat()
    data = {"purchase_date": old, "onsite_handling": "refund", "unit-0-style": str(style.pk)}
    body = browser_as("store1").post("/returns/new/policy/", data, **HTMX).content.decode()
    assert 'data-testid="policy-warning"' in body
    data["purchase_date"] = timezone.localdate().isoformat()
    assert "policy-warning" not in browser_as("store1").post("/returns/new/policy/", data, **HTMX).content.decode()


# --- transitions on the detail page ---


@pytest.mark.django_db
def test_htmx_inspection_returns_the_panel_and_moves_the_unit(browser_as, demo_user):
    # given a received unit
    item = received_unit(demo_user)
    # when tech1 inspects it as no_defect with htmx
    response = browser_as("tech1").post(
        f"/returns/{item.pk}/inspect/", {"verdict": "no_defect", "responsibility": "", "notes": "完好"}, **HTMX
    )
    # then the answer is the panel only (no page), showing the new state and the report
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="return-panel"')
    assert "<html" not in body
    assert 'data-state="ready_to_return"' in body
    assert Return.objects.get(pk=item.pk).state == ReturnState.READY_TO_RETURN
    assert InspectionReport.objects.get(return_item=item).notes == "完好"


@pytest.mark.django_db
def test_unrepairable_without_responsibility_is_a_400_in_the_panel(browser_as, demo_user):
    item = received_unit(demo_user)
    response = browser_as("tech1").post(f"/returns/{item.pk}/inspect/", {"verdict": "unrepairable"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-error-for="responsibility"' in body
    assert Return.objects.get(pk=item.pk).state == ReturnState.RECEIVED
    assert not InspectionReport.objects.exists()


@pytest.mark.django_db
def test_inspection_with_photo_attaches_it(browser_as, demo_user):
    item = received_unit(demo_user)
    photo = io.BytesIO(png_bytes())
    photo.name = "damage.png"
    data = {"verdict": "unrepairable", "responsibility": "hq", "photos": photo}
    response = browser_as("tech1").post(f"/returns/{item.pk}/inspect/", data, **HTMX)
    assert response.status_code == 200
    assert Return.objects.get(pk=item.pk).state == ReturnState.SCRAP_PENDING
    assert Attachment.objects.get(return_item=item).kind == "inspection"


@pytest.mark.django_db
def test_plain_post_redirects_back_with_a_message(browser_as, demo_user):
    item = log_units(demo_user("store1"))[0]
    response = browser_as("store1").post(f"/returns/{item.pk}/cancel/", {"reason": "录错了"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/returns/{item.pk}/"
    assert Return.objects.get(pk=item.pk).state == ReturnState.CANCELLED
    assert len(list(response.context["messages"])) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "name", "data", "status"),
    [
        ("tech1", "inspect", {"verdict": "no_defect"}, 409),  # logged, not received: wrong state
        ("region1", "cancel", {"reason": "x"}, 403),  # read-only role
        ("tech1", "cancel", {"reason": "x"}, 403),  # wrong role
        ("store2", "cancel", {"reason": "x"}, 404),  # another store: out of scope
        ("store1", "cancel", {"reason": ""}, 400),  # a reason is required
        ("store1", "teleport", {}, 404),  # no such transition
        ("store1", "dispatch", {}, 404),  # fired by the shipment, not from here
    ],
)
def test_refused_transitions_change_nothing(browser_as, demo_user, username, name, data, status):
    # given a logged return of S001
    item = log_units(demo_user("store1"))[0]
    logs = TransitionLog.objects.count()
    # when someone posts a transition they may not fire
    response = browser_as(username).post(f"/returns/{item.pk}/{name}/", data, **HTMX)
    # then the answer says why, and nothing changed
    assert response.status_code == status
    assert Return.objects.get(pk=item.pk).state == ReturnState.LOGGED
    assert TransitionLog.objects.count() == logs
    if status in (403, 409):
        assert 'data-testid="panel-alert"' in response.content.decode()


@pytest.mark.django_db
def test_found_and_back_from_supplier(browser_as, demo_user):
    # given a unit missing on arrival
    store1, tech = demo_user("store1"), browser_as("tech1")
    item = log_units(store1)[0]
    shipment = ship(store1, [item])
    services.shipment_receive(user=demo_user("tech1"), shipment=shipment, received_ids=[])
    assert tech.get("/center/missing/").content.decode().count(item.number) == 1
    # when the technician marks it found, then it counts as received
    assert tech.post(f"/returns/{item.pk}/found/", {}, **HTMX).status_code == 200
    assert Return.objects.get(pk=item.pk).state == ReturnState.RECEIVED
    # and when it went for supplier rework and came back, it waits to return
    data = {"verdict": "supplier_rework", "responsibility": "supplier", "supplier_agreement": "王经理电话同意"}
    assert tech.post(f"/returns/{item.pk}/inspect/", data, **HTMX).status_code == 200
    assert item.number in tech.get("/center/at-supplier/").content.decode()
    assert tech.post(f"/returns/{item.pk}/receive_from_supplier/", {"note": "返修好"}, **HTMX).status_code == 200
    assert Return.objects.get(pk=item.pk).state == ReturnState.READY_TO_RETURN


@pytest.mark.django_db
def test_add_photo_on_the_detail(browser_as, demo_user):
    item = log_units(demo_user("store1"))[0]
    photo = io.BytesIO(png_bytes())
    photo.name = "p.png"
    assert browser_as("store1").post(f"/returns/{item.pk}/attachments/", {"photos": photo}, **HTMX).status_code == 200
    assert Attachment.objects.filter(return_item=item).count() == 1
    fake = io.BytesIO(b"MZ not an image")
    fake.name = "x.png"
    response = browser_as("store1").post(f"/returns/{item.pk}/attachments/", {"photos": fake}, **HTMX)
    assert response.status_code == 400
    assert Attachment.objects.filter(return_item=item).count() == 1
    assert browser_as("region1").post(f"/returns/{item.pk}/attachments/", {"photos": fake}).status_code == 403


# --- shipments ---


@pytest.mark.django_db
def test_store_packs_its_logged_units_and_dispatches(browser_as, demo_user):
    # given two logged units of S001 and one of S002
    first, second = log_units(demo_user("store1"), count=2)
    other = log_units(demo_user("store2"), "S002")[0]
    client = browser_as("store1")
    # when store1 opens the pack page, then only its own logged units are offered
    body = client.get("/shipments/new/?direction=to_center").content.decode()
    assert first.number in body and second.number in body and other.number not in body
    # when it packs both
    response = client.post("/shipments/new/?direction=to_center", {"returns": [first.pk, second.pk]})
    shipment = Shipment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/shipments/{shipment.pk}/"
    assert shipment.lines.count() == 2
    # and dispatches with htmx: the first of the week carries no fee and shows no warning
    page = client.get(f"/shipments/{shipment.pk}/").content.decode()
    assert 'data-testid="extra-fee-warning"' not in page
    response = client.post(
        f"/shipments/{shipment.pk}/dispatch/", {"carrier": "顺丰", "tracking_no": "SF1000000000100"}, **HTMX
    )
    assert response.status_code == 200
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.IN_TRANSIT and shipment.extra_fee is None
    assert Return.objects.get(pk=first.pk).state == ReturnState.IN_TRANSIT


@pytest.mark.django_db
def test_second_dispatch_in_a_week_warns_and_needs_confirmation(browser_as, demo_user):
    # given S001 already dispatched this week, and a second shipment packed
    store1 = demo_user("store1")
    ship(store1, log_units(store1))
    item = log_units(store1)[0]
    shipment = services.shipment_create(
        user=store1, direction="to_center", store=Store.objects.get(code="S001"), return_ids=[item.pk]
    )
    client = browser_as("store1")
    # then its page warns about the extra fee
    page = client.get(f"/shipments/{shipment.pk}/").content.decode()
    assert 'data-testid="extra-fee-warning"' in page
    fee = Store.objects.get(code="S001").extra_dispatch_fee
    assert f"{fee}" in page
    # when dispatched without ticking the confirmation, then it is refused and nothing is recorded
    url = f"/shipments/{shipment.pk}/dispatch/"
    response = client.post(url, {"carrier": "顺丰", "tracking_no": "SF1000000000002"}, **HTMX)
    assert response.status_code == 400
    assert 'data-error-for="confirm_extra_fee"' in response.content.decode()
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.DRAFT and shipment.extra_fee is None
    # when confirmed, then it leaves and the fee is recorded
    response = client.post(
        url, {"carrier": "顺丰", "tracking_no": "SF1000000000002", "confirm_extra_fee": "on"}, **HTMX
    )
    assert response.status_code == 200
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.IN_TRANSIT and shipment.extra_fee == fee


@pytest.mark.django_db
def test_receive_checklist_marks_the_unticked_missing_and_both_sides_see_it(browser_as, demo_user):
    # given a parcel of two units in transit
    store1 = demo_user("store1")
    first, second = log_units(store1, count=2)
    shipment = ship(store1, [first, second])
    tech = browser_as("tech1")
    # then it is in the technician's inbound list
    assert shipment.number in tech.get("/center/inbound/").content.decode()
    # when tech1 ticks only the first and confirms the other as missing
    response = tech.post(
        f"/shipments/{shipment.pk}/receive/", {"received": [first.pk], "confirm_missing": "on"}, **HTMX
    )
    # then the first is received, the second missing, and the discrepancy shows
    assert response.status_code == 200
    assert Return.objects.get(pk=first.pk).state == ReturnState.RECEIVED
    assert Return.objects.get(pk=second.pk).state == ReturnState.MISSING
    assert shipment.lines.get(return_item=second).outcome == ShipmentLineOutcome.MISSING
    assert 'data-testid="discrepancy"' in response.content.decode()
    # and the store sees the same discrepancy on its page
    page = browser_as("store1").get(f"/shipments/{shipment.pk}/").content.decode()
    assert 'data-testid="discrepancy"' in page and second.number in page
    # and the store may not receive (403), nor may a second receive happen (409)
    assert browser_as("store1").post(f"/shipments/{shipment.pk}/receive/", {}, **HTMX).status_code == 409


@pytest.mark.django_db
def test_center_ships_ready_units_back_and_store_confirms(browser_as, demo_user):
    # given a unit ready to return
    item = received_unit(demo_user)
    tech = browser_as("tech1")
    tech.post(f"/returns/{item.pk}/inspect/", {"verdict": "no_defect"}, **HTMX)
    # then the ready queue groups it under its store with a ship-back button
    body = tech.get("/center/ready-to-return/").content.decode()
    assert 'data-testid="ship-back-S001"' in body and item.number in body
    # when the technician packs and dispatches it back
    response = tech.post("/shipments/new/?direction=to_store&store=S001", {"returns": [item.pk]})
    shipment = Shipment.objects.get(direction="to_store")
    assert response.status_code == 302
    assert (
        tech.post(
            f"/shipments/{shipment.pk}/dispatch/", {"carrier": "顺丰", "tracking_no": "SF1000000000011"}, **HTMX
        ).status_code
        == 200
    )
    # and the store confirms it, then the unit is back
    response = browser_as("store1").post(f"/shipments/{shipment.pk}/confirm_received/", {}, **HTMX)
    assert response.status_code == 200
    assert Return.objects.get(pk=item.pk).state == ReturnState.RETURNED


@pytest.mark.django_db
def test_region_manager_cannot_dispatch(browser_as, demo_user):
    store1 = demo_user("store1")
    item = log_units(store1)[0]
    shipment = services.shipment_create(
        user=store1, direction="to_center", store=Store.objects.get(code="S001"), return_ids=[item.pk]
    )
    page = browser_as("region1").get(f"/shipments/{shipment.pk}/").content.decode()
    assert 'data-testid="actions"' not in page
    response = browser_as("region1").post(f"/shipments/{shipment.pk}/dispatch/", {"carrier": "x", "tracking_no": "y"})
    assert response.status_code == 403
    assert Shipment.objects.get(pk=shipment.pk).state == ShipmentState.DRAFT


# --- query counts ---


def make_units(demo_user, count, state="received"):
    store1 = demo_user("store1")
    items = log_units(store1, count=count)
    if state == "logged":
        return items
    shipment = ship(store1, items)
    services.shipment_receive(user=demo_user("tech1"), shipment=shipment, received_ids=[item.pk for item in items])
    return items


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "url", "state"),
    [
        ("store1", "/returns/", "logged"),
        ("region1", "/returns/", "logged"),
        ("tech1", "/returns/", "logged"),
        ("tech1", "/center/inspection/", "received"),
        ("tech1", "/center/ready-to-return/", "ready_to_return"),
    ],
)
def test_lists_and_queues_run_a_fixed_number_of_queries(browser_as, demo_user, username, url, state):
    # given one unit in the list
    client = browser_as(username)
    items = make_units(demo_user, 1, "logged" if state == "logged" else "received")
    if state == "ready_to_return":
        Return.objects.filter(pk__in=[item.pk for item in items]).update(state=state)
    client.get(url)  # warm per-process caches (content types, translations)
    one = queries_for(client, url)
    # when 49 more arrive
    more = make_units(demo_user, 49, "logged" if state == "logged" else "received")
    if state == "ready_to_return":
        Return.objects.filter(pk__in=[item.pk for item in more]).update(state=state)
    # then the page of 50 costs the same number of queries
    fifty = queries_for(client, url)
    assert fifty == one, (one, fifty)
    assert one <= 14, one


@pytest.mark.django_db
def test_export_is_bounded(browser_as, demo_user, monkeypatch):
    from cases.views import ReturnListView

    make_units(demo_user, 3, "logged")
    monkeypatch.setattr(ReturnListView, "export_limit", 2)
    response = browser_as("store1").get("/returns/?export=xlsx")
    assert response.status_code == 200
    assert response["X-Export-Truncated"] == "true"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert len([row for row in sheet.iter_rows(values_only=True) if any(row)]) == 3  # header + 2


@pytest.mark.django_db
def test_home_shows_what_waits_for_each_role(browser_as, demo_user):
    # given a logged unit of S001 and a parcel in transit from S002
    log_units(demo_user("store1"))
    ship(demo_user("store2"), log_units(demo_user("store2"), "S002"), "S002")
    # then store1's home counts one unit to ship, linking to the pack page
    body = browser_as("store1").get("/").content.decode()
    assert 'data-testid="work-summary"' in body and "/shipments/new/?direction=to_center" in body
    # and tech1's home counts one inbound parcel, linking to the inbound list
    response = browser_as("tech1").get("/")
    tiles = {tile["url"]: tile["count"] for tile in response.context["work_summary"]}
    assert tiles["/center/inbound/"] == 1


@pytest.mark.django_db
def test_inbound_queue_runs_a_fixed_number_of_queries(browser_as, demo_user):
    # given one parcel on its way to the center
    client = browser_as("tech1")
    store1 = demo_user("store1")
    ship(store1, log_units(store1))
    client.get("/center/inbound/")
    one = queries_for(client, "/center/inbound/")
    # when 49 more are on their way (dispatched straight through the services)
    for _ in range(49):
        item = log_units(store1)[0]
        shipment = services.shipment_create(
            user=store1, direction="to_center", store=Store.objects.get(code="S001"), return_ids=[item.pk]
        )
        services.shipment_dispatch(user=store1, shipment=shipment)
    # then the page of 50 parcels costs the same
    assert Shipment.objects.filter(state=ShipmentState.IN_TRANSIT).count() == 50
    assert queries_for(client, "/center/inbound/") == one


@pytest.mark.django_db
def test_detail_shows_photos_through_the_scoped_file_view_and_links_the_repair_ticket(browser_as, demo_user):
    # given a received unit with a photo, inspected as repairable
    item = received_unit(demo_user)
    attachment = services.attachment_add(
        user=demo_user("tech1"), return_item=item, name="p.png", content=png_bytes(), kind="inspection"
    )
    tech = browser_as("tech1")
    tech.post(f"/returns/{item.pk}/inspect/", {"verdict": "repairable", "responsibility": "supplier"}, **HTMX)
    ticket = Return.objects.get(pk=item.pk).repair_ticket
    # when the technician opens the page
    body = tech.get(f"/returns/{item.pk}/").content.decode()
    # then the photo is an <img> served by the scope-checked file view, and the repair ticket is linked
    file_url = f"/api/v1/returns/{item.pk}/attachments/{attachment.pk}/file/"
    assert f'<img src="{file_url}"' in body
    assert f'href="/repairs/{ticket.pk}/"' in body
    assert tech.get(file_url).status_code == 200


@pytest.mark.django_db
def test_staff_of_several_stores_picks_the_store(client, demo):
    from tests.factories.stores import UserFactory

    # given a store-staff login working at S001 and S002
    user = UserFactory(roles=["store_staff"], stores=list(Store.objects.filter(code__in=["S001", "S002"])))
    client.force_login(user)
    style = Style.objects.get(style_no=STYLE_NO)
    # then the form offers exactly those two stores
    body = client.get("/returns/new/").content.decode()
    assert 'name="store"' in body and "S002" in body and "S101" not in body
    # when a store outside theirs is posted, then it is refused and nothing is logged
    s101 = Store.objects.get(code="S101")
    response = client.post("/returns/new/", {**receipt_post(style, count=1), "store": str(s101.pk)})
    assert response.status_code == 400 and not Return.objects.exists()
    # when they pick S002, then the unit is logged for S002
    s002 = Store.objects.get(code="S002")
    assert client.post("/returns/new/", {**receipt_post(style, count=1), "store": str(s002.pk)}).status_code == 302
    assert Return.objects.get().store == s002


@pytest.mark.django_db
def test_pages_speak_english_after_switching(browser_as, demo_user):
    # given tech1 who switched to English, and a received unit
    item = received_unit(demo_user)
    client = browser_as("tech1")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    # then the queue, the detail and the menu are in English
    body = client.get("/center/inspection/").content.decode()
    assert '<html lang="en">' in body and "To inspect" in body and "Service center" in body
    body = client.get(f"/returns/{item.pk}/").content.decode()
    assert "What you can do now" in body and "Inspect" in body and "Received" in body


@pytest.mark.django_db
def test_empty_queue_says_nothing_waits(browser_as):
    body = browser_as("tech1").get("/center/inspection/").content.decode()
    assert 'data-testid="empty-state"' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "present", "absent"),
    [
        ("store1", {"/returns/", "/returns/new/", "/shipments/"}, {"/center/inbound/"}),
        ("region1", {"/returns/", "/shipments/"}, {"/returns/new/", "/center/inbound/"}),
        ("tech1", {"/returns/", "/center/inbound/", "/center/inspection/", "/repairs/"}, {"/returns/new/"}),
        ("supplier1", {"/returns/"}, {"/shipments/", "/returns/new/", "/center/inbound/"}),
    ],
)
def test_menu_is_role_aware(browser_as, username, present, absent):
    # given a login of each kind on the home page
    response = browser_as(username).get("/")
    links = {link["url"] for section in response.context["nav_workflow"] for link in section["links"]}
    # then the workflow menu holds what the role works on, and nothing else
    assert present <= links, links
    assert not (absent & links), links
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["store1", "region1", "tech1", "hotline1", "qa1", "vp1", "supplier1", "admin"])
def test_home_renders_for_every_role(browser_as, username):
    assert browser_as(username).get("/").status_code == 200
