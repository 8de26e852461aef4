"""Celery task of the chargeback statements: render an issued statement's PDF and XLSX after issue.

Queued when the issue commits (``chargebacks.services.chargeback_issue``), with the report runs' delivery
options (``aftersales.background.DOCUMENT_TASK_OPTIONS``: acknowledged when finished, redelivered when its
worker dies; the render is safe to run twice). A failed render is retried with exponential backoff, a
bounded number of times, the error shown on the statement meanwhile; then the documents are marked failed,
and finance or the service center renders them again from the page or the API.
"""

from __future__ import annotations

import logging

from celery import shared_task

from aftersales.background import DOCUMENT_TASK_OPTIONS, retry_countdown
from chargebacks.services import chargeback_documents_failed, chargeback_documents_render

logger = logging.getLogger(__name__)


@shared_task(**DOCUMENT_TASK_OPTIONS)
def chargeback_documents_task(self, statement_id: int) -> dict:
    """Render statement ``statement_id``'s documents (see ``chargebacks.services.chargeback_documents_render``).

    Never raises for a render that failed for good: with tasks in-process that would turn the issue's
    response into an error after the issue committed; the failure is on the statement instead. In-process,
    the retries follow at once (there is no worker to come back after a backoff).
    """
    retries = self.request.retries
    while True:
        try:
            status = chargeback_documents_render(statement_id=statement_id)
        except Exception as error:
            logger.exception("Rendering the documents of chargeback statement %s failed", statement_id)
            final = retries >= self.max_retries
            chargeback_documents_failed(statement_id=statement_id, error=error, final=final)
            if final:
                return {"statement": statement_id, "status": "failed"}
            if not self.request.is_eager:
                raise self.retry(exc=error, countdown=retry_countdown(retries)) from error
            # In-process there is no worker to come back later (and Celery re-raises an eager retry): at once.
            retries += 1
            continue
        return {"statement": statement_id, "status": status}
