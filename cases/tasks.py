"""Scheduled work of the cases app (Celery): each task loads, calls one service and returns a small summary."""

from __future__ import annotations

from celery import shared_task


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
