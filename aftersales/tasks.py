"""Project-wide tasks: e-mailing notifications."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def notification_email_task(notification_id: int) -> str:
    """E-mail one inbox message (retried with backoff only when the mail server is unreachable)."""
    from aftersales.services import notification_email_send

    return notification_email_send(notification_id=notification_id)


@shared_task
def temporary_upload_cleanup_task() -> str:
    """Daily: remove photos uploaded on a form that was never submitted (older than a day)."""
    from aftersales.services import temporary_upload_cleanup

    return f"removed {temporary_upload_cleanup()} temporary upload(s)"


@shared_task
def unclaimed_files_sweep_task() -> str:
    """Daily: remove files in storage that no row refers to, older than the grace period (aftersales/storage.py)."""
    from aftersales.storage import unclaimed_files_sweep

    return f"removed {unclaimed_files_sweep()} unclaimed file(s)"
