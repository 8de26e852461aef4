"""The monthly build of the chargeback drafts 扣款单: one collector per kind of charge, grouped by the party at
fault and upserted into its draft (a line matched by its source, so building twice changes nothing)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.fsm import TransitionForbidden, log_event
from aftersales.models import Sequence
from aftersales.periods import period_bounds, require_not_future
from aftersales.services import sequence_take
from chargebacks import permissions
from chargebacks.choices import ChargebackLineKind, StatementState
from chargebacks.models import ChargebackLine, ChargebackStatement
from recalls.choices import RecallOutcome
from writeoffs.choices import PartyType, WriteOffListState
from writeoffs.models import ZERO, PartyMixin

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
# Print order of the kinds on a statement.
KIND_ORDER = [
    ChargebackLineKind.SCRAP,
    ChargebackLineKind.REPAIR,
    ChargebackLineKind.EXTRA_SHIPMENT,
    ChargebackLineKind.RECALL,
    ChargebackLineKind.DESK_REFUND,
    ChargebackLineKind.DESK_COMPENSATION,
]


@dataclass(frozen=True)
class Charge:
    """One thing a party is charged for in a month, as a collector finds it (not yet a line of a statement)."""

    kind: str
    party_type: str
    supplier: object | None
    store: object | None
    amount: Decimal
    description: str
    style_no: str = ""
    production_year: int | None = None
    return_item: object | None = None
    shipment: object | None = None
    # A service-desk cost (issue 15): the refund or compensation charged back.
    refund: object | None = None
    compensation: object | None = None

    @property
    def party_key(self) -> str:
        return PartyMixin.key_for(self.party_type, supplier=self.supplier, store=self.store)

    @property
    def source(self) -> tuple:
        desk = getattr(self.refund, "pk", None) or getattr(self.compensation, "pk", None)
        return source_key(self.kind, getattr(self.return_item, "pk", None), getattr(self.shipment, "pk", None), desk)


def source_key(kind: str, return_id: int | None, shipment_id: int | None, desk_id: int | None = None) -> tuple:
    """What a line charges for: the build matches lines by it, and never charges one source twice.

    ``desk_id`` is the refund's or the compensation's id of a service-desk cost (the kind says which)."""
    return (kind, return_id, shipment_id, desk_id)


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT)


# --- collectors: one per kind of charge; each returns the month's charges ---


def collect_scrap(period: dt.date) -> list[Charge]:
    """Units written off in the month 报废: the live lines of the month's write-off list once it is approved.

    The unit cost, style number, production year and party come from the write-off line (copied when the
    list was built), so later changes of the style's cost do not move an approved list's figures.
    Customer-caused scrap is charged to nobody; a recalled unit found unrepairable is its recall's charge
    (``collect_recall_costs``), never a scrap line too.
    """
    from writeoffs.models import WriteOffLine

    lines = (
        WriteOffLine.objects.filter(
            writeoff_list__period=period,
            writeoff_list__state__in=[WriteOffListState.APPROVED, WriteOffListState.DESTROYED],
            removed_at__isnull=True,
        )
        # A recalled unit the factory found unrepairable is charged by its recall, as its cost bearer says.
        .exclude(return_item__recall_unit__outcome=RecallOutcome.UNREPAIRABLE)
        .select_related("return_item", "supplier", "store", "return_item__style__supplier")
        .order_by("id")
    )
    charges = []
    for line in lines:
        unit = line.return_item
        if line.responsibility == PartyType.SUPPLIER:
            party = {"party_type": PartyType.SUPPLIER, "supplier": line.supplier or unit.style.supplier, "store": None}
        elif line.responsibility == PartyType.STORE:
            party = {"party_type": PartyType.STORE, "supplier": None, "store": line.store}
        elif line.responsibility == PartyType.HQ:
            party = {"party_type": PartyType.HQ, "supplier": None, "store": None}
        else:
            continue
        charges.append(
            Charge(
                kind=ChargebackLineKind.SCRAP,
                amount=money(line.unit_cost),
                description=f"{unit.number} {unit.color}/{unit.size}",
                style_no=line.style_no,
                production_year=line.production_year,
                return_item=unit,
                **party,
            )
        )
    return charges


def collect_repairs(period: dt.date) -> list[Charge]:
    """Repair costs of supplier-caused defects 维修费: tickets completed in the month on units judged the supplier's."""
    from repairs.models import RepairTicket, RepairTicketState
    from suppliers.choices import Responsibility

    start, end = period_bounds(period)
    tickets = (
        RepairTicket.objects.filter(
            state=RepairTicketState.COMPLETED,
            completed_at__gte=start,
            completed_at__lt=end,
            return_item__responsibility=Responsibility.SUPPLIER,
            total_cost__gt=0,
        )
        .select_related("return_item__style__supplier")
        .order_by("id")
    )
    return [
        Charge(
            kind=ChargebackLineKind.REPAIR,
            party_type=PartyType.SUPPLIER,
            supplier=ticket.return_item.style.supplier,
            store=None,
            amount=money(ticket.total_cost),
            description=f"{ticket.return_item.number} {ticket.return_item.color}/{ticket.return_item.size}",
            style_no=ticket.return_item.style.style_no,
            production_year=ticket.return_item.production_year,
            return_item=ticket.return_item,
        )
        for ticket in tickets
    ]


def collect_extra_shipments(period: dt.date) -> list[Charge]:
    """Extra-dispatch fees 加寄费: a store's dispatches beyond its free ones in an ISO week, dispatched in the month."""
    from cases.models import Shipment

    start, end = period_bounds(period)
    shipments = (
        Shipment.objects.filter(dispatched_at__gte=start, dispatched_at__lt=end, extra_fee__gt=0)
        .select_related("store")
        .order_by("id")
    )
    return [
        Charge(
            kind=ChargebackLineKind.EXTRA_SHIPMENT,
            party_type=PartyType.STORE,
            supplier=None,
            store=shipment.store,
            amount=money(shipment.extra_fee),
            description=f"{shipment.number} {timezone.localtime(shipment.dispatched_at):%Y-%m-%d}",
            shipment=shipment,
        )
        for shipment in shipments
    ]


def collect_recall_costs(period: dt.date) -> list[Charge]:
    """Recall costs 整款退货费用: recalled units the factory found unrepairable in the month, at the style's unit
    cost, charged to the style's supplier (``cases.selectors.recall_cost_units``), one line per unit."""
    from recalls.selectors import recall_cost_units

    charges = []
    for unit in recall_cost_units(period):
        recall = unit.recall or unit.recall_unit.recall
        charges.append(
            Charge(
                kind=ChargebackLineKind.RECALL,
                party_type=PartyType.SUPPLIER,
                supplier=unit.style.supplier,
                store=None,
                amount=money(unit.amount),
                description=f"{recall.number} {unit.number} {unit.color}/{unit.size}",
                style_no=unit.style.style_no,
                production_year=unit.production_year,
                return_item=unit,
            )
        )
    return charges


def _desk_cost_unit(cost, supplier_units: dict[int, list]):
    """The supplier-fault Return a desk cost is charged through: its own linked Return when that one was judged
    the supplier's, else the case's only supplier-fault linked Return (none when there are several: which
    supplier pays is then the clerk's to say, by linking the cost to one)."""
    from suppliers.choices import Responsibility

    if cost.return_item_id is not None:
        unit = cost.return_item
        return unit if unit.responsibility == Responsibility.SUPPLIER else None
    units = supplier_units.get(cost.service_case_id, [])
    return units[0] if len(units) == 1 else None


def collect_desk_costs(period: dt.date) -> list[Charge]:
    """Refunds and compensation the service desk paid 服务台退款、补偿 on a case whose linked Return was judged the
    supplier's fault, charged to that Return's supplier with the Return's production year.

    A cost falls in the month of the later of its payment (a refund's day paid, a compensation's handing over)
    and the Return's inspection, so a cost paid before the verdict is charged when the verdict comes, and each
    cost belongs to exactly one month (the build's unique constraint keeps it at most once whatever happens).
    Compensation is charged once given; one waiting for QA, or rejected, costs nothing.
    """
    from django.db.models import Prefetch, Q

    from cases.models import Return
    from servicedesk.choices import CompensationState
    from servicedesk.models import Compensation, Refund
    from suppliers.choices import Responsibility

    start, end = period_bounds(period)
    inspected = {"inspected_at__gte": start, "inspected_at__lt": end}
    verdict_now = Q(**{f"return_item__{key}": value for key, value in inspected.items()}) | Q(
        **{f"service_case__returns__{key}": value for key, value in inspected.items()}
    )
    related = ("service_case", "return_item__style__supplier")
    refunds = (
        Refund.objects.filter(paid_on__lt=end.date())
        .filter(Q(paid_on__gte=start.date()) | verdict_now)
        .select_related(*related)
        .distinct()
        .order_by("id")
    )
    compensations = (
        Compensation.objects.filter(state=CompensationState.GIVEN, given_at__lt=end)
        .filter(Q(given_at__gte=start) | verdict_now)
        .select_related(*related)
        .distinct()
        .order_by("id")
    )
    costs = [*refunds, *compensations]
    case_ids = sorted({cost.service_case_id for cost in costs})
    supplier_units: dict[int, list] = {}
    if case_ids:
        from servicedesk.models import ServiceCase

        for case in ServiceCase.objects.filter(pk__in=case_ids).prefetch_related(
            Prefetch(
                "returns",
                queryset=Return.objects.filter(responsibility=Responsibility.SUPPLIER)
                .select_related("style__supplier")
                .order_by("id"),
                to_attr="supplier_units",
            )
        ):
            supplier_units[case.pk] = case.supplier_units
    charges = []
    for cost in costs:
        unit = _desk_cost_unit(cost, supplier_units)
        if unit is None or unit.inspected_at is None:
            continue
        paid = cost.paid_on if isinstance(cost, Refund) else timezone.localdate(cost.given_at)
        month = max(paid, timezone.localdate(unit.inspected_at)).replace(day=1)
        if month != period:
            continue
        refund = isinstance(cost, Refund)
        charges.append(
            Charge(
                kind=ChargebackLineKind.DESK_REFUND if refund else ChargebackLineKind.DESK_COMPENSATION,
                party_type=PartyType.SUPPLIER,
                supplier=unit.style.supplier,
                store=None,
                amount=money(cost.amount),
                description=f"{cost.service_case.number} {unit.number} {unit.color}/{unit.size}",
                style_no=unit.style.style_no,
                production_year=unit.production_year,
                refund=cost if refund else None,
                compensation=None if refund else cost,
            )
        )
    return charges


# In order of precedence: when two collectors would charge the same Return, the first one's charge stands
# (a recall unit is charged as its recall agreed) and the build logs the other as skipped.
COLLECTORS: list[Callable[[dt.date], Iterable[Charge]]] = [
    collect_recall_costs,
    collect_scrap,
    collect_repairs,
    collect_extra_shipments,
    collect_desk_costs,
]


# --- the build ---


def _party_fields(charge: Charge) -> dict:
    return {"party_type": charge.party_type, "supplier": charge.supplier, "store": charge.store}


def _line_source(line: ChargebackLine) -> tuple:
    return source_key(line.kind, line.return_item_id, line.shipment_id, line.refund_id or line.compensation_id)


def recompute_total(statement: ChargebackStatement) -> None:
    total = ChargebackLine.objects.filter(statement=statement).aggregate(total=Sum("amount"))["total"] or ZERO
    statement.total = money(total)
    statement.save(update_fields=["total", "updated_at"])


def _new_statement(period: dt.date, party_key: str, fields: dict, user) -> ChargebackStatement:
    (number,) = sequence_take(name=f"CB-{period:%Y%m}")
    statement = ChargebackStatement(
        number=f"CB-{period:%Y%m}-{number:04d}", period=period, version=1, party_key=party_key, **fields
    )
    statement.full_clean(exclude=["state"])
    statement.save()
    log_event(statement, "build", user=user, payload={"period": f"{period:%Y-%m}"})
    return statement


def _prune_lines(statement: ChargebackStatement, charges: list[Charge]) -> None:
    """Delete the draft's lines whose source is gone (removed ones included), before any draft gains a line."""
    wanted = {charge.source for charge in charges}
    for line in ChargebackLine.all_objects.filter(statement=statement):
        if _line_source(line) not in wanted:
            line.delete()


def _sync_lines(statement: ChargebackStatement, charges: list[Charge]) -> None:
    """Upsert the statement's lines by source (``_prune_lines`` took off those whose source is gone)."""
    existing = {_line_source(line): line for line in ChargebackLine.all_objects.filter(statement=statement)}
    ordered = sorted(charges, key=lambda c: (KIND_ORDER.index(c.kind), c.description, c.source[1:]))
    for position, charge in enumerate(ordered, start=1):
        line = existing.get(charge.source) or ChargebackLine(statement=statement, kind=charge.kind)
        values = {
            "return_item": charge.return_item,
            "shipment": charge.shipment,
            "refund": charge.refund,
            "compensation": charge.compensation,
            "description": charge.description[:300],
            "style_no": charge.style_no,
            "production_year": charge.production_year,
            "position": position,
        }
        if line.built_amount is not None:
            # Finance adjusted it: keep finance's amount, remember what the build says now.
            values["built_amount"] = charge.amount
        else:
            values["amount"] = charge.amount
        changed = line.pk is None or any(getattr(line, key) != value for key, value in values.items())
        if changed:
            for key, value in values.items():
                setattr(line, key, value)
            line.full_clean(exclude=["statement"])
            line.save()


@transaction.atomic
def chargeback_build(*, period: dt.date, user=None) -> list[ChargebackStatement]:
    """Build the month's draft chargeback statements 扣款单草稿, one per party at fault; idempotent.

    Rules: a future month is refused; a party whose latest version is issued (or answered, or settled) is
    not touched; a source already on another party's frozen statement of the month is not charged again;
    drafts are upserted line by line by source, so building twice changes nothing (same rows, same ids);
    finance's adjustments and removals on a draft survive a rebuild; an empty first-version draft is deleted.
    Returns the month's drafts. A person must be finance (``user`` None is the monthly schedule).
    """
    if user is not None and not permissions.is_finance(None, user):
        raise TransitionForbidden(_("Only finance builds chargeback statements."), transition="build")
    require_not_future(period)
    # Builds of one month queue behind each other on the month's number counter.
    Sequence.objects.select_for_update().get_or_create(name=f"CB-{period:%Y%m}")
    statements = list(ChargebackStatement.objects.select_for_update().filter(period=period).order_by("version"))
    latest: dict[str, ChargebackStatement] = {}
    for statement in statements:
        latest[statement.party_key] = statement  # ordered by version: the last one wins
    drafts_now = {s.pk for s in latest.values() if s.state == StatementState.DRAFT}

    charges: dict[str, list[Charge]] = {}
    fields: dict[str, dict] = {}
    for charge in _charge_each_return_once(period, [c for collector in COLLECTORS for c in collector(period)],
                                           rebuilt=drafts_now):  # fmt: skip
        charges.setdefault(charge.party_key, []).append(charge)
        fields.setdefault(charge.party_key, _party_fields(charge))
    frozen_ids = [s.pk for s in statements if s.state != StatementState.DRAFT]
    charged_elsewhere: dict[tuple, str] = {
        source_key(kind, return_id, shipment_id, refund_id or compensation_id): party_key
        for kind, return_id, shipment_id, refund_id, compensation_id, party_key in ChargebackLine.objects.filter(
            statement__in=frozen_ids
        ).values_list("kind", "return_item_id", "shipment_id", "refund_id", "compensation_id", "statement__party_key")
    }

    wanted_by_party = {
        party_key: [
            charge
            for charge in charges.get(party_key, [])
            if charged_elsewhere.get(charge.source, party_key) == party_key
        ]
        for party_key in sorted(set(charges) | set(latest))
    }
    # Every draft loses its stale lines first, so a unit moving from one party's draft to another's is never
    # on two drafts at once (the database refuses a second charge line for the same Return).
    for party_key, wanted in wanted_by_party.items():
        current = latest.get(party_key)
        if current is not None and current.state == StatementState.DRAFT:
            _prune_lines(current, wanted)
    drafts = []
    for party_key, wanted in wanted_by_party.items():
        current = latest.get(party_key)
        if current is not None and current.state != StatementState.DRAFT:
            continue
        if current is None:
            if not wanted:
                continue
            current = _new_statement(period, party_key, fields[party_key], user)
        _sync_lines(current, wanted)
        if current.version == 1 and not ChargebackLine.all_objects.filter(statement=current).exists():
            current.delete()
            continue
        recompute_total(current)
        drafts.append(current)
    return drafts


def _charge_each_return_once(period: dt.date, found: list[Charge], *, rebuilt: set[int]) -> list[Charge]:
    """The charges of the build less those for a Return already charged: a unit is charged at most once.

    A Return is already charged when a line that charges (live, current) holds it on a statement this
    build does not rewrite (an issued one, or another month's), or when an earlier collector's charge of
    this build holds it. Each skip is logged (the build's log) with where the unit is charged; the party's
    own issued line of this month is no skip, only the frozen statement being left alone.
    """
    return_ids = {charge.return_item.pk for charge in found if charge.return_item is not None}
    on_books: dict[int, tuple] = {
        return_id: (kind, statement_id, number, version, party_key, line_period)
        for return_id, kind, statement_id, number, version, party_key, line_period in ChargebackLine.objects.filter(
            return_item_id__in=sorted(return_ids), current=True
        )
        .exclude(statement__in=sorted(rebuilt))
        .values_list(
            "return_item_id",
            "kind",
            "statement_id",
            "statement__number",
            "statement__version",
            "statement__party_key",
            "statement__period",
        )  # fmt: skip
    }
    kept: list[Charge] = []
    claimed: dict[int, Charge] = {}
    for charge in found:
        unit = charge.return_item
        if unit is None:
            kept.append(charge)
            continue
        booked = on_books.get(unit.pk)
        if booked is not None:
            kind, _statement_id, number, version, party_key, line_period = booked
            if not (kind == charge.kind and party_key == charge.party_key and line_period == period):
                logger.warning(
                    "Chargeback build %s: %s %s for %s skipped: the unit is already charged on %s v%s (%s, %s).",
                    f"{period:%Y-%m}", charge.kind, charge.amount, unit.number, number, version, kind, party_key,
                )  # fmt: skip
                continue
        first = claimed.get(unit.pk)
        if first is not None:
            logger.warning(
                "Chargeback build %s: %s %s for %s skipped: the unit is charged by this build's %s line (%s).",
                f"{period:%Y-%m}", charge.kind, charge.amount, unit.number, first.kind, first.party_key,
            )  # fmt: skip
            continue
        claimed[unit.pk] = charge
        kept.append(charge)
    return kept
