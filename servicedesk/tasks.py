"""Scheduled work of the service desk (Celery): each task calls one service and returns a small summary."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from aftersales.background import DOCUMENT_TASK_OPTIONS, TRANSIENT_ERRORS
from servicedesk.alerts import service_case_sla_scan
from servicedesk.services import customer_retention_purge


@shared_task(
    # The scan is one transaction: a lost connection rolls it back whole, so a retry is safe.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=3,
)
def service_case_sla_alerts_task() -> dict:
    """Every 15 minutes: SLA alerts 服务时限预警 (due soon, breached), once per case, clock and level."""
    return service_case_sla_scan()


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=5)
def customer_retention_purge_task() -> dict:
    """Monthly: anonymise contact data of customers with no open case after the retention period."""
    return customer_retention_purge()


@shared_task(autoretry_for=TRANSIENT_ERRORS, **DOCUMENT_TASK_OPTIONS)
def quality_form_pdf_task(self, form_id: int) -> str:
    """After approval: render the quality information form's PDF once and store it with its SHA-256 (frozen)."""
    from servicedesk.services.quality_forms import qualityform_pdf_render

    return qualityform_pdf_render(form_id=form_id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def visit_form_task(self, visit_id: int) -> dict:
    """After the customer signs: render the result feedback form 处置结果反馈单 once and store it with its SHA-256.

    The document tasks' delivery (``aftersales.background``): acknowledged when done, redelivered if the worker
    dies; the render is safe twice (``visit_form_render`` stores once). A failure is kept on the visit for its
    page and retried with backoff; in-process (eager) it is left for the download, which queues it again.
    """
    from aftersales.background import retry_countdown
    from servicedesk.services.visits import visit_form_failed, visit_form_render

    try:
        status = visit_form_render(visit_id=visit_id)
    except Exception as error:
        visit_form_failed(visit_id=visit_id, error=error)
        if self.request.is_eager or self.request.retries >= self.max_retries:
            return {"visit": visit_id, "status": "failed"}
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error
    return {"visit": visit_id, "status": status}
