"""Files on an S3-compatible server, files of rolled-back transactions, and the daily sweep of unclaimed files.

The S3 tests run against a real S3 server on loopback (moto's server mode, ``tests/fixtures/s3.py``): uploads and
downloads travel over HTTP through boto3 and django-storages, as they would to MinIO or AWS S3.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import request_finished
from django.db import transaction
from django.utils import timezone

from aftersales.storage import discard_rolled_back_files, storage_walk, unclaimed_files_sweep
from tests.support.environment import PROJECT_DIR, clean_environment
from tests.support.files import png_bytes


def upload(client, item, name, content):
    handle = io.BytesIO(content)
    handle.name = name
    return client.post(f"/api/v1/returns/{item.pk}/attachments/", {"file": handle}, format="multipart")


# --- settings ---------------------------------------------------------------------------------------------


def storage_settings(**variables) -> dict:
    code = "import json; from aftersales import settings as s; print(json.dumps(s.STORAGES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_bucket_files_go_to_local_disk():
    assert storage_settings() == {"BACKEND": "aftersales.storage.FileSystemStorage"}


def test_a_bucket_in_the_environment_puts_files_on_a_private_s3_bucket():
    # given the S3 variables
    default = storage_settings(
        AFTERSALES_S3_BUCKET="aftersales-files",
        AFTERSALES_S3_ENDPOINT_URL="http://minio:9000",
        AFTERSALES_S3_ACCESS_KEY_ID="key",
        AFTERSALES_S3_SECRET_ACCESS_KEY="secret",
        AFTERSALES_S3_REGION="cn-north-1",
        AFTERSALES_S3_PREFIX="/media/",
        AFTERSALES_S3_ADDRESSING_STYLE="path",
    )
    # then the default storage is django-storages' S3Storage on that bucket
    assert default["BACKEND"] == "aftersales.storage.S3Storage"
    options = default["OPTIONS"]
    assert options["bucket_name"] == "aftersales-files"
    assert options["endpoint_url"] == "http://minio:9000"
    assert (options["access_key"], options["secret_key"]) == ("key", "secret")
    assert (options["region_name"], options["location"], options["addressing_style"]) == ("cn-north-1", "media", "path")
    # and private: no ACL granting public reads, presigned URLs (if any) short-lived, nothing overwritten
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True and options["querystring_expire"] == 300
    assert options["file_overwrite"] is False


def test_the_secret_may_come_from_a_file(tmp_path):
    secret = tmp_path / "s3-secret"
    secret.write_text("from-a-file\n", encoding="utf-8")
    default = storage_settings(AFTERSALES_S3_BUCKET="b", AFTERSALES_S3_SECRET_ACCESS_KEY_FILE=str(secret))
    assert default["OPTIONS"]["secret_key"] == "from-a-file"


# --- on a real S3 server -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_attachment_is_stored_in_the_bucket_and_downloaded_through_the_scoped_view(s3_storage, api_as, demo):
    from cases.choices import ReturnState
    from cases.models import Attachment
    from tests.support.returns import return_in

    # given a Return of S001
    item = return_in(ReturnState.LOGGED)
    content = png_bytes("blue", size=16)
    # when its store attaches a photo through the API
    answer = upload(api_as("store1"), item, "photo.png", content)
    assert answer.status_code == 201, answer.content
    # then the bytes are an object in the bucket under the attachment's name, and nowhere else
    attachment = Attachment.objects.get(return_item=item)
    assert s3_storage.objects() == [attachment.file.name]
    assert s3_storage.read(attachment.file.name) == content
    # and the store downloads them through the scope-checked view, streamed by the application (no bucket URL)
    download = api_as("store1").get(answer.json()["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert s3_storage.endpoint_url not in answer.content.decode()
    assert "X-Amz" not in answer.content.decode()
    # and another store's user gets a 404, anonymous a 401
    assert api_as("store2").get(answer.json()["url"]).status_code == 404
    assert api_as("store2").__class__().get(answer.json()["url"]).status_code == 401


@pytest.mark.django_db
def test_the_return_page_shows_the_photo_through_the_application_not_the_bucket(s3_storage, api_as, demo, client):
    from cases.choices import ReturnState
    from tests.support.returns import return_in, user

    item = return_in(ReturnState.LOGGED)
    assert upload(api_as("store1"), item, "photo.png", png_bytes()).status_code == 201
    client.force_login(user("store1"))
    page = client.get(f"/returns/{item.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert s3_storage.endpoint_url not in html and s3_storage.name not in html
    assert "X-Amz-Signature" not in html


@pytest.mark.django_db
def test_a_missing_object_answers_404_not_500(s3_storage, api_as, demo):
    from cases.choices import ReturnState
    from cases.models import Attachment
    from tests.support.returns import return_in

    item = return_in(ReturnState.LOGGED)
    answer = upload(api_as("store1"), item, "photo.png", png_bytes())
    s3_storage.client.delete_object(Bucket=s3_storage.name, Key=Attachment.objects.get(return_item=item).file.name)
    assert api_as("store1").get(answer.json()["url"]).status_code == 404


@pytest.mark.django_db
def test_a_refused_batch_of_photos_leaves_no_object_in_the_bucket(s3_storage, demo, client):
    from cases.choices import ReturnState
    from cases.models import Attachment
    from tests.support.returns import return_in, user

    # given a Return and a store user on its page
    item = return_in(ReturnState.LOGGED)
    client.force_login(user("store1"))
    good = io.BytesIO(png_bytes("green"))
    good.name = "good.png"
    bad = io.BytesIO(b"MZ\x90\x00 not a photo")
    bad.name = "bad.png"
    # when two photos are posted at once and the second is refused (all or none)
    answer = client.post(f"/returns/{item.pk}/attachments/", {"photos": [good, bad]})
    # then nothing is attached, and the first photo's bytes, written before the refusal, are gone from the bucket
    assert answer.status_code == 400
    assert not Attachment.objects.filter(return_item=item).exists()
    assert s3_storage.objects() == []


@pytest.mark.django_db
def test_a_rolled_back_write_is_deleted_and_a_kept_one_stays(s3_storage):
    # given one file written in a savepoint that commits and one in a savepoint that rolls back
    with transaction.atomic():
        kept = default_storage.save("documents/kept.txt", ContentFile(b"kept"))
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = default_storage.save("documents/lost.txt", ContentFile(b"lost"))
        raise RuntimeError("refused after the file was written")
    assert lost in s3_storage.objects()
    # when the request ends
    request_finished.send(sender=None)
    # then only the rolled-back file is deleted
    assert s3_storage.objects() == [kept]


@pytest.mark.django_db(transaction=True)
def test_after_a_real_commit_the_file_stays_and_after_a_real_rollback_it_goes(s3_storage):
    # given autocommit between transactions (no test transaction around them)
    with transaction.atomic():
        kept = default_storage.save("documents/kept.txt", ContentFile(b"kept"))
    with pytest.raises(RuntimeError), transaction.atomic():
        default_storage.save("documents/lost.txt", ContentFile(b"lost"))
        raise RuntimeError
    # when a Celery task ends (or anything else that asks)
    assert discard_rolled_back_files() == 1
    assert s3_storage.objects() == [kept]
    # and a file saved outside any transaction is simply kept
    outside = default_storage.save("documents/outside.txt", ContentFile(b"outside"))
    assert discard_rolled_back_files() == 0
    assert s3_storage.objects() == sorted([kept, outside])


@pytest.mark.django_db
def test_the_sweep_removes_old_unclaimed_objects_only(s3_storage, api_as, demo):
    from cases.choices import ReturnState
    from tests.support.returns import return_in

    # given an attached photo (a row refers to it) and two objects no row refers to
    item = return_in(ReturnState.LOGGED)
    assert upload(api_as("store1"), item, "photo.png", png_bytes()).status_code == 201
    claimed = s3_storage.objects()
    s3_storage.client.put_object(Bucket=s3_storage.name, Key="attachments/orphan.png", Body=b"x")
    # when the sweep runs a day and a bit later
    later = timezone.now() + dt.timedelta(hours=25)
    removed = unclaimed_files_sweep(now=later)
    # then only the unclaimed objects are gone
    assert removed == 1
    assert s3_storage.objects() == claimed


@pytest.mark.django_db
def test_the_sweep_spares_unclaimed_files_within_the_grace_period(s3_storage):
    default_storage.save("attachments/fresh.png", ContentFile(b"x"))
    assert unclaimed_files_sweep() == 0
    assert unclaimed_files_sweep(now=timezone.now() + dt.timedelta(hours=23)) == 0
    assert unclaimed_files_sweep(now=timezone.now() + dt.timedelta(hours=25)) == 1


@pytest.mark.django_db
def test_storage_walk_lists_names_as_file_fields_store_them_with_a_prefix(settings, s3_bucket):
    # given a bucket shared with other data, the product's files under a prefix
    settings.STORAGES = {**settings.STORAGES, "default": s3_bucket.options(location="aftersales")}
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key="someone-else/file.txt", Body=b"x")
    name = default_storage.save("reports/a.pdf", ContentFile(b"%PDF-"))
    # then the walk sees only the product's files, by the names rows hold
    assert [found for found, _modified in storage_walk()] == [name]
    assert s3_bucket.objects() == sorted(["someone-else/file.txt", f"aftersales/{name}"])


# --- on local disk ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_on_disk_the_sweep_removes_unreferenced_old_files(settings, tmp_path, api_as, demo):
    from cases.choices import ReturnState
    from cases.models import Attachment
    from tests.support.returns import return_in

    # given the local-disk storage
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "aftersales.storage.FileSystemStorage"}}
    item = return_in(ReturnState.LOGGED)
    assert upload(api_as("store1"), item, "photo.png", png_bytes()).status_code == 201
    orphan = tmp_path / "chargebacks" / "orphan.pdf"
    orphan.parent.mkdir()
    orphan.write_bytes(b"%PDF-")
    # when the daily task runs two days later
    with pytest.MonkeyPatch.context() as patch:
        two_days = timezone.now() + dt.timedelta(days=2)
        patch.setattr(timezone, "now", lambda: two_days)
        from aftersales.tasks import unclaimed_files_sweep_task

        assert unclaimed_files_sweep_task.delay().get() == "removed 1 unclaimed file(s)"
    # then the orphan is gone and the attachment is still there
    assert not orphan.exists()
    assert (tmp_path / Attachment.objects.get(return_item=item).file.name).exists()


def test_the_sweep_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["unclaimed-file-sweep"]
    assert entry["task"] == "aftersales.tasks.unclaimed_files_sweep_task"
    assert (entry["schedule"]._orig_minute, entry["schedule"]._orig_hour) == ("45", "3")
