"""Scheduled work of the inspection app (Celery): each task loads, calls one service and returns a small summary."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from inspection.alerts import supplier_rework_overdue_scan


@shared_task(
    # The scan is one transaction: a lost database connection rolls it back whole, so a retry is safe.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def supplier_rework_overdue_task() -> dict:
    """Daily 08:20: tell the technicians once of each supplier rework past its promised return date."""
    return supplier_rework_overdue_scan()
