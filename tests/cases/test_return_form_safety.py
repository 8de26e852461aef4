"""The store's 登记退货 form is safe for a clerk in a hurry: Back then submit logs nothing twice, a receipt number
already logged today asks before logging more, photos survive a failed validation, phones are phone numbers.
"""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftersales.models import TemporaryUpload
from aftersales.services import temporary_upload_cleanup
from cases.models import Attachment, Return
from suppliers.models import Style
from tests.support.files import png_bytes

STYLE_NO = "226101JK001"


def form_token(client) -> str:
    body = client.get("/returns/new/").content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', body).group(1)


def receipt_post(style, *, token="", count=1, **overrides):
    data = {
        "form_token": token,
        "receipt_no": "POS-9911",
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
                f"unit-{index}-size": "L",
                f"unit-{index}-batch_no": "",
                f"unit-{index}-production_year": "2025",
                f"unit-{index}-defect_description": "开线",
                f"unit-{index}-reported_defect": "",
            }
        )
    data.update(overrides)
    return data


def upload(client, name="goods.png", content=None):
    answer = client.post("/uploads/", {"file": SimpleUploadedFile(name, content or png_bytes(), "image/png")})
    assert answer.status_code == 201, answer.content
    return answer.json()


# --- item 3: Back then submit ---


@pytest.mark.django_db
def test_the_same_form_submitted_twice_logs_the_receipt_once_and_links_to_it(browser_as):
    # given store1's form, submitted once with two units
    client = browser_as("store1")
    style = Style.objects.get(style_no=STYLE_NO)
    token = form_token(client)
    first = client.post("/returns/new/", receipt_post(style, token=token, count=2))
    assert first.status_code == 302
    logged = list(Return.objects.filter(receipt_no="POS-9911").order_by("id"))
    assert len(logged) == 2

    # when the clerk presses Back and submits the restored form again
    again = client.post("/returns/new/", receipt_post(style, token=token, count=2))

    # then nothing more is logged, and the page says so with links to the Returns of the first submit
    assert Return.objects.filter(receipt_no="POS-9911").count() == 2
    body = again.content.decode()
    assert 'data-testid="already-logged"' in body
    for item in logged:
        assert f'href="/returns/{item.pk}/"' in body
        assert item.number in body


@pytest.mark.django_db
def test_a_receipt_number_logged_today_asks_before_logging_more(browser_as):
    # given POS-9911 already has a unit logged at S001 today
    client = browser_as("store1")
    style = Style.objects.get(style_no=STYLE_NO)
    assert client.post("/returns/new/", receipt_post(style, token=form_token(client))).status_code == 302
    earlier = Return.objects.get(receipt_no="POS-9911")

    # when a fresh form logs the same receipt number
    token = form_token(client)
    warned = client.post("/returns/new/", receipt_post(style, token=token))

    # then nothing is created: a warning links the earlier unit and offers "log anyway"
    assert Return.objects.filter(receipt_no="POS-9911").count() == 1
    body = warned.content.decode()
    assert 'data-testid="same-receipt-today"' in body
    assert f'href="/returns/{earlier.pk}/"' in body
    assert 'name="confirm_same_receipt"' in body

    # when they confirm, the unit is logged
    confirmed = client.post("/returns/new/", receipt_post(style, token=token, confirm_same_receipt="1"))
    assert confirmed.status_code == 302
    assert Return.objects.filter(receipt_no="POS-9911").count() == 2


# --- item 4: photos across a failed validation ---


@pytest.mark.django_db
def test_photos_uploaded_before_a_failed_validation_are_attached_after_the_correction(browser_as):
    client = browser_as("store1")
    style = Style.objects.get(style_no=STYLE_NO)
    token = form_token(client)
    receipt_photo = upload(client, "receipt.png")
    unit_photo = upload(client, "unit.png", png_bytes("blue"))

    # given a form with a purchase date in the future and two photos already uploaded
    future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    data = receipt_post(style, token=token, purchase_date=future)
    data["photos_uploads"] = [receipt_photo["id"]]
    data["unit-0-photos_uploads"] = [unit_photo["id"]]
    failed = client.post("/returns/new/", data)

    # then the form comes back with the photos still there
    assert failed.status_code == 400
    body = failed.content.decode()
    assert "receipt.png" in body and "unit.png" in body
    assert f'value="{receipt_photo["id"]}"' in body and f'value="{unit_photo["id"]}"' in body
    assert not Return.objects.filter(receipt_no="POS-9911").exists()

    # when the clerk corrects the date and submits
    data["purchase_date"] = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert client.post("/returns/new/", data).status_code == 302

    # then the return has both photos, and the temporary uploads are claimed
    item = Return.objects.get(receipt_no="POS-9911")
    assert sorted(item.attachments.values_list("original_name", flat=True)) == ["receipt.png", "unit.png"]
    assert TemporaryUpload.objects.filter(claimed_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_a_form_posting_plain_files_says_they_must_be_attached_again(browser_as):
    # given a browser without JavaScript: the photo goes with the form, which fails on the date
    client = browser_as("store1")
    style = Style.objects.get(style_no=STYLE_NO)
    future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    data = receipt_post(style, token=form_token(client), purchase_date=future)
    data["photos"] = SimpleUploadedFile("goods.png", png_bytes(), "image/png")
    body = client.post("/returns/new/", data).content.decode()
    # then the page says plainly that the photos must be attached again
    assert 'data-testid="attach-again"' in body


@pytest.mark.django_db
def test_another_user_cannot_claim_or_view_my_temporary_upload(browser_as, client, demo_user):
    style = Style.objects.get(style_no=STYLE_NO)
    client.force_login(demo_user("store1"))
    mine = upload(client)
    assert client.get(mine["url"]).status_code == 200

    # when another clerk of the same store posts my upload's id with their form
    client.force_login(demo_user("store1b") if _exists("store1b") else demo_user("store2"))
    assert client.get(mine["url"]).status_code == 404
    data = receipt_post(style, token=form_token(client))
    if "store" in client.get("/returns/new/").context["form"].fields:
        data["store"] = str(client.get("/returns/new/").context["form"].fields["store"].queryset.first().pk)
    data["photos_uploads"] = [mine["id"]]
    answer = client.post("/returns/new/", data)

    # then it is refused, nothing is logged and the upload stays unclaimed
    assert answer.status_code == 400
    assert not Return.objects.filter(receipt_no="POS-9911").exists()
    assert not Attachment.objects.exists()
    assert TemporaryUpload.objects.get(token=mine["id"]).claimed_at is None


def _exists(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).exists()


@pytest.mark.django_db
def test_the_upload_endpoint_refuses_what_is_not_a_photo(browser_as):
    client = browser_as("store1")
    answer = client.post("/uploads/", {"file": SimpleUploadedFile("x.png", b"not an image", "image/png")})
    assert answer.status_code == 400
    assert answer.json()["error"]
    assert not TemporaryUpload.objects.exists()


@pytest.mark.django_db
def test_the_daily_cleanup_removes_old_unclaimed_uploads_and_their_files(browser_as, demo_user):
    client = browser_as("store1")
    old, fresh, claimed = (TemporaryUpload.objects.get(token=upload(client)["id"]) for _ in range(3))
    long_ago = timezone.now() - dt.timedelta(days=2)
    TemporaryUpload.objects.filter(pk__in=[old.pk, claimed.pk]).update(created_at=long_ago)
    TemporaryUpload.objects.filter(pk=claimed.pk).update(claimed_at=long_ago)
    storage = old.file.storage
    old_name = old.file.name
    assert storage.exists(old_name)

    removed = temporary_upload_cleanup()

    assert removed == 1
    assert not TemporaryUpload.objects.filter(pk=old.pk).exists()
    assert not storage.exists(old_name)
    assert set(TemporaryUpload.objects.values_list("pk", flat=True)) == {fresh.pk, claimed.pk}
    assert storage.exists(fresh.file.name)


def test_the_cleanup_is_on_the_daily_schedule():
    from django.conf import settings

    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "aftersales.tasks.temporary_upload_cleanup_task" in entries


# --- item 15: phones, colours and sizes ---


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["13900001111", "010-12345678", "0755 8888 6666", "021-1234567", ""])
def test_phone_numbers_are_accepted(browser_as, phone):
    client = browser_as("store1")
    style = Style.objects.get(style_no=STYLE_NO)
    answer = client.post("/returns/new/", receipt_post(style, token=form_token(client), customer_phone=phone))
    assert answer.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["call me", "12345", "1390000111", "23900001111", "139000011112"])
def test_what_is_not_a_phone_number_is_refused_with_a_message(browser_as, phone):
    client = browser_as("store1")
    style = Style.objects.get(style_no=STYLE_NO)
    answer = client.post("/returns/new/", receipt_post(style, token=form_token(client), customer_phone=phone))
    assert answer.status_code == 400
    assert 'data-error-for="customer_phone"' in answer.content.decode()
    assert not Return.objects.exists()


@pytest.mark.django_db
def test_the_phone_field_opens_a_numeric_keypad(browser_as):
    body = browser_as("store1").get("/returns/new/").content.decode()
    field = re.search(r"<input[^>]*name=\"customer_phone\"[^>]*>", body).group(0)
    assert 'type="tel"' in field and 'inputmode="tel"' in field


@pytest.mark.django_db
def test_colour_and_size_offer_the_values_already_used_for_the_style(browser_as):
    client = browser_as("store1")
    style = Style.objects.get(style_no=STYLE_NO)
    data = receipt_post(style, token=form_token(client))
    data["unit-0-color"], data["unit-0-size"] = "酒红", "XXL"
    assert client.post("/returns/new/", data).status_code == 302

    body = client.get("/returns/new/style-values/", {"unit-3-style": style.pk}).content.decode()
    assert 'id="id_unit-3-color-list"' in body and '<option value="酒红">' in body
    assert 'id="id_unit-3-size-list"' in body and '<option value="XXL">' in body
    form = client.get("/returns/new/").content.decode()
    assert 'list="id_unit-0-color-list"' in form and 'list="id_unit-0-size-list"' in form


@pytest.mark.django_db
def test_the_token_is_held_by_a_unique_constraint_in_the_service(demo_user):
    # given the service called twice with one token (as two submits racing past the page's early check)
    import uuid

    from cases import services
    from stores.models import Store

    style = Style.objects.get(style_no=STYLE_NO)
    token = uuid.uuid4()
    values = {
        "user": demo_user("store1"),
        "store": Store.objects.get(code="S001"),
        "receipt_no": "POS-RACE",
        "purchase_date": timezone.localdate() - dt.timedelta(days=2),
        "onsite_handling": "exchange",
        "form_token": token,
        "units": [
            services.ReturnUnit(style=style, color="黑", size="M", production_year=2025, defect_description="开线")
        ],
    }
    first = services.return_log(**values)
    # then the second logs nothing and names the Returns of the first
    with pytest.raises(services.ReceiptAlreadyLogged) as caught:
        services.return_log(**values)
    assert [item.pk for item in caught.value.returns] == [item.pk for item in first]
    assert Return.objects.filter(receipt_no="POS-RACE").count() == 1


@pytest.mark.django_db
def test_the_cleanup_task_reports_what_it_removed(browser_as):
    from aftersales.tasks import temporary_upload_cleanup_task

    upload(browser_as("store1"))
    TemporaryUpload.objects.update(created_at=timezone.now() - dt.timedelta(days=3))
    assert temporary_upload_cleanup_task.delay().get() == "removed 1 temporary upload(s)"
    assert not TemporaryUpload.objects.exists()
