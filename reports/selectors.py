"""Reads of the monthly reports: the runs, and the figures of each report, aggregated in the database.

Every figure is a ``GROUP BY`` in the database (``values().annotate()`` with
``Count``/``Sum``); Python only merges and sorts the small aggregated lists
(a row per supplier, store, region, defect code, year or month) and takes the
median of turnaround days from a histogram of (group, days, units) that the
database has already counted. No Return is ever loaded as a model instance.

Figures are cut to a ``ReportScope``: the center sees every store and
supplier; a store user the stores of its scope; a supplier user the units
charged to its supplier — the same cut as ``Return.objects.visible_to``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from aftersales.periods import period_bounds
from aftersales.roles import Role, has_role_permission, roles_of, sees_everything
from aftersales.validation import add_months
from cases.choices import ReasonKind, Verdict
from cases.models import Return, Shipment
from chargebacks.models import ChargebackStatement
from inspection.models import SampleInspection
from repairs.models import RepairTicket
from reports.choices import ReportKind
from reports.common import (
    EVERYTHING,
    TENTH,
    ZERO,
    ReportScope,
    in_month,
    median_from_histogram,
    money,
    share,
)
from reports.kinds import parts_usage, quality_summary, service_desk
from reports.models import ReportRun
from stores.access import scope_for
from suppliers.choices import InspectionSeverity, Responsibility
from suppliers.models import Supplier
from writeoffs.choices import PartyType

# How many months the turnaround trend chart looks back, the report's own month included.
TREND_MONTHS = 12
# How many defect codes make a supplier's "defect mix".
TOP_DEFECTS = 3
# Supplier score 供应商评分 (0–100): 60 points for quality (share of the month's inspected units NOT judged the
# supplier's fault) and 40 for turnaround (share of units back at the store within the turnaround). A month with no
# inspected or no returned units scores full marks on that part: nothing went wrong.
SCORE_QUALITY_WEIGHT = Decimal("60")
SCORE_TURNAROUND_WEIGHT = Decimal("40")
# The quality part is multiplied by the month's incoming pass rate 大货抽检合格率 (lots accepted on their original
# inspection, GB/T 2828.1); a month with no lot inspected leaves it whole. Lots rejected and the severity are shown.


def report_scope(user) -> ReportScope:
    """The user's cut of the report figures (``stores.access.scope_for``: same stores and suppliers as the lists)."""
    if sees_everything(user):
        return EVERYTHING
    scope = scope_for(user)
    return ReportScope(everything=False, store_ids=scope.store_ids, supplier_ids=scope.supplier_ids)


# --- runs --------------------------------------------------------------------------------------------------------


def reportrun_list(user) -> QuerySet[ReportRun]:
    """Report runs 报表 a user may open.

    A run covers the whole brand, so it carries no store or supplier to scope
    on: every role holding ``reports.view_reportrun`` sees the runs, and the
    figures inside are cut to the viewer's scope (``report_scope``) by the
    pages and the API. Anyone else sees none.
    """
    if not has_role_permission(user, "reports.view_reportrun"):
        return ReportRun.objects.none()
    runs = ReportRun.objects.select_related("requested_by").order_by("-period", "kind")
    hidden = sorted(set(ReportKind.values) - set(report_kinds_for(user)))
    return runs.exclude(kind__in=hidden) if hidden else runs


def report_kinds_for(user) -> list[str]:
    """The report kinds a user may open (and subscribe to): the store-side kinds (service desk, parts usage) are
    for the center, stores and regions only, so a supplier's user sees neither."""
    if not has_role_permission(user, "reports.view_reportrun"):
        return []
    roles = set(roles_of(user))
    # The management's reports (the quality information summary) are the general manager's (a superuser), QA's
    # and the production VP's only.
    kinds = [
        kind
        for kind in ReportKind.values
        if kind not in MANAGEMENT_KINDS or user.is_superuser or roles & {Role.QA_MANAGER, Role.PRODUCTION_VP}
    ]
    if sees_everything(user) or {Role.STORE_STAFF, Role.REGION_MANAGER} & roles:
        return kinds
    return [kind for kind in kinds if kind not in STORE_KINDS]


def reportrun_newest(user) -> QuerySet[ReportRun]:
    """The runs a user may open, each period's newest version of each report only (what lists show)."""
    from django.db.models import Exists, OuterRef

    newer = ReportRun.objects.filter(kind=OuterRef("kind"), period=OuterRef("period"), version__gt=OuterRef("version"))
    return reportrun_list(user).exclude(Exists(newer))


def reportrun_versions(user, run: ReportRun) -> QuerySet[ReportRun]:
    """Every version of a run's report and period, newest first."""
    return reportrun_list(user).filter(kind=run.kind, period=run.period).order_by("-version")


def reportrun_get(user, pk) -> ReportRun:
    return reportrun_list(user).get(pk=pk)


# --- helpers -----------------------------------------------------------------------------------------------------


def _returns(scope: ReportScope) -> QuerySet[Return]:
    # No default ordering: ORDER BY -id would be added to every GROUP BY.
    return Return.objects.filter(scope.returns_q()).order_by()


def _rows(queryset, keys: dict[str, str], **numbers: str) -> list[dict]:
    """Aggregated rows renamed to the report's keys; money columns (named in ``numbers`` as 'money') as strings."""
    rows = []
    for row in queryset:
        item = {name: row[lookup] for name, lookup in keys.items()}
        for name, kind in numbers.items():
            item[name] = money(row[name]) if kind == "money" else row[name]
        rows.append(item)
    return rows


# --- 报废报表: the monthly scrap report -----------------------------------------------------------------------------


def scrapped_returns(period: dt.date, scope: ReportScope = EVERYTHING) -> QuerySet[Return]:
    """Units scrapped in the month: inspected as unrepairable (待报废 and later 已报废/已扣款) within it."""
    return _returns(scope).filter(in_month("inspected_at", period), verdict=Verdict.UNREPAIRABLE)


def _scrap_grouped(period, scope, keys: dict[str, str], order: list[str]) -> list[dict]:
    queryset = (
        scrapped_returns(period, scope)
        .values(*keys.values())
        .annotate(units=Count("id"), cost=Sum("style__unit_cost"))
        .order_by(*order)
    )
    return _rows(queryset, keys, units="count", cost="money")


def scrap_totals(period: dt.date, scope: ReportScope = EVERYTHING) -> dict:
    totals = scrapped_returns(period, scope).aggregate(units=Count("id"), cost=Sum("style__unit_cost"))
    return {"units": totals["units"], "cost": money(totals["cost"])}


def scrap_by_supplier(period, scope=EVERYTHING) -> list[dict]:
    keys = {"code": "style__supplier__code", "name": "style__supplier__name"}
    return _scrap_grouped(period, scope, keys, ["-cost", "style__supplier__code"])


def scrap_by_store(period, scope=EVERYTHING) -> list[dict]:
    keys = {"code": "store__code", "name": "store__name", "region": "store__region__code"}
    return _scrap_grouped(period, scope, keys, ["-cost", "store__code"])


def scrap_by_region(period, scope=EVERYTHING) -> list[dict]:
    keys = {"code": "store__region__code", "name": "store__region__name"}
    return _scrap_grouped(period, scope, keys, ["-cost", "store__region__code"])


def scrap_by_defect(period, scope=EVERYTHING) -> list[dict]:
    """By the inspection's defect codes: a unit with two codes counts under both; one without any under none."""
    keys = {
        "code": "inspection__defect_codes__code",
        "name_zh": "inspection__defect_codes__name_zh",
        "name_en": "inspection__defect_codes__name_en",
    }
    return _scrap_grouped(period, scope, keys, ["-units", "inspection__defect_codes__code"])


def scrap_by_year(period, scope=EVERYTHING) -> list[dict]:
    return _scrap_grouped(period, scope, {"year": "production_year"}, ["-production_year"])


def scrap_by_responsibility(period, scope=EVERYTHING) -> list[dict]:
    return _scrap_grouped(period, scope, {"responsibility": "responsibility"}, ["-cost", "responsibility"])


# --- 供应商质量评估: the supplier quality report ----------------------------------------------------------------------


SUPPLIER_KEYS = {"code": "style__supplier__code", "name": "style__supplier__name"}


def _by_supplier(queryset, **aggregates) -> dict[str, dict]:
    rows = queryset.values(*SUPPLIER_KEYS.values()).annotate(**aggregates).order_by()
    return {row["style__supplier__code"]: row for row in rows}


def supplier_figures(period: dt.date, scope: ReportScope = EVERYTHING) -> dict[str, dict]:
    """Per supplier for one month: returns logged, inspected and judged its fault, its scrap and repair cost,
    its chargebacks, units back at the store and on time, and the top defect codes. One GROUP BY per figure."""
    returns = _returns(scope)
    supplier_fault = Q(responsibility=Responsibility.SUPPLIER)
    # A change of mind 无理由退换 says nothing of the supplier's quality: only quality returns count.
    logged = _by_supplier(
        returns.filter(in_month("created_at", period), reason_kind=ReasonKind.QUALITY), logged=Count("id")
    )
    inspected = _by_supplier(
        returns.filter(in_month("inspected_at", period)),
        inspected=Count("id"),
        supplier_fault=Count("id", filter=supplier_fault),
    )
    scrap = _by_supplier(
        scrapped_returns(period, scope).filter(supplier_fault),
        scrap_units=Count("id"),
        scrap_cost=Sum("style__unit_cost"),
    )
    back = _by_supplier(
        returns.filter(in_month("returned_at", period), shipped_at__isnull=False),
        returned=Count("id"),
        on_time=Count("id", filter=Q(returned_at__lte=F("due_at"))),
    )
    repairs = {
        row["code"]: row
        for row in RepairTicket.objects.filter(
            scope.returns_q("return_item__"),
            in_month("completed_at", period),
            return_item__responsibility=Responsibility.SUPPLIER,
        )
        .values(code=F("return_item__style__supplier__code"), name=F("return_item__style__supplier__name"))
        .annotate(repairs=Count("id"), repair_cost=Sum("total_cost"))
        .order_by()
    }
    # The current version of each statement (one not revised by a later one) counts; drafts included, as the monthly
    # build drafts them before the report runs.
    chargebacks = {
        row["code"]: row
        for row in ChargebackStatement.objects.filter(
            scope.suppliers_q(), period=period, party_type=PartyType.SUPPLIER, revision__isnull=True
        )
        .values(code=F("supplier__code"), name=F("supplier__name"))
        .annotate(chargebacks=Sum("total"))
        .order_by()
    }
    defect_rows = (
        returns.filter(in_month("inspected_at", period), inspection__defect_codes__isnull=False)
        .values("style__supplier__code", "inspection__defect_codes__code")
        .annotate(units=Count("id"))
        .order_by("style__supplier__code", "-units", "inspection__defect_codes__code")
    )
    defects: dict[str, list[dict]] = defaultdict(list)
    for row in defect_rows:
        code = row["inspection__defect_codes__code"]
        defects[row["style__supplier__code"]].append({"code": code, "units": row["units"]})

    # Incoming lots 大货 inspected in the month: the original inspections give the pass rate (the switching rules
    # judge those), a lot not accepted in any round counts as rejected.
    lots = {
        row["code"]: row
        for row in SampleInspection.objects.filter(
            scope.suppliers_q("lot__supplier_id"), in_month("inspected_at", period), accepted__isnull=False
        )
        .values(code=F("lot__supplier__code"), name=F("lot__supplier__name"))
        .annotate(
            lots_inspected=Count("lot", filter=Q(round=1), distinct=True),
            lots_accepted=Count("lot", filter=Q(round=1, accepted=True), distinct=True),
            lots_rejected=Count("lot", filter=Q(accepted=False), distinct=True),
        )
        .order_by()
    }
    # The current severity of every supplier in the report, and every supplier not on normal inspection.
    names: dict[str, str] = {}
    for source in (logged, inspected, scrap, back):
        names.update({code: row["style__supplier__name"] for code, row in source.items()})
    names.update({code: row["name"] for source in (repairs, chargebacks, lots) for code, row in source.items()})
    severities = {}
    for row in Supplier.objects.filter(
        Q(code__in=sorted(names)) | ~Q(inspection_severity=InspectionSeverity.NORMAL), scope.suppliers_q("id")
    ).values("code", "name", "inspection_severity"):
        names.setdefault(row["code"], row["name"])
        severities[row["code"]] = row["inspection_severity"]
    figures = {}
    for code, name in names.items():
        figure = {
            "code": code,
            "name": name,
            "logged": logged.get(code, {}).get("logged", 0),
            "inspected": inspected.get(code, {}).get("inspected", 0),
            "supplier_fault": inspected.get(code, {}).get("supplier_fault", 0),
            "scrap_units": scrap.get(code, {}).get("scrap_units", 0),
            "scrap_cost": money(scrap.get(code, {}).get("scrap_cost")),
            "repairs": repairs.get(code, {}).get("repairs", 0),
            "repair_cost": money(repairs.get(code, {}).get("repair_cost")),
            "chargebacks": money(chargebacks.get(code, {}).get("chargebacks")),
            "returned": back.get(code, {}).get("returned", 0),
            "on_time": back.get(code, {}).get("on_time", 0),
            "top_defects": defects.get(code, [])[:TOP_DEFECTS],
            "lots_inspected": lots.get(code, {}).get("lots_inspected", 0),
            "lots_accepted": lots.get(code, {}).get("lots_accepted", 0),
            "lots_rejected": lots.get(code, {}).get("lots_rejected", 0),
            "severity": severities.get(code, InspectionSeverity.NORMAL),
        }
        figure["on_time_share"] = share(figure["on_time"], figure["returned"])
        figure["incoming_pass_rate"] = share(figure["lots_accepted"], figure["lots_inspected"])
        figure["score"] = supplier_score(figure)
        figures[code] = figure
    return figures


def supplier_score(figure: dict) -> str:
    """The documented 0–100 score (see SCORE_* above), one decimal place, as a string."""
    quality = Decimal(1)
    if figure["inspected"]:
        quality -= Decimal(figure["supplier_fault"]) / Decimal(figure["inspected"])
    if figure.get("lots_inspected"):
        quality *= Decimal(figure["lots_accepted"]) / Decimal(figure["lots_inspected"])
    turnaround = Decimal(figure["on_time"]) / Decimal(figure["returned"]) if figure["returned"] else Decimal(1)
    score = SCORE_QUALITY_WEIGHT * quality + SCORE_TURNAROUND_WEIGHT * turnaround
    return str(score.quantize(TENTH, rounding=ROUND_HALF_UP))


def _change(now: str | int | None, before: str | int | None) -> str | None:
    if now is None or before is None:
        return None
    return str(Decimal(str(now)) - Decimal(str(before)))


def supplier_ranking(current: dict[str, dict], previous: dict[str, dict]) -> list[dict]:
    """Suppliers ranked by score (best first; ties: fewer returns logged, then code), with month-on-month change."""
    ranked = sorted(current.values(), key=lambda row: (-Decimal(row["score"]), row["logged"], row["code"]))
    rows = []
    for rank, row in enumerate(ranked, start=1):
        before = previous.get(row["code"])
        rows.append(
            {
                **row,
                "rank": rank,
                "previous_logged": before["logged"] if before else 0,
                "logged_change": row["logged"] - (before["logged"] if before else 0),
                "scrap_cost_change": _change(row["scrap_cost"], before["scrap_cost"] if before else ZERO),
                "repair_cost_change": _change(row["repair_cost"], before["repair_cost"] if before else ZERO),
                "score_change": _change(row["score"], before["score"]) if before else None,
            }
        )
    return rows


# --- turnaround 返修周期 ---------------------------------------------------------------------------------------------


def returned_units(period: dt.date, scope: ReportScope = EVERYTHING) -> QuerySet[Return]:
    """Units back at their store in the month (``confirm_returned``) that had been dispatched to the center."""
    return _returns(scope).filter(in_month("returned_at", period), shipped_at__isnull=False)


ON_TIME = Q(returned_at__lte=F("due_at"))
# Calendar days in Shanghai from the store's dispatch to the store having the unit back.
DAYS = ExpressionWrapper(TruncDate("returned_at") - TruncDate("shipped_at"), output_field=DurationField())


def _days(value) -> int:
    # PostgreSQL answers an interval, SQLite microseconds; either way whole calendar days.
    return value.days if isinstance(value, dt.timedelta) else int(value) // 86_400_000_000


def _turnaround_grouped(period, scope, keys: dict[str, str], order: list[str]) -> list[dict]:
    units = returned_units(period, scope)
    counted = units.values(*keys.values()).annotate(units=Count("id"), on_time=Count("id", filter=ON_TIME))
    histogram: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for row in units.annotate(days=DAYS).values(*keys.values(), "days").annotate(units=Count("id")).order_by():
        histogram[tuple(row[lookup] for lookup in keys.values())].append((_days(row["days"]), row["units"]))
    rows = []
    for row in counted.order_by(*order):
        key = tuple(row[lookup] for lookup in keys.values())
        item = {name: row[lookup] for name, lookup in keys.items()}
        item.update(
            units=row["units"],
            on_time=row["on_time"],
            late=row["units"] - row["on_time"],
            on_time_share=share(row["on_time"], row["units"]),
            median_days=median_from_histogram(histogram[key]),
        )
        rows.append(item)
    return rows


def turnaround_totals(period, scope=EVERYTHING) -> dict:
    units = returned_units(period, scope)
    counted = units.aggregate(units=Count("id"), on_time=Count("id", filter=ON_TIME))
    histogram = units.annotate(days=DAYS).values("days").annotate(units=Count("id")).order_by()
    return {
        "units": counted["units"],
        "on_time": counted["on_time"],
        "late": counted["units"] - counted["on_time"],
        "on_time_share": share(counted["on_time"], counted["units"]),
        "median_days": median_from_histogram((_days(row["days"]), row["units"]) for row in histogram),
    }


def turnaround_by_store(period, scope=EVERYTHING) -> list[dict]:
    keys = {"code": "store__code", "name": "store__name", "region": "store__region__code"}
    return _turnaround_grouped(period, scope, keys, ["store__code"])


def turnaround_by_region(period, scope=EVERYTHING) -> list[dict]:
    keys = {"code": "store__region__code", "name": "store__region__name"}
    return _turnaround_grouped(period, scope, keys, ["store__region__code"])


def turnaround_trend(period: dt.date, scope: ReportScope = EVERYTHING, months: int = TREND_MONTHS) -> list[dict]:
    """On-time share per month for the ``months`` months up to ``period``, one GROUP BY month (empty months kept)."""
    first = add_months(period, -(months - 1))
    start, _ = period_bounds(first)
    _, end = period_bounds(period)
    counted = {
        timezone.localtime(row["month"]).date() if isinstance(row["month"], dt.datetime) else row["month"]: row
        for row in _returns(scope)
        .filter(returned_at__gte=start, returned_at__lt=end, shipped_at__isnull=False)
        .annotate(month=TruncMonth("returned_at"))
        .values("month")
        .annotate(units=Count("id"), on_time=Count("id", filter=ON_TIME))
        .order_by("month")
    }
    trend = []
    for offset in range(months):
        month = add_months(first, offset)
        row = counted.get(month, {"units": 0, "on_time": 0})
        trend.append(
            {
                "period": f"{month:%Y-%m}",
                "units": row["units"],
                "on_time": row["on_time"],
                "on_time_share": share(row["on_time"], row["units"]),
            }
        )
    return trend


# --- freight 运费: what the parcels of the month cost, by store and by carrier (seed 000, 三 2.3: the lowest cost) ---


def dispatched_shipments(period: dt.date, scope: ReportScope = EVERYTHING) -> QuerySet[Shipment]:
    """Parcels dispatched in the month, both directions; a store sees its own, a supplier none."""
    shipments = Shipment.objects.filter(in_month("dispatched_at", period)).order_by()
    if scope.everything:
        return shipments
    return shipments.filter(store_id__in=sorted(scope.store_ids))


FREIGHT = {
    "parcels": Count("id"),
    "priced": Count("id", filter=Q(freight_cost__isnull=False)),
    "freight": Sum("freight_cost"),
}


def _freight_rows(queryset, keys: dict[str, str], order: list[str]) -> list[dict]:
    rows = []
    for row in queryset.values(*keys.values()).annotate(**FREIGHT).order_by(*order):
        item = {name: row[lookup] for name, lookup in keys.items()}
        item.update(parcels=row["parcels"], priced=row["priced"], freight=money(row["freight"] or ZERO))
        rows.append(item)
    return rows


def freight_by_store(period, scope=EVERYTHING) -> list[dict]:
    keys = {"code": "store__code", "name": "store__name", "region": "store__region__code"}
    return _freight_rows(dispatched_shipments(period, scope), keys, ["store__code"])


def freight_by_carrier(period, scope=EVERYTHING) -> list[dict]:
    return _freight_rows(dispatched_shipments(period, scope), {"carrier": "carrier"}, ["carrier"])


# --- the sections of each report, in build order ------------------------------------------------------------------

# A section reads (period, scope, the figures so far); names starting with "_" are working values, not kept.
Section = Callable[[dt.date, ReportScope, dict], object]


def _plain(function: Callable[[dt.date, ReportScope], object]) -> Section:
    return lambda period, scope, figures: function(period, scope)


def _supplier_totals(period, scope, figures) -> dict:
    # Sums of the per-supplier rows the database has already aggregated (one row per supplier).
    rows = figures["ranking"]
    total = {key: sum(row[key] for row in rows) for key in ("logged", "scrap_units", "repairs", "returned", "on_time")}
    money_keys = ("scrap_cost", "repair_cost", "chargebacks")
    money_total = {key: money(sum((Decimal(row[key]) for row in rows), ZERO)) for key in money_keys}
    return {**total, **money_total, "on_time_share": share(total["on_time"], total["returned"])}


SECTIONS: dict[str, list[tuple[str, Section]]] = {
    ReportKind.SCRAP: [
        ("totals", _plain(scrap_totals)),
        ("by_supplier", _plain(scrap_by_supplier)),
        ("by_store", _plain(scrap_by_store)),
        ("by_region", _plain(scrap_by_region)),
        ("by_defect", _plain(scrap_by_defect)),
        ("by_year", _plain(scrap_by_year)),
        ("by_responsibility", _plain(scrap_by_responsibility)),
    ],
    ReportKind.SUPPLIER_QUALITY: [
        ("_month", _plain(supplier_figures)),
        ("_previous", lambda period, scope, figures: supplier_figures(add_months(period, -1), scope)),
        ("ranking", lambda period, scope, figures: supplier_ranking(figures["_month"], figures["_previous"])),
        ("totals", _supplier_totals),
    ],
    ReportKind.TURNAROUND: [
        ("totals", _plain(turnaround_totals)),
        ("by_region", _plain(turnaround_by_region)),
        ("by_store", _plain(turnaround_by_store)),
        ("trend", _plain(turnaround_trend)),
        ("freight_by_store", _plain(freight_by_store)),
        ("freight_by_carrier", _plain(freight_by_carrier)),
    ],
    ReportKind.SERVICE_DESK: service_desk.SECTIONS,
    ReportKind.PARTS_USAGE: parts_usage.SECTIONS,
    ReportKind.QUALITY_SUMMARY: quality_summary.SECTIONS,
}
# Reports of the stores' own work (the service desk's cases, the parts and repairs at each location): a viewer with
# no store in scope (a supplier's users) has no figures in them, so does not see their runs.
STORE_KINDS = frozenset({ReportKind.SERVICE_DESK, ReportKind.PARTS_USAGE})
# Reports for the management only (seed 001: 汇总上报公司总经理及分管领导): the general manager (a superuser), QA and
# the production VP; every customer on them is masked, but the month's cases of every store are listed.
MANAGEMENT_KINDS = frozenset({ReportKind.QUALITY_SUMMARY})


def report_figures(
    kind: str,
    period: dt.date,
    scope: ReportScope = EVERYTHING,
    on_section: Callable[[int, int], None] | None = None,
) -> dict:
    """Every section of one report for one month, computed in the database, as JSON-ready values.

    ``on_section(done, total)`` is called after each section so a build can
    report its progress.
    """
    sections = SECTIONS[kind]
    figures: dict = {
        "kind": kind,
        "period": f"{period:%Y-%m}",
        "turnaround_days": settings.AFTERSALES_TURNAROUND_DAYS,
    }
    for done, (name, section) in enumerate(sections, start=1):
        figures[name] = section(period, scope, figures)
        if on_section is not None:
            on_section(done, len(sections))
    return {name: value for name, value in figures.items() if not name.startswith("_")}
