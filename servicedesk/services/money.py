"""Every write of money at the service desk (seeds 002, 004): refunds, exchanges, freight and compensation.

Who: whoever handles the case (the hotline, or the staff of the store that logged an in-store case) records
money while the case runs (open, in progress or resolved; a closed or cancelled case's money is final, 409).
QA (``qa_manager``) approves or rejects a compensation above the threshold. Refusals follow ``aftersales.fsm``
(409, then 403, then 400) and a refused call changes nothing: each service is one transaction, the case's row
locked first so two refunds of one case are checked against the paid amount one after the other.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.fsm import Guard, fire, log_event
from aftersales.notifications import notify
from aftersales.roles import Role
from aftersales.validation import reject_nul_bytes
from servicedesk import permissions
from servicedesk.choices import (
    CASE_OPEN_STATES,
    CompensationKind,
    CompensationState,
    ExchangeReason,
    FreightDirection,
    FreightReason,
    RefundMethod,
)
from servicedesk.models import MAX_MONEY, Compensation, Exchange, Freight, Refund, ServiceCase, freight_payer
from servicedesk.models.money import MAX_NOTE

CENT = Decimal("0.01")

# Recording money on a case: whoever handles it, while it runs.
SERVICECASE_MONEY = Guard(
    "money",
    states=CASE_OPEN_STATES,
    permission=permissions.may_handle,
    forbidden=gettext_lazy("You may not record money on this case."),
    conflict=gettext_lazy("The case is “%(state)s”: its money is final."),
)


def compensation_threshold() -> Decimal:
    return Decimal(settings.AFTERSALES_COMPENSATION_APPROVAL_THRESHOLD).quantize(CENT)


def money_error(value: Any, *, allow_zero: bool = False, maximum: Decimal = MAX_MONEY) -> tuple[Decimal | None, str]:
    """``value`` as CNY with two places, or the reason it is not one (negative, zero, absurd, over two decimals)."""
    if isinstance(value, bool) or value is None or value == "":
        return None, _("Enter an amount in CNY.")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None, _("Enter an amount in CNY, such as 128.50.")
    if not number.is_finite():
        return None, _("Enter an amount in CNY, such as 128.50.")
    if number.as_tuple().exponent < -2 and number != number.quantize(CENT):
        return None, _("At most two decimal places.")
    if number < 0 or (number == 0 and not allow_zero):
        return None, _("Enter an amount above zero.") if not allow_zero else _("The amount cannot be negative.")
    if number > maximum:
        return None, _("At most %(maximum)s CNY.") % {"maximum": f"{maximum:,.2f}"}
    return number.quantize(CENT), ""


def _amount(errors: dict, field: str, value: Any, **kwargs) -> Decimal | None:
    number, problem = money_error(value, **kwargs)
    if problem:
        errors[field] = [problem]
    return number


def _text(errors: dict, field: str, value: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [_("At most %(limit)s characters.") % {"limit": limit}]
    return value


def _linked_return(errors: dict, case: ServiceCase, return_item):
    """The Return the money is about must be one of the case's linked Returns."""
    if return_item is None:
        return None
    return_id = getattr(return_item, "pk", return_item)
    found = case.returns.filter(pk=return_id).first()
    if found is None:
        errors["return"] = [_("Choose one of the case's linked Returns.")]
    return found


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- refunds 退款 ---


def known_paid_amount(case: ServiceCase, return_item=None) -> Decimal | None:
    """What the customer paid by the receipt, as the case's latest refund recorded it (for that Return), or None."""
    refunds = Refund.objects.filter(service_case=case, paid_amount__isnull=False)
    if return_item is not None:
        refunds = refunds.filter(return_item=return_item)
    return refunds.order_by("-id").values_list("paid_amount", flat=True).first()


@transaction.atomic
def refund_record(
    *,
    user,
    case: ServiceCase,
    amount: Any,
    method: str,
    paid_on: dt.date | None = None,
    paid_amount: Any = None,
    return_item=None,
    reference: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Refund:
    """Record a refund 退款: amount, method (原路退回, cash, bank card, e-payment), the day it was paid.

    Refused: an amount that is not positive CNY with two places or is absurd; a day in the future; and, when
    the receipt's amount is known (given now, or recorded on an earlier refund of the case), refunds above it
    together.
    """
    now = now or timezone.now()
    row = SERVICECASE_MONEY(case, user=user)
    reject_nul_bytes(reference=reference or "", note=note or "")
    errors: dict[str, list[str]] = {}
    value = _amount(errors, "amount", amount)
    if method not in RefundMethod.values:
        errors["method"] = [_("Choose how the money was refunded.")]
    paid_on = paid_on or timezone.localdate(now)
    if paid_on > timezone.localdate(now):
        errors["paid_on"] = [_("The refund cannot be paid in the future.")]
    paid = _amount(errors, "paid_amount", paid_amount) if paid_amount not in (None, "") else None
    reference = _text(errors, "reference", reference, 60)
    note = _text(errors, "note", note, MAX_NOTE)
    linked = _linked_return(errors, row, return_item)
    if value is not None and "paid_amount" not in errors and "return" not in errors:
        ceiling = paid if paid is not None else known_paid_amount(row, linked)
        if ceiling is not None:
            earlier = Refund.objects.filter(service_case=row)
            if linked is not None:
                earlier = earlier.filter(return_item=linked)
            refunded = earlier.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
            if refunded + value > ceiling:
                errors["amount"] = [
                    _("Refunds cannot exceed what the customer paid (%(paid)s CNY; %(refunded)s CNY refunded already).")
                    % {"paid": ceiling, "refunded": refunded}
                ]
            paid = ceiling
    _raise(errors)
    refund = Refund(
        service_case=row, amount=value, method=method, paid_on=paid_on, paid_amount=paid, return_item=linked,
        reference=reference, note=note, recorded_by=user,
    )  # fmt: skip
    refund.full_clean()
    refund.save()
    log_event(
        row, "refund", user=user,
        payload={"refund": refund.pk, "amount": value, "method": method, "paid_on": paid_on},
    )  # fmt: skip
    return refund


# --- exchanges 换货 ---


@transaction.atomic
def exchange_record(
    *,
    user,
    case: ServiceCase,
    reason: str,
    fee: Any = None,
    replacement: str = "",
    return_item=None,
    note: str = "",
) -> Exchange:
    """Record an exchange 换货: free for a quality problem; a change of mind may cost a fee (seed 002)."""
    row = SERVICECASE_MONEY(case, user=user)
    reject_nul_bytes(replacement=replacement or "", note=note or "")
    errors: dict[str, list[str]] = {}
    if reason not in ExchangeReason.values:
        errors["reason"] = [_("Choose why the goods are exchanged.")]
    value = Decimal("0.00") if fee in (None, "") else _amount(errors, "fee", fee, allow_zero=True)
    if reason == ExchangeReason.QUALITY and value:
        errors["fee"] = [_("An exchange for a quality problem is free.")]
    replacement = _text(errors, "replacement", replacement, 200)
    note = _text(errors, "note", note, MAX_NOTE)
    linked = _linked_return(errors, row, return_item)
    _raise(errors)
    exchange = Exchange(
        service_case=row, reason=reason, fee=value, replacement=replacement, return_item=linked, note=note,
        recorded_by=user,
    )  # fmt: skip
    exchange.full_clean()
    exchange.save()
    log_event(row, "exchange", user=user, payload={"exchange": exchange.pk, "reason": reason, "fee": value})
    return exchange


# --- freight 运费 ---


@transaction.atomic
def freight_record(
    *,
    user,
    case: ServiceCase,
    direction: str,
    reason: str,
    tracking_no: str = "",
    carrier: str = "",
    cost: Any = None,
    return_item=None,
    note: str = "",
) -> Freight:
    """Record a parcel's freight 运费; who pays follows the rule (``freight_payer``), never the clerk's choice.

    Goods the customer sends in need the customer's tracking number.
    """
    row = SERVICECASE_MONEY(case, user=user)
    reject_nul_bytes(tracking_no=tracking_no or "", carrier=carrier or "", note=note or "")
    errors: dict[str, list[str]] = {}
    if direction not in FreightDirection.values:
        errors["direction"] = [_("Choose which way the parcel goes.")]
    if reason not in FreightReason.values:
        errors["reason"] = [_("Choose what the parcel is sent for.")]
    tracking_no = _text(errors, "tracking_no", tracking_no, 60, required=direction == FreightDirection.INBOUND)
    carrier = _text(errors, "carrier", carrier, 60)
    value = None if cost in (None, "") else _amount(errors, "cost", cost, allow_zero=True, maximum=Decimal("10000"))
    note = _text(errors, "note", note, MAX_NOTE)
    linked = _linked_return(errors, row, return_item)
    _raise(errors)
    freight = Freight(
        service_case=row, direction=direction, reason=reason, payer=freight_payer(reason), tracking_no=tracking_no,
        carrier=carrier, cost=value, return_item=linked, note=note, recorded_by=user,
    )  # fmt: skip
    freight.full_clean()
    freight.save()
    log_event(
        row, "freight", user=user,
        payload={"freight": freight.pk, "direction": direction, "reason": reason, "payer": freight.payer,
                 "tracking_no": tracking_no, "cost": value},
    )  # fmt: skip
    return freight


# --- compensation 补偿 ---


@transaction.atomic
def compensation_propose(
    *,
    user,
    case: ServiceCase,
    kind: str,
    amount: Any,
    note: str = "",
    return_item=None,
    now: dt.datetime | None = None,
) -> Compensation:
    """Record a compensation 补偿 (coupon, gift, product or money, with its value in CNY).

    At or below ``AFTERSALES_COMPENSATION_APPROVAL_THRESHOLD`` it is approved at once; above it, it waits
    for QA, who hear of it at once (their inbox, and the home page's tile).
    """
    now = now or timezone.now()
    row = SERVICECASE_MONEY(case, user=user)
    reject_nul_bytes(note=note or "")
    errors: dict[str, list[str]] = {}
    if kind not in CompensationKind.values:
        errors["kind"] = [_("Choose what the compensation is.")]
    value = _amount(errors, "amount", amount)
    note = _text(errors, "note", note, MAX_NOTE)
    linked = _linked_return(errors, row, return_item)
    _raise(errors)
    threshold = compensation_threshold()
    at_once = value <= threshold
    compensation = Compensation(
        service_case=row, kind=kind, amount=value, note=note, return_item=linked, recorded_by=user,
        threshold=threshold, state=CompensationState.APPROVED if at_once else CompensationState.PROPOSED,
        decided_at=now if at_once else None,
    )  # fmt: skip
    compensation.full_clean(exclude=["state"])
    compensation.save()
    payload = {"compensation": compensation.pk, "kind": kind, "amount": value, "threshold": threshold}
    log_event(compensation, "propose", user=user, payload=payload)
    log_event(row, "compensation", user=user, payload={**payload, "state": compensation.state})
    if not at_once:
        recipients = get_user_model().objects.filter(is_active=True, groups__name=Role.QA_MANAGER).order_by("pk")
        notify(
            recipients=recipients,
            kind="compensation_proposed",
            template="compensation_proposed",
            context={"case": row, "compensation": compensation},
            url=reverse("servicedesk:servicecase_detail", args=[row.pk]),
            target=compensation,
        )
    return compensation


@transaction.atomic
def compensation_approve(*, user, compensation: Compensation, note: str = "", now=None) -> Compensation:
    """QA approves a compensation above the threshold 补偿审批; approving twice is a 409."""
    now = now or timezone.now()

    def check(_row) -> None:
        reject_nul_bytes(note=note or "")
        errors: dict[str, list[str]] = {}
        _text(errors, "note", note, MAX_NOTE)
        _raise(errors)

    row = fire(
        compensation, "approve", user=user, before=check,
        arguments={"by": user, "at": now, "note": (note or "").strip()}, payload={"note": (note or "").strip()},
    )  # fmt: skip
    log_event(row.service_case, "compensation_approve", user=user, payload={"compensation": row.pk})
    return row


@transaction.atomic
def compensation_reject(*, user, compensation: Compensation, reason: str, now=None) -> Compensation:
    """QA rejects a compensation above the threshold, with the reason; it is never given."""
    now = now or timezone.now()

    def check(_row) -> None:
        reject_nul_bytes(reason=reason or "")
        errors: dict[str, list[str]] = {}
        _text(errors, "reason", reason, MAX_NOTE, required=True)
        _raise(errors)

    row = fire(
        compensation, "reject", user=user, before=check,
        arguments={"by": user, "at": now, "note": (reason or "").strip()}, payload={"reason": (reason or "").strip()},
    )  # fmt: skip
    log_event(row.service_case, "compensation_reject", user=user, payload={"compensation": row.pk})
    return row


@transaction.atomic
def compensation_give(*, user, compensation: Compensation, now=None) -> Compensation:
    """The approved compensation handed to the customer 已发放; one waiting for QA cannot be (409)."""
    now = now or timezone.now()
    row = fire(compensation, "give", user=user, arguments={"by": user, "at": now}, payload={})
    log_event(row.service_case, "compensation_give", user=user, payload={"compensation": row.pk})
    return row
