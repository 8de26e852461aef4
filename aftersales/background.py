"""Documents made in a Celery task: what report runs (``reports``) and chargeback statements (``chargebacks``) share.

A document that takes seconds to render is made by a task queued when the request's transaction commits
(with tasks in-process, the default, that is still before the response). The task is acknowledged only
when it has finished (``acks_late``) and is redelivered when its worker dies (``reject_on_worker_lost``), so
the render must be safe to run twice: ``store_document`` writes each file under the one deterministic name
it has, replacing a partial file a killed attempt left, and answers its SHA-256.
"""

from __future__ import annotations

import hashlib

from celery.utils.time import get_exponential_backoff_interval
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError

from aftersales.exports import document_path

# Errors worth trying again later (the database, the broker or the file store was briefly away).
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, ConnectionError, TimeoutError)

# The retry policy of a document task: exponential backoff from 30 s up to 10 min, with jitter, a few times.
RETRY_BACKOFF = 30
RETRY_BACKOFF_MAX = 600
MAX_RETRIES = 5
# The options of a document task (``@shared_task(**DOCUMENT_TASK_OPTIONS)``); ``autoretry_for`` is the caller's.
DOCUMENT_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "retry_backoff": RETRY_BACKOFF,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": MAX_RETRIES,
}


def retry_countdown(retries: int) -> int:
    """Seconds before retry number ``retries + 1``: the same backoff Celery's ``autoretry_for`` uses."""
    return get_exponential_backoff_interval(
        factor=RETRY_BACKOFF, retries=retries, maximum=RETRY_BACKOFF_MAX, full_jitter=True
    )


def error_text(error: BaseException | str) -> str:
    """An error as people read it on a page: its type and message, at most 4,000 characters."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return text[:4000]


def store_document(instance, field: str, name: str, content: bytes) -> str:
    """Write ``content`` as ``instance``'s file ``field`` under ``name`` (its one name, ``document_path``),
    replacing a partial file an earlier attempt left there; answer its SHA-256. The row is not saved."""
    file_field = getattr(instance, field)
    path = document_path(instance, name)
    if file_field.storage.exists(path):
        file_field.storage.delete(path)
    file_field.save(name, ContentFile(content), save=False)
    return hashlib.sha256(content).hexdigest()
