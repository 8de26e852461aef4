"""People's KPIs 绩效 per month and the service star 服务之星 (domain.md, *KPIs*; seeds 002 and 004, 第七章).

Two kinds of people are measured:

- **Hotline agents** 服务热线: the owners of the service cases opened in the month (cancelled ones left out).
  *Handled*: those cases. *First response on time*: responded by the case's first-response due time.
  *Resolution rate*: resolved or closed by now. *Satisfaction*: the callbacks' 1–5 on their cases made in the
  month, and the survey answers 满意度调查 given in the month about their cases, all in one mean.
- **Technicians** 售后服务部: inspections 鉴定 they made, repairs they completed and on-site visits they arrived at
  in the month. *On time*: an inspection or repair done by the Return's due time (15 days from dispatch; units
  without a clock are on time), a visit by its arrival due time. *Resolution rate*: the share of their repairs of
  the month that did not come back. *Satisfaction*: the callbacks and survey answers of the month on the service
  cases linked to Returns they repaired or of visits they made.

**Repeat repair** 多次维修同一问题 (seed 004, 第六章 3): a repair ticket opened in the month on a unit that had
been repaired for the same problem within ``AFTERSALES_REPEAT_REPAIR_DAYS`` days (default 90) before. The same
unit: the same store, style, colour, size and receipt number (the brand's units carry no serial number). The same
problem: the same reported defect code, or a defect code both inspections found. It counts against the
technician whose repair did not last (the earlier one).

Every figure is a database aggregate grouped by person and month (``TruncMonth``): a fixed number of queries,
whatever the number of people, cases or months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    CharField,
    Count,
    DateTimeField,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from aftersales.periods import period_bounds
from aftersales.roles import Role, roles_of
from aftersales.validation import add_months

AGENT = "agent"
TECHNICIAN = "technician"
# The service star: weights (points out of 100), the penalty per repeat repair, and the least work that qualifies.
STAR_WEIGHTS = {"resolution": 40, "on_time": 30, "satisfaction": 30}
STAR_REPEAT_PENALTY = 5
STAR_MIN_HANDLED = 3
# A figure with nothing to measure (no repairs, no rating) counts half its weight: neither rewarded nor punished.
STAR_MISSING_SHARE = Decimal("0.5")
TREND_MONTHS = 6


def repeat_repair_days() -> int:
    return getattr(settings, "AFTERSALES_REPEAT_REPAIR_DAYS", 90)


@dataclass
class KpiRow:
    """One person's figures for one month."""

    user_id: int
    role: str
    period: dt.date
    name: str = ""
    handled: int = 0
    on_time: int = 0
    resolved_base: int = 0
    resolved: int = 0
    rating_sum: Decimal = Decimal(0)
    ratings: int = 0
    repeat_repairs: int = 0
    inspections: int = 0
    repairs: int = 0
    visits: int = 0
    star: bool = False
    extra: dict = field(default_factory=dict)

    @staticmethod
    def _share(part: int, whole: int) -> Decimal | None:
        if not whole:
            return None
        return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def on_time_share(self) -> Decimal | None:
        return self._share(self.on_time, self.handled)

    @property
    def resolution_rate(self) -> Decimal | None:
        return self._share(max(self.resolved, 0), self.resolved_base)

    @property
    def satisfaction(self) -> Decimal | None:
        if not self.ratings:
            return None
        return (Decimal(self.rating_sum) / self.ratings).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def star_score(self) -> Decimal:
        """The formula shown on the page (``STAR_*``), rounded to 0.1."""

        def part(weight: int, share: Decimal | None) -> Decimal:
            return weight * (STAR_MISSING_SHARE if share is None else share)

        satisfaction = None if self.satisfaction is None else (self.satisfaction - 1) / 4
        resolution = None if self.resolution_rate is None else self.resolution_rate / 100
        on_time = None if self.on_time_share is None else self.on_time_share / 100
        score = (
            part(STAR_WEIGHTS["resolution"], resolution)
            + part(STAR_WEIGHTS["on_time"], on_time)
            + part(STAR_WEIGHTS["satisfaction"], satisfaction)
            - STAR_REPEAT_PENALTY * self.repeat_repairs
        )
        return score.quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def qualifies(self) -> bool:
        return self.handled >= STAR_MIN_HANDLED


def _month(field_name: str):
    return TruncMonth(field_name, tzinfo=timezone.get_default_timezone())


def _period_of(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def _add(rows: dict, role: str, user_id, month, **figures) -> None:
    if user_id is None:
        return
    key = (role, user_id, _period_of(month))
    row = rows.setdefault(key, KpiRow(user_id=user_id, role=role, period=key[2]))
    for name, value in figures.items():
        setattr(row, name, getattr(row, name) + (value or 0))


def _figures(queryset, source: str, person: str, month_field: str, a, b=None, c=None):
    """One part of the month's figures in the shape every part shares, so all of them are one ``UNION ALL``
    query (issue 19: at most 8 queries a page): ``(kpi_source, kpi_person, kpi_month, kpi_a, kpi_b, kpi_c)``,
    grouped by person and month. Every column is an annotation, declared in the same order in each part, so the
    parts' columns line up; a constant has no GROUP BY column."""
    number = DecimalField(max_digits=20, decimal_places=6)
    zero = Value(Decimal(0), output_field=number)
    return (
        queryset.annotate(
            kpi_source=Value(source, output_field=CharField()), kpi_person=F(person), kpi_month=_month(month_field)
        )
        .values("kpi_source", "kpi_person", "kpi_month")
        .annotate(
            kpi_a=Cast(a, number),
            kpi_b=zero if b is None else Cast(b, number),
            kpi_c=zero if c is None else Cast(c, number),
        )
        .order_by()
    )


def _agent_parts(start: dt.datetime, end: dt.datetime) -> list:
    from quality.models.surveys import SurveyInvitation
    from servicedesk.choices import CaseState
    from servicedesk.models import ServiceCase

    opened = ServiceCase.objects.filter(created_at__gte=start, created_at__lt=end, owner__isnull=False).exclude(
        state=CaseState.CANCELLED
    )
    callbacks = ServiceCase.objects.filter(
        followed_up_at__gte=start, followed_up_at__lt=end, satisfaction__isnull=False, owner__isnull=False
    )
    surveys = SurveyInvitation.objects.filter(answered_at__gte=start, answered_at__lt=end, score__isnull=False)
    return [
        _figures(
            opened, "agent_cases", "owner_id", "created_at",
            Count("pk"),
            Count("pk", filter=Q(responded_at__isnull=False, responded_at__lte=F("first_response_due"))),
            Count("pk", filter=Q(state__in=[CaseState.RESOLVED, CaseState.CLOSED])),
        ),
        _figures(callbacks, "agent_ratings", "owner_id", "followed_up_at", Sum("satisfaction"), Count("pk")),
        _figures(surveys, "agent_ratings", "case__owner_id", "answered_at", Sum("score"), Count("pk")),
    ]  # fmt: skip


def repeat_repairs_query(start: dt.datetime, end: dt.datetime):
    """Repair tickets opened in [start, end) on a unit repaired for the same problem within the window before,
    each with ``earlier_technician``: whose repair did not last (see the module's docstring)."""
    from inspection.models import InspectionReport
    from repairs.models import RepairTicket

    codes = InspectionReport.defect_codes.through
    window = dt.timedelta(days=repeat_repair_days())
    later_codes = codes.objects.filter(inspectionreport__return_item=OuterRef(OuterRef("return_item"))).values(
        "defectcode_id"
    )
    earlier = (
        RepairTicket.objects.filter(
            completed_at__isnull=False,
            completed_at__lte=OuterRef("created_at"),
            completed_at__gte=ExpressionWrapper(OuterRef("created_at") - window, output_field=DateTimeField()),
            return_item__store=OuterRef("return_item__store"),
            return_item__style=OuterRef("return_item__style"),
            return_item__color=OuterRef("return_item__color"),
            return_item__size=OuterRef("return_item__size"),
            return_item__receipt_no=OuterRef("return_item__receipt_no"),
        )
        .exclude(pk=OuterRef("pk"))
        .filter(
            Q(
                return_item__reported_defect__isnull=False,
                return_item__reported_defect=OuterRef("return_item__reported_defect"),
            )
            | Q(return_item__inspection__defect_codes__in=Subquery(later_codes))
        )  # fmt: skip
        .order_by("-completed_at", "-pk")
    )
    return (
        RepairTicket.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(return_item__receipt_no="")
        .annotate(earlier_technician=Subquery(earlier.values("technician_id")[:1]))
        .filter(earlier_technician__isnull=False)
    )


def _times(mean, count: int) -> Decimal:
    return Decimal(str(mean)) * count


def _technician_parts(start: dt.datetime, end: dt.datetime) -> list:
    from inspection.models import InspectionReport
    from quality.models.surveys import SurveyInvitation
    from repairs.models import RepairTicket
    from servicedesk.models import ServiceCase
    from servicedesk.models.visits import VisitTechnician

    on_clock = Q(return_item__due_at__isnull=True)
    parts = [
        _figures(
            InspectionReport.objects.filter(inspected_at__gte=start, inspected_at__lt=end),
            "tech_inspections", "inspector_id", "inspected_at",
            Count("pk"), Count("pk", filter=on_clock | Q(inspected_at__lte=F("return_item__due_at"))),
        ),
        _figures(
            RepairTicket.objects.filter(completed_at__gte=start, completed_at__lt=end),
            "tech_repairs", "technician_id", "completed_at",
            Count("pk"), Count("pk", filter=on_clock | Q(completed_at__lte=F("return_item__due_at"))),
        ),
        _figures(
            VisitTechnician.objects.filter(visit__arrived_at__gte=start, visit__arrived_at__lt=end),
            "tech_visits", "user_id", "visit__arrived_at",
            Count("pk"), Count("pk", filter=Q(visit__arrived_at__lte=F("visit__arrival_due"))),
        ),
        _figures(repeat_repairs_query(start, end), "tech_repeats", "earlier_technician", "created_at", Count("pk")),
    ]  # fmt: skip
    # Ratings of cases linked to the technician's work: a Return they repaired, or a visit they made.
    # A case linked to two Returns the same technician repaired joins twice: the mean of its rows times the
    # distinct cases keeps each case's rating once.
    for link in ("returns__repair_ticket__technician_id", "visits__crew__user_id"):
        callbacks = ServiceCase.objects.filter(
            followed_up_at__gte=start,
            followed_up_at__lt=end,
            satisfaction__isnull=False,
            **{f"{link}__isnull": False},
        )
        surveys = SurveyInvitation.objects.filter(
            answered_at__gte=start, answered_at__lt=end, score__isnull=False, **{f"case__{link}__isnull": False}
        )
        cases = Count("pk", distinct=True)
        parts += [
            _figures(callbacks, "tech_ratings", link, "followed_up_at", Avg("satisfaction"), cases),
            _figures(surveys, "tech_ratings", f"case__{link}", "answered_at", Avg("score"), cases),
        ]
    return parts


def _add_figures(rows: dict, part: dict) -> None:
    """One row of the union into the people's rows, by the part it came from."""
    person, month, a, b, c = part["kpi_person"], part["kpi_month"], part["kpi_a"], part["kpi_b"], part["kpi_c"]
    count = int(a or 0)
    match part["kpi_source"]:
        case "agent_cases":
            _add(rows, AGENT, person, month, handled=count, on_time=int(b), resolved_base=count, resolved=int(c))
        case "agent_ratings":
            _add(rows, AGENT, person, month, rating_sum=Decimal(a), ratings=int(b))
        case "tech_inspections":
            _add(rows, TECHNICIAN, person, month, handled=count, on_time=int(b), inspections=count)
        case "tech_repairs":
            _add(rows, TECHNICIAN, person, month, handled=count, on_time=int(b), repairs=count, resolved_base=count,
                 resolved=count)  # fmt: skip
        case "tech_visits":
            _add(rows, TECHNICIAN, person, month, handled=count, on_time=int(b), visits=count)
        case "tech_repeats":
            # A repair that came back is no longer resolved: it leaves the resolution rate of the month it came back.
            _add(rows, TECHNICIAN, person, month, repeat_repairs=count, resolved=-count)
        case "tech_ratings":
            _add(rows, TECHNICIAN, person, month, rating_sum=_times(a, int(b)), ratings=int(b))


def kpi_rows(first: dt.date, last: dt.date) -> list[KpiRow]:
    """Every measured person's rows for the months ``first``…``last`` (first days), in a fixed number of queries;
    each month's service star marked."""
    start, _end = period_bounds(first)
    _start, end = period_bounds(last)
    rows: dict = {}
    first_part, *other_parts = _agent_parts(start, end) + _technician_parts(start, end)
    for part in first_part.union(*other_parts, all=True):
        _add_figures(rows, part)
    people = get_user_model().objects.in_bulk({key[1] for key in rows})
    for (_role, user_id, _period), row in rows.items():
        user = people.get(user_id)
        row.name = (user.get_full_name() or user.get_username()) if user else str(user_id)
        row.extra["username"] = user.get_username() if user else ""
    ordered = sorted(rows.values(), key=lambda row: (row.period, row.role, row.name))
    for period in {row.period for row in ordered}:
        star = service_star([row for row in ordered if row.period == period])
        if star is not None:
            star.star = True
    return ordered


def service_star(rows: list[KpiRow]) -> KpiRow | None:
    """服务之星 of a month: the highest star score among those who handled at least ``STAR_MIN_HANDLED``; a tie
    goes to whoever handled more, then by name."""
    qualified = [row for row in rows if row.qualifies]
    if not qualified:
        return None
    return sorted(qualified, key=lambda row: (-row.star_score, -row.handled, row.name))[0]


def kpi_viewer_scope(user) -> str | None:
    """``"all"`` for QA and the production VP (and superusers), ``"own"`` for a hotline agent or technician (their
    own row and the month's star), None for anyone else (the page is then a 404)."""
    roles = roles_of(user)
    if getattr(user, "is_superuser", False) or roles & {Role.QA_MANAGER, Role.PRODUCTION_VP}:
        return "all"
    if roles & {Role.HOTLINE_AGENT, Role.TECHNICIAN}:
        return "own"
    return None


def kpi_month(user, period: dt.date) -> dict:
    """The month's table for ``user`` (everyone, or their own rows) and the star, with the trend of the last
    ``TREND_MONTHS`` months (the team's means, or their own figures)."""
    scope = kpi_viewer_scope(user)
    first = add_months(period, -(TREND_MONTHS - 1))
    rows = kpi_rows(first, period)
    month_rows = [row for row in rows if row.period == period]
    star = next((row for row in month_rows if row.star), None)
    if scope == "own":
        rows = [row for row in rows if row.user_id == user.pk]
        month_rows = [row for row in month_rows if row.user_id == user.pk]
    months = [add_months(first, offset) for offset in range(TREND_MONTHS)]
    return {"rows": month_rows, "star": star, "scope": scope, "trend": _trend(rows, months), "months": months}


def _trend(rows: list[KpiRow], months: list[dt.date]) -> dict:
    """Per month: the mean star score, resolution rate and satisfaction of the rows shown (None for no data)."""

    def mean(values):
        values = [value for value in values if value is not None]
        return None if not values else float(round(sum(values) / len(values), 1))

    labels = [f"{month:%Y-%m}" for month in months]
    by_month = {month: [row for row in rows if row.period == month] for month in months}
    return {
        "labels": labels,
        "star_score": [mean([row.star_score for row in by_month[month]]) for month in months],
        "resolution_rate": [mean([row.resolution_rate for row in by_month[month]]) for month in months],
        "satisfaction": [mean([row.satisfaction for row in by_month[month]]) for month in months],
        "handled": [sum(row.handled for row in by_month[month]) for month in months],
    }


def is_repeat_repair(return_item) -> bool:
    """Whether the Return's repair repeats an earlier repair of the same unit for the same problem (the audit's
    checklist item "not a repeat repair" shows it as a hint)."""
    ticket = getattr(return_item, "repair_ticket", None)
    if ticket is None:
        return False
    moment = ticket.created_at
    return repeat_repairs_query(moment, moment + dt.timedelta(microseconds=1)).filter(pk=ticket.pk).exists()
