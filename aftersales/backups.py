"""Backups that restore 备份与恢复: the database and the files in one consistent snapshot, and their way back.

``backup`` writes a dated folder: ``database.dump`` (PostgreSQL's ``pg_dump`` custom format) or
``database.sqlite3`` (SQLite's online backup), ``files/`` (every file a row refers to, read through the storage
API, so from local disk or the S3 bucket alike) and ``manifest.json`` (the SHA-256 and size of everything, and the
row count of every table). On PostgreSQL one repeatable-read transaction exports its snapshot: ``pg_dump`` dumps
exactly that snapshot, and the row counts and the list of files are read in it too, so the files are the ones the
dumped rows refer to, whatever is written meanwhile.

``restore`` checks every checksum first, refuses a database that has any table or a storage that holds any file
(it never merges into or overwrites a live installation), loads the dump, writes the files back under their
names, and compares row counts and file checksums with the manifest.

The core imports no app: the tables and file fields are found through Django's app registry.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.utils import timezone

from aftersales.storage import file_fields, storage_walk

MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return sha256_of(handle)


# --- talking to PostgreSQL's own tools ---------------------------------------------------------------------


def _pg_arguments(using: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore, from the Django database settings."""
    database = settings.DATABASES[using]
    arguments = []
    if database.get("HOST"):
        arguments += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        arguments += ["--port", str(database["PORT"])]
    if database.get("USER"):
        arguments += ["--username", str(database["USER"])]
    arguments += ["--dbname", str(database["NAME"])]
    environment = {**os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    if sslmode := (database.get("OPTIONS") or {}).get("sslmode"):
        environment["PGSSLMODE"] = str(sslmode)
    return arguments, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: install PostgreSQL's client tools (Debian: postgresql-client) of the "
            "server's major version or newer."
        )
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(cursor, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def row_counts(cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for table in table_names(cursor, vendor):
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def referenced_file_names(cursor) -> list[str]:
    """Every file name a row refers to, read with ``cursor`` (so within its snapshot)."""
    names: set[str] = set()
    for model, field_name in file_fields():
        column = model._meta.get_field(field_name).column
        cursor.execute(
            f"SELECT DISTINCT {_quote(column)} FROM {_quote(model._meta.db_table)} "  # noqa: S608
            f"WHERE {_quote(column)} IS NOT NULL AND {_quote(column)} <> ''"
        )
        names.update(row[0] for row in cursor.fetchall())
    return sorted(names)


# --- backup --------------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    folder: Path
    tables: int
    rows: int
    files: int
    missing: list[str] = field(default_factory=list)


def backup(*, output: Path, using: str = "default", storage: Storage | None = None, now=None) -> BackupResult:
    """Write a backup into a new dated folder under ``output`` and return what it holds."""
    storage = storage or default_storage
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    folder = Path(output) / f"aftersales-{stamp}"
    if folder.exists():
        raise BackupError(f"{folder} already exists.")
    (folder / "files").mkdir(parents=True)
    if vendor == "postgresql":
        database_file, counts, names = _backup_postgresql(folder, using)
    else:
        database_file, counts, names = _backup_sqlite(folder, using)
    files, missing = [], []
    for name in names:
        target = folder / "files" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy, CHUNK)
        except FileNotFoundError:
            missing.append(name)
            target.unlink(missing_ok=True)
            continue
        files.append({"name": name, "size": target.stat().st_size, "sha256": file_sha256(target)})
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {
            "vendor": vendor,
            "file": database_file.name,
            "size": database_file.stat().st_size,
            "sha256": file_sha256(database_file),
            "tables": counts,
        },
        "files": files,
        # Rows that refer to a file the storage no longer has: kept in the dump, reported here.
        "missing_files": missing,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return BackupResult(folder=folder, tables=len(counts), rows=sum(counts.values()), files=len(files), missing=missing)


def _backup_postgresql(folder: Path, using: str) -> tuple[Path, dict[str, int], list[str]]:
    import psycopg

    connection = connections[using]
    connection.ensure_connection()
    target = folder / "database.dump"
    # A connection of its own in autocommit, so the BEGIN below opens the transaction with its isolation level.
    parameters = {
        key: value
        for key, value in connection.get_connection_params().items()
        if key not in {"cursor_factory", "context", "prepare_threshold"}
    }
    with psycopg.connect(**parameters, autocommit=True) as snapshot_connection, snapshot_connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = row_counts(cursor, "postgresql")
        names = referenced_file_names(cursor)
        arguments, environment = _pg_arguments(using)
        # The transaction stays open while pg_dump reads the snapshot it exported.
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
             f"--file={target}", *arguments],
            environment,
        )  # fmt: skip
        cursor.execute("COMMIT")
    return target, counts, names


def _backup_sqlite(folder: Path, using: str) -> tuple[Path, dict[str, int], list[str]]:
    target = folder / "database.sqlite3"
    source = sqlite3.connect(str(settings.DATABASES[using]["NAME"]))
    try:
        copy = sqlite3.connect(str(target))
        with copy:
            source.backup(copy)  # SQLite's online backup: one consistent copy, writers wait
        cursor = copy.cursor()
        counts = row_counts(cursor, "sqlite")
        names = referenced_file_names(cursor)
        copy.close()
    finally:
        source.close()
    return target, counts, names


# --- restore -------------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is of format {manifest.get('format')!r}; this version reads format {FORMAT}.")
    return manifest


def verify_backup(folder: Path, manifest: dict) -> None:
    """Every file of the backup is there with its checksum, before anything is written."""
    folder = Path(folder)
    database_file = folder / manifest["database"]["file"]
    if not database_file.is_file() or file_sha256(database_file) != manifest["database"]["sha256"]:
        raise BackupError(f"{database_file} is missing or does not match its checksum in the manifest.")
    for item in manifest["files"]:
        path = folder / "files" / item["name"]
        if not path.is_file() or file_sha256(path) != item["sha256"]:
            raise BackupError(f"{path} is missing or does not match its checksum in the manifest.")


def refuse_non_empty_target(*, using: str, storage: Storage) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = table_names(cursor, connection.vendor)
    if tables:
        raise BackupError(
            f"The database {settings.DATABASES[using]['NAME']} is not empty ({len(tables)} tables): restore only "
            "into a new, empty database (for example `createdb aftersales_restored`, then point DATABASE_URL at it). "
            "Do not run migrate first."
        )
    for name, _modified in storage_walk(storage):
        raise BackupError(
            f"The file storage is not empty (it holds {name}, among others): restore only into an empty media "
            "folder or bucket (DJANGO_MEDIA_ROOT or AFTERSALES_S3_BUCKET / AFTERSALES_S3_PREFIX)."
        )


def restore(*, folder: Path, using: str = "default", storage: Storage | None = None) -> RestoreResult:
    """Bring a backup into an empty database and storage, then check them against the manifest."""
    storage = storage or default_storage
    folder = Path(folder)
    manifest = read_manifest(folder)
    verify_backup(folder, manifest)
    connection = connections[using]
    if connection.vendor != manifest["database"]["vendor"]:
        raise BackupError(
            f"This backup is of a {manifest['database']['vendor']} database; DATABASE_URL names {connection.vendor}."
        )
    refuse_non_empty_target(using=using, storage=storage)
    database_file = folder / manifest["database"]["file"]
    if connection.vendor == "postgresql":
        connection.close()
        arguments, environment = _pg_arguments(using)
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
             *arguments, str(database_file)],
            environment,
        )  # fmt: skip
    else:
        connection.close()
        source = sqlite3.connect(str(database_file))
        target = sqlite3.connect(str(settings.DATABASES[using]["NAME"]))
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
    for item in manifest["files"]:
        with (folder / "files" / item["name"]).open("rb") as handle:
            stored = storage.save(item["name"], File(handle))
        if stored != item["name"]:
            raise BackupError(f"The storage saved {item['name']} as {stored}.")
    return check_restored(manifest=manifest, using=using, storage=storage)


def check_restored(*, manifest: dict, using: str, storage: Storage) -> RestoreResult:
    """Row counts of every table and every file's checksum, read back, equal the manifest's."""
    connection = connections[using]
    with connection.cursor() as cursor:
        counts = row_counts(cursor, connection.vendor)
    expected = manifest["database"]["tables"]
    if counts != expected:
        differing = sorted(table for table in set(counts) | set(expected) if counts.get(table) != expected.get(table))
        raise BackupError(f"Row counts differ from the backup's in: {', '.join(differing)}.")
    for item in manifest["files"]:
        with storage.open(item["name"], "rb") as handle:
            if sha256_of(handle) != item["sha256"]:
                raise BackupError(f"{item['name']} does not match its checksum after the restore.")
    return RestoreResult(tables=len(counts), rows=sum(counts.values()), files=len(manifest["files"]))
