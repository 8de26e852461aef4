"""The service-desk report 服务台报表 (issue 14, KPIs): how fast the desk answered, how much it resolved, how satisfied
the callers were, by case kind, channel, agent and store, and a 12-month trend.

Which cases count:

- **Response and resolution**: the cases opened in the month (``created_at``, the intake's moment). A case is on
  time when its first response came by its first-response due time (``first_response_due``, stored on the case by
  the SLA settings); it is late when the response came after it, or when it was still unanswered and past due at
  the month's end. Response time is clock time from intake to the first response; its median comes from a
  histogram of whole minutes that the database counted. The resolution rate is the share of the month's cases (the
  cancelled ones left out) that are resolved or closed.
- **Satisfaction**: the callbacks 回访 made in the month (``followed_up_at``), their mean and the count of each
  rating 1–5.

Every figure is a ``GROUP BY`` in the database: three statements per breakdown, whatever the number of cases.
A store user sees the cases of its stores, a region manager those of the region's stores; a case with no store
concerned is the center's; a supplier has no figures here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from aftersales.periods import period_bounds
from aftersales.validation import add_months
from reports.common import TENTH, ReportScope, Table, dec, in_month, median_from_histogram, share
from servicedesk.choices import SATISFACTION_MAX, SATISFACTION_MIN, CaseKind, CaseState, Channel
from servicedesk.models import ServiceCase

TREND_MONTHS = 12
HUNDREDTH = Decimal("0.01")
RATINGS = range(SATISFACTION_MIN, SATISFACTION_MAX + 1)
WAIT = ExpressionWrapper(F("responded_at") - F("created_at"), output_field=DurationField())


def _cases(scope: ReportScope) -> QuerySet[ServiceCase]:
    # No default ordering: ORDER BY -id would be added to every GROUP BY.
    return ServiceCase.objects.filter(scope.stores_q()).order_by()


def _counts(end: dt.datetime) -> dict:
    running = ~Q(state=CaseState.CANCELLED)
    return {
        "cases": Count("id"),
        "cancelled": Count("id", filter=Q(state=CaseState.CANCELLED)),
        "responded": Count("id", filter=Q(responded_at__isnull=False)),
        "on_time": Count("id", filter=Q(responded_at__isnull=False, responded_at__lte=F("first_response_due"))),
        "unanswered_late": Count("id", filter=running & Q(responded_at__isnull=True, first_response_due__lt=end)),
        "resolved": Count("id", filter=Q(state__in=[CaseState.RESOLVED, CaseState.CLOSED])),
    }


RATING = {
    "rated": Count("id"),
    "rating_sum": Sum("satisfaction"),
    **{f"rated_{value}": Count("id", filter=Q(satisfaction=value)) for value in RATINGS},
}


def _minutes(value) -> int:
    # PostgreSQL answers an interval, SQLite may answer microseconds; either way whole minutes.
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds() // 60)
    return int(value) // 60_000_000


def _hours(median_minutes: str | None) -> str | None:
    if median_minutes is None:
        return None
    return str((Decimal(median_minutes) / 60).quantize(TENTH, rounding=ROUND_HALF_UP))


def _mean(total: int | None, count: int) -> str | None:
    if not count:
        return None
    return str((Decimal(total or 0) / count).quantize(HUNDREDTH, rounding=ROUND_HALF_UP))


def _figures(counted: dict | None, histogram: list[tuple[int, int]], rated: dict | None) -> dict:
    counted = counted or {}
    rated = rated or {}
    cases = counted.get("cases", 0)
    cancelled = counted.get("cancelled", 0)
    on_time = counted.get("on_time", 0)
    late = counted.get("responded", 0) - on_time + counted.get("unanswered_late", 0)
    rating_count = rated.get("rated", 0)
    return {
        "cases": cases,
        "cancelled": cancelled,
        "responded": counted.get("responded", 0),
        "on_time": on_time,
        "late": late,
        "on_time_share": share(on_time, on_time + late),
        "median_response_hours": _hours(median_from_histogram(histogram)),
        "resolved": counted.get("resolved", 0),
        "resolved_share": share(counted.get("resolved", 0), cases - cancelled),
        "rated": rating_count,
        "satisfaction_mean": _mean(rated.get("rating_sum"), rating_count),
        "satisfaction": [rated.get(f"rated_{value}", 0) for value in RATINGS],
    }


def _grouped(period: dt.date, scope: ReportScope, keys: dict[str, str]) -> list[dict]:
    """One row per group: the opened cases' counts, their response-time histogram, and the month's callbacks."""
    _start, end = period_bounds(period)
    lookups = list(keys.values())
    opened = _cases(scope).filter(in_month("created_at", period))
    callbacks = _cases(scope).filter(in_month("followed_up_at", period), satisfaction__isnull=False)
    if lookups:
        counted = {
            tuple(row[lookup] for lookup in lookups): row
            for row in opened.values(*lookups).annotate(**_counts(end)).order_by()
        }
        rated = {
            tuple(row[lookup] for lookup in lookups): row
            for row in callbacks.values(*lookups).annotate(**RATING).order_by()
        }
    else:  # the totals: one row (``values()`` without fields would group by every column)
        counted = {(): opened.aggregate(**_counts(end))}
        rated = {(): callbacks.aggregate(**RATING)}
    histogram: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    waits = opened.filter(responded_at__isnull=False).annotate(wait=WAIT).values(*lookups, "wait")
    for row in waits.annotate(units=Count("id")).order_by():
        histogram[tuple(row[lookup] for lookup in lookups)][_minutes(row["wait"])] += row["units"]
    rows = []
    for key in set(counted) | set(rated):
        row = {name: value for name, value in zip(keys, key, strict=True)}
        row.update(_figures(counted.get(key), list(histogram[key].items()), rated.get(key)))
        rows.append(row)
    rows.sort(key=lambda row: (-row["cases"], -row["rated"], [str(row[name] or "") for name in keys]))
    return rows


def totals(period, scope, figures) -> dict:
    return _grouped(period, scope, {})[0]


def by_kind(period, scope, figures) -> list[dict]:
    return _grouped(period, scope, {"kind": "kind"})


def by_channel(period, scope, figures) -> list[dict]:
    return _grouped(period, scope, {"channel": "channel"})


def by_agent(period, scope, figures) -> list[dict]:
    """By the case's owner 负责人 (the agent who took it, or who answered it first); unassigned cases together."""
    keys = {"username": "owner__username", "first_name": "owner__first_name", "last_name": "owner__last_name"}
    rows = _grouped(period, scope, keys)
    for row in rows:
        first, last = row.pop("first_name") or "", row.pop("last_name") or ""
        row["agent"] = f"{first} {last}".strip() or row["username"] or ""
    return rows


def by_store(period, scope, figures) -> list[dict]:
    """By the store concerned; the cases with no store (the hotline's own) are the center's row."""
    return _grouped(period, scope, {"code": "store__code", "name": "store__name", "region": "store__region__code"})


def _month_of(value) -> dt.date:
    return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value


def trend(period, scope, figures, months: int = TREND_MONTHS) -> list[dict]:
    """On-time share, resolution rate and mean satisfaction for the ``months`` months up to the report's: two
    GROUP BY month statements (empty months kept)."""
    first = add_months(period, -(months - 1))
    start, _ = period_bounds(first)
    _, end = period_bounds(period)
    # A month's unanswered cases count late once past due by the report's month end (like the month's own figure).
    opened = {
        _month_of(row["month"]): row
        for row in _cases(scope)
        .filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(**_counts(end))
        .order_by("month")
    }
    rated = {
        _month_of(row["month"]): row
        for row in _cases(scope)
        .filter(followed_up_at__gte=start, followed_up_at__lt=end, satisfaction__isnull=False)
        .annotate(month=TruncMonth("followed_up_at"))
        .values("month")
        .annotate(rated=Count("id"), rating_sum=Sum("satisfaction"))
        .order_by("month")
    }
    rows = []
    for offset in range(months):
        month = add_months(first, offset)
        figure = _figures(opened.get(month), [], rated.get(month))
        rows.append(
            {
                "period": f"{month:%Y-%m}",
                "cases": figure["cases"],
                "on_time_share": figure["on_time_share"],
                "resolved_share": figure["resolved_share"],
                "satisfaction_mean": figure["satisfaction_mean"],
            }
        )
    return rows


SECTIONS = [
    ("totals", totals),
    ("by_kind", by_kind),
    ("by_channel", by_channel),
    ("by_agent", by_agent),
    ("by_store", by_store),
    ("trend", trend),
]

# --- on paper (PDF and XLSX): Chinese with an English gloss, like the other reports --------------------------------

TITLE = ("服务台报表", "Service desk report")
KIND_WORDS = {
    "consultation": "咨询",
    "complaint": "投诉",
    "quality": "质量反馈",
    "return_exchange": "退换货",
    "repair": "维修",
}
CHANNEL_WORDS = {"phone": "电话", "online": "网络", "in_store": "专卖店", "email": "电子邮件", "wechat": "微信"}
HEADERS = [
    "服务单 Cases", "已取消 Cancelled", "准时响应 On time", "超时 Late", "准时率 On time %",
    "响应中位小时 Median hours", "已解决 Resolved", "解决率 Resolved %", "回访 Rated", "满意度 Mean",
    *[f"{value}分" for value in RATINGS],
]  # fmt: skip


def kind_label(value: str) -> str:
    """A case kind in words on paper (never the stored code)."""
    from aftersales.exports.pdf import label  # WeasyPrint loads only when a document is made

    return label(KIND_WORDS, CaseKind, value)


def channel_label(value: str) -> str:
    from aftersales.exports.pdf import label

    return label(CHANNEL_WORDS, Channel, value)


def cells(row: dict) -> list:
    return [
        row["cases"], row["cancelled"], row["on_time"], row["late"], dec(row["on_time_share"]),
        dec(row["median_response_hours"]), row["resolved"], dec(row["resolved_share"]), row["rated"],
        dec(row["satisfaction_mean"]), *row["satisfaction"],
    ]  # fmt: skip


def tables(figures: dict) -> list[Table]:
    total = figures.get("totals", {})
    return [
        Table("totals", "合计 Totals", HEADERS, [cells(total)] if total.get("cases") or total.get("rated") else []),
        Table(
            "by_kind", "按类型 By kind", ["类型 Kind", *HEADERS],
            [[kind_label(r["kind"]), *cells(r)] for r in figures.get("by_kind", [])],
        ),
        Table(
            "by_channel", "按渠道 By channel", ["渠道 Channel", *HEADERS],
            [[channel_label(r["channel"]), *cells(r)] for r in figures.get("by_channel", [])],
        ),
        Table(
            "by_agent", "按坐席 By agent", ["坐席 Agent", *HEADERS],
            [[r["agent"] or "未分配 Unassigned", *cells(r)] for r in figures.get("by_agent", [])],
        ),
        Table(
            "by_store", "按专卖店 By store", ["代码 Code", "专卖店 Store", "区域 Region", *HEADERS],
            [[r["code"] or "—", r["name"] or "服务中心 Service center", r["region"] or "—", *cells(r)]
             for r in figures.get("by_store", [])],
        ),
        Table(
            "trend", "趋势 Trend",
            ["月份 Month", "服务单 Cases", "准时率 On time %", "解决率 Resolved %", "满意度 Mean"],
            [[r["period"], r["cases"], dec(r["on_time_share"]), dec(r["resolved_share"]), dec(r["satisfaction_mean"])]
             for r in figures.get("trend", [])],
        ),
    ]  # fmt: skip


# --- in the browser: labels in the reader's language, and what the charts draw --------------------------------------


def decorate(figures: dict) -> None:
    """Add the page's labels (the reader's language) to the figures' rows."""
    kinds, channels = dict(CaseKind.choices), dict(Channel.choices)
    for row in figures.get("by_kind", []):
        row["label"] = kinds.get(row["kind"], row["kind"])
    for row in figures.get("by_channel", []):
        row["label"] = channels.get(row["channel"], row["channel"])


def charts(figures: dict, gettext) -> dict:
    _ = gettext
    kinds = dict(CaseKind.choices)
    trend_rows = figures.get("trend", [])
    by_kind_rows = figures.get("by_kind", [])
    total = figures.get("totals", {})

    def number(value):
        return float(value) if value is not None else None

    return {
        "kind_cases": {
            "type": "bar",
            "integer": True,
            "label": _("Cases opened"),
            "labels": [str(kinds.get(row["kind"], row["kind"])) for row in by_kind_rows],
            "values": [row["cases"] for row in by_kind_rows],
        },
        "satisfaction": {
            "type": "bar",
            "integer": True,
            "label": _("Callbacks"),
            "labels": [str(value) for value in RATINGS] if total.get("rated") else [],
            "values": list(total.get("satisfaction", [])),
        },
        "trend": {
            "type": "line",
            "label": _("First response on time (%)"),
            "labels": [row["period"] for row in trend_rows],
            "values": [number(row["on_time_share"]) for row in trend_rows],
            "max": 100,
        },
    }
