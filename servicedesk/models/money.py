"""Money at the service desk (seeds 002, 004): refunds 退款, exchanges 换货, freight 运费 and compensation 补偿.

Every row belongs to one service case and is written by ``servicedesk.services.money``; amounts are
``Decimal`` CNY with two places, positive, bounded (an absurd figure is a typing mistake, not a refund).
A compensation is the only one with a lifecycle: above ``AFTERSALES_COMPENSATION_APPROVAL_THRESHOLD`` it waits
for QA (``approve`` / ``reject`` through ``aftersales.fsm.fire``), then it is ``give``-n.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import ScopedQuerySet, TimeStampedModel
from servicedesk import permissions
from servicedesk.choices import (
    CompensationKind,
    CompensationState,
    ExchangeReason,
    FreightDirection,
    FreightPayer,
    FreightReason,
    RefundMethod,
)

CENT = Decimal("0.01")
# The largest figure the desk accepts: a refund or a compensation of a million yuan is a typing mistake.
MAX_MONEY = Decimal("1000000.00")
MAX_NOTE = 500


class CaseMoneyQuerySet(ScopedQuerySet):
    """Money rows are seen by whoever sees their case (a store its store's cases, suppliers none)."""

    store_lookup = "service_case__store"


def _money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))], **kwargs
    )


class CaseMoney(TimeStampedModel):
    """What every money row has besides its case (``service_case``): the Return it is about, who recorded it."""

    # The case's linked Return this money is about; a supplier-fault Return charges the cost back to the supplier.
    return_item = models.ForeignKey(
        "cases.Return", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("return")
    )
    note = models.CharField(_("note"), max_length=MAX_NOTE, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    objects = CaseMoneyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-id"]


class Refund(CaseMoney):
    """退款: money paid back to the customer, by which method and on which day.

    ``paid_amount`` is what the customer paid by the receipt 购物凭证 when it is known: the case's refunds
    together never exceed it (the latest known figure on the case counts when a refund does not repeat it).
    """

    service_case = models.ForeignKey(
        "servicedesk.ServiceCase", on_delete=models.PROTECT, related_name="refunds", verbose_name=_("service case")
    )
    amount = _money_field(_("amount (CNY)"))
    method = models.CharField(_("method"), max_length=20, choices=RefundMethod.choices)
    paid_on = models.DateField(_("paid on"))
    paid_amount = _money_field(_("paid by the receipt (CNY)"), null=True, blank=True)
    reference = models.CharField(_("payment reference"), max_length=60, blank=True)

    class Meta(CaseMoney.Meta):
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        indexes = [models.Index(fields=["paid_on", "id"], name="refund_paid_on_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True) | Q(paid_amount__gte=models.F("amount")),
                name="refund_not_above_paid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount}"


class Exchange(CaseMoney):
    """换货: goods exchanged; free for a quality problem, a fee for a change of mind (seed 002: 换货费用)."""

    service_case = models.ForeignKey(
        "servicedesk.ServiceCase", on_delete=models.PROTECT, related_name="exchanges", verbose_name=_("service case")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ExchangeReason.choices)
    fee = _money_field(_("exchange fee (CNY)"), default=Decimal("0.00"))
    replacement = models.CharField(_("given in exchange"), max_length=200, blank=True)

    class Meta(CaseMoney.Meta):
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        constraints = [
            # A quality exchange never costs the customer anything.
            models.CheckConstraint(
                condition=~Q(reason=ExchangeReason.QUALITY) | Q(fee=0), name="exchange_quality_is_free"
            ),
            models.CheckConstraint(condition=Q(fee__gte=0), name="exchange_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.fee}"


def freight_payer(reason: str) -> str:
    """Who pays the freight 运费 (seed 004): the brand both ways for a repair under warranty and for a quality
    return or exchange; the customer for a change of mind and for a paid repair after the warranty."""
    return (
        FreightPayer.BRAND
        if reason in (FreightReason.WARRANTY_REPAIR, FreightReason.QUALITY)
        else (FreightPayer.CUSTOMER)
    )


class Freight(CaseMoney):
    """运费: one parcel between the customer and us, who pays it by the rule, and the customer's tracking number
    for goods sent in."""

    service_case = models.ForeignKey(
        "servicedesk.ServiceCase", on_delete=models.PROTECT, related_name="freights", verbose_name=_("service case")
    )
    direction = models.CharField(_("direction"), max_length=10, choices=FreightDirection.choices)
    reason = models.CharField(_("sent for"), max_length=20, choices=FreightReason.choices)
    payer = models.CharField(_("paid by"), max_length=10, choices=FreightPayer.choices, editable=False)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_no = models.CharField(_("tracking number"), max_length=60, blank=True)
    cost = _money_field(_("freight (CNY)"), null=True, blank=True)

    class Meta(CaseMoney.Meta):
        verbose_name = _("freight")
        verbose_name_plural = _("freight")
        constraints = [
            models.CheckConstraint(
                condition=~Q(direction=FreightDirection.INBOUND) | ~Q(tracking_no=""),
                name="freight_inbound_has_tracking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.tracking_no}"


class Compensation(ConcurrentTransitionMixin, CaseMoney):
    """补偿: a coupon, a gift, a product or money, with its value in CNY.

    ``approved`` at once at or below ``AFTERSALES_COMPENSATION_APPROVAL_THRESHOLD``; above it ``proposed``
    until QA fires ``approve`` or ``reject``. An approved one is ``give``-n to the customer; a proposed one
    cannot be (409).
    """

    service_case = models.ForeignKey(
        "servicedesk.ServiceCase", on_delete=models.PROTECT, related_name="compensations",
        verbose_name=_("service case"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=10, choices=CompensationKind.choices)
    amount = _money_field(_("value (CNY)"))
    state = FSMField(
        _("state"), max_length=10, choices=CompensationState.choices, default=CompensationState.PROPOSED,
        protected=True,
    )  # fmt: skip
    # The threshold in force when it was recorded, so the page can say why it needed approval.
    threshold = _money_field(_("approval threshold (CNY)"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved or rejected by"), help_text=_("Empty when it was approved at once."),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=MAX_NOTE, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("given by"),
    )  # fmt: skip
    given_at = models.DateTimeField(_("given at"), null=True, blank=True)

    class Meta(CaseMoney.Meta):
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        indexes = [
            models.Index(fields=["state", "id"], name="compensation_state_idx"),
            models.Index(fields=["given_at", "id"], name="compensation_given_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="compensation_amount_positive"),
            # Nothing above the threshold is given unless QA approved it.
            models.CheckConstraint(
                condition=~Q(state=CompensationState.GIVEN)
                | Q(amount__lte=models.F("threshold"))
                | Q(decided_by__isnull=False),
                name="compensation_above_threshold_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def needs_approval(self) -> bool:
        return self.amount > self.threshold

    @transition(field=state, source=CompensationState.PROPOSED, target=CompensationState.APPROVED,
                permission=permissions.may_approve_compensation)  # fmt: skip
    def approve(self, by, at: dt.datetime, note: str = "") -> None:
        self.decided_by, self.decided_at, self.decision_note = by, at, note

    @transition(field=state, source=CompensationState.PROPOSED, target=CompensationState.REJECTED,
                permission=permissions.may_approve_compensation)  # fmt: skip
    def reject(self, by, at: dt.datetime, note: str) -> None:
        self.decided_by, self.decided_at, self.decision_note = by, at, note

    @transition(field=state, source=CompensationState.APPROVED, target=CompensationState.GIVEN,
                permission=permissions.may_give_compensation)  # fmt: skip
    def give(self, by, at: dt.datetime) -> None:
        self.given_by, self.given_at = by, at
