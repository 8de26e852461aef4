"""Paid repair past the warranty 保修期外有偿维修 (seed 004: 保修期外按实际成本收费，具体费用提前与客户沟通确认).

A ``repairable`` unit that came back out of warranty, in a category whose warranty policy 三包政策 offers paid
repair, opens its repair ticket as a quote to prepare (``quoting``). The technician quotes the parts and the
labour (``quote``); the quote is at cost, as the seed says: each part at its unit cost, the labour minutes at the
ticket's labour rate (``AFTERSALES_LABOUR_RATE_PER_HOUR``, frozen on the ticket when it opened). The hotline or
the staff of the Return's store then record the customer's answer: ``accept_quote`` (who, when, by which
channel, and the amount they accepted, which must be the quote's total) lets the repair take parts from stock,
and that amount is what the customer pays; ``refuse_quote`` closes the ticket and sends the unit back to the
store unrepaired (the Return's ``return_unrepaired``). Until the customer accepts, no part leaves stock
(``repairs.services.REPAIRTICKET_UPDATE`` answers 409). ``record_payment`` notes when and how the customer paid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.fsm import Guard, fire, log_event
from aftersales.validation import reject_nul_bytes
from cases.services import out_of_warranty
from repairs.models import (
    MAX_LABOUR_MINUTES,
    MAX_QUOTE_TOTAL,
    MAX_STOCK,
    QuoteAnswer,
    QuoteChannel,
    RepairPaymentMethod,
    RepairTicket,
    RepairTicketState,
    SparePart,
    answers_for_customer,
)

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def paid_repair_problem(return_item) -> str | None:
    """Why the unit is not a paid repair (in warranty, or its category offers none), or None when it is.

    The warranty is judged on the day the store logged the unit (when the customer brought it back), and the
    category's policy as it is now: a category that stopped offering paid repair takes no new acceptance.
    """
    category = return_item.style.category
    if not category.paid_repair_offered:
        return _("The category %(category)s offers no paid repair past the warranty.") % {"category": category.name}
    logged_on = timezone.localdate(return_item.created_at)
    if not out_of_warranty(style=return_item.style, purchase_date=return_item.purchase_date, today=logged_on):
        return _("The unit was within its %(months)s-month warranty when it came back: its repair is free.") % {
            "months": category.warranty_months
        }
    return None


def opens_as_quote(return_item) -> bool:
    """A repair ticket opens as a quote when the store offered paid repair at logging and it still applies."""
    return bool(return_item.paid_repair) and paid_repair_problem(return_item) is None


def labour_amount(minutes: int, rate_per_hour: Decimal) -> Decimal:
    return money(Decimal(minutes) * rate_per_hour / 60)


def _quote_errors(parts: Sequence[tuple[SparePart, int]], labour_minutes: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if labour_minutes is None or not 0 <= labour_minutes <= MAX_LABOUR_MINUTES:
        errors["labour_minutes"] = [_("Enter minutes between 0 and %(max)s.") % {"max": MAX_LABOUR_MINUTES}]
    if any(not 0 < quantity <= MAX_STOCK for _part, quantity in parts):
        errors["parts"] = [_("Quantities are whole numbers from 1 to %(max)s.") % {"max": MAX_STOCK}]
    elif len({part.pk for part, _quantity in parts}) != len(parts):
        errors["parts"] = [_("List each part once.")]
    elif not parts and not labour_minutes:
        errors["parts"] = [_("A quote names the parts or the labour the repair needs.")]
    return errors


@transaction.atomic
def repairticket_quote(
    *, user, ticket: RepairTicket, parts: Sequence[tuple[SparePart, int]], labour_minutes: int, note: str = ""
) -> RepairTicket:
    """The technician quotes a paid repair 报价: parts at their unit cost and labour at the ticket's rate, the
    total; nothing leaves stock. A quote not yet answered may be revised (the customer accepts an amount, so a
    revision the customer has not heard cannot be accepted by mistake)."""
    now = timezone.now()
    lines: list[dict] = []

    def check(row: RepairTicket) -> None:
        reject_nul_bytes(note=note)
        errors = _quote_errors(parts, labour_minutes)
        if errors:
            raise ValidationError(errors)
        problem = paid_repair_problem(row.return_item)
        if problem:
            raise ValidationError({"quote": [problem]})
        for part, quantity in sorted(parts, key=lambda pair: pair[0].part_no):
            lines.append(
                {
                    "part_no": part.part_no,
                    "name": part.name,
                    "unit": part.unit,
                    "quantity": quantity,
                    "unit_price": str(part.unit_cost),
                    "amount": str(money(part.unit_cost * quantity)),
                }
            )
        parts_amount = sum((Decimal(line["amount"]) for line in lines), Decimal("0"))
        labour = labour_amount(labour_minutes, row.labour_rate)
        total = parts_amount + labour
        if total > MAX_QUOTE_TOTAL:
            raise ValidationError(
                {
                    "quote_total": [
                        _("A quote of CNY %(total)s is more than CNY %(max)s: check the quantities and minutes.")
                        % {"total": total, "max": MAX_QUOTE_TOTAL}
                    ]
                }
            )
        row.quote_parts = lines
        row.quote_labour_minutes = labour_minutes
        row.quote_parts_amount = parts_amount
        row.quote_labour_amount = labour
        row.quote_total = total
        row.quote_note = note.strip()

    return fire(
        ticket,
        "quote",
        user=user,
        before=check,
        arguments={"by": user, "at": now},
        payload={"parts": lines, "labour_minutes": labour_minutes, "note": note},
    )


def _answer_errors(
    row: RepairTicket, *, name: str, channel: str, answered_at: dt.datetime, now: dt.datetime
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Say who answered for the customer.")]
    if channel not in QuoteChannel.values:
        errors["channel"] = [
            _("Choose how the customer answered: %(choices)s.") % {"choices": ", ".join(QuoteChannel.values)}
        ]
    if answered_at > now:
        errors["answered_at"] = [_("The customer's answer cannot be in the future.")]
    elif row.quoted_at and answered_at < row.quoted_at:
        errors["answered_at"] = [_("The customer cannot have answered before the quote was made.")]
    return errors


@transaction.atomic
def repairticket_accept_quote(
    *,
    user,
    ticket: RepairTicket,
    amount: Decimal | None,
    name: str,
    channel: str,
    answered_at: dt.datetime | None = None,
    note: str = "",
) -> RepairTicket:
    """Record that the customer accepted the quote (the hotline, or the staff of the Return's store): who, when,
    by which channel, and the amount, which must be the quote's total. The repair may now take parts from stock;
    the amount is what the customer pays."""
    now = timezone.now()
    at = answered_at or now

    def check(row: RepairTicket) -> None:
        reject_nul_bytes(name=name, note=note)
        problem = paid_repair_problem(row.return_item)
        if problem:
            raise ValidationError({"quote": [problem]})
        errors = _answer_errors(row, name=name, channel=channel, answered_at=at, now=now)
        if amount is None or amount != row.quote_total:
            errors["amount"] = [
                _("The quote is CNY %(total)s: record the amount the customer accepted, which must be that total.")
                % {"total": row.quote_total}
            ]
        if errors:
            raise ValidationError(errors)

    return fire(
        ticket,
        "accept_quote",
        user=user,
        before=check,
        arguments={"by": user, "at": at, "name": name.strip(), "channel": channel, "note": note.strip()},
        payload={"amount": amount, "name": name, "channel": channel, "answered_at": at, "note": note},
    )


@transaction.atomic
def repairticket_refuse_quote(
    *,
    user,
    ticket: RepairTicket,
    name: str,
    channel: str,
    answered_at: dt.datetime | None = None,
    note: str = "",
) -> RepairTicket:
    """Record that the customer declined the paid repair: the ticket closes and the unit goes back to the store
    unrepaired (the Return's ``return_unrepaired``: ready to return, on the next parcel to the store)."""
    now = timezone.now()
    at = answered_at or now

    def check(row: RepairTicket) -> None:
        reject_nul_bytes(name=name, note=note)
        errors = _answer_errors(row, name=name, channel=channel, answered_at=at, now=now)
        if errors:
            raise ValidationError(errors)

    row = fire(
        ticket,
        "refuse_quote",
        user=user,
        before=check,
        arguments={"by": user, "at": at, "name": name.strip(), "channel": channel, "note": note.strip()},
        payload={"name": name, "channel": channel, "answered_at": at, "note": note},
    )
    fire(row.return_item, "return_unrepaired", user=user, payload={"repair_ticket": row.pk, "note": note})
    return row


def _payment_conflict(ticket: RepairTicket) -> str | None:
    if ticket.customer_answer != QuoteAnswer.ACCEPTED:
        return _("There is no accepted paid-repair quote on this ticket: nothing to pay.")
    if ticket.paid_at is not None:
        return _("The customer's payment is recorded already.")
    return None


# The customer pays the accepted amount where they collect the unit, or to the hotline online.
REPAIRTICKET_PAYMENT = Guard(
    "record_payment",
    states=[RepairTicketState.OPEN, RepairTicketState.COMPLETED],
    related_state=_payment_conflict,
    permission=answers_for_customer,
    forbidden=gettext_lazy("Only the hotline or the staff of the Return's store record the customer's payment."),
)


@transaction.atomic
def repairticket_record_payment(
    *, user, ticket: RepairTicket, method: str, paid_at: dt.datetime | None = None
) -> RepairTicket:
    """Record that the customer paid the accepted amount, when and how; once."""
    now = timezone.now()
    row = REPAIRTICKET_PAYMENT(ticket, user=user)
    at = paid_at or now
    errors: dict[str, list[str]] = {}
    if method not in RepairPaymentMethod.values:
        errors["method"] = [
            _("Choose how the customer paid: %(choices)s.") % {"choices": ", ".join(RepairPaymentMethod.values)}
        ]
    if at > now:
        errors["paid_at"] = [_("The payment cannot be in the future.")]
    elif row.answered_at and at < row.answered_at:
        errors["paid_at"] = [_("The customer cannot have paid before accepting the quote.")]
    if errors:
        raise ValidationError(errors)
    row.paid_at = at
    row.payment_method = method
    row.payment_recorded_by = user
    row.full_clean(exclude=["state"])
    row.save()
    log_event(row, "record_payment", user=user, payload={"amount": row.accepted_amount, "method": method, "at": at})
    return row
