"""Backups that restore: a seeded PostgreSQL database and its files backed up, restored into a new database and an
empty storage (local disk, or a bucket on a real S3 server), and compared table by table and file by file."""

from __future__ import annotations

import hashlib
import json
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests.fixtures.s3 import ACCESS_KEY, REGION, SECRET_KEY, Bucket
from tests.support.environment import manage
from tests.support.files import png_bytes

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump and pg_restore need PostgreSQL (the SQLite pass has no server to dump; CI runs PostgreSQL)",
)


def database_url(name: str) -> str:
    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"


def connect(name: str) -> psycopg.Connection:
    return psycopg.connect(database_url(name), autocommit=True)


@pytest.fixture
def new_database():
    """Names of new, empty databases (dropped afterwards)."""
    made = []

    def make() -> str:
        name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        with connect("postgres") as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return name

    yield make
    with connect("postgres") as admin:
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def tables_and_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def sample_rows(cursor, table: str) -> list[tuple]:
    """The first and last five rows by the first column, every column as text."""
    rows = []
    for order in ("ASC", "DESC"):
        cursor.execute(f'SELECT t::text FROM "{table}" AS t ORDER BY 1 {order} LIMIT 5')
        rows += [row[0] for row in cursor.fetchall()]
    return rows


def seed_files(count: int = 3) -> list:
    """Photos attached to new Returns through the service, committed (the test runs on committed data)."""
    from cases.services import attachment_add
    from tests.support.returns import log_returns, user

    store1 = user("store1")
    return [
        attachment_add(user=store1, return_item=item, name=f"photo-{index}.png", content=png_bytes(colour))
        for index, (item, colour) in enumerate(zip(log_returns("S001", count), ["red", "green", "blue"], strict=False))
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["disk", "s3"])
def test_a_backup_restores_into_a_new_database_with_the_same_rows_and_files(
    where, request, settings, tmp_path, new_database, demo
):
    # given the seeded demo database with photos, on local disk or on a bucket of a real S3 server
    if where == "disk":
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "aftersales.storage.FileSystemStorage"}}
    else:
        request.getfixturevalue("s3_storage")
    attachments = seed_files()
    # when it is backed up
    call_command("backup", output=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    # and restored into a new, empty database and an empty storage, in another process (as `make restore` does)
    target = new_database()
    if where == "disk":
        storage_variables = {"DJANGO_MEDIA_ROOT": str(tmp_path / "restored-media")}
    else:
        source = request.getfixturevalue("s3_storage")
        target_bucket = f"restored-{uuid.uuid4().hex[:12]}"
        source.client.create_bucket(Bucket=target_bucket)
        restored = Bucket(name=target_bucket, endpoint_url=source.endpoint_url, client=source.client)
        storage_variables = {
            "AFTERSALES_S3_BUCKET": target_bucket,
            "AFTERSALES_S3_ENDPOINT_URL": source.endpoint_url,
            "AFTERSALES_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "AFTERSALES_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "AFTERSALES_S3_REGION": REGION,
            "AFTERSALES_S3_ADDRESSING_STYLE": "path",
        }
    result = manage("restore", str(folder), DATABASE_URL=database_url(target), **storage_variables)
    assert result.returncode == 0, result.stderr
    # then every table has the same number of rows, and sampled rows are equal column by column
    with connect(connection.settings_dict["NAME"]) as original, connect(target) as copy:
        before, after = original.cursor(), copy.cursor()
        counts = tables_and_counts(before)
        assert tables_and_counts(after) == counts
        assert counts["cases_attachment"] >= 3 and counts["auth_user"] > 10
        for table in counts:
            assert sample_rows(after, table) == sample_rows(before, table), table
        # and the transition log is still append-only in the copy (its trigger came back with the dump)
        with pytest.raises(psycopg.errors.RaiseException):
            after.execute("DELETE FROM aftersales_transitionlog")
    # and every photo is back under its name with the bytes its row's checksum names
    for attachment in attachments:
        if where == "disk":
            content = (tmp_path / "restored-media" / attachment.file.name).read_bytes()
        else:
            content = restored.read(attachment.file.name)
        assert hashlib.sha256(content).hexdigest() == attachment.sha256
    assert {item["name"] for item in manifest["files"]} >= {attachment.file.name for attachment in attachments}
    assert manifest["database"]["tables"] == counts


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_or_storage_that_is_not_empty(settings, tmp_path, new_database, demo):
    # given a backup
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "aftersales.storage.FileSystemStorage"}}
    seed_files(1)
    call_command("backup", output=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    # when it is restored into the live database
    live = manage("restore", str(folder), DATABASE_URL=database_url(connection.settings_dict["NAME"]),
                  DJANGO_MEDIA_ROOT=str(tmp_path / "empty"))  # fmt: skip
    # then it is refused with a clear message, and nothing is written
    assert live.returncode != 0
    assert "is not empty" in live.stderr and "new, empty database" in live.stderr
    assert not (tmp_path / "empty").exists()
    # when the database is new but the storage holds files
    busy = manage("restore", str(folder), DATABASE_URL=database_url(new_database()),
                  DJANGO_MEDIA_ROOT=str(tmp_path / "media"))  # fmt: skip
    assert busy.returncode != 0
    assert "file storage is not empty" in busy.stderr


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_backup_whose_files_do_not_match_the_manifest(settings, tmp_path, new_database, demo):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "aftersales.storage.FileSystemStorage"}}
    (attachment,) = seed_files(1)
    call_command("backup", output=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    # given a photo of the backup changed on disk
    (folder / "files" / attachment.file.name).write_bytes(b"tampered")
    # then the restore stops before touching the database
    target = new_database()
    answer = manage("restore", str(folder), DATABASE_URL=database_url(target), DJANGO_MEDIA_ROOT=str(tmp_path / "r"))
    assert answer.returncode != 0 and "does not match its checksum" in answer.stderr
    with connect(target) as copy:
        assert tables_and_counts(copy.cursor()) == {}
