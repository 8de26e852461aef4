"""The daily 15-day turnaround alerts 15天周转预警: due soon (day 12) and overdue (after day 15).

Days are calendar days in Asia/Shanghai counted from the store's dispatch
(day 0): a unit dispatched at 23:30 on the 1st is on day 12 on the 13th, from
midnight. As ``due_at`` is the dispatch time plus the turnaround, "day 12 or
later" is "due before midnight of the day three days from today", and "after
day 15" is "due before midnight today", so one range on the partial index
``return_open_due_idx`` selects every candidate. (The queues' due badges
compare exact times instead, so a unit dispatched late in the evening shows
"due soon" there a few hours before its alert; the alert follows the calendar
day the rule speaks of.)

Each alert is raised once per Return per level, ever: the insert of the
``Alert`` rows skips conflicts with the unique constraint, and only rows this
run inserted are notified, so two scans at once (or a redelivered task) never
alert twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Case, CharField, Value, When
from django.urls import reverse
from django.utils import timezone

from aftersales.models import Alert
from aftersales.notifications import absolute_url, notify
from aftersales.roles import Role
from cases.choices import TURNAROUND_OPEN_STATES, DueStatus
from cases.models import Return
from stores.models import StoreMembership

ALERT_KIND = "turnaround"
NOTIFICATION_KIND = "turnaround_digest"
# A digest lists at most this many units (overdue first); the link opens the full list.
DIGEST_MAX_UNITS = 200


def turnaround_window(now: dt.datetime) -> tuple[dt.date, dt.datetime, dt.datetime]:
    """(today in Shanghai, overdue before, due soon before) for a scan at ``now``."""
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localtime(now, zone).date()
    midnight = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    days_before_due = settings.AFTERSALES_TURNAROUND_DAYS - settings.AFTERSALES_DUE_SOON_DAY
    return today, midnight, midnight + dt.timedelta(days=days_before_due + 1)


def turnaround_candidates(*, now: dt.datetime):
    """Open repair-path Returns due soon or overdue at ``now``, each with its ``level``: one indexed query.

    The state condition is the partial index's own predicate, so PostgreSQL
    reads only open units, by ``due_at``.
    """
    _today, overdue_before, due_soon_before = turnaround_window(now)
    return (
        Return.objects.filter(state__in=TURNAROUND_OPEN_STATES, due_at__lt=due_soon_before)
        .annotate(
            level=Case(
                When(due_at__lt=overdue_before, then=Value(DueStatus.OVERDUE.value)),
                default=Value(DueStatus.DUE_SOON.value),
                output_field=CharField(),
            )
        )
        .order_by()
        .values_list("pk", "level")
    )


def _raise_alerts(*, now: dt.datetime) -> list[tuple[int, str]]:
    """Insert an Alert for every candidate not alerted at its level yet; answer the (return id, level) inserted.

    One INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING: a row a
    concurrent scan inserted first conflicts (after waiting for its commit) and
    is not returned here, so it is notified by that scan only.
    """
    select_sql, select_params = turnaround_candidates(now=now).query.sql_with_params()
    alert_table = connection.ops.quote_name(Alert._meta.db_table)
    content_type = ContentType.objects.get_for_model(Return)
    sql = (
        # candidate.* is (id, level) in that order: databases name a subquery's columns differently.
        f"INSERT INTO {alert_table} (object_id, level, kind, content_type_id, raised_at) "
        f"SELECT candidate.*, %s, %s, %s FROM ({select_sql}) AS candidate WHERE true "
        "ON CONFLICT (kind, content_type_id, object_id, level) DO NOTHING "
        "RETURNING object_id, level"
    )
    with connection.cursor() as cursor:
        raised_at = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(sql, [ALERT_KIND, content_type.pk, raised_at, *select_params])
        return [(int(object_id), level) for object_id, level in cursor.fetchall()]


def _recipients(store_ids: set[int]) -> list[tuple[object, frozenset[int] | None]]:
    """Who gets a digest: each active store staff member of the stores concerned (with their stores),
    and every active technician (``None``: all units). Two queries, users with their language preference.
    """
    stores_of: dict[int, set[int]] = defaultdict(set)
    users: dict[int, object] = {}
    memberships = (
        StoreMembership.objects.filter(
            store_id__in=sorted(store_ids), user__is_active=True, user__groups__name=Role.STORE_STAFF
        )
        .select_related("user__preference")
        .order_by("user_id", "store_id")
    )
    for membership in memberships:
        users[membership.user_id] = membership.user
        stores_of[membership.user_id].add(membership.store_id)
    recipients: list[tuple[object, frozenset[int] | None]] = []
    technicians = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.TECHNICIAN)
        .select_related("preference")
        .order_by("pk")
        .distinct()
    )
    for technician in technicians:
        # A technician who is also store staff reads everything once.
        stores_of.pop(technician.pk, None)
        recipients.append((technician, None))
    recipients += [(users[user_id], frozenset(stores)) for user_id, stores in sorted(stores_of.items())]
    return recipients


def _units(alerted: list[tuple[int, str]]) -> list[tuple]:
    """The alerted units as light rows, overdue first, then by due date (one query).

    (overdue?, due_at, number, id, store_id, store code, store name, style number); a first scan on a
    large database may raise tens of thousands of alerts, so rows become dicts only when a digest shows them.
    """
    levels = dict(alerted)
    rows = (
        Return.objects.filter(pk__in=sorted(levels))
        .order_by()
        .values_list("pk", "number", "due_at", "store_id", "store__code", "store__name", "style__style_no")
    )
    units = [
        (levels[pk] == DueStatus.OVERDUE, due_at, number, pk, store_id, store_code, store_name, style_no)
        for pk, number, due_at, store_id, store_code, store_name, style_no in rows
    ]
    units.sort(key=lambda unit: (not unit[0], unit[1], unit[2]))
    return units


def _shown(units: list[tuple]) -> list[dict]:
    """The first ``DIGEST_MAX_UNITS`` units as a digest lists them, each with its link."""
    zone = ZoneInfo(settings.TIME_ZONE)
    # One reverse() for the pattern, not one per unit.
    placeholder = 999_999_999_999
    detail_url = absolute_url(reverse("cases:return_detail", args=[placeholder])).replace(str(placeholder), "{}")
    return [
        {
            "id": pk,
            "number": number,
            "store_id": store_id,
            "store_code": store_code,
            "store_name": store_name,
            "style_no": style_no,
            "due_date": timezone.localtime(due_at, zone).date(),
            "level": DueStatus.OVERDUE.value if overdue else DueStatus.DUE_SOON.value,
            "overdue": overdue,
            "url": detail_url.format(pk),
        }
        for overdue, due_at, number, pk, store_id, store_code, store_name, style_no in units[:DIGEST_MAX_UNITS]
    ]


@transaction.atomic
def turnaround_alerts_scan(*, now: dt.datetime | None = None) -> dict:
    """Raise the day's turnaround alerts 周转预警 and send each recipient one digest.

    Store staff read their own stores' units, technicians every unit; a unit
    is in a digest only on the run that first raised its level. Answers a
    small summary: the day, alerts raised per level, digests sent.
    """
    now = now or timezone.now()
    today, _overdue_before, _due_soon_before = turnaround_window(now)
    alerted = _raise_alerts(now=now)
    summary = {
        "date": today.isoformat(),
        DueStatus.DUE_SOON.value: sum(1 for _pk, level in alerted if level == DueStatus.DUE_SOON),
        DueStatus.OVERDUE.value: sum(1 for _pk, level in alerted if level == DueStatus.OVERDUE),
        "digests": 0,
    }
    if not alerted:
        return summary
    units = _units(alerted)
    by_store: dict[int, list[tuple]] = defaultdict(list)
    for unit in units:
        by_store[unit[4]].append(unit)
    list_url = reverse("cases:return_list")
    for recipient, store_ids in _recipients(set(by_store)):
        if store_ids is None:
            own = units
        else:
            own = [unit for store_id in sorted(store_ids) for unit in by_store.get(store_id, ())]
            if len(store_ids) > 1:
                own.sort(key=lambda unit: (not unit[0], unit[1], unit[2]))
        if not own:
            continue
        overdue = sum(1 for unit in own if unit[0])
        level = DueStatus.OVERDUE if overdue else DueStatus.DUE_SOON
        notify(
            recipients=[recipient],
            kind=NOTIFICATION_KIND,
            template="turnaround_digest",
            context={
                "date": today,
                "units": _shown(own),
                "more": max(0, len(own) - DIGEST_MAX_UNITS),
                "total": len(own),
                "overdue_count": overdue,
                "due_soon_count": len(own) - overdue,
                "all_stores": store_ids is None,
            },
            url=f"{list_url}?due={level.value}",
        )
        summary["digests"] += 1
    return summary
