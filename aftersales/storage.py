"""Where files live: local disk by default, an S3-compatible bucket when ``AFTERSALES_S3_BUCKET`` is set.

Every file the product writes (photos, attachments, issued documents, report files, temporary uploads) goes
through Django's storage API on a ``FileField``, so the same code runs on disk and on S3 or MinIO. The storages
here add one thing to Django's and django-storages' own: **a file written inside a transaction that rolls back
is deleted**. Files are not transactional, so a refused issue, a failed upload or a race lost after the bytes
were written would otherwise leave a file no row points to. Each save inside an atomic block is remembered with a
``transaction.on_commit`` marker; a file whose marker was dropped by Django (its transaction or savepoint rolled
back) is deleted at the next save on that thread, at the end of the request (``request_finished``) and after
each Celery task (``task_postrun``). What a killed process leaves behind is found by the daily sweep
(``unclaimed_files_sweep``): files in storage that no row refers to, older than a grace period.

Files are private on S3 too: the bucket needs no public access, nothing links to a bucket URL, and every download
goes through the scope-checked views (``aftersales.ui.files``), which stream the bytes. ``url()`` would give a
presigned URL valid for ``AFTERSALES_S3_URL_SECONDS`` (five minutes), but no page or API uses it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage
from django.core.files.storage import InMemoryStorage as DjangoInMemoryStorage
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

_pending = threading.local()


@dataclass(eq=False)
class _Written:
    """One file written inside a transaction, and whether that transaction has committed."""

    storage: Storage
    name: str
    using: str
    committed: bool = False
    marker: object = field(default=None, repr=False)

    def commit(self) -> None:
        self.committed = True


def _written() -> list[_Written]:
    if not hasattr(_pending, "files"):
        _pending.files = []
    return _pending.files


def _queued_markers(using: str) -> set[int]:
    """The ids of the on-commit callbacks still queued on a connection (none outside a transaction).

    Django drops a rolled-back savepoint's callbacks from ``run_on_commit`` (entries are (savepoint ids, callback,
    robust)), and empties it when the whole transaction rolls back: a marker missing from it will never run.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        return set()
    return {id(item[1]) for item in connection.run_on_commit}


def discard_rolled_back_files(**_signal_kwargs) -> int:
    """Delete the files this thread wrote in transactions that rolled back; returns how many. Idempotent."""
    written = _written()
    if not written:
        return 0
    queued = {using: _queued_markers(using) for using in {entry.using for entry in written}}
    kept, removed = [], 0
    for entry in written:
        if entry.committed:
            continue
        if id(entry.marker) in queued[entry.using]:
            kept.append(entry)
            continue
        try:
            entry.storage.delete(entry.name)
            removed += 1
        except Exception:  # noqa: BLE001 - the daily sweep removes it later; never fail the caller for this
            logger.exception("Could not delete %s after its transaction rolled back", entry.name)
    written[:] = kept
    return removed


class TransactionalStorageMixin:
    """Deletes a file written inside a transaction that rolled back (see the module)."""

    def _save(self, name, content):
        discard_rolled_back_files()
        name = super()._save(name, content)
        using = DEFAULT_DB_ALIAS
        if connections[using].in_atomic_block:
            entry = _Written(storage=self, name=name, using=using)
            entry.marker = entry.commit
            _written().append(entry)
            transaction.on_commit(entry.marker, using=using)
        return name


class FileSystemStorage(TransactionalStorageMixin, DjangoFileSystemStorage):
    """Local disk under ``MEDIA_ROOT`` (the default)."""


class InMemoryStorage(TransactionalStorageMixin, DjangoInMemoryStorage):
    """Memory only (the test settings)."""


try:  # django-storages is a runtime dependency; the import is guarded so the disk default never needs boto3.
    from storages.backends.s3 import S3Storage as _S3Storage
except ImportError:  # pragma: no cover
    _S3Storage = None

if _S3Storage is not None:

    class S3Storage(TransactionalStorageMixin, _S3Storage):
        """An S3-compatible bucket (AWS S3, MinIO, Aliyun OSS, Tencent COS) via django-storages."""


# --- walking a storage, and the sweep of unclaimed files ---------------------------------------------------


def storage_walk(storage: Storage | None = None) -> Iterator[tuple[str, dt.datetime]]:
    """Every file in the storage as (name, last modified), names as ``FileField`` stores them.

    On disk, one ``os.walk``; on S3, the bucket listing (which carries the times, no request per file);
    elsewhere, ``listdir`` and ``get_modified_time``.
    """
    storage = storage or default_storage
    if _S3Storage is not None and isinstance(storage, _S3Storage):
        prefix = f"{storage.location}/" if storage.location else ""
        for item in storage.bucket.objects.filter(Prefix=prefix):
            if item.key.endswith("/"):
                continue
            yield item.key[len(prefix) :], item.last_modified
        return
    if isinstance(storage, DjangoFileSystemStorage):
        root = storage.location
        for folder, _dirs, files in os.walk(root):
            for filename in files:
                path = os.path.join(folder, filename)
                name = os.path.relpath(path, root).replace(os.sep, "/")
                yield name, dt.datetime.fromtimestamp(os.path.getmtime(path), tz=dt.UTC)
        return
    yield from _walk_listdir(storage, "")


def _walk_listdir(storage: Storage, folder: str) -> Iterator[tuple[str, dt.datetime]]:
    folders, files = storage.listdir(folder)
    for filename in files:
        name = f"{folder}/{filename}" if folder else filename
        yield name, storage.get_modified_time(name)
    for sub in folders:
        yield from _walk_listdir(storage, f"{folder}/{sub}" if folder else sub)


def file_fields() -> list[tuple[type, str]]:
    """Every (model, field name) of a ``FileField`` on a concrete model of any installed app."""
    from django.apps import apps
    from django.db.models import FileField

    return [
        (model, model_field.name)
        for model in apps.get_models()
        if not model._meta.abstract and not model._meta.proxy
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, FileField)
    ]


def referenced_names(names: list[str]) -> set[str]:
    """Those of ``names`` that some row's ``FileField`` points to."""
    found: set[str] = set()
    for model, name in file_fields():
        found.update(model._base_manager.filter(**{f"{name}__in": names}).values_list(name, flat=True))
    return found


SWEEP_BATCH = 500


def unclaimed_files(*, grace: dt.timedelta, now: dt.datetime | None = None, storage: Storage | None = None):
    """Files in storage that no row refers to and that were written before ``now - grace``."""
    cutoff = (now or timezone.now()) - grace
    batch: list[str] = []
    for name, modified in storage_walk(storage):
        if modified < cutoff:
            batch.append(name)
        if len(batch) >= SWEEP_BATCH:
            yield from _unreferenced(batch)
            batch = []
    if batch:
        yield from _unreferenced(batch)


def _unreferenced(batch: list[str]) -> list[str]:
    referenced = referenced_names(batch)
    return [name for name in batch if name not in referenced]


def unclaimed_files_sweep(
    *, grace: dt.timedelta | None = None, now: dt.datetime | None = None, storage: Storage | None = None
) -> int:
    """Delete unclaimed files (see ``unclaimed_files``); returns how many. The grace period
    (``AFTERSALES_UNCLAIMED_FILE_HOURS``) outlasts any transaction, so a file whose row is still being written is
    never taken."""
    from django.conf import settings

    storage = storage or default_storage
    grace = grace if grace is not None else dt.timedelta(hours=settings.AFTERSALES_UNCLAIMED_FILE_HOURS)
    removed = 0
    for name in list(unclaimed_files(grace=grace, now=now, storage=storage)):
        storage.delete(name)
        logger.info("Removed unclaimed file %s", name)
        removed += 1
    return removed
