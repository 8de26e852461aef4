"""Celery tasks of the month end: build one report run, and the monthly build on the 1st (beat, Asia/Shanghai).

Each task takes an id or a ``YYYY-MM`` string, calls one service and returns
a small summary. A build is acknowledged only when it has finished
(``acks_late``) and goes back to the queue when its worker dies
(``reject_on_worker_lost``); the service makes the second delivery safe.
Only transient errors (database or broker briefly away) are retried, with
backoff; anything else leaves the run failed, to be retried from the page.
"""

from __future__ import annotations

from celery import shared_task

from aftersales.background import DOCUMENT_TASK_OPTIONS
from reports.services import TRANSIENT_ERRORS, monthly_build, reportrun_build, reportrun_fail


@shared_task(autoretry_for=TRANSIENT_ERRORS, **DOCUMENT_TASK_OPTIONS)
def reportrun_build_task(self, run_id: int) -> dict:
    """Build report run ``run_id`` (see ``reports.services.reportrun_build``)."""
    try:
        status = reportrun_build(run_id=run_id)
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            reportrun_fail(run_id=run_id, error=error)
        raise
    return {"run": run_id, "status": status}


@shared_task(
    acks_late=True, reject_on_worker_lost=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=60, max_retries=3
)
def monthly_build_task(period: str | None = None) -> dict:
    """The monthly build for ``period`` (``YYYY-MM``; default the month before, in Shanghai)."""
    return monthly_build(period=period)
