"""Scheduled work of the cases app (Celery): each task loads, calls one service and returns a small summary."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from cases.alerts import turnaround_alerts_scan
from cases.escalation import turnaround_escalation_scan


@shared_task(
    # The scan is one transaction: a lost database connection rolls it back whole, so a retry is safe.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def turnaround_alerts_task() -> dict:
    """Daily 08:00: the 15-day turnaround alerts 周转预警 (due soon, overdue) as one digest per recipient."""
    return turnaround_alerts_scan()


@shared_task(
    # One transaction, as the alerts: a lost connection rolls it back whole, so a retry is safe.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def turnaround_escalation_task() -> dict:
    """Daily 08:15: the escalation ladder 升级提醒 (region manager, then the center's head) for long-overdue units."""
    return turnaround_escalation_scan()
