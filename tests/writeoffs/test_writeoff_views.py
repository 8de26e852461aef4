"""Pages of the write-off list 报废清单: list, build form, "awaiting me", detail with htmx transition panels,
line removal, destruction record with photos, downloads; who may see them; fixed query counts."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from aftersales.periods import future_period_message, previous_period
from cases.choices import ReturnState
from cases.models import Return
from tests.factories.stores import UserFactory
from tests.factories.writeoffs import WriteOffLineFactory, WriteOffListFactory, scrapped_unit
from writeoffs.choices import WriteOffListState
from writeoffs.models import DestructionPhoto, WriteOffLine, WriteOffList
from writeoffs.services import writeofflist_approve, writeofflist_build, writeofflist_confirm, writeofflist_submit

pytestmark = pytest.mark.django_db

LIST_URL = "/month-end/writeoff-lists/"
PERIOD = f"{previous_period():%Y-%m}"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(demo, demo_user):
    scrapped_unit(style_no="226101JK001")
    scrapped_unit(style_no="225101JK015", store_code="S002")
    return writeofflist_build(period=previous_period(), user=demo_user("tech1"))[0]


def detail_url(writeoff_list, suffix: str = "") -> str:
    return f"{LIST_URL}{writeoff_list.pk}/{suffix}"


def test_list_page_offers_the_build_form_to_technicians(draft, browser_as):
    page = browser_as("tech1").get(LIST_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert draft.number in html and 'data-testid="build-form"' in html
    assert 'data-testid="build-form"' not in browser_as("vp1").get(LIST_URL).content.decode()


def test_outsiders_do_not_see_the_lists(draft, client, browser_as):
    assert client.get(LIST_URL).status_code == 302  # to the login page
    for username in ("store1", "supplier1"):
        browser = browser_as(username)
        assert browser.get(LIST_URL).status_code == 403
        assert browser.get(detail_url(draft)).status_code == 404
        assert browser.get(detail_url(draft, "download/pdf/")).status_code == 404


@pytest.mark.parametrize(
    ("period", "message"),
    [("2026/10", "YYYY-MM"), ("2026-00", "YYYY-MM"), ("2999-01", future_period_message("2999-01"))],
)
def test_build_form_refuses_bad_periods_with_400(demo, browser_as, period, message):
    response = browser_as("tech1").post(f"{LIST_URL}build/", {"period": period})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WriteOffList.objects.exists()


def test_build_form_builds_and_opens_the_list(demo, browser_as):
    scrapped_unit()
    response = browser_as("tech1").post(f"{LIST_URL}build/", {"period": PERIOD})
    writeoff_list = WriteOffList.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(writeoff_list)
    again = browser_as("tech1").post(f"{LIST_URL}build/", {"period": PERIOD})
    assert again["Location"] == detail_url(writeoff_list)
    assert WriteOffLine.objects.count() == 1
    assert browser_as("logistics1").post(f"{LIST_URL}build/", {"period": PERIOD}).status_code == 403


def test_the_flow_through_the_htmx_panels(draft, browser_as):
    # a technician submits from the page
    response = browser_as("tech1").post(detail_url(draft, "submit/"), **HTMX)
    assert response.status_code == 200
    assert 'data-state="submitted"' in response.content.decode()
    # the approve button is not offered before confirmation, and firing it anyway is 409
    assert browser_as("vp1").post(detail_url(draft, "approve/"), **HTMX).status_code == 409
    # logistics confirms, the VP approves
    assert browser_as("logistics1").post(detail_url(draft, "confirm/"), **HTMX).status_code == 200
    response = browser_as("vp1").post(detail_url(draft, "approve/"), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="approved"' in html and 'data-testid="loss-reports"' in html
    # the timeline names who did each step, by name, not by login
    page = browser_as("finance1").get(detail_url(draft)).content.decode()
    for name in ("刘洋（售后服务部）", "郑斌（物流部经理）", "钱国华（生产副总）"):
        assert name in page
    for username in ("tech1", "logistics1", "vp1"):
        assert username not in page


def test_one_person_cannot_confirm_their_own_submission_on_the_page(draft, client):
    both = UserFactory(roles=["technician", "logistics_manager"])
    client.force_login(both)
    assert client.post(detail_url(draft, "submit/"), **HTMX).status_code == 200
    response = client.post(detail_url(draft, "confirm/"), **HTMX)
    assert response.status_code == 403
    assert WriteOffList.objects.get().state == WriteOffListState.SUBMITTED


def test_reject_needs_a_reason_and_shows_it_on_the_draft(draft, browser_as, demo_user):
    writeofflist_submit(writeoff_list=draft, user=demo_user("tech1"))
    browser = browser_as("logistics1")
    assert browser.post(detail_url(draft, "reject/"), {"reason": ""}, **HTMX).status_code == 400
    assert WriteOffList.objects.get().state == WriteOffListState.SUBMITTED
    response = browser.post(detail_url(draft, "reject/"), {"reason": "缺少 JK015 的照片"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="draft"' in html and "缺少 JK015 的照片" in html


def test_remove_line_on_the_page(draft, browser_as):
    line = draft.lines.first()
    url = detail_url(draft, f"lines/{line.pk}/remove/")
    prefix = f"line{line.pk}-reason"
    # without a reason: 400, the line stays
    assert browser_as("tech1").post(url, {prefix: " "}, **HTMX).status_code == 400
    assert WriteOffLine.objects.get(pk=line.pk).removed_at is None
    # another role: 403
    assert browser_as("logistics1").post(url, {prefix: "x"}, **HTMX).status_code == 403
    # with a reason: the line moves to "taken off", with the reason
    response = browser_as("tech1").post(url, {prefix: "客户取回"}, **HTMX)
    assert response.status_code == 200
    assert "客户取回" in response.content.decode()
    assert WriteOffLine.objects.get(pk=line.pk).removal_reason == "客户取回"


def png_upload(name: str = "burn.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "gray").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def approved(draft, demo_user):
    writeofflist_submit(writeoff_list=draft, user=demo_user("tech1"))
    writeofflist_confirm(writeoff_list=draft, user=demo_user("logistics1"))
    return writeofflist_approve(writeoff_list=draft, user=demo_user("vp1"))


def test_destruction_record_with_photos_on_the_page(approved, browser_as):
    form = {
        "destroyed_on": timezone.localdate().isoformat(),
        "method": "剪碎后焚烧",
        "warehouse_person": "周仓管",
        "witness": "行政部 李监督",
    }
    browser = browser_as("tech1")
    # a file that is not a photo: 400, nothing recorded
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = browser.post(detail_url(approved, "record_destruction/"), {**form, "photos": [fake]}, **HTMX)
    assert response.status_code == 400
    assert WriteOffList.objects.get().state == WriteOffListState.APPROVED
    # with a real photo: destroyed, and the photo is served to the center only
    response = browser.post(detail_url(approved, "record_destruction/"), {**form, "photos": [png_upload()]}, **HTMX)
    assert response.status_code == 200
    assert 'data-testid="destruction"' in response.content.decode()
    photo = DestructionPhoto.objects.get()
    photo_url = detail_url(approved, f"photos/{photo.pk}/")
    download = browser.get(photo_url)
    assert download.status_code == 200
    # served like every stored file: its sniffed type, inline, not to be second-guessed, kept by the browser only
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("inline")
    assert download["Cache-Control"] == "private, max-age=3600"
    assert browser_as("store1").get(photo_url).status_code == 404


def test_awaiting_me_shows_what_waits_for_my_role(draft, browser_as, demo_user):
    other = WriteOffListFactory(period=dt.date(2025, 1, 1), state=WriteOffListState.CONFIRMED)
    url = f"{LIST_URL}awaiting/"
    assert draft.number in browser_as("tech2").get(url).content.decode()
    assert draft.number not in browser_as("logistics1").get(url).content.decode()
    writeofflist_submit(writeoff_list=draft, user=demo_user("tech1"))
    assert draft.number in browser_as("logistics1").get(url).content.decode()
    vp_page = browser_as("vp1").get(url).content.decode()
    assert other.number in vp_page and draft.number not in vp_page


def test_downloads_from_the_page(approved, browser_as):
    browser = browser_as("logistics1")
    pdf = browser.get(detail_url(approved, "download/pdf/"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert f'filename="{approved.number}.pdf"' in pdf["Content-Disposition"]
    assert browser.get(detail_url(approved, "download/docx/")).status_code == 404


def test_approval_failing_on_one_unit_on_the_page_changes_nothing(draft, browser_as, demo_user):
    writeofflist_submit(writeoff_list=draft, user=demo_user("tech1"))
    writeofflist_confirm(writeoff_list=draft, user=demo_user("logistics1"))
    unit = draft.lines.first().return_item
    Return.objects.filter(pk=unit.pk).update(state=ReturnState.RETURNING)
    response = browser_as("vp1").post(detail_url(draft, "approve/"), **HTMX)
    assert response.status_code == 409
    assert unit.number in response.content.decode()
    assert WriteOffList.objects.get().state == WriteOffListState.CONFIRMED
    assert not Return.objects.filter(state=ReturnState.WRITTEN_OFF).exists()


def test_list_page_uses_a_fixed_number_of_queries(demo, browser_as, django_assert_max_num_queries):
    for month in range(1, 13):
        writeoff_list = WriteOffListFactory(period=dt.date(2024, month, 1))
        WriteOffLineFactory.create_batch(2, writeoff_list=writeoff_list)
    browser = browser_as("vp1")
    browser.get(LIST_URL)
    with django_assert_max_num_queries(12):
        assert browser.get(LIST_URL).status_code == 200
