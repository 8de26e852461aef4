"""Every form that takes files keeps them across a failed validation (photos uploaded on selection) or, when the
files went with the form (no JavaScript), says plainly that they must be chosen again: the inspection form, the
recall opening's test report photos, and the write-off list's destruction photos.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.models import TemporaryUpload
from aftersales.periods import previous_period
from cases.models import Attachment
from recalls.models import Recall, RecallAttachment
from suppliers.models import DefectCode, Style
from tests.factories.writeoffs import scrapped_unit
from tests.support.files import png_upload
from tests.support.returns import received_unit
from writeoffs.models import DestructionPhoto
from writeoffs.services import writeofflist_approve, writeofflist_build, writeofflist_confirm, writeofflist_submit

HTMX = {"HTTP_HX_REQUEST": "true"}


def upload(client, name="photo.png") -> str:
    answer = client.post("/uploads/", {"file": png_upload(name)})
    assert answer.status_code == 201
    return answer.json()["id"]


# --- inspection ---


@pytest.mark.django_db
def test_inspection_failing_validation_says_plain_files_must_be_chosen_again(browser_as, demo_user):
    item = received_unit(demo_user)
    # an unrepairable verdict without a responsible party fails; the photo went with the form
    response = browser_as("tech1").post(
        f"/returns/{item.pk}/inspect/", {"verdict": "unrepairable", "photos": png_upload()}, **HTMX
    )
    assert response.status_code == 400
    assert 'data-testid="attach-again"' in response.content.decode()


@pytest.mark.django_db
def test_inspection_photos_uploaded_on_selection_survive_a_failed_validation(browser_as, demo_user):
    item = received_unit(demo_user)
    tech = browser_as("tech1")
    token = upload(tech, "damage.png")
    failed = tech.post(f"/returns/{item.pk}/inspect/", {"verdict": "unrepairable", "photos_uploads": token}, **HTMX)
    assert failed.status_code == 400
    assert f'value="{token}"' in failed.content.decode() and "damage.png" in failed.content.decode()

    data = {"verdict": "unrepairable", "responsibility": "hq", "photos_uploads": token}
    assert tech.post(f"/returns/{item.pk}/inspect/", data, **HTMX).status_code == 200
    attachment = Attachment.objects.get(return_item=item)
    assert (attachment.original_name, attachment.kind) == ("damage.png", "inspection")
    assert TemporaryUpload.objects.get(token=token).claimed_at is not None


# --- recall opening ---


def recall_post(**overrides):
    data = {
        "style": Style.objects.get(style_no="226101JK001").pk,
        "defect_code": DefectCode.objects.filter(active=True).order_by("code").first().pk,
        "test_report": "拉链拉力测试 5 件, 3 件不合格",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_recall_opening_failing_validation_says_plain_files_must_be_chosen_again(browser_as):
    response = browser_as("tech1").post(
        reverse("recalls:recall_create"), recall_post(test_report="", photos=png_upload())
    )
    assert response.status_code == 400
    assert 'data-testid="attach-again"' in response.content.decode()
    assert not Recall.objects.exists()


@pytest.mark.django_db
def test_recall_test_report_photos_uploaded_on_selection_survive_a_failed_validation(browser_as):
    tech = browser_as("tech1")
    token = upload(tech, "report.png")
    failed = tech.post(reverse("recalls:recall_create"), recall_post(test_report="", photos_uploads=token))
    assert failed.status_code == 400 and f'value="{token}"' in failed.content.decode()

    assert tech.post(reverse("recalls:recall_create"), recall_post(photos_uploads=token)).status_code == 302
    assert list(RecallAttachment.objects.values_list("original_name", flat=True)) == ["report.png"]
    assert TemporaryUpload.objects.get(token=token).claimed_at is not None


# --- write-off destruction ---


@pytest.fixture
def approved(demo, demo_user):
    scrapped_unit(style_no="226101JK001")
    draft = writeofflist_build(period=previous_period(), user=demo_user("tech1"))[0]
    writeofflist_submit(writeoff_list=draft, user=demo_user("tech1"))
    writeofflist_confirm(writeoff_list=draft, user=demo_user("logistics1"))
    return writeofflist_approve(writeoff_list=draft, user=demo_user("vp1"))


def destruction(**overrides):
    data = {
        "destroyed_on": timezone.localdate().isoformat(),
        "method": "剪碎后焚烧",
        "warehouse_person": "周仓管",
        "witness": "行政部 李监督",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_destruction_failing_validation_says_plain_files_must_be_chosen_again(approved, browser_as):
    url = f"/month-end/writeoff-lists/{approved.pk}/record_destruction/"
    response = browser_as("tech1").post(url, destruction(witness="", photos=[png_upload()]), **HTMX)
    assert response.status_code == 400
    assert 'data-testid="attach-again"' in response.content.decode()


@pytest.mark.django_db
def test_destruction_photos_uploaded_on_selection_survive_a_failed_validation(approved, browser_as):
    tech = browser_as("tech1")
    url = f"/month-end/writeoff-lists/{approved.pk}/record_destruction/"
    token = upload(tech, "burn.png")
    failed = tech.post(url, destruction(witness="", photos_uploads=token), **HTMX)
    assert failed.status_code == 400 and f'value="{token}"' in failed.content.decode()

    assert tech.post(url, destruction(photos_uploads=token), **HTMX).status_code == 200
    assert list(DestructionPhoto.objects.values_list("original_name", flat=True)) == ["burn.png"]
    assert TemporaryUpload.objects.get(token=token).claimed_at is not None
