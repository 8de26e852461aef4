"""The beat schedule 定时任务: ``settings.CELERY_BEAT_SCHEDULE`` copied into django-celery-beat's rows.

Beat runs with the database scheduler, so the admin can change a time or
switch a task off. The sync (run after every ``migrate`` and by
``manage.py sync_schedules``) therefore creates the rows the table lacks and
keeps the task each row runs in line with the code, but leaves an existing
row's time, expiry and on/off switch as the admin set them: admin edits
survive deploys. ``sync_schedules --reset`` puts every row back to the table.
Rows this sync created whose entry left the table are switched off, not
deleted, so their run history stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

# Marks the rows the sync owns (the admin's own rows are never touched).
MARKER = "settings.CELERY_BEAT_SCHEDULE"


@dataclass(frozen=True)
class ScheduleSyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    disabled: int = 0


def _crontab_row(schedule, *, using: str):
    from django_celery_beat.models import CrontabSchedule

    spec = {
        "minute": str(schedule._orig_minute),
        "hour": str(schedule._orig_hour),
        "day_of_week": str(schedule._orig_day_of_week),
        "day_of_month": str(schedule._orig_day_of_month),
        "month_of_year": str(schedule._orig_month_of_year),
        "timezone": settings.CELERY_TIMEZONE,
    }
    row = CrontabSchedule.objects.using(using).filter(**spec).order_by("pk").first()
    return row or CrontabSchedule.objects.using(using).create(**spec)


def schedules_sync(*, reset: bool = False, using: str = "default") -> ScheduleSyncResult:
    """Bring django-celery-beat's PeriodicTask rows in line with ``CELERY_BEAT_SCHEDULE`` (idempotent)."""
    from django_celery_beat.models import PeriodicTask

    created = updated = unchanged = 0
    with transaction.atomic(using=using):
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            crontab = _crontab_row(entry["schedule"], using=using)
            expires = entry.get("options", {}).get("expires")
            wanted = {
                "task": entry["task"],
                "crontab": crontab,
                "interval": None,
                "solar": None,
                "clocked": None,
                "expire_seconds": int(expires) if expires is not None else None,
                "expires": None,
                "enabled": True,
                "description": f"{MARKER}[{name!r}]",
            }
            row = PeriodicTask.objects.using(using).select_for_update().filter(name=name).first()
            if row is None:
                PeriodicTask(name=name, **wanted).save(using=using)
                created += 1
                continue
            # Without --reset only what the code owns is corrected: which task the entry runs.
            fields = wanted if reset else {"task": entry["task"]}
            changed = [field for field, value in fields.items() if getattr(row, field) != value]
            if changed:
                for field in changed:
                    setattr(row, field, fields[field])
                # save() (not update()) so beat's change counter tells a running beat to reload.
                row.save(using=using)
                updated += 1
            else:
                unchanged += 1
        disabled = 0
        for row in (
            PeriodicTask.objects.using(using)
            .filter(description__startswith=MARKER, enabled=True)
            .exclude(name__in=list(settings.CELERY_BEAT_SCHEDULE))
        ):
            row.enabled = False
            row.save(using=using)
            disabled += 1
    return ScheduleSyncResult(created=created, updated=updated, unchanged=unchanged, disabled=disabled)
