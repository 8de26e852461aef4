"""Scheduled work of the cases app (Celery): each task loads, calls one service and returns a small summary."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task
def recall_candidates_notify_task() -> dict:
    """Daily: tell QA of new recall candidates 整款退货候选, once per style and defect code."""
    from cases.recalls import recall_candidates_notify

    return {"new_candidates": recall_candidates_notify()}


@shared_task
def recall_deadline_reminders_task() -> dict:
    """Daily: remind stores that have not answered a recall notice in full as its deadline nears."""
    from cases.recalls import recall_deadline_reminders

    return {"reminded": recall_deadline_reminders()}


@shared_task(
    # The scan is one transaction: a lost database connection rolls it back whole, so a retry is safe.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def turnaround_alerts_task() -> dict:
    """Daily 08:00: the 15-day turnaround alerts 周转预警 (due soon, overdue) as one digest per recipient."""
    from cases.alerts import turnaround_alerts_scan

    return turnaround_alerts_scan()
