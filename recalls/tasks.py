"""Scheduled work of batch recalls (Celery): each task loads, calls one service and returns a small summary."""

from __future__ import annotations

from celery import shared_task

from recalls.services import recall_candidates_notify, recall_deadline_reminders


@shared_task
def recall_candidates_notify_task() -> dict:
    """Daily: tell QA of new recall candidates 整款退货候选, once per style and defect code."""
    return {"new_candidates": recall_candidates_notify()}


@shared_task
def recall_deadline_reminders_task() -> dict:
    """Daily: remind stores that have not answered a recall notice in full as its deadline nears."""
    return {"reminded": recall_deadline_reminders()}
