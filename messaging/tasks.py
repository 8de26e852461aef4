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
