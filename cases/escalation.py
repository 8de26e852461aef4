"""The escalation ladder 升级提醒 of the 15-day turnaround: overdue units climb past the store and the center.

Beyond the daily due-soon and overdue alerts (``cases.alerts``), a unit still open
``AFTERSALES_ESCALATE_REGION_DAYS`` calendar days after its due date (default 5) alerts the region manager of
its store, and ``AFTERSALES_ESCALATE_CENTER_DAYS`` days after that (default 10 more, so 15 days overdue) the
service center's head: the users ``AFTERSALES_CENTER_HEADS`` names, or every member of the role
``AFTERSALES_CENTER_HEAD_ROLE``.

Days are calendar days in Asia/Shanghai, as for the alerts: a unit due on the 10th (any time that day) is one day
overdue on the 11th from midnight, five days overdue on the 15th. So "N days overdue" is "due before midnight of
the day N - 1 days before today", one range on ``due_at``.

Each level is raised once per unit, ever, through the same ``Alert`` table and unique constraint as the alerts
(kind ``turnaround``, levels ``escalated_region`` and ``escalated_center``): only rows a scan inserted are
notified. The home page of a region manager or center head counts the open units that reached them, and
``cases:escalation_list`` lists them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from aftersales.models import Alert
from aftersales.notifications import absolute_url, notify
from aftersales.roles import Role, roles_of
from cases.alerts import ALERT_KIND
from cases.choices import TURNAROUND_OPEN_STATES
from cases.models import Return

REGION = "escalated_region"
CENTER = "escalated_center"
LEVELS = (REGION, CENTER)
NOTIFICATION_KIND = "turnaround_escalation"
DIGEST_MAX_UNITS = 200


def days_overdue_for(level: str) -> int:
    """How many calendar days past its due date a unit reaches ``level``."""
    region = settings.AFTERSALES_ESCALATE_REGION_DAYS
    return region if level == REGION else region + settings.AFTERSALES_ESCALATE_CENTER_DAYS


def escalation_before(level: str, now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """(today in Shanghai, the due time before which an open unit has reached ``level`` at ``now``)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localtime(now, zone).date()
    # Due on day D is one day overdue on D + 1: N days overdue means due on or before today - N.
    last_due_day = today - dt.timedelta(days=days_overdue_for(level))
    return today, dt.datetime.combine(last_due_day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def escalation_candidates(level: str, *, now: dt.datetime) -> QuerySet:
    """Open repair-path units that have reached ``level`` at ``now`` (ids), on the alerts' partial index."""
    _today, before = escalation_before(level, now)
    return Return.objects.filter(state__in=TURNAROUND_OPEN_STATES, due_at__lt=before).order_by().values_list("pk")


def _raise(level: str, *, now: dt.datetime) -> list[int]:
    """Insert the level's Alert for every candidate not escalated at it yet; answer the Return ids inserted.

    One INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING, as ``cases.alerts`` does: a row a concurrent
    scan inserted first is not returned here, so it is notified once.
    """
    select_sql, select_params = escalation_candidates(level, now=now).query.sql_with_params()
    alert_table = connection.ops.quote_name(Alert._meta.db_table)
    content_type = ContentType.objects.get_for_model(Return)
    sql = (
        f"INSERT INTO {alert_table} (object_id, level, kind, content_type_id, raised_at) "
        f"SELECT candidate.*, %s, %s, %s, %s FROM ({select_sql}) AS candidate WHERE true "
        "ON CONFLICT (kind, content_type_id, object_id, level) DO NOTHING "
        "RETURNING object_id"
    )
    with connection.cursor() as cursor:
        raised_at = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(sql, [level, ALERT_KIND, content_type.pk, raised_at, *select_params])
        return sorted(int(row[0]) for row in cursor.fetchall())


def center_heads() -> list:
    """The service center's head(s): the users ``AFTERSALES_CENTER_HEADS`` names, else the members of the role
    ``AFTERSALES_CENTER_HEAD_ROLE``; active users only, with their language preference."""
    users = get_user_model().objects.filter(is_active=True).select_related("preference").order_by("pk")
    names = [name for name in settings.AFTERSALES_CENTER_HEADS if name]
    if names:
        return list(users.filter(username__in=names))
    role = settings.AFTERSALES_CENTER_HEAD_ROLE
    return list(users.filter(groups__name=role).distinct()) if role else []


def is_center_head(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    names = [name for name in settings.AFTERSALES_CENTER_HEADS if name]
    if names:
        return user.username in names
    role = settings.AFTERSALES_CENTER_HEAD_ROLE
    return bool(role) and role in roles_of(user)


def _region_managers(region_ids: set[int]) -> dict[int, list]:
    """Active region managers per region (one query)."""
    from stores.models import RegionMembership

    managers: dict[int, list] = defaultdict(list)
    memberships = (
        RegionMembership.objects.filter(
            region_id__in=sorted(region_ids), user__is_active=True, user__groups__name=Role.REGION_MANAGER
        )
        .select_related("user__preference")
        .order_by("region_id", "user_id")
        .distinct()
    )
    for membership in memberships:
        managers[membership.region_id].append(membership.user)
    return managers


def _rows(ids: list[int], today: dt.date) -> list[dict]:
    """The escalated units as a digest shows them, the longest overdue first (one query)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    placeholder = 999_999_999_999
    detail_url = absolute_url(reverse("cases:return_detail", args=[placeholder])).replace(str(placeholder), "{}")
    rows = []
    for pk, number, due_at, region_id, store_code, store_name, style_no in (
        Return.objects.filter(pk__in=ids)
        .order_by("due_at", "number")
        .values_list("pk", "number", "due_at", "store__region_id", "store__code", "store__name", "style__style_no")
    ):
        due_date = timezone.localtime(due_at, zone).date()
        rows.append(
            {
                "id": pk,
                "number": number,
                "region_id": region_id,
                "store_code": store_code,
                "store_name": store_name,
                "style_no": style_no,
                "due_date": due_date,
                "days_overdue": (today - due_date).days,
                "url": detail_url.format(pk),
            }
        )
    return rows


def _send(recipients: list, level: str, rows: list[dict], today: dt.date) -> int:
    if not rows or not recipients:
        return 0
    notify(
        recipients=recipients,
        kind=NOTIFICATION_KIND,
        template="turnaround_escalation",
        context={
            "date": today,
            "level": level,
            "to_region": level == REGION,
            "days": days_overdue_for(level),
            "units": rows[:DIGEST_MAX_UNITS],
            "more": max(0, len(rows) - DIGEST_MAX_UNITS),
            "total": len(rows),
        },
        url=reverse("cases:escalation_list"),
    )
    return len({user.pk for user in recipients if user.is_active})


@transaction.atomic
def turnaround_escalation_scan(*, now: dt.datetime | None = None) -> dict:
    """Climb the escalation ladder 升级提醒 for the day: region managers, then the center's head (see the module).

    Answers a small summary: the day, units escalated per level, digests sent.
    """
    now = now or timezone.now()
    today, _before = escalation_before(REGION, now)
    summary = {"date": today.isoformat(), REGION: 0, CENTER: 0, "digests": 0}
    region_ids = _raise(REGION, now=now)
    summary[REGION] = len(region_ids)
    if region_ids:
        rows = _rows(region_ids, today)
        by_region: dict[int, list[dict]] = defaultdict(list)
        for row in rows:
            by_region[row["region_id"]].append(row)
        managers = _region_managers(set(by_region))
        # A manager of several regions gets one digest of all of them.
        units_of: dict[int, list[dict]] = defaultdict(list)
        users: dict[int, object] = {}
        for region_id, region_rows in by_region.items():
            for manager in managers.get(region_id, []):
                users[manager.pk] = manager
                units_of[manager.pk] += region_rows
        for user_pk, own in sorted(units_of.items()):
            own.sort(key=lambda row: (row["due_date"], row["number"]))
            summary["digests"] += _send([users[user_pk]], REGION, own, today)
    center_ids = _raise(CENTER, now=now)
    summary[CENTER] = len(center_ids)
    if center_ids:
        heads = center_heads()
        rows = _rows(center_ids, today)
        for head in heads:
            summary["digests"] += _send([head], CENTER, rows, today)
    return summary


def escalated_returns(user) -> QuerySet:
    """Open units whose escalation reached this user 升级给我的: a region manager's region level (within the
    region), a center head's center level; empty for anyone else. Within the user's scope, longest overdue first."""
    levels = []
    if Role.REGION_MANAGER in roles_of(user):
        levels.append(REGION)
    if is_center_head(user):
        levels.append(CENTER)
    if not levels:
        return Return.objects.none()
    alerted = Alert.objects.filter(
        kind=ALERT_KIND, level__in=levels, content_type=ContentType.objects.get_for_model(Return)
    ).values("object_id")
    return (
        Return.objects.visible_to(user)
        .filter(Q(pk__in=alerted), state__in=TURNAROUND_OPEN_STATES)
        .select_related("store", "style")
        .order_by("due_at", "id")
    )


def reaches(user) -> bool:
    """Whether the ladder can reach this user at all (a region manager or a center head)."""
    return Role.REGION_MANAGER in roles_of(user) or is_center_head(user)
