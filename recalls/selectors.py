"""Reads of batch recalls 整款退货: candidates, recalls, notices and compliance, always within the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from aftersales.models import TransitionLog
from aftersales.periods import period_bounds
from aftersales.roles import Role, roles_of
from cases.choices import ReturnState
from cases.models import BatchAlarm, Return
from inspection.models import InspectionReport
from recalls.choices import RECALL_OPEN_STATES, RecallCostBearer, RecallNoticeState, RecallOutcome
from recalls.models import Recall, RecallAttachment, RecallNotice, RecallUnit
from suppliers.models import DefectCode, Style


@dataclass(frozen=True)
class RecallCandidate:
    """A recall candidate 整款退货候选: one style, one defect code, enough Returns from enough stores lately."""

    style: Style
    defect_code: DefectCode
    return_count: int
    store_count: int
    first_logged_at: dt.datetime
    last_logged_at: dt.datetime
    returns: list[Return] = field(default_factory=list)


def may_see_recall_candidates(user) -> bool:
    """Technicians open recalls from candidates and QA reviews them; nobody else sees them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or bool(roles_of(user) & {Role.TECHNICIAN, Role.QA_MANAGER})


def recall_candidates(*, now: dt.datetime | None = None) -> list[RecallCandidate]:
    """Every recall candidate now, for the system (the daily notification) and the selector below.

    A Return counts for a defect code if the store reported that code at
    logging or inspection found it, once per code however both said it.
    Recall Returns themselves are not evidence, and a style and code already
    under an open recall are not proposed again. A store's own batch alarm
    门店预警 on the style and code in the window stands in for the other stores:
    its group needs the Returns but not the stores. The counting is one
    grouped query over the union of the two sources.
    """
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.AFTERSALES_RECALL_WINDOW_DAYS)
    recent = Return.objects.filter(created_at__gte=since, created_at__lte=now, recall__isnull=True).exclude(
        state=ReturnState.CANCELLED
    )
    reported = recent.filter(reported_defect__isnull=False).order_by().values(
        ev_return=F("pk"), ev_style=F("style_id"), ev_store=F("store_id"), ev_code=F("reported_defect_id"),
        ev_at=F("created_at"),
    )  # fmt: skip
    through = InspectionReport.defect_codes.through
    inspected = (
        through.objects.filter(inspectionreport__return_item__in=recent.values("pk"))
        .order_by()
        .values(
            ev_return=F("inspectionreport__return_item_id"),
            ev_style=F("inspectionreport__return_item__style_id"),
            ev_store=F("inspectionreport__return_item__store_id"),
            ev_code=F("defectcode_id"),
            ev_at=F("inspectionreport__return_item__created_at"),
        )
    )
    union_sql, union_params = reported.union(inspected).query.sql_with_params()
    # Django cannot group a UNION, so the grouping is written out around the ORM-built (parameterised) union.
    grouped = (
        "SELECT ev_style, ev_code, COUNT(DISTINCT ev_return), COUNT(DISTINCT ev_store), MIN(ev_at), MAX(ev_at) "
        f"FROM ({union_sql}) evidence GROUP BY ev_style, ev_code "
        "HAVING COUNT(DISTINCT ev_return) >= %s "
        "ORDER BY COUNT(DISTINCT ev_return) DESC, ev_style, ev_code"
    )
    with connection.cursor() as cursor:
        cursor.execute(grouped, [*union_params, settings.AFTERSALES_RECALL_MIN_RETURNS])
        rows = cursor.fetchall()
    alarmed = (
        set(
            BatchAlarm.objects.filter(created_at__gte=since, created_at__lte=now, defect_code__isnull=False)
            .values_list("style_id", "defect_code_id")
            .distinct()
        )
        if rows
        else set()
    )
    rows = [row for row in rows if row[3] >= settings.AFTERSALES_RECALL_MIN_STORES or (row[0], row[1]) in alarmed]
    covered = set(
        Recall.objects.filter(state__in=RECALL_OPEN_STATES).values_list("style_id", "defect_code_id").distinct()
    )
    rows = [row for row in rows if (row[0], row[1]) not in covered]
    if not rows:
        return []
    styles = Style.objects.in_bulk({row[0] for row in rows})
    codes = DefectCode.objects.in_bulk({row[1] for row in rows})
    behind: dict[tuple[int, int], list[Return]] = {(row[0], row[1]): [] for row in rows}
    pair_filter = Q(pk__in=[])
    for style_id, code_id, *_counts in rows:
        pair_filter |= Q(style_id=style_id) & (Q(reported_defect_id=code_id) | Q(inspection__defect_codes=code_id))
    evidence = (
        recent.filter(pair_filter)
        .select_related("store", "reported_defect")
        .prefetch_related("inspection__defect_codes")
        .distinct()
        .order_by("created_at", "id")
    )
    for item in evidence:
        codes_of_item = {item.reported_defect_id} if item.reported_defect_id else set()
        inspection = getattr(item, "inspection", None) if hasattr(item, "inspection") else None
        if inspection is not None:
            codes_of_item |= {code.pk for code in inspection.defect_codes.all()}
        for code_id in codes_of_item:
            if (item.style_id, code_id) in behind:
                behind[(item.style_id, code_id)].append(item)
    return [
        RecallCandidate(
            style=styles[style_id],
            defect_code=codes[code_id],
            return_count=return_count,
            store_count=store_count,
            first_logged_at=_aware(first),
            last_logged_at=_aware(last),
            returns=behind[(style_id, code_id)],
        )
        for style_id, code_id, return_count, store_count, first, last in rows
    ]


def _aware(value) -> dt.datetime:
    # Raw SQL hands back what the backend stores: an aware datetime on PostgreSQL, naive UTC text on SQLite.
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def recall_candidate_list(user, *, now: dt.datetime | None = None) -> list[RecallCandidate]:
    """Recall candidates with the Returns behind each, for technicians and QA (empty for everyone else)."""
    if not may_see_recall_candidates(user):
        return []
    return recall_candidates(now=now)


def recall_list(user) -> QuerySet[Recall]:
    """Batch recalls the user may see: all for the service center, those a store was notified of, a supplier's."""
    return Recall.objects.visible_to(user).select_related("style__supplier", "defect_code", "opened_by")


def recall_get(user, pk) -> Recall:
    """One recall with its regions, reported Returns, test-report photos and units; 404 outside the scope."""
    queryset = (
        recall_list(user)
        .select_related("decided_by")
        .prefetch_related(
            "regions",
            Prefetch("reported_returns", queryset=Return.objects.select_related("store").order_by("id")),
            Prefetch("attachments", queryset=RecallAttachment.objects.select_related("uploaded_by")),
            Prefetch("units", queryset=RecallUnit.objects.select_related("return_item__store", "outcome_recorded_by")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def recall_timeline(recall: Recall) -> QuerySet[TransitionLog]:
    return TransitionLog.objects.for_object(recall).select_related("actor")


def _recall_units_count(**filters):
    """How many of the store's recall Returns for the notice's recall match ``filters`` (cancelled ones never count:
    they were logged by mistake)."""
    return Coalesce(
        Subquery(
            Return.objects.filter(recall_id=OuterRef("recall_id"), store_id=OuterRef("store_id"), **filters)
            .exclude(state=ReturnState.CANCELLED)
            .order_by()
            .values("recall_id")
            .annotate(total=Count("pk"))
            .values("total")[:1]
        ),
        Value(0),
    )


def recall_logged_count():
    """Logged 已登记: the store's recall Returns for the notice's recall, whether or not they have left the store."""
    return _recall_units_count()


def recall_returned_count():
    """Returned 已返还: the store's recall Returns that have arrived at the service center (received there).

    A unit logged at the store, or on its way, is not returned yet: counting it
    would let a store meet its on-hand figure by typing numbers.
    """
    return _recall_units_count(received_at__isnull=False)


def recall_late(today: dt.date):
    """Late 逾期: the deadline has passed and the store has not acknowledged, or fewer units than it had on hand
    have arrived at the service center.

    Reads the ``returned`` annotation (``recall_returned_count``), so annotate that first.
    """
    return Case(
        When(
            Q(recall__deadline__lt=today) & (~Q(state=RecallNoticeState.ACKNOWLEDGED) | Q(on_hand__gt=F("returned"))),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def recall_over_on_hand():
    """Flagged: the store has logged more units than it acknowledged on hand (the logging refuses that now, so it
    marks older data or units logged at the counter against the recall).

    Reads the ``logged`` annotation (``recall_logged_count``), so annotate that first.
    """
    return Case(
        When(Q(state=RecallNoticeState.ACKNOWLEDGED) & Q(logged__gt=F("on_hand")), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def recall_notice_figures(queryset: QuerySet[RecallNotice], today: dt.date) -> QuerySet[RecallNotice]:
    """Each notice with ``logged``, ``returned`` (arrived), ``late`` and ``over_on_hand``: one place for the list,
    the notice page, the API and the compliance view."""
    return (
        queryset.annotate(logged=recall_logged_count(), returned=recall_returned_count())
        .annotate(late=recall_late(today))
        .annotate(over_on_hand=recall_over_on_hand())
    )


def recallnotice_list(user, *, today: dt.date | None = None) -> QuerySet[RecallNotice]:
    """Recall notices the user may see (a store its own), with what each store has logged and returned and if late."""
    return recall_notice_figures(
        RecallNotice.objects.visible_to(user).select_related(
            "recall__style", "recall__defect_code", "store__region", "acknowledged_by"
        ),
        today or timezone.localdate(),
    )


def recallnotice_history(notice: RecallNotice) -> QuerySet[TransitionLog]:
    """What happened to a store's notice, oldest first: the acknowledgement and every on-hand correction."""
    return TransitionLog.objects.for_object(notice).select_related("actor").order_by("at", "pk")


def recallnotice_get(user, pk) -> RecallNotice:
    return get_object_or_404(recallnotice_list(user), pk=pk)


@dataclass(frozen=True)
class RecallCompliance:
    """The compliance view 执行情况 of a recall: per store, per region and overall."""

    recall: Recall
    stores: QuerySet[RecallNotice]
    regions: list[dict]
    totals: dict


def recall_compliance(recall: Recall, *, user=None, today: dt.date | None = None) -> RecallCompliance:
    """Per store notified: acknowledged (when), on hand, logged, returned (arrived), late, logged more than on hand;
    then per region and overall.

    A store is late once the deadline has passed and it has not acknowledged,
    or fewer of its units than it said it had on hand have arrived at the
    service center; it is flagged when it logged more than on hand. Figures come
    from the database (one query per table of figures), not from a loop.
    Given a ``user``, only the stores within the user's scope are shown (a
    region manager its region's); the service center sees every store.
    """
    today = today or timezone.localdate()
    acknowledged = Q(state=RecallNoticeState.ACKNOWLEDGED)
    stores = (
        (RecallNotice.objects.visible_to(user) if user is not None else RecallNotice.objects.all())
        .filter(recall=recall)
        .select_related("store__region", "acknowledged_by")
    )
    stores = recall_notice_figures(stores, today).order_by("store__region__code", "store__code")
    figures = {
        "notified": Count("pk"),
        "acknowledged": Count("pk", filter=acknowledged),
        "on_hand": Coalesce(Sum("on_hand"), 0),
        "logged": Coalesce(Sum("logged"), 0),
        "returned": Coalesce(Sum("returned"), 0),
        "late": Count("pk", filter=Q(late=True)),
        "over_on_hand": Count("pk", filter=Q(over_on_hand=True)),
    }
    regions = list(
        stores.order_by()
        .values("store__region__code", "store__region__name")
        .annotate(**figures)
        .order_by("store__region__code")
    )
    regions = [
        {
            "region": row.pop("store__region__code"),
            "region_name": row.pop("store__region__name"),
            **row,
        }
        for row in regions
    ]
    # The overall figures add up the few region rows the database grouped.
    totals = {name: sum(row[name] for row in regions) for name in figures}
    return RecallCompliance(recall=recall, stores=stores, regions=regions, totals=totals)


def recall_cost_units(period: dt.date) -> QuerySet[Return]:
    """Recalled units found unrepairable in ``period`` (a month): the supplier's cost, as agreed at approval.

    The month-end chargeback build adds one ``recall`` line per unit to the
    style's supplier's statement; ``amount`` (Decimal, CNY) is the style's unit
    cost when the supplier bears the recall's cost, half of it when the cost is
    shared with head office; a recall whose cost head office bears charges nothing.
    """
    start, end = period_bounds(period)
    recall_of_unit = "recall_unit__recall__cost_bearer"
    return (
        Return.objects.filter(
            recall_unit__outcome=RecallOutcome.UNREPAIRABLE,
            recall_unit__outcome_recorded_at__gte=start,
            recall_unit__outcome_recorded_at__lt=end,
        )
        .exclude(**{recall_of_unit: RecallCostBearer.HQ})
        .select_related("style__supplier", "store", "recall", "recall_unit")
        .annotate(
            amount=Case(
                When(**{recall_of_unit: RecallCostBearer.SHARED}, then=F("style__unit_cost") / Value(2)),
                default=F("style__unit_cost"),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )
        .order_by("style__supplier_id", "id")
    )
