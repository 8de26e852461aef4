"""The parts usage and repair analysis 配件用量与维修分析 (issue 18, usage report; seed 003, 维修记录与分析).

Parts used: the stock ledger's lines of the month (``moved_at``) that used parts on a repair, at the service center
on a repair ticket (consumed, less what a ticket gave back) and at a store on its local repair; by location, by part
and by the repaired unit's style, in units and at the unit cost the ledger line carries.

Repair records: the quality returns 质量问题退货 logged in the month,

- per style, with the units the stores received of that style from logistics in the twelve months up to the
  month's end (``stores.Delivery``): the failure rate is returns per 100 units delivered (none without deliveries);
- per style and defect: the inspection's defect codes for a unit inspected at the center, the store's reported code
  for one that was not; a unit with two codes counts under each;
- repeat repairs 重复维修: a unit logged in the month whose same unit (same store, receipt number, style, colour and
  size) had come back before and been repaired (at the center, by the supplier, or at the store).

Every figure is a ``GROUP BY`` (the repeat repairs one statement with a correlated subquery); a store user sees its
stores' ledger lines and returns, a region manager the region's, and a supplier has no figures here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from aftersales.periods import period_bounds
from aftersales.validation import add_months
from cases.choices import OnsiteHandling, ReasonKind, Verdict
from cases.models import Return
from repairs.models import StockMovement, StockMovementReason
from reports.common import ZERO, ReportScope, Table, dec, in_month, money, share
from stores.models import Delivery

USED = (StockMovementReason.CONSUMED, StockMovementReason.RETURNED, StockMovementReason.LOCAL_REPAIR)
# How many months of deliveries a style's failure rate is counted against, the report's own month included.
DELIVERY_MONTHS = 12
# How many repeat repairs the report lists one by one (the count is always whole).
REPEAT_ROWS = 200
COST = Sum(F("quantity") * F("unit_cost"), output_field=DecimalField(max_digits=16, decimal_places=2))
REPAIRED = Q(verdict__in=[Verdict.REPAIRABLE, Verdict.SUPPLIER_REWORK]) | Q(onsite_handling=OnsiteHandling.LOCAL_REPAIR)


def _used(period: dt.date, scope: ReportScope) -> QuerySet[StockMovement]:
    return StockMovement.objects.filter(scope.stores_q(), in_month("moved_at", period), reason__in=USED).order_by()


def _usage_rows(queryset, keys: dict[str, str]) -> list[dict]:
    """Ledger lines summed per group: out of stock is negative on the ledger, so used = −sum."""
    rows = []
    sums = {
        "moved": Sum("quantity"),
        "value": COST,
        "tickets": Count("repair_ticket", distinct=True),
        "local": Count("return_item", distinct=True),
    }
    # The totals are one row (``values()`` without fields would group by every column).
    annotated = queryset.values(*keys.values()).annotate(**sums).order_by() if keys else [queryset.aggregate(**sums)]
    for row in annotated:
        item = {name: row[lookup] for name, lookup in keys.items()}
        item.update(
            used=-(row["moved"] or 0), cost=money(-(row["value"] or ZERO)), repairs=row["tickets"] + row["local"]
        )
        if item["used"] or item["repairs"]:
            rows.append(item)
    rows.sort(key=lambda row: (-row["used"], [str(row[name] or "") for name in keys]))
    return rows


def usage_totals(period, scope, figures) -> dict:
    rows = _usage_rows(_used(period, scope), {})
    return rows[0] if rows else {"used": 0, "cost": money(ZERO), "repairs": 0}


def usage_by_location(period, scope, figures) -> list[dict]:
    """Per location: a store or repair point by its code; the service center is the row without a code."""
    return _usage_rows(_used(period, scope), {"code": "store__code", "name": "store__name"})


def usage_by_part(period, scope, figures) -> list[dict]:
    return _usage_rows(_used(period, scope), {"part_no": "part__part_no", "name": "part__name", "unit": "part__unit"})


def usage_by_style(period, scope, figures) -> list[dict]:
    """Per style of the unit repaired: a ticket's Return at the center, the Return of the store's local repair."""
    styled = _used(period, scope).annotate(
        style_no=Coalesce("repair_ticket__return_item__style__style_no", "return_item__style__style_no"),
        style_name=Coalesce("repair_ticket__return_item__style__name", "return_item__style__name"),
    )
    return _usage_rows(styled, {"style_no": "style_no", "name": "style_name"})


def _quality_returns(period: dt.date, scope: ReportScope) -> QuerySet[Return]:
    return Return.objects.filter(
        scope.stores_q(), in_month("created_at", period), reason_kind=ReasonKind.QUALITY
    ).order_by()


def _delivered(period: dt.date, scope: ReportScope) -> dict[str, int]:
    first = add_months(period, -(DELIVERY_MONTHS - 1))
    _start, end = period_bounds(period)
    last_day = timezone.localtime(end).date() - dt.timedelta(days=1)
    rows = (
        Delivery.objects.filter(scope.stores_q(), delivered_on__gte=first, delivered_on__lte=last_day)
        .values("style__style_no")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    return {row["style__style_no"]: row["units"] for row in rows}


def failures(period, scope, figures) -> list[dict]:
    """Per style: the month's quality returns, how many were repaired, the units delivered, the failure rate."""
    delivered = _delivered(period, scope)
    figures["_delivered"] = delivered
    rows = []
    counted = (
        _quality_returns(period, scope)
        .values("style__style_no", "style__name")
        .annotate(returns=Count("id"), repaired=Count("id", filter=REPAIRED))
        .order_by("-returns", "style__style_no")
    )
    for row in counted:
        units = delivered.get(row["style__style_no"], 0)
        rows.append(
            {
                "style_no": row["style__style_no"],
                "name": row["style__name"],
                "returns": row["returns"],
                "repaired": row["repaired"],
                "delivered": units,
                "failure_rate": share(row["returns"], units),
            }
        )
    return rows


def by_defect(period, scope, figures) -> list[dict]:
    """Per style and defect code: the inspection's codes for a unit inspected, else the store's reported code."""
    returns = _quality_returns(period, scope)
    keys = ("style_no", "code", "name_zh", "name_en")
    inspected = returns.filter(inspection__defect_codes__isnull=False).values_list(
        "style__style_no",
        "inspection__defect_codes__code",
        "inspection__defect_codes__name_zh",
        "inspection__defect_codes__name_en",
    )
    reported = returns.filter(inspection__isnull=True, reported_defect__isnull=False).values_list(
        "style__style_no", "reported_defect__code", "reported_defect__name_zh", "reported_defect__name_en"
    )
    units: dict[tuple, int] = defaultdict(int)
    for queryset in (inspected, reported):
        for *key, count in queryset.annotate(units=Count("id")).order_by():
            units[tuple(key)] += count
    per_style = {row["style_no"]: row["returns"] for row in figures.get("failures", [])}
    delivered = figures.get("_delivered", {})
    rows = [
        {
            **dict(zip(keys, key, strict=True)),
            "units": count,
            "share_of_returns": share(count, per_style.get(key[0], 0)),
            "failure_rate": share(count, delivered.get(key[0], 0)),
        }
        for key, count in units.items()
    ]
    rows.sort(key=lambda row: (-row["units"], row["style_no"], row["code"]))
    return rows


def repeats(period, scope, figures) -> dict:
    """Units back again after a repair: one statement, the earlier repaired Return found by a correlated subquery."""
    earlier = (
        Return.objects.filter(
            REPAIRED,
            store=OuterRef("store"),
            receipt_no=OuterRef("receipt_no"),
            style=OuterRef("style"),
            color=OuterRef("color"),
            size=OuterRef("size"),
            created_at__lt=OuterRef("created_at"),
        )
        .order_by("-created_at", "-id")
        .values
    )
    rows = list(
        _quality_returns(period, scope)
        .annotate(earlier_number=Subquery(earlier("number")[:1]), earlier_at=Subquery(earlier("created_at")[:1]))
        .filter(earlier_number__isnull=False)
        .values(
            "number", "created_at", "style__style_no", "color", "size", "store__code", "earlier_number", "earlier_at"
        )
        .order_by("created_at", "id")
    )
    units = []
    per_style: dict[str, int] = defaultdict(int)
    for row in rows:
        per_style[row["style__style_no"]] += 1
        logged, before = row["created_at"], row["earlier_at"]
        if isinstance(before, str):  # SQLite answers the subquery's datetime as text
            before = dt.datetime.fromisoformat(before)
        units.append(
            {
                "number": row["number"],
                "style_no": row["style__style_no"],
                "color": row["color"],
                "size": row["size"],
                "store": row["store__code"],
                "earlier_number": row["earlier_number"],
                "days": (timezone.localtime(logged).date() - timezone.localtime(before).date()).days,
            }
        )
    quality = sum(row["returns"] for row in figures.get("failures", []))
    return {
        "units": len(units),
        "share": share(len(units), quality),
        "by_style": [{"style_no": code, "units": count} for code, count in sorted(per_style.items())],
        "rows": units[:REPEAT_ROWS],
    }


SECTIONS = [
    ("totals", usage_totals),
    ("by_location", usage_by_location),
    ("by_part", usage_by_part),
    ("by_style", usage_by_style),
    ("failures", failures),
    ("by_defect", by_defect),
    ("repeats", repeats),
]

# --- on paper ---------------------------------------------------------------------------------------------------------

TITLE = ("配件用量与维修分析", "Parts usage and repair analysis")
USAGE = ["用量 Used", "金额 Cost (CNY)", "维修次数 Repairs"]


def _usage(row: dict) -> list:
    return [row["used"], dec(row["cost"]), row["repairs"]]


def tables(figures: dict) -> list[Table]:
    total = figures.get("totals", {})
    repeat = figures.get("repeats", {})
    return [
        Table("totals", "配件合计 Parts totals", USAGE, [_usage(total)] if total.get("used") else [], frozenset({1})),
        Table(
            "by_location", "按地点 By location", ["代码 Code", "地点 Location", *USAGE],
            [[r["code"] or "—", r["name"] or "服务中心 Service center", *_usage(r)]
             for r in figures.get("by_location", [])],
            frozenset({3}),
        ),
        Table(
            "by_part", "按配件 By part", ["编号 Part no.", "配件 Part", "单位 Unit", *USAGE],
            [[r["part_no"], r["name"], r["unit"], *_usage(r)] for r in figures.get("by_part", [])],
            frozenset({4}),
        ),
        Table(
            "by_style", "按款式 By style", ["款号 Style", "品名 Name", *USAGE],
            [[r["style_no"] or "—", r["name"] or "—", *_usage(r)] for r in figures.get("by_style", [])],
            frozenset({3}),
        ),
        Table(
            "failures", "款式故障率 Failure rate by style",
            ["款号 Style", "品名 Name", "质量退货 Returns", "已维修 Repaired", "到货 Delivered", "故障率 Failure %"],
            [[r["style_no"], r["name"], r["returns"], r["repaired"], r["delivered"], dec(r["failure_rate"])]
             for r in figures.get("failures", [])],
        ),
        Table(
            "by_defect", "按款式与缺陷 By style and defect",
            ["款号 Style", "代码 Code", "缺陷 Defect", "件数 Units", "占退货 % of returns", "故障率 Failure %"],
            [[r["style_no"], r["code"], r["name_zh"], r["units"], dec(r["share_of_returns"]), dec(r["failure_rate"])]
             for r in figures.get("by_defect", [])],
        ),
        Table(
            "repeats", "重复维修 Repeat repairs",
            ["退货单号 Return", "款号 Style", "颜色 Colour", "尺码 Size", "专卖店 Store", "上次 Earlier",
             "间隔天数 Days"],
            [[r["number"], r["style_no"], r["color"], r["size"], r["store"], r["earlier_number"], r["days"]]
             for r in repeat.get("rows", [])],
        ),
    ]  # fmt: skip


# --- in the browser -------------------------------------------------------------------------------------------------


def decorate(figures: dict) -> None:
    """Nothing to translate: the rows carry codes and names."""


def charts(figures: dict, gettext) -> dict:
    _ = gettext
    parts = figures.get("by_part", [])[:10]
    locations = figures.get("by_location", [])
    styles = [row for row in figures.get("failures", []) if row["failure_rate"] is not None][:10]
    return {
        "part_units": {
            "type": "bar",
            "horizontal": True,
            "integer": True,
            "label": _("Units used"),
            "labels": [f"{row['part_no']} {row['name']}" for row in parts],
            "values": [row["used"] for row in parts],
        },
        "location_cost": {
            "type": "bar",
            "label": _("Parts cost (CNY)"),
            "labels": [row["code"] or str(_("Service center")) for row in locations],
            "values": [float(row["cost"]) for row in locations],
        },
        "failure_rate": {
            "type": "bar",
            "label": _("Failure rate (%)"),
            "labels": [row["style_no"] for row in styles],
            "values": [float(row["failure_rate"]) for row in styles],
        },
    }
