"""The kit card 随货备件 on a center → store shipment's page (issue 18): a technician packs parts and quantities into
the parcel while it is being packed, sees them listed and can take them out again; a bad quantity, an unknown part
or more than the center holds is named on the page with the input kept, and nothing changes. Anonymous users,
store staff and a dispatched parcel are refused."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.html import escape

from cases import services as case_services
from cases.choices import ReturnState, ShipmentDirection
from repairs.models import SparePart, StockMovement, StockMovementReason
from stores.models import Store
from tests.support.returns import return_in, user

pytestmark = pytest.mark.django_db

ZIP = "P-ZIP-5"
BUTTON = "P-BTN-18"


def parcel_back():
    item = return_in(ReturnState.READY_TO_RETURN)
    return case_services.shipment_create(
        user=user("tech1"), direction=ShipmentDirection.TO_STORE, store=Store.objects.get(code="S001"),
        return_ids=[item.pk],
    )  # fmt: skip


def center(part_no=ZIP) -> int:
    return SparePart.objects.get(part_no=part_no).stock_quantity


def state() -> tuple:
    """What a refused post must leave as it was: the center's stock of both parts and the ledger."""
    return center(ZIP), center(BUTTON), StockMovement.objects.count()


def kit_url(shipment, remove=False) -> str:
    return f"/repairs/shipments/{shipment.pk}/kit/" + ("remove/" if remove else "")


def page(client, shipment) -> str:
    response = client.get(f"/shipments/{shipment.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_technician_packs_parts_sees_them_and_takes_one_out(client, demo):
    # Given a parcel back to S001 being packed, tech1 on its page
    shipment = parcel_back()
    zips, buttons = center(ZIP), center(BUTTON)
    client.force_login(user("tech1"))
    html = page(client, shipment)
    assert 'data-testid="kit-form"' in html and 'data-testid="kit-lines"' not in html
    # When tech1 packs three zips and twenty buttons
    response = client.post(kit_url(shipment), {"part": ZIP, "quantity": "3"})
    assert response.status_code == 302 and response["Location"] == f"/shipments/{shipment.pk}/"
    client.post(kit_url(shipment), {"part": BUTTON, "quantity": "20"})
    # And three more zips on top
    client.post(kit_url(shipment), {"part": ZIP, "quantity": "3"})
    # Then the page lists both, and they left the center's stock, each on the ledger against the parcel
    html = page(client, shipment)
    assert '<tr data-part="P-ZIP-5">' in html and 'data-quantity="6"' in html and 'data-quantity="20"' in html
    assert (center(ZIP), center(BUTTON)) == (zips - 6, buttons - 20)
    assert StockMovement.objects.filter(shipment=shipment, reason=StockMovementReason.TRANSFER_OUT).count() == 3
    # When tech1 takes the zips out again
    response = client.post(kit_url(shipment, remove=True), {"part": ZIP})
    assert response.status_code == 302
    # Then all six are back in the center's stock, on the ledger, and only the buttons are listed
    html = page(client, shipment)
    assert '<tr data-part="P-ZIP-5">' not in html and '<tr data-part="P-BTN-18">' in html
    assert center(ZIP) == zips
    back = StockMovement.objects.get(shipment=shipment, reason=StockMovementReason.TRANSFER_BACK)
    assert (back.part.part_no, back.quantity, back.moved_by.username) == (ZIP, 6, "tech1")


def zh(message: str, **values) -> str:
    """A message as the page shows it (Chinese, the default language)."""
    with translation.override("zh-hans"):
        return translation.gettext(message) % values if values else translation.gettext(message)


AT_LEAST_ONE = "Ensure this value is greater than or equal to %(limit_value)s."


@pytest.mark.parametrize(
    ("data", "message", "values"),
    [
        ({"part": ZIP, "quantity": "0"}, AT_LEAST_ONE, {"limit_value": 1}),
        ({"part": ZIP, "quantity": "-2"}, AT_LEAST_ONE, {"limit_value": 1}),
        ({"part": ZIP, "quantity": "abc"}, "Enter a whole number.", {}),
        ({"part": ZIP, "quantity": ""}, "This field is required.", {}),
        ({"part": "P-NOPE-1", "quantity": "2"}, "Unknown part: choose one from the list.", {}),
        (
            {"part": ZIP, "quantity": "100000"},
            "Only %(stock)s × %(part)s in stock; %(wanted)s needed.",
            {"stock": 240, "part": ZIP, "wanted": 100000},
        ),
    ],
    ids=["zero", "negative", "not-a-number", "empty", "unknown-part", "more-than-the-center-holds"],
)
def test_a_bad_kit_line_is_named_with_the_input_kept_and_nothing_changes(client, demo, data, message, values):
    shipment = parcel_back()
    client.force_login(user("tech1"))
    before = state()
    response = client.post(kit_url(shipment), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert escape(zh(message, **values)) in html
    # The form keeps what was typed: the quantity, and the part chosen (an unknown one cannot be selected)
    assert f'name="quantity" value="{data["quantity"]}"' in html or not data["quantity"]
    if data["part"] == ZIP:
        assert f'<option value="{ZIP}" selected>' in html
    assert state() == before and not StockMovement.objects.filter(shipment=shipment).exists()


def test_removing_a_part_not_in_the_parcel_is_refused(client, demo):
    shipment = parcel_back()
    client.force_login(user("tech1"))
    client.post(kit_url(shipment), {"part": ZIP, "quantity": "2"})
    before = state()
    response = client.post(kit_url(shipment, remove=True), {"part": BUTTON})
    html = response.content.decode()
    assert response.status_code == 400 and escape(zh("%(part)s is not in this parcel.", part=BUTTON)) in html
    response = client.post(kit_url(shipment, remove=True), {"part": "P-NOPE-1"})
    html = response.content.decode()
    assert response.status_code == 400 and escape(zh("Unknown part: choose one from the list.")) in html
    assert state() == before


def test_anonymous_users_are_sent_to_log_in(client, demo):
    shipment = parcel_back()
    before = state()
    for url in (kit_url(shipment), kit_url(shipment, remove=True)):
        response = client.post(url, {"part": ZIP, "quantity": "1"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert state() == before


def test_store_staff_may_not_pack_or_unpack(client, demo):
    shipment = parcel_back()
    client.force_login(user("tech1"))
    client.post(kit_url(shipment), {"part": ZIP, "quantity": "2"})
    before = state()
    for who, expected in (("store1", (403, 404)), ("store2", (404,))):
        client.force_login(user(who))
        for url in (kit_url(shipment), kit_url(shipment, remove=True)):
            response = client.post(url, {"part": ZIP, "quantity": "1"})
            assert response.status_code in expected, (who, url)
            if response.status_code == 403:
                message = zh("Only service-center technicians pack parts into parcels.")
                assert escape(message) in response.content.decode()
    assert state() == before


def test_a_dispatched_parcel_lists_its_kit_but_takes_no_change(client, demo):
    # Given a parcel with two zips, dispatched
    shipment = parcel_back()
    client.force_login(user("tech1"))
    client.post(kit_url(shipment), {"part": ZIP, "quantity": "2"})
    shipment = case_services.shipment_dispatch(
        user=user("tech1"), shipment=shipment, carrier="顺丰", tracking_no="SF1234567890123"
    )
    before = state()
    # Then its page lists the kit with no form and no remove button
    html = page(client, shipment)
    assert '<tr data-part="P-ZIP-5">' in html and 'data-testid="kit-form"' not in html and "kit-remove-" not in html
    # And a post anyway is a 409 naming why, nothing changed
    for url in (kit_url(shipment), kit_url(shipment, remove=True)):
        response = client.post(url, {"part": ZIP, "quantity": "1"})
        assert response.status_code == 409
        message = zh("Parts ride only a parcel to a store that is still being packed.")
        assert escape(message) in response.content.decode()
    assert state() == before


def test_a_parcel_to_the_center_has_no_kit_card(client, demo):
    item = return_in(ReturnState.LOGGED)
    shipment = case_services.shipment_create(
        user=user("store1"), direction=ShipmentDirection.TO_CENTER, store=item.store, return_ids=[item.pk]
    )
    client.force_login(user("tech1"))
    assert 'data-testid="shipment-kit"' not in page(client, shipment)
    response = client.post(kit_url(shipment), {"part": ZIP, "quantity": "1"})
    assert response.status_code in (404, 409)
