"""The customer's service receipt 受理回执 and hang tags 挂牌 (issue 18): what they print, read back from the PDF
(pdftotext) and their QR codes decoded (zxing-cpp), the API action's refusals, and the Return page's print card."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from cases.choices import ReturnState
from customerview.links import status_url
from tests.support.printed import flat, page_size_mm, pdf_text, qr_codes
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases
from tests.support.returns import fresh, log_returns, return_in, ship_to_center, user

pytestmark = pytest.mark.django_db


def visit(count=2, **overrides):
    """One customer's visit: ``count`` units logged at S001 in one form (one receipt)."""
    return log_returns("S001", count=count, form_token=uuid.uuid4(), **overrides)


def receipt(api_as, item, who="store1", **params):
    response = api_as(who).get(f"/api/v1/returns/{item.pk}/receipt/", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_a4_receipt_prints_every_unit_of_the_visit_with_its_status_qr(api_as, demo):
    # Given a customer's two units logged in one form, and another receipt's unit logged the same day
    units = visit(2)
    other = log_returns("S001", receipt_no="POS-OTHER")[0]
    # When store1 prints the receipt from the second unit
    data = receipt(api_as, units[1])
    text = flat(pdf_text(data))
    # Then it is the Chinese receipt of the brand, the store with its phone, the date and both units
    assert "受理回执" in text
    assert flat(settings.AFTERSALES_COMPANY_NAME) in text
    assert "上海南京东路专卖店" in text and "021-63210001" in text
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in text
    for unit in units:
        assert unit.number in text
    assert other.number not in text
    assert text.count("226101JK001") == 2 and "黑色" in text and "拉链坏" in text
    # ... due back "within 15 days of dispatch" while they wait for the parcel, and no customer data
    assert text.count(f"寄出后{settings.AFTERSALES_TURNAROUND_DAYS}天内") == 2
    assert "张三" not in text and "13812341234" not in text
    # And each unit's QR code is its status page's link, in the order printed
    assert qr_codes(data) == [status_url(unit.number) for unit in units]


def test_the_receipt_prints_the_due_date_once_dispatched(api_as, demo):
    # Given a visit's unit dispatched to the center
    item = visit(1)[0]
    ship_to_center([item])
    item = fresh(item)
    # When the receipt is printed again
    text = flat(pdf_text(receipt(api_as, item)))
    # Then it shows the day it is due back (dispatch + 15 days)
    due = timezone.localtime(item.due_at).date()
    assert f"{due.year}年{due.month}月{due.day}日前" in text
    assert "寄出后" not in text


def test_the_80mm_receipt_is_80mm_wide_and_carries_the_same_units_and_codes(api_as, demo):
    # Given a visit of two units
    units = visit(2)
    # When the receipt is printed for a receipt printer
    data = receipt(api_as, units[0], format="80mm")
    # Then the page is 80 mm wide, in Chinese, with both numbers and both status codes
    width, _height = page_size_mm(data)
    assert abs(width - 80) < 0.5
    text = flat(pdf_text(data))
    assert "受理回执" in text and all(unit.number in text for unit in units)
    assert qr_codes(data, dpi=300) == [status_url(unit.number) for unit in units]


def test_the_status_url_of_the_api_detail_is_the_one_the_qr_code_opens(api_as, client, demo):
    # Given a logged unit
    item = visit(1)[0]
    # When its detail is read
    body = api_as("store1").get(f"/api/v1/returns/{item.pk}/").json()
    # Then status_url is the site's absolute link of its status page, which opens without a login
    assert body["status_url"] == status_url(item.number)
    assert body["status_url"].startswith(settings.AFTERSALES_SITE_URL + "/status/")
    page = client.get(urlsplit(body["status_url"]).path)
    assert page.status_code == 200 and item.number in page.content.decode()
    # And the list rows carry it too
    rows = api_as("store1").get("/api/v1/returns/", {"q": item.number}).json()["results"]
    assert [row["status_url"] for row in rows if row["id"] == item.pk] == [status_url(item.number)]


def snapshot(item):
    item = fresh(item)
    return (item.state, item.updated_at)


def _logged():
    return visit(1)[0]


def _cancelled():
    return return_in(ReturnState.CANCELLED)


def _url(item):
    return f"/api/v1/returns/{item.pk}/receipt/"


RECEIPT_REFUSALS = [
    Refusal(action="receipt", case="anonymous", who=None, expected=401, arrange=_logged, url=_url, method="get"),
    Refusal(action="receipt", case="other_store", who="store2", expected=404, arrange=_logged, url=_url, method="get"),
    Refusal(action="receipt", case="supplier", who="supplier1", expected=404, arrange=_logged, url=_url, method="get"),
    Refusal(
        action="receipt", case="wrong_state", who="store1", expected=409, arrange=_cancelled, url=_url, method="get"
    ),
    Refusal(
        action="receipt",
        case="bad_format",
        who="store1",
        expected=400,
        arrange=_logged,
        url=lambda item: _url(item) + "?format=letter",
        method="get",
    ),
    Refusal(action="receipt", case="allowed", who="store1", expected=200, arrange=_logged, url=_url, method="get"),
    Refusal(action="receipt", case="center", who="hotline1", expected=200, arrange=_logged, url=_url, method="get"),
]


@pytest.mark.parametrize("row", refusal_cases(RECEIPT_REFUSALS, snapshot=snapshot))
def test_receipt_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        assert tried.response["Content-Type"] == "application/pdf"
        assert tried.after == tried.before
    else:
        assert_refused(tried)
        if row.expected == 400:
            assert "format" in tried.response.json()


def test_hang_tags_carry_each_number_as_text_and_as_a_qr_code_of_just_the_number(client, demo):
    # Given a visit of three units
    units = visit(3)
    client.force_login(user("store1"))
    # When store1 prints the hang tags from the first unit's page
    response = client.get(f"/print/returns/{units[0].pk}/tags/")
    # Then one tag per unit shows the number, and its QR code holds exactly the number (what a scanner types)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    assert all(unit.number in text for unit in units)
    assert sorted(qr_codes(response.content)) == sorted(unit.number for unit in units)


def test_the_return_page_offers_the_receipt_tags_and_status_link(client, demo):
    # Given a logged unit on store1's screen
    item = visit(1)[0]
    client.force_login(user("store1"))
    page = client.get(f"/returns/{item.pk}/").content.decode()
    # Then its page links the A4 and 80 mm receipts, the tags and the status page
    assert f"/print/returns/{item.pk}/receipt/" in page
    assert f"/print/returns/{item.pk}/receipt/?format=80mm" in page
    assert f"/print/returns/{item.pk}/tags/" in page
    assert urlsplit(status_url(item.number)).path in page
    # And the receipt opens from there for store1, but is not found for another store's staff
    assert client.get(f"/print/returns/{item.pk}/receipt/?format=80mm").status_code == 200
    client.force_login(user("store2"))
    assert client.get(f"/print/returns/{item.pk}/receipt/").status_code == 404
    assert client.get(f"/print/returns/{item.pk}/tags/").status_code == 404
