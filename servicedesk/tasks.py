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
