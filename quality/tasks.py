"""Celery tasks of quality management 质量管理: each loads, calls one service and returns a small summary."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from aftersales.background import DOCUMENT_TASK_OPTIONS, retry_countdown

logger = logging.getLogger(__name__)


# --- rectification orders 质量整改令 ---


@shared_task(**DOCUMENT_TASK_OPTIONS)
def order_document_render_task(self, order_id: int) -> dict:
    """Render rectification order ``order_id``'s PDF (``quality.services.orders.order_document_render``).

    Never raises for a render that failed for good (the failure is shown on the order instead); in-process,
    retries follow at once, as the chargeback statements' task does.
    """
    from quality.services.orders import order_document_failed, order_document_render

    retries = self.request.retries
    while True:
        try:
            status = order_document_render(order_id=order_id)
        except Exception as error:
            logger.exception("Rendering the PDF of rectification order %s failed", order_id)
            final = retries >= self.max_retries
            order_document_failed(order_id=order_id, error=error, final=final)
            if final:
                return {"order": order_id, "status": "failed"}
            if not self.request.is_eager:
                raise self.retry(exc=error, countdown=retry_countdown(retries)) from error
            retries += 1
            continue
        return {"order": order_id, "status": status}


@shared_task
def order_overdue_alerts_task() -> dict:
    """Daily: alert the party and QA once per order and level (due soon, overdue)."""
    from quality.services.orders import order_overdue_alerts

    return order_overdue_alerts()


# --- the satisfaction survey 满意度调查 ---


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=5)
def satisfaction_survey_task(quarter: str | None = None) -> dict:
    """Quarterly (1st of Jan/Apr/Jul/Oct): invite the customers of the quarter before (or ``quarter``, YYYY-Qn).

    Idempotent (``quality.services.surveys.survey_build``): a second run for the same quarter invites nobody new,
    so a retry after a lost connection (the build is one transaction) is safe.
    """
    from quality.services.surveys import previous_quarter, survey_build

    return survey_build(quarter=quarter or previous_quarter())


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def survey_invitations_email_task(self, invitation_ids: list[int]) -> dict:
    """Mail the survey links of ``invitation_ids`` (``quality.services.surveys.survey_invitations_email``).

    A send the mail server refused (SMTP, connection) leaves its invitation waiting; only those ids are tried
    again, with backoff, and a link already delivered is never mailed twice (the service checks under the
    row's lock). Run in-process (eager) there is no broker to hold a retry: the next build or QA's "send
    again" mails what is still waiting.
    """
    from quality.services.surveys import survey_invitations_email

    summary = survey_invitations_email(invitation_ids=invitation_ids)
    failed = summary["failed"]
    if failed and not self.request.is_eager and self.request.retries < self.max_retries:
        raise self.retry(args=(failed,), countdown=retry_countdown(self.request.retries))
    return {**summary, "failed": len(failed)}


# --- the monthly audit 每月抽查 ---


@shared_task(**DOCUMENT_TASK_OPTIONS)
def audit_report_task(self, audit_id: int) -> dict:
    """Render monthly audit ``audit_id``'s report PDF (``quality.services.audits.audit_report_render``); a render
    that fails for good is shown on the audit's page, to be requested again."""
    from quality.services.audits import audit_report_failed, audit_report_render

    try:
        status = audit_report_render(audit_id=audit_id)
    except Exception as error:
        logger.exception("Rendering the report of monthly audit %s failed", audit_id)
        if self.request.retries >= self.max_retries or self.request.is_eager:
            audit_report_failed(audit_id=audit_id, error=error)
            return {"audit": audit_id, "status": "failed"}
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error
    return {"audit": audit_id, "status": status}
