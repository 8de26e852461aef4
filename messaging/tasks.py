"""Queued work of the messaging app (Celery): each task loads, calls one service and returns a small summary."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from messaging.services import TransientChatError, chat_delivery_attempt


@shared_task(bind=True, max_retries=None)
def chat_delivery_task(self, delivery_id: int) -> str:
    """Post one message to its work chat channel; connection errors only are retried, with backoff, up to
    ``AFTERSALES_CHAT_RETRIES`` times (the last try settles the delivery as failed)."""
    retries = self.request.retries
    while True:
        try:
            return chat_delivery_attempt(delivery_id=delivery_id, final=retries >= settings.AFTERSALES_CHAT_RETRIES)
        except TransientChatError as error:
            if not self.request.is_eager:
                raise self.retry(exc=error, countdown=min(600, 30 * 2**retries)) from error
            # Run eagerly (CELERY_TASK_ALWAYS_EAGER) there is no broker to hold a retry: try again now.
            retries += 1


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError), retry_backoff=60, retry_backoff_max=900, max_retries=5
)
def report_subscriptions_send_task(run_id: int, resend: bool = False) -> dict:
    """Mail a built report to its subscribers (``messaging.subscriptions``); SMTP errors are retried, and what went
    out already is not sent twice."""
    from messaging.subscriptions import report_subscriptions_send

    return report_subscriptions_send(run_id=run_id, resend=resend)
