"""The 15-minute SLA alerts of the service desk 服务时限预警: due soon (75 % of a clock's span) and breached.

Each running clock keeps its due time and its "due soon" point on the case
(``first_response_warn``, ``appointment_warn``, ``resolution_warn``; cleared
when the clock stops), each under a partial index, so the scan is one
statement: ``INSERT … SELECT`` of the three clocks' candidates ``ON CONFLICT DO
NOTHING RETURNING``. The ``Alert`` unique constraint (kind = the clock, level)
is the once-per-case-per-level guarantee, as for the turnaround alerts
(``cases.alerts``): two scans at once, or a redelivered task, never alert twice.

The case's owner hears of every alert (an unowned case's alerts go to the desk
leads); the desk leads (``AFTERSALES_SERVICE_DESK_LEADS``, else every hotline
agent) also hear of every breach. One message per recipient per scan.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Case, CharField, F, Value, When
from django.urls import reverse
from django.utils import timezone

from aftersales.models import Alert
from aftersales.notifications import notify
from aftersales.roles import Role
from servicedesk.choices import SlaClock, SlaStatus
from servicedesk.models import ServiceCase

ALERT_KIND_PREFIX = "sla_"
NOTIFICATION_KIND = "service_case_sla"
DIGEST_MAX_CASES = 200


def sla_candidates(*, now: dt.datetime):
    """(case id, level, alert kind) of every running clock past its due-soon point: three partial-index reads."""
    parts = []
    for clock in SlaClock:
        warn, due = f"{clock.value}_warn", f"{clock.value}_due"
        parts.append(
            ServiceCase.objects.filter(**{f"{warn}__lte": now})
            .annotate(
                level=Case(
                    When(**{f"{due}__lt": now}, then=Value(SlaStatus.BREACHED.value)),
                    default=Value(SlaStatus.DUE_SOON.value),
                    output_field=CharField(),
                ),
                alert_kind=Value(f"{ALERT_KIND_PREFIX}{clock.value}", output_field=CharField()),
            )
            .order_by()
            .values_list("pk", "level", "alert_kind")
        )
    return parts[0].union(*parts[1:], all=True)


def _raise_alerts(*, now: dt.datetime) -> list[tuple[int, str, str]]:
    """Insert an Alert per candidate not yet alerted at its clock and level; answer the (case, level, kind) inserted."""
    select_sql, select_params = sla_candidates(now=now).query.sql_with_params()
    alert_table = connection.ops.quote_name(Alert._meta.db_table)
    content_type = ContentType.objects.get_for_model(ServiceCase)
    sql = (
        f"INSERT INTO {alert_table} (object_id, level, kind, content_type_id, raised_at) "
        f"SELECT candidate.*, %s, %s FROM ({select_sql}) AS candidate WHERE true "
        "ON CONFLICT (kind, content_type_id, object_id, level) DO NOTHING "
        "RETURNING object_id, level, kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [content_type.pk, connection.ops.adapt_datetimefield_value(now), *select_params])
        return [(int(object_id), level, kind) for object_id, level, kind in cursor.fetchall()]


def _leads():
    users = get_user_model().objects.filter(is_active=True).select_related("preference").order_by("pk")
    if settings.AFTERSALES_SERVICE_DESK_LEADS:
        return list(users.filter(username__in=settings.AFTERSALES_SERVICE_DESK_LEADS))
    return list(users.filter(groups__name=Role.HOTLINE_AGENT).distinct())


@transaction.atomic
def service_case_sla_scan(*, now: dt.datetime | None = None) -> dict:
    """Raise the SLA alerts due now and tell each owner (and the leads, of breaches) in one message each."""
    now = now or timezone.now()
    alerted = _raise_alerts(now=now)
    summary = {
        "at": now.isoformat(),
        SlaStatus.DUE_SOON.value: sum(1 for _pk, level, _kind in alerted if level == SlaStatus.DUE_SOON),
        SlaStatus.BREACHED.value: sum(1 for _pk, level, _kind in alerted if level == SlaStatus.BREACHED),
        "messages": 0,
    }
    if not alerted:
        return summary
    cases = {
        case.pk: case
        for case in ServiceCase.objects.filter(pk__in=sorted({pk for pk, _level, _kind in alerted}))
        .select_related("owner__preference")
        .annotate(owner_active=F("owner__is_active"))
    }
    leads = _leads()
    clock_labels = {f"{ALERT_KIND_PREFIX}{clock.value}": clock.label for clock in SlaClock}
    lines_for: dict[int, list[dict]] = defaultdict(list)
    recipients: dict[int, object] = {}
    for pk, level, kind in alerted:
        case = cases[pk]
        line = {
            "number": case.number,
            "clock": clock_labels.get(kind, kind),
            "level": level,
            "breached": level == SlaStatus.BREACHED,
            "due": getattr(case, f"{kind.removeprefix(ALERT_KIND_PREFIX)}_due"),
            "url": reverse("servicedesk:servicecase_detail", args=[pk]),
        }
        told = [case.owner] if case.owner_id else list(leads)
        if level == SlaStatus.BREACHED:
            told += leads
        for user in told:
            recipients[user.pk] = user
            if line not in lines_for[user.pk]:
                lines_for[user.pk].append(line)
    queue = reverse("servicedesk:servicecase_list")
    for user_pk, lines in lines_for.items():
        lines.sort(key=lambda line: (not line["breached"], line["due"], line["number"]))
        breached = sum(1 for line in lines if line["breached"])
        notify(
            recipients=[recipients[user_pk]],
            kind=NOTIFICATION_KIND,
            template="service_case_sla",
            context={
                "cases": lines[:DIGEST_MAX_CASES],
                "more": max(0, len(lines) - DIGEST_MAX_CASES),
                "breached_count": breached,
                "due_soon_count": len(lines) - breached,
            },
            url=f"{queue}?view={'breached' if breached else 'due_soon'}",
        )
        summary["messages"] += 1
    return summary
