"""A statement's life after the build: issue (lines and total frozen), the party's answer, settlement, revision
of a disputed statement, and finance's edits of a draft's lines; who hears of each."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.fsm import TransitionForbidden, TransitionStateConflict, fire, guard, lock, log_event, require_state
from chargebacks import permissions
from chargebacks.choices import ChargebackLineKind, DocumentsStatus, StatementState
from chargebacks.models import ChargebackLine, ChargebackStatement
from chargebacks.services.build import CENT, MAX_AMOUNT, money, recompute_total
from chargebacks.services.documents import documents_enqueue
from writeoffs.choices import PartyType
from writeoffs.services import finance_users

logger = logging.getLogger(__name__)


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
    recompute_total(row)
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
    documents_enqueue(row.pk)
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
                refund_id=line.refund_id,
                compensation_id=line.compensation_id,
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
    recompute_total(revision)
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
    recompute_total(statement)
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
    recompute_total(statement)
    log_event(
        statement,
        "adjust_line",
        user=user,
        payload={"line": line.pk, "from": str(before), "to": str(line.amount), "reason": reason},
    )
    return statement
