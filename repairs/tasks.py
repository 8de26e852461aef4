"""Scheduled work of the repairs app (Celery): each task calls one service and returns a small summary."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from repairs.alerts import low_stock_alerts_scan


@shared_task(
    # One transaction: a lost database connection rolls it back whole, so a retry is safe.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def low_stock_alerts_task() -> dict:
    """Daily 07:30: low spare-part stock per location 备件低库存预警, once per part per location."""
    return low_stock_alerts_scan()
