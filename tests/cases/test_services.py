"""Services of Returns 退货 and shipments 寄送: logging and its policy check, attachments, the weekly shipment.

Every refusal is checked to change nothing: no Return, shipment or log row
appears, and the units keep their state.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.models import TransitionLog
from cases import services
from cases.choices import AttachmentKind, ReturnState, ShipmentDirection, ShipmentLineOutcome, ShipmentState
from cases.models import Attachment, Return, Shipment
from stores.models import Store
from suppliers.models import Style
from tests.factories.cases import ReturnFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
JACKET = "226101JK001"  # category JK: 15-day quality-return window, 12-month warranty
SHIRT = "226201TS008"  # category TS: 15-day quality-return window, 6-month warranty


def unit(style_no=JACKET, **overrides):
    values = {
        "style": Style.objects.get(style_no=style_no),
        "color": "黑色",
        "size": "L",
        "production_year": timezone.localdate().year - 1,
        "defect_description": "拉链坏",
    }
    values.update(overrides)
    return services.ReturnUnit(**values)


def log(user, store, *, units=None, days_ago=3, **overrides):
    values = {
        "receipt_no": "POS-0001",
        "purchase_date": timezone.localdate() - dt.timedelta(days=days_ago),
        "onsite_handling": "exchange",
        "units": [unit()] if units is None else units,
        "customer_name": "张三",
        "customer_phone": "13812341234",
    }
    values.update(overrides)
    return services.return_log(user=user, store=store, **values)


def counts():
    return Return.objects.count(), Shipment.objects.count(), TransitionLog.objects.count()


@pytest.fixture
def s001(demo):
    return Store.objects.get(code="S001")


# --- logging 退货登记 ---


@pytest.mark.django_db
def test_several_units_of_one_receipt_get_consecutive_numbers(demo_user, s001):
    # Given a store user with a receipt of three units
    store1 = demo_user("store1")
    # When they are logged in one go
    items = log(store1, s001, units=[unit(), unit(size="M"), unit(color="白色")])
    # Then each is a Return of the store, logged, numbered one after the other, each with its log row
    numbers = [int(item.number[-6:]) for item in items]
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    assert {item.number[:9] for item in items} == {f"RT-{timezone.localtime():%Y%m}"}
    for item in Return.objects.filter(pk__in=[item.pk for item in items]):
        assert (item.store, item.state, item.receipt_no, item.logged_by) == (s001, "logged", "POS-0001", store1)
        assert list(TransitionLog.objects.for_object(item).values_list("transition", "actor")) == [("log", store1.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["store2", "region1", "tech1", "hotline1", "admin"])
def test_only_the_stores_own_staff_logs_its_returns(demo_user, s001, login):
    before = counts()
    # When anyone but S001's staff logs a return for S001
    with pytest.raises(TransitionForbidden):
        log(demo_user(login), s001)
    # Then nothing is created
    assert counts() == before


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False)
@pytest.mark.parametrize(
    ("handling", "style_no", "purchase_date", "outside"),
    [
        ("exchange", JACKET, dt.date(2026, 5, 31), False),  # 15 days: the window's last day
        ("exchange", JACKET, dt.date(2026, 5, 30), True),  # 16 days
        ("refund", JACKET, dt.date(2026, 6, 15), False),
        ("refund", JACKET, dt.date(2026, 5, 1), True),
        ("local_repair", JACKET, dt.date(2025, 6, 15), False),  # exactly 12 months: warranty's last day
        ("local_repair", JACKET, dt.date(2025, 6, 14), True),
        ("local_repair", SHIRT, dt.date(2025, 12, 15), False),  # 6 months
        ("local_repair", SHIRT, dt.date(2025, 12, 14), True),
    ],
)
def test_policy_windows_flag_returns_outside_them(demo_user, s001, handling, style_no, purchase_date, outside):
    store1 = demo_user("store1")
    year = purchase_date.year
    before = counts()
    if outside:
        # When a unit outside the category's window is logged without a reason
        with pytest.raises(ValidationError) as refused:
            log(store1, s001, units=[unit(style_no, production_year=year)], purchase_date=purchase_date,
                onsite_handling=handling)  # fmt: skip
        # Then it is refused, asking for a written reason, and nothing is created
        assert set(refused.value.message_dict) == {"policy_exception_reason"}
        assert counts() == before
    # When it is logged with a reason (ignored inside the policy)
    item = log(store1, s001, units=[unit(style_no, production_year=year)], purchase_date=purchase_date,
               onsite_handling=handling, policy_exception_reason="顾客为VIP，经理同意")[0]  # fmt: skip
    # Then it is flagged with the reason exactly when it is outside
    item.refresh_from_db()
    assert item.policy_exception is outside
    assert item.policy_exception_reason == ("顾客为VIP，经理同意" if outside else "")


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False)
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purchase_date": dt.date(2026, 6, 16)}, "purchase_date"),
        ({"units": "production_year=1999"}, "production_year"),
        ({"units": "production_year=2027"}, "production_year"),
        ({"purchase_date": dt.date(2025, 12, 30), "units": "production_year=2026"}, "production_year"),
        ({"units": "defect_description=   "}, "defect_description"),
        ({"onsite_handling": "burn_it"}, "onsite_handling"),
        ({"receipt_no": "POS\x00-1"}, "receipt_no"),
        ({"customer_name": "张\x00三"}, "customer_name"),
        ({"customer_phone": "138\x00"}, "customer_phone"),
        ({"policy_exception_reason": "\x00"}, "policy_exception_reason"),
        ({"units": "color=黑\x00"}, "units.0"),
        ({"units": "defect_description=坏\x00了"}, "units.0"),
        ({"units": []}, "units"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(demo_user, s001, overrides, field):
    # Given a receipt with one bad value
    if isinstance(overrides.get("units"), str):
        name, value = overrides["units"].split("=", 1)
        overrides["units"] = [unit(**{name: int(value) if name == "production_year" else value})]
    before = counts()
    # When it is logged
    with pytest.raises(ValidationError) as refused:
        log(demo_user("store1"), s001, **overrides)
    # Then the error names that field and nothing is created
    assert field in refused.value.message_dict
    assert counts() == before


# --- attachments ---


def image_bytes(kind: str, size=(4, 4), noise=False) -> bytes:
    image = Image.new("RGB", size, "red")
    if noise:
        import os

        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.png", image_bytes("PNG"), "image/png"),
        ("photo.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("scan.pdf", PDF, "application/pdf"),
        ("no-extension", image_bytes("PNG"), "image/png"),  # the bytes decide, not the name
        ("photo.pdf", image_bytes("JPEG"), "image/jpeg"),
    ],
)
def test_photos_and_pdfs_are_attached_by_their_bytes(demo_user, s001, name, content, content_type):
    # Given a logged unit of S001
    store1 = demo_user("store1")
    item = log(store1, s001)[0]
    # When the store attaches a file
    attachment = services.attachment_add(user=store1, return_item=item, name=name, content=content)
    # Then it is stored with the type its bytes show, its size and checksum, as a logging photo
    assert (attachment.content_type, attachment.size, attachment.kind) == (content_type, len(content), "logging")
    assert attachment.file.read() == content
    assert attachment.original_name == name


@pytest.mark.django_db
def test_technician_photos_default_to_inspection(demo_user, s001):
    item = log(demo_user("store1"), s001)[0]
    attachment = services.attachment_add(user=demo_user("tech1"), return_item=item, name="a.png",
                                         content=image_bytes("PNG"))  # fmt: skip
    assert attachment.kind == AttachmentKind.INSPECTION


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", b"just some text pretending to be a photo\n"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),  # a PNG signature on a broken image
        ("x.exe", b"MZ\x90\x00" + b"\x00" * 60),
        ("empty.jpg", b""),
    ],
)
def test_files_that_are_not_photos_or_pdfs_are_refused(demo_user, s001, name, content):
    store1 = demo_user("store1")
    item = log(store1, s001)[0]
    # When such a file is attached
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(user=store1, return_item=item, name=name, content=content)
    # Then the error names the file and nothing is stored
    assert set(refused.value.message_dict) == {"file"}
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(demo_user, s001):
    store1 = demo_user("store1")
    item = log(store1, s001)[0]
    content = image_bytes("PNG", size=(64, 64), noise=True)
    # Given a limit one byte below the photo's size
    with override_settings(AFTERSALES_MAX_UPLOAD_BYTES=len(content) - 1):
        # When it is attached, it is refused naming the file
        with pytest.raises(ValidationError) as refused:
            services.attachment_add(user=store1, return_item=item, name="big.png", content=content)
        assert set(refused.value.message_dict) == {"file"}
    assert not Attachment.objects.exists()
    # And with the limit exactly its size it passes
    with override_settings(AFTERSALES_MAX_UPLOAD_BYTES=len(content)):
        services.attachment_add(user=store1, return_item=item, name="exact.png", content=content)
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["exact.png"]


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["store2", "region1", "hotline1", "supplier1", "qa1"])
def test_only_the_store_and_technicians_attach(demo_user, s001, login):
    item = log(demo_user("store1"), s001)[0]
    with pytest.raises(TransitionForbidden):
        services.attachment_add(user=demo_user(login), return_item=item, name="a.png", content=image_bytes("PNG"))
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_attachment_bad_kind_and_nul_name_are_refused(demo_user, s001):
    store1 = demo_user("store1")
    item = log(store1, s001)[0]
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(user=store1, return_item=item, name="a.png", content=image_bytes("PNG"), kind="x")
    assert set(refused.value.message_dict) == {"kind"}
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(user=store1, return_item=item, name="a\x00.png", content=image_bytes("PNG"))
    assert set(refused.value.message_dict) == {"name"}
    assert not Attachment.objects.exists()


# --- shipments 寄送 ---


def pack(user, store, items, direction=ShipmentDirection.TO_CENTER):
    return services.shipment_create(
        user=user, direction=direction, store=store, return_ids=[item.pk for item in items], carrier="顺丰"
    )


def states(items):
    return [Return.objects.get(pk=item.pk).state for item in items]


@pytest.mark.django_db
def test_a_store_packs_only_its_own_logged_units_not_on_another_open_shipment(demo_user, s001):
    store1, store2 = demo_user("store1"), demo_user("store2")
    mine = log(store1, s001)[0]
    theirs = log(store2, Store.objects.get(code="S002"))[0]
    cancelled = log(store1, s001)[0]
    services.return_cancel(user=store1, return_item=cancelled, reason="登记错误")
    busy = log(store1, s001)[0]
    pack(store1, s001, [busy])
    before = counts()
    # When S001 packs another store's unit, a cancelled one, one already on a draft, or an unknown id
    for bad in ([mine, theirs], [mine, cancelled], [mine, busy]):
        with pytest.raises(ValidationError) as refused:
            pack(store1, s001, bad)
        # Then each is refused naming the returns, and nothing is packed
        assert set(refused.value.message_dict) == {"returns"}
    with pytest.raises(ValidationError):
        services.shipment_create(user=store1, direction="to_center", store=s001, return_ids=[mine.pk, 10**9])
    with pytest.raises(ValidationError):
        services.shipment_create(user=store1, direction="to_center", store=s001, return_ids=[])
    assert counts() == before
    # And its own logged free unit packs fine
    shipment = pack(store1, s001, [mine])
    assert (shipment.state, shipment.store, list(shipment.returns.all())) == ("draft", s001, [mine])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "direction"),
    [("tech1", "to_center"), ("store1", "to_store"), ("store2", "to_center"), ("region1", "to_center"),
     ("hotline1", "to_store")],
)  # fmt: skip
def test_only_the_sender_packs(demo_user, s001, login, direction):
    item = log(demo_user("store1"), s001)[0]
    before = counts()
    with pytest.raises(TransitionForbidden):
        services.shipment_create(user=demo_user(login), direction=direction, store=s001, return_ids=[item.pk])
    assert counts() == before


@pytest.mark.django_db
def test_the_center_ships_back_only_units_ready_to_return(demo_user, s001):
    tech1 = demo_user("tech1")
    ready = ReturnFactory(store=s001, state=ReturnState.READY_TO_RETURN)
    repairing = ReturnFactory(store=s001, state=ReturnState.REPAIRING)
    logged = log(demo_user("store1"), s001)[0]
    for bad in (repairing, logged):
        with pytest.raises(ValidationError):
            pack(tech1, s001, [ready, bad], ShipmentDirection.TO_STORE)
    assert not Shipment.objects.exists()
    shipment = pack(tech1, s001, [ready], ShipmentDirection.TO_STORE)
    services.shipment_dispatch(user=tech1, shipment=shipment)
    assert states([ready]) == [ReturnState.RETURNING]


@pytest.mark.django_db
def test_receiving_is_a_checklist_and_a_missing_unit_can_be_found(demo_user, s001):
    store1, tech1 = demo_user("store1"), demo_user("tech1")
    # Given a dispatched shipment of three units
    a, b, c = log(store1, s001, units=[unit(), unit(), unit()])
    shipment = services.shipment_dispatch(
        user=store1, shipment=pack(store1, s001, [a, b, c]), tracking_no="SF1000000000123"
    )
    assert states([a, b, c]) == [ReturnState.IN_TRANSIT] * 3
    assert shipment.tracking_no == "SF1000000000123"
    # When the center ticks two of them
    services.shipment_receive(user=tech1, shipment=shipment, received_ids=[a.pk, c.pk])
    # Then those are received, the other missing, the lines say so, and the shipment is received
    assert states([a, b, c]) == [ReturnState.RECEIVED, ReturnState.MISSING, ReturnState.RECEIVED]
    outcomes = dict(shipment.lines.values_list("return_item_id", "outcome"))
    assert outcomes == {a.pk: "received", b.pk: "missing", c.pk: "received"}
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.RECEIVED and shipment.received_at is not None
    assert Return.objects.get(pk=a.pk).received_at == shipment.received_at
    # When the missing one turns up
    services.return_found(user=tech1, return_item=Return.objects.get(pk=b.pk))
    # Then it is received and its line says found
    assert states([b]) == [ReturnState.RECEIVED]
    assert shipment.lines.get(return_item=b).outcome == ShipmentLineOutcome.FOUND
    assert Return.objects.get(pk=b.pk).received_at is not None


@pytest.mark.django_db
def test_receiving_refusals_change_nothing(demo_user, s001):
    store1, tech1 = demo_user("store1"), demo_user("tech1")
    a, b = log(store1, s001, units=[unit(), unit()])
    other = log(store1, s001)[0]
    shipment = services.shipment_dispatch(user=store1, shipment=pack(store1, s001, [a, b]))
    before = counts()
    # When a unit not on the shipment is ticked, or the store tries to receive its own parcel
    with pytest.raises(ValidationError) as refused:
        services.shipment_receive(user=tech1, shipment=shipment, received_ids=[a.pk, other.pk])
    assert set(refused.value.message_dict) == {"received"}
    with pytest.raises(TransitionForbidden):
        services.shipment_receive(user=store1, shipment=shipment, received_ids=[a.pk])
    # Then nothing changed: the shipment and its units are still in transit, no log rows were written
    assert counts() == before
    assert Shipment.objects.get(pk=shipment.pk).state == ShipmentState.IN_TRANSIT
    assert states([a, b]) == [ReturnState.IN_TRANSIT] * 2
    assert set(shipment.lines.values_list("outcome", flat=True)) == {"pending"}
    # And a second receive of a received shipment is a conflict
    services.shipment_receive(user=tech1, shipment=shipment, received_ids=[a.pk, b.pk])
    with pytest.raises(TransitionStateConflict):
        services.shipment_receive(user=tech1, shipment=shipment, received_ids=[a.pk, b.pk])


@pytest.mark.django_db
def test_found_only_from_missing(demo_user, s001):
    item = log(demo_user("store1"), s001)[0]
    with pytest.raises(TransitionStateConflict):
        services.return_found(user=demo_user("tech1"), return_item=item)
    assert states([item]) == [ReturnState.LOGGED]


@pytest.mark.django_db
def test_the_store_confirms_the_parcel_back_and_the_clock_stops(demo_user, s001):
    store1, tech1 = demo_user("store1"), demo_user("tech1")
    dispatched = timezone.now() - dt.timedelta(days=10)
    item = ReturnFactory(store=s001, state=ReturnState.READY_TO_RETURN, shipped_at=dispatched,
                         due_at=dispatched + dt.timedelta(days=15))  # fmt: skip
    back = services.shipment_dispatch(user=tech1, shipment=pack(tech1, s001, [item], ShipmentDirection.TO_STORE))
    # When another store or the center tries to confirm it, it is refused
    for login in ("store2", "tech1"):
        with pytest.raises(TransitionForbidden):
            services.shipment_confirm_received(user=demo_user(login), shipment=back)
    assert states([item]) == [ReturnState.RETURNING]
    # When the store confirms the parcel
    services.shipment_confirm_received(user=store1, shipment=back)
    # Then the unit is returned, with the time, on time after 10 days; the line counts as received
    item.refresh_from_db()
    back.refresh_from_db()
    assert item.state == ReturnState.RETURNED
    assert item.returned_at == back.received_at is not None
    assert item.on_time is True and item.turnaround_days == 10
    assert list(back.lines.values_list("outcome", flat=True)) == ["received"]


@pytest.mark.django_db
def test_a_late_return_is_not_on_time(demo_user, s001):
    store1, tech1 = demo_user("store1"), demo_user("tech1")
    dispatched = timezone.now() - dt.timedelta(days=16)
    item = ReturnFactory(store=s001, state=ReturnState.READY_TO_RETURN, shipped_at=dispatched,
                         due_at=dispatched + dt.timedelta(days=15))  # fmt: skip
    back = services.shipment_dispatch(user=tech1, shipment=pack(tech1, s001, [item], ShipmentDirection.TO_STORE))
    services.shipment_confirm_received(user=store1, shipment=back)
    assert Return.objects.get(pk=item.pk).on_time is False


@pytest.mark.django_db
def test_cancelling_a_draft_frees_its_units_and_a_dispatched_one_cannot_be_cancelled(demo_user, s001):
    store1 = demo_user("store1")
    item = log(store1, s001)[0]
    draft = pack(store1, s001, [item])
    # When the draft is cancelled
    services.shipment_cancel(user=store1, shipment=draft, reason="装错了")
    # Then it is cancelled, the unit is still logged and may go on another shipment
    assert Shipment.objects.get(pk=draft.pk).state == ShipmentState.CANCELLED
    assert states([item]) == [ReturnState.LOGGED]
    second = services.shipment_dispatch(user=store1, shipment=pack(store1, s001, [item]))
    # And a dispatched shipment cannot be cancelled
    with pytest.raises(TransitionStateConflict):
        services.shipment_cancel(user=store1, shipment=second)
    assert Shipment.objects.get(pk=second.pk).state == ShipmentState.IN_TRANSIT


@pytest.mark.django_db
def test_only_the_sender_dispatches(demo_user, s001):
    item = log(demo_user("store1"), s001)[0]
    draft = pack(demo_user("store1"), s001, [item])
    before = counts()
    for login in ("store2", "tech1", "region1"):
        with pytest.raises(TransitionForbidden):
            services.shipment_dispatch(user=demo_user(login), shipment=draft)
    assert counts() == before
    assert states([item]) == [ReturnState.LOGGED]
    assert Shipment.objects.get(pk=draft.pk).dispatched_at is None


@pytest.mark.django_db
def test_dispatch_sets_the_turnaround_clock(demo_user, s001):
    store1 = demo_user("store1")
    item = log(store1, s001)[0]
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, 30, tzinfo=SHANGHAI), tick=False):
        shipment = services.shipment_dispatch(user=store1, shipment=pack(store1, s001, [item]))
    item.refresh_from_db()
    assert item.shipped_at == shipment.dispatched_at == dt.datetime(2026, 3, 4, 9, 30, tzinfo=SHANGHAI)
    assert item.due_at == dt.datetime(2026, 3, 19, 9, 30, tzinfo=SHANGHAI)
    assert (shipment.dispatch_iso_year, shipment.dispatch_iso_week) == (2026, 10)


# --- the weekly shipment 每周寄一次 ---


def dispatch_one(store1, store, at: dt.datetime) -> Shipment:
    with time_machine.travel(at, tick=False):
        item = log(store1, store, days_ago=1)[0]
        shipment = pack(store1, store, [item])
        return services.shipment_dispatch(user=store1, shipment=shipment)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "second", "charged"),
    [
        # Wednesday, then Friday of the same ISO week
        (dt.datetime(2026, 3, 4, 10, 0), dt.datetime(2026, 3, 6, 17, 0), True),
        # Monday 00:00 and Sunday 23:59:59 in Shanghai: the same ISO week
        (dt.datetime(2026, 3, 2, 0, 0), dt.datetime(2026, 3, 8, 23, 59, 59), True),
        # Sunday 23:59:59 then Monday 00:00 in Shanghai: two weeks, though the same UTC day (Sunday)
        (dt.datetime(2026, 3, 8, 23, 59, 59), dt.datetime(2026, 3, 9, 0, 0), False),
        # New year: ISO week 53 of 2026 ends on Sunday 3 January 2027
        (dt.datetime(2026, 12, 28, 9, 0), dt.datetime(2027, 1, 3, 18, 0), True),
        (dt.datetime(2027, 1, 3, 18, 0), dt.datetime(2027, 1, 4, 9, 0), False),
    ],
)
def test_the_second_dispatch_in_an_iso_week_carries_the_stores_fee(demo_user, s001, first, second, charged):
    store1 = demo_user("store1")
    s001.extra_dispatch_fee = Decimal("35.50")
    s001.save()
    # When the store dispatches twice
    one = dispatch_one(store1, s001, first.replace(tzinfo=SHANGHAI))
    # Then before the second dispatch the warning shows the fee it would carry
    with time_machine.travel(second.replace(tzinfo=SHANGHAI), tick=False):
        draft_item = log(store1, s001, days_ago=1)[0]
        draft = pack(store1, s001, [draft_item])
        assert services.extra_fee_due(draft) == (Decimal("35.50") if charged else None)
        two = services.shipment_dispatch(user=store1, shipment=draft)
    # And the first is free while the second carries the fee only within one ISO week (Asia/Shanghai)
    assert one.extra_fee is None
    assert two.extra_fee == (Decimal("35.50") if charged else None)


@pytest.mark.django_db
def test_cancelled_drafts_and_shipments_back_to_the_store_do_not_count(demo_user, s001):
    store1, tech1 = demo_user("store1"), demo_user("tech1")
    wednesday = dt.datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(wednesday, tick=False):
        # Given a cancelled draft and a shipment from the center to the store this week
        item = log(store1, s001)[0]
        services.shipment_cancel(user=store1, shipment=pack(store1, s001, [item]))
        ready = ReturnFactory(store=s001, state=ReturnState.READY_TO_RETURN)
        back = services.shipment_dispatch(user=tech1, shipment=pack(tech1, s001, [ready], ShipmentDirection.TO_STORE))
        # When the store dispatches its weekly shipment
        weekly = services.shipment_dispatch(user=store1, shipment=pack(store1, s001, [item]))
    # Then it is the free one, and the center's shipment carries no fee either
    assert weekly.extra_fee is None and back.extra_fee is None


@pytest.mark.django_db
def test_a_store_with_two_free_dispatches_pays_from_the_third(demo_user, s001):
    store1 = demo_user("store1")
    s001.free_dispatches_per_week = 2
    s001.save()
    fees = [
        dispatch_one(store1, s001, dt.datetime(2026, 3, day, 10, 0, tzinfo=SHANGHAI)).extra_fee for day in (2, 3, 4)
    ]
    assert fees == [None, None, s001.extra_dispatch_fee]


@pytest.mark.django_db
def test_an_empty_shipment_cannot_be_dispatched(demo_user, s001):
    store1 = demo_user("store1")
    item = log(store1, s001)[0]
    draft = pack(store1, s001, [item])
    draft.lines.all().delete()
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.shipment_dispatch(user=store1, shipment=draft, carrier="顺丰", tracking_no="SF1000000000001")
    assert set(refused.value.message_dict) == {"returns"}
    assert counts() == before
    assert Shipment.objects.get(pk=draft.pk).state == ShipmentState.DRAFT
