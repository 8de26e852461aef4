"""The store's 登记退货 form as a clerk in a hurry uses it, in a real browser: Back then submit logs nothing twice,
and a photo chosen on a form that fails validation is still there when the clerk fixes the date and submits.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Return
from tests.support.browser import ARTIFACTS
from tests.support.files import png_bytes

STYLE_NO = "226101JK001"


def fill_receipt(page, live_server, receipt_no: str, purchase_date: dt.date) -> None:
    from suppliers.models import Style

    style = Style.objects.get(style_no=STYLE_NO)
    page.goto(f"{live_server.url}/returns/new/")
    page.fill("#id_receipt_no", receipt_no)
    page.fill("#id_purchase_date", purchase_date.isoformat())
    page.check("input[name=onsite_handling][value=exchange]")
    page.fill("#id_customer_phone", "13900001111")
    page.select_option("#id_unit-0-style", str(style.pk))
    page.fill("#id_unit-0-color", "藏青")
    page.fill("#id_unit-0-size", "L")
    page.fill("#id_unit-0-production_year", "2025")
    page.fill("#id_unit-0-defect_description", "拉链脱齿")


def test_back_then_submit_logs_the_receipt_once_and_links_to_it(page, live_server, login):
    # Given store1 logs a receipt
    login(page, "store1")
    fill_receipt(page, live_server, "POS-BACK-1", timezone.localdate() - dt.timedelta(days=2))
    page.click("[data-testid=submit-return]")
    expect(page).to_have_url(f"{live_server.url}/returns/")
    item = Return.objects.get(receipt_no="POS-BACK-1")

    # When they press Back and submit the form the browser restored
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/returns/new/")
    expect(page.locator("#id_receipt_no")).to_have_value("POS-BACK-1")
    page.click("[data-testid=submit-return]")

    # Then nothing more is logged, and the page says so with a link to the unit already logged
    notice = page.locator("[data-testid=already-logged]")
    expect(notice).to_be_visible()
    expect(notice.locator(f"a[href='/returns/{item.pk}/']")).to_have_text(item.number)
    assert Return.objects.filter(receipt_no="POS-BACK-1").count() == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "return_form_already_logged.png"), full_page=True)

    # And the link opens the unit logged by the first submit
    notice.locator(f"a[href='/returns/{item.pk}/']").click()
    expect(page).to_have_url(f"{live_server.url}/returns/{item.pk}/")


def test_same_receipt_number_today_is_logged_only_after_log_anyway(page, live_server, login):
    # Given a unit of POS-TWICE already logged today at S001
    login(page, "store1")
    fill_receipt(page, live_server, "POS-TWICE", timezone.localdate() - dt.timedelta(days=2))
    page.click("[data-testid=submit-return]")
    expect(page).to_have_url(f"{live_server.url}/returns/")
    first = Return.objects.get(receipt_no="POS-TWICE")

    # When a fresh form logs the same receipt number
    fill_receipt(page, live_server, "POS-TWICE", timezone.localdate() - dt.timedelta(days=2))
    page.click("[data-testid=submit-return]")

    # Then nothing is logged: a warning links the earlier unit
    warning = page.locator("[data-testid=same-receipt-today]")
    expect(warning).to_be_visible()
    expect(warning.locator(f"a[href='/returns/{first.pk}/']")).to_have_text(first.number)
    assert Return.objects.filter(receipt_no="POS-TWICE").count() == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "return_form_same_receipt_today.png"), full_page=True)

    # When the clerk confirms, the second unit is logged
    page.click("[data-testid=log-anyway]")
    expect(page).to_have_url(f"{live_server.url}/returns/")
    assert Return.objects.filter(receipt_no="POS-TWICE").count() == 2


def test_a_photo_survives_a_failed_validation(page, live_server, login):
    # Given store1 fills a receipt with a purchase date in the future and attaches a photo to the unit
    login(page, "store1")
    fill_receipt(page, live_server, "POS-PHOTO-1", timezone.localdate() + dt.timedelta(days=3))
    page.set_input_files(
        "#id_unit-0-photos", files=[{"name": "zip.png", "mimeType": "image/png", "buffer": png_bytes("green", 8)}]
    )
    kept = page.locator("[data-testid=unit-form] [data-testid=kept-uploads]")
    expect(kept).to_contain_text("zip.png")
    expect(kept.locator("img")).to_have_count(1)

    # When they submit, the form comes back with the error and the photo still there
    page.click("[data-testid=submit-return]")
    expect(page.locator("[data-testid=form-errors]")).to_be_visible()
    expect(page.locator("[data-error-for=purchase_date]")).to_be_visible()
    expect(page.locator("[data-testid=unit-form] [data-testid=kept-uploads]")).to_contain_text("zip.png")
    expect(page.locator("[data-testid=attach-again]")).to_have_count(0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "return_form_photo_kept.png"), full_page=True)

    # When they fix the date and submit
    page.fill("#id_purchase_date", (timezone.localdate() - dt.timedelta(days=1)).isoformat())
    page.click("[data-testid=submit-return]")

    # Then the return is logged with its photo
    expect(page).to_have_url(f"{live_server.url}/returns/")
    item = Return.objects.get(receipt_no="POS-PHOTO-1")
    assert list(item.attachments.values_list("original_name", flat=True)) == ["zip.png"]
    page.goto(f"{live_server.url}/returns/{item.pk}/")
    expect(page.locator("[data-testid=photos] img")).to_have_count(1)


def test_phone_uses_the_keypad_and_colours_offer_the_styles_values(page, live_server, login):
    login(page, "store1")
    # On a phone, as the clerk at the counter holds it
    page.set_viewport_size({"width": 390, "height": 844})
    fill_receipt(page, live_server, "POS-PHONE-1", timezone.localdate() - dt.timedelta(days=2))
    expect(page.locator("#id_customer_phone")).to_have_attribute("inputmode", "tel")
    # A unit logged before with this style offers its colour on the next form
    page.click("[data-testid=submit-return]")
    expect(page).to_have_url(f"{live_server.url}/returns/")
    fill_receipt(page, live_server, "POS-PHONE-2", timezone.localdate() - dt.timedelta(days=2))
    expect(page.locator("#id_unit-0-color-list option[value='藏青']")).to_have_count(1)
    page.set_input_files(
        "#id_unit-0-photos", files=[{"name": "zip.png", "mimeType": "image/png", "buffer": png_bytes("green", 8)}]
    )
    expect(page.locator("[data-testid=unit-form] [data-testid=kept-uploads]")).to_contain_text("zip.png")

    # A phone that is not a phone number is refused with a message
    page.fill("#id_customer_phone", "call me")
    page.click("[data-testid=submit-return]")
    expect(page.locator("[data-error-for=customer_phone]")).to_be_visible()
    assert not Return.objects.filter(receipt_no="POS-PHONE-2").exists()
    # the photo chosen before is still on the form
    expect(page.locator("[data-testid=unit-form] [data-testid=kept-uploads]")).to_contain_text("zip.png")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "return_form_phone_390.png"), full_page=True)
