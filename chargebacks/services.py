"""Chargeback statements 扣款单: the monthly build of the drafts, issue (frozen lines and total; the documents
rendered by a task after it), the party's answer,
settlement, revision of a disputed statement, and finance's edits of a draft's lines.

The build gathers the month's charges from one collector per kind (``COLLECTORS``), groups them by the
party at fault (each supplier, each store, HQ) and upserts them into that party's draft: a line is matched
by its source (the Return, or the shipment), so building twice changes nothing and keeps the line ids.
Statements already issued are never touched, and what they charge is never charged again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.background import error_text, store_document
from aftersales.fsm import TransitionForbidden, TransitionStateConflict, fire, guard, lock, log_event, require_state
from aftersales.models import Sequence
from aftersales.periods import period_bounds, require_not_future
from aftersales.services import sequence_take
from chargebacks import permissions
from chargebacks.choices import ChargebackLineKind, DocumentsStatus, StatementState
from chargebacks.models import ChargebackLine, ChargebackStatement
from recalls.choices import RecallOutcome
from writeoffs.choices import PartyType, WriteOffListState
from writeoffs.models import ZERO, PartyMixin
from writeoffs.services import finance_users

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
# Print order of the kinds on a statement.
KIND_ORDER = [
    ChargebackLineKind.SCRAP,
    ChargebackLineKind.REPAIR,
    ChargebackLineKind.EXTRA_SHIPMENT,
    ChargebackLineKind.RECALL,
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

    @property
    def party_key(self) -> str:
        return PartyMixin.key_for(self.party_type, supplier=self.supplier, store=self.store)

    @property
    def source(self) -> tuple:
        return source_key(self.kind, getattr(self.return_item, "pk", None), getattr(self.shipment, "pk", None))


def source_key(kind: str, return_id: int | None, shipment_id: int | None) -> tuple:
    """What a line charges for: the build matches lines by it, and never charges one source twice."""
    return (kind, return_id, shipment_id)


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


# In order of precedence: when two collectors would charge the same Return, the first one's charge stands
# (a recall unit is charged as its recall agreed) and the build logs the other as skipped.
COLLECTORS: list[Callable[[dt.date], Iterable[Charge]]] = [
    collect_recall_costs,
    collect_scrap,
    collect_repairs,
    collect_extra_shipments,
]


# --- the build ---


def _party_fields(charge: Charge) -> dict:
    return {"party_type": charge.party_type, "supplier": charge.supplier, "store": charge.store}


def _line_source(line: ChargebackLine) -> tuple:
    return source_key(line.kind, line.return_item_id, line.shipment_id)


def _recompute_total(statement: ChargebackStatement) -> None:
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
        source_key(kind, return_id, shipment_id): party_key
        for kind, return_id, shipment_id, party_key in ChargebackLine.objects.filter(
            statement__in=frozen_ids
        ).values_list("kind", "return_item_id", "shipment_id", "statement__party_key")
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
        _recompute_total(current)
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


# --- who hears about it ---


def party_users(statement: ChargebackStatement) -> list:
    """The people who answer for the party: its supplier's logins, its store's staff, finance for HQ."""
    from django.contrib.auth import get_user_model

    from aftersales.roles import Role

    users = get_user_model().objects.filter(is_active=True)
    if statement.party_type == PartyType.SUPPLIER:
        users = users.filter(groups__name=Role.SUPPLIER_USER, supplier_memberships__supplier=statement.supplier_id)
    elif statement.party_type == PartyType.STORE:
        users = users.filter(groups__name=Role.STORE_STAFF, store_memberships__store=statement.store_id)
    else:
        users = users.filter(groups__name=Role.FINANCE)
    return list(users.distinct().order_by("pk"))


def _notify(statement: ChargebackStatement, recipients: list, template: str, **context) -> None:
    from django.urls import reverse

    from aftersales.notifications import notify

    notify(
        recipients=recipients,
        kind=f"chargeback_{template}",
        template=f"chargeback_{template}",
        context={"statement": statement, **context},
        url=reverse("chargebacks:chargeback_detail", args=[statement.pk]),
        target=statement,
    )


# --- transitions ---


def _require_lines(row: ChargebackStatement) -> None:
    if not ChargebackLine.objects.filter(statement=row).exists():
        raise ValidationError(_("A statement without lines cannot be issued."))


def document_name(statement: ChargebackStatement, extension: str) -> str:
    return f"{statement.number}-v{statement.version}.{extension}"


@transaction.atomic
def chargeback_issue(*, statement: ChargebackStatement, user) -> ChargebackStatement:
    """Issue 开具 a draft statement (finance): freeze its lines and total at once, fire ``charge_back`` on the
    written-off units of its scrap and recall lines, tell the party, and queue its PDF and XLSX.

    The documents are rendered by a task once this transaction commits (``chargeback_documents_render``),
    never under the statement's lock; with tasks in-process (the default) that is still before the response.
    A statement without lines cannot be issued.
    """
    from cases.choices import ReturnState
    from cases.models import Return

    now = timezone.now()
    row = fire(statement, "issue", user=user, before=_require_lines, arguments={"by": user, "at": now}, payload={})
    _recompute_total(row)
    row.documents_status, row.documents_progress, row.documents_error = DocumentsStatus.QUEUED, 0, ""
    row.save(update_fields=["documents_status", "documents_progress", "documents_error", "updated_at"])
    # A written-off unit is charged back by its scrap line, or by its recall's line (never both).
    scrap_ids = list(
        ChargebackLine.objects.filter(
            statement=row,
            kind__in=[ChargebackLineKind.SCRAP, ChargebackLineKind.RECALL],
            return_item__state=ReturnState.WRITTEN_OFF,
        ).values_list("return_item_id", flat=True)
    )
    for unit in lock(Return, scrap_ids):
        fire(unit, "charge_back", user=None, locked=True, payload={"statement": row.pk})
    _notify(row, party_users(row), "issued")
    _enqueue_documents(row.pk)
    return row


# --- the documents, rendered by a task after issue (as a report run's build: ``reports.services``) ---


def _enqueue_documents(statement_id: int) -> None:
    from chargebacks.tasks import chargeback_documents_task

    transaction.on_commit(lambda: chargeback_documents_task.delay(statement_id))


def may_make_documents(statement: ChargebackStatement, user) -> bool:
    """Finance, and the service center's roles that read statements, may have the documents made again."""
    from aftersales.roles import has_role_permission, sees_everything

    return permissions.is_finance(statement, user) or (
        sees_everything(user) and has_role_permission(user, "chargebacks.view_chargebackstatement")
    )


def may_retry_documents(statement: ChargebackStatement, user) -> bool:
    """Failed documents, and a user who may have them made again (``may_make_documents``)."""
    return statement.documents_status == DocumentsStatus.FAILED and may_make_documents(statement, user)


def documents_missing(statement: ChargebackStatement) -> str | None:
    """Why a download of the statement's documents cannot be answered now (a 409's message), or None."""
    if statement.state == StatementState.DRAFT:
        return _("A draft has no documents yet; they are made when it is issued.")
    if statement.documents_ready:
        return None
    if statement.documents_status == DocumentsStatus.FAILED:
        return _("The documents could not be made; finance can make them again from the statement's page.")
    return _("The documents are being made; try again in a moment.")


def _set_documents_progress(statement_id: int, progress: int) -> None:
    # Committed at once (no surrounding transaction) so the page polling the statement sees it move.
    ChargebackStatement.objects.filter(pk=statement_id, documents_status=DocumentsStatus.RUNNING).update(
        documents_progress=min(progress, 99), updated_at=timezone.now()
    )


def _documents_start(statement_id: int) -> ChargebackStatement | None:
    """Mark the render running (another attempt), or None when there is nothing to render: the documents are
    done, the statement is gone, or it is a draft (never issued; nothing is frozen to print)."""
    with transaction.atomic():
        row = ChargebackStatement.objects.select_for_update().filter(pk=statement_id).first()
        if row is None or row.state == StatementState.DRAFT or row.documents_status == DocumentsStatus.DONE:
            return None
        ChargebackStatement.objects.filter(pk=row.pk).update(
            documents_status=DocumentsStatus.RUNNING,
            documents_attempts=row.documents_attempts + 1,
            documents_progress=0,
            updated_at=timezone.now(),
        )
        row.refresh_from_db()
        return row


def chargeback_documents_render(*, statement_id: int) -> str:
    """Render an issued statement's PDF and XLSX 生成扣款单文件 and store them with their SHA-256.

    Returns the documents' status. Documents already done are left as they are (a redelivered message,
    or a second render, changes nothing: the frozen checksums stay). Progress is committed as it goes;
    the files, their checksums and ``done`` are committed in one transaction under deterministic names
    (``document_name``), so a render cut short leaves no "done" without files and no second set of files.
    An error is raised for the task, which retries it with backoff and then marks the documents failed.
    """
    from chargebacks import documents

    row = _documents_start(statement_id)
    if row is None:
        return DocumentsStatus.DONE
    lines = documents.chargeback_lines(row)
    pdf_bytes = documents.chargeback_pdf(row, lines=lines)
    _set_documents_progress(row.pk, 50)
    xlsx_bytes = documents.chargeback_xlsx(row, lines=lines)
    _set_documents_progress(row.pk, 90)
    with transaction.atomic():
        locked = ChargebackStatement.objects.select_for_update().get(pk=row.pk)
        if locked.documents_status == DocumentsStatus.DONE:
            return DocumentsStatus.DONE
        locked.pdf_sha256 = store_document(locked, "pdf", document_name(locked, "pdf"), pdf_bytes)
        locked.xlsx_sha256 = store_document(locked, "xlsx", document_name(locked, "xlsx"), xlsx_bytes)
        locked.documents_status, locked.documents_progress, locked.documents_error = DocumentsStatus.DONE, 100, ""
        locked.documents_rendered_at = timezone.now()
        locked.save(
            update_fields=[
                "pdf", "pdf_sha256", "xlsx", "xlsx_sha256", "documents_status", "documents_progress",
                "documents_error", "documents_rendered_at", "updated_at",
            ]
        )  # fmt: skip
        log_event(
            locked,
            "documents_stored",
            user=None,
            payload={
                "pdf_sha256": locked.pdf_sha256,
                "xlsx_sha256": locked.xlsx_sha256,
                "attempts": locked.documents_attempts,
            },
        )
    return DocumentsStatus.DONE


def chargeback_documents_failed(*, statement_id: int, error: BaseException | str, final: bool) -> None:
    """Record a failed render for people to read: queued again while the task still retries it (``final``
    False), failed once it gives up, when finance or the center may retry it (``chargeback_documents_retry``)."""
    text = error_text(error)
    with transaction.atomic():
        row = ChargebackStatement.objects.select_for_update().filter(pk=statement_id).first()
        if row is None or row.documents_status == DocumentsStatus.DONE:
            return
        status = DocumentsStatus.FAILED if final else DocumentsStatus.QUEUED
        ChargebackStatement.objects.filter(pk=row.pk).update(
            documents_status=status, documents_error=text, documents_progress=0, updated_at=timezone.now()
        )
        if final:
            log_event(row, "documents_failed", user=None, payload={"error": text, "attempts": row.documents_attempts})


@transaction.atomic
def chargeback_documents_retry(*, statement: ChargebackStatement, user) -> ChargebackStatement:
    """Render the documents again after a failed render (重新生成): 409 unless they failed, 403 for anyone but
    finance and the service center; queued for the task once this transaction commits."""
    (row,) = lock(ChargebackStatement, [statement.pk])
    if row.documents_status != DocumentsStatus.FAILED:
        raise TransitionStateConflict(
            _("Only documents whose rendering failed can be made again; these are %(status)s.")
            % {"status": row.get_documents_status_display() or _("not made yet (a draft)")},
            transition="retry_documents",
        )
    if not may_make_documents(row, user):
        raise TransitionForbidden(
            _("Only finance or the service center may make the documents again."), transition="retry_documents"
        )
    previous_error = row.documents_error
    row.documents_status, row.documents_progress, row.documents_error = DocumentsStatus.QUEUED, 0, ""
    row.save(update_fields=["documents_status", "documents_progress", "documents_error", "updated_at"])
    log_event(row, "documents_retry", user=user, payload={"error": previous_error})
    _enqueue_documents(row.pk)
    return row


@transaction.atomic
def chargeback_acknowledge(*, statement: ChargebackStatement, user) -> ChargebackStatement:
    """The party acknowledges 确认 an issued statement (its supplier's or store's people; finance for HQ)."""
    row = fire(statement, "acknowledge", user=user, arguments={"by": user, "at": timezone.now()}, payload={})
    _notify(row, finance_users(), "acknowledged", actor=user)
    return row


@transaction.atomic
def chargeback_dispute(*, statement: ChargebackStatement, user, reason: str) -> ChargebackStatement:
    """The party disputes 异议 an issued statement, with a reason; finance revises it as a new version."""
    reason = (reason or "").strip()

    def check(row) -> None:
        if not reason:
            raise ValidationError({"reason": [_("Say why the statement is disputed.")]})

    row = fire(
        statement,
        "dispute",
        user=user,
        before=check,
        arguments={"reason": reason, "by": user, "at": timezone.now()},
        payload={"reason": reason},
    )
    _notify(row, finance_users(), "disputed", actor=user)
    return row


@transaction.atomic
def chargeback_settle(*, statement: ChargebackStatement, user, reference: str) -> ChargebackStatement:
    """Finance records the deduction 扣款 of an acknowledged statement with its reference (voucher number)."""
    reference = (reference or "").strip()

    def check(row) -> None:
        if not reference:
            raise ValidationError({"reference": [_("Enter the deduction reference.")]})
        if len(reference) > 100:
            raise ValidationError({"reference": [_("At most 100 characters.")]})

    return fire(
        statement,
        "settle",
        user=user,
        before=check,
        arguments={"reference": reference, "by": user, "at": timezone.now()},
        payload={"reference": reference},
    )


def may_revise(statement: ChargebackStatement, user) -> bool:
    """Finance revises a disputed statement once (the revision is the statement's next version)."""
    return (
        statement.state == StatementState.DISPUTED
        and permissions.is_finance(statement, user)
        and not hasattr(statement, "revision")
    )


@transaction.atomic
def chargeback_revise(*, statement: ChargebackStatement, user) -> ChargebackStatement:
    """Revise 修订 a disputed statement: a new draft version with the same number and a copy of its lines.

    The disputed statement and its stored documents stay as they are; the new version points at it
    (``previous``) and finance edits and issues it like any draft.
    """
    row = guard(
        statement,
        action="revise",
        user=user,
        states=[StatementState.DISPUTED],
        # A statement is revised once: its revision is a state of its own, so a 409 before the person is asked.
        related_state=lambda row: (
            _("This statement has already been revised.")
            if ChargebackStatement.objects.filter(previous=row).exists()
            else None
        ),
        permission=permissions.is_finance,
        forbidden=_("Only finance revises a statement."),
    )
    revision = ChargebackStatement(
        number=row.number,
        period=row.period,
        version=row.version + 1,
        previous=row,
        party_type=row.party_type,
        supplier=row.supplier,
        store=row.store,
        party_key=row.party_key,
        total=row.total,
    )
    revision.full_clean(exclude=["state"])
    revision.save()
    carried = list(ChargebackLine.objects.filter(statement=row, current=True).order_by("position", "id"))
    # The revision's copies become the charge; the disputed version's lines stay, no longer current.
    ChargebackLine.all_objects.filter(statement=row).update(current=False)
    ChargebackLine.objects.bulk_create(
        [
            ChargebackLine(
                statement=revision,
                kind=line.kind,
                return_item_id=line.return_item_id,
                shipment_id=line.shipment_id,
                description=line.description,
                style_no=line.style_no,
                production_year=line.production_year,
                amount=line.amount,
                built_amount=line.built_amount,
                adjustment_reason=line.adjustment_reason,
                position=line.position,
            )
            for line in carried
        ]
    )
    _recompute_total(revision)
    log_event(row, "revise", user=user, payload={"revision": revision.pk, "version": revision.version})
    log_event(revision, "build", user=user, payload={"revises": row.pk, "reason": row.dispute_reason})
    return revision


# --- finance's edits of a draft's lines ---


def _lock_draft_for_line(line: ChargebackLine, user, action: str) -> tuple[ChargebackStatement, ChargebackLine]:
    (statement,) = lock(ChargebackStatement, [line.statement_id])
    require_state(statement, [StatementState.DRAFT], action=action)
    try:
        fresh = ChargebackLine.objects.select_for_update().get(pk=line.pk, statement=statement)
    except ChargebackLine.DoesNotExist as error:
        raise TransitionStateConflict(_("The line is no longer on the statement."), transition=action) from error
    # Both conflicts (the statement's state, the line gone) before the person: fire's order.
    if not permissions.is_finance(statement, user):
        raise TransitionForbidden(_("Only finance edits a statement's lines."), transition=action)
    return statement, fresh


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason.")]})
    return reason


@transaction.atomic
def chargebackline_remove(*, line: ChargebackLine, user, reason: str) -> ChargebackStatement:
    """Take a line off a draft statement (finance), with a reason; the row stays, so a rebuild keeps it off."""
    statement, line = _lock_draft_for_line(line, user, "remove_line")
    reason = _require_reason(reason)
    line.removed_at, line.removed_by, line.removal_reason = timezone.now(), user, reason
    line.full_clean()
    line.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    _recompute_total(statement)
    log_event(
        statement,
        "remove_line",
        user=user,
        payload={"line": line.pk, "description": line.description, "amount": str(line.amount), "reason": reason},
    )
    return statement


@transaction.atomic
def chargebackline_adjust(*, line: ChargebackLine, user, amount: Decimal, reason: str) -> ChargebackStatement:
    """Change a draft line's amount (finance), with a reason; the built amount is kept beside it."""
    statement, line = _lock_draft_for_line(line, user, "adjust_line")
    reason = _require_reason(reason)
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValidationError({"amount": [_("Enter an amount in yuan, for example 125.50.")]})
    if amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(CENT):
        raise ValidationError({"amount": [_("Enter an amount from 0.00 with at most two decimal places.")]})
    before = line.amount
    if line.built_amount is None:
        line.built_amount = line.amount
    line.amount, line.adjustment_reason = money(amount), reason
    line.full_clean()
    line.save(update_fields=["amount", "built_amount", "adjustment_reason"])
    _recompute_total(statement)
    log_event(
        statement,
        "adjust_line",
        user=user,
        payload={"line": line.pk, "from": str(before), "to": str(line.amount), "reason": reason},
    )
    return statement
