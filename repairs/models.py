"""Spare parts 备件, their stock at the service center and at each store or repair point, the one ledger of every
movement 备件台账, and stocktakes 清点."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import ScopedQuerySet, TimeStampedModel
from cases.models import Return
from cases.permissions import is_technician, speaks_for_customer


def answers_for_customer(ticket, user) -> bool:
    """Who records the customer's answer to a quote: the hotline, or the staff of the Return's store."""
    return speaks_for_customer(ticket.return_item, user)


MAX_STOCK = 10_000_000
MAX_LABOUR_MINUTES = 100_000


# A part needs reordering once its stock is down to the reorder level.
NEEDS_REORDER = Q(stock_quantity__lte=F("reorder_level"))


class SparePartQuerySet(ScopedQuerySet):
    """Only service-center roles see spare parts (no store or supplier scope reaches them)."""

    def below_reorder_level(self) -> SparePartQuerySet:
        return self.filter(NEEDS_REORDER)


class SparePart(TimeStampedModel):
    """A spare part 备件 (buttons, zips, linings…) consumed by repairs at its unit cost."""

    part_no = models.CharField(_("part number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, default="个")
    unit_cost = models.DecimalField(
        _("unit cost (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    # Explicit bounds keep the API schema the same on every database.
    stock_quantity = models.PositiveIntegerField(
        _("stock on hand"), default=0, validators=[MaxValueValidator(MAX_STOCK)]
    )
    reorder_level = models.PositiveIntegerField(
        _("reorder level"), default=0, validators=[MaxValueValidator(MAX_STOCK)]
    )
    active = models.BooleanField(_("active"), default=True)

    objects = SparePartQuerySet.as_manager()

    class Meta:
        ordering = ["part_no"]
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")
        constraints = [
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="sparepart_unit_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.part_no} {self.name}"

    @property
    def needs_reorder(self) -> bool:
        return self.stock_quantity <= self.reorder_level


class RepairTicketState(models.TextChoices):
    # A paid repair past the warranty 保修期外有偿维修 opens as a quote and waits for the customer's answer.
    QUOTING = "quoting", _("Quote to prepare")
    QUOTED = "quoted", _("Waiting for the customer's answer")
    OPEN = "open", _("In repair")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused by the customer")


class QuoteChannel(models.TextChoices):
    """How the customer gave their answer to a paid-repair quote."""

    PHONE = "phone", _("Phone")
    IN_STORE = "in_store", _("In store")
    ONLINE = "online", _("Online")
    WECHAT = "wechat", _("WeChat")


class QuoteAnswer(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class RepairPaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK_CARD = "bank_card", _("Bank card")
    E_PAYMENT = "e_payment", _("E-payment")


# A paid-repair quote above this is a typing error, not a garment repair (CNY).
MAX_QUOTE_TOTAL = Decimal("20000.00")


class RepairTicketQuerySet(ScopedQuerySet):
    """Scoped through its Return, like the inspection report."""

    def visible_to(self, user):
        return self.filter(return_item__in=Return.objects.visible_to(user).values("pk"))


class RepairTicket(ConcurrentTransitionMixin, TimeStampedModel):
    """A repair ticket 维修单: the work, spare parts and labour that repaired one Return.

    Opened by a ``repairable`` verdict. Parts are consumed from stock through
    the ledger; labour is charged at the labour rate in force when the ticket
    opened. Quality control after repair decides: a fail keeps the unit in
    repair, a pass lets ``complete`` fire the Return's ``complete_repair``.
    """

    return_item = models.OneToOneField(
        "cases.Return", on_delete=models.PROTECT, related_name="repair_ticket", verbose_name=_("return")
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("technician")
    )
    state = FSMField(
        _("state"), max_length=20, choices=RepairTicketState.choices, default=RepairTicketState.OPEN, protected=True
    )
    work_done = models.TextField(_("work done"), max_length=4000, blank=True)
    labour_minutes = models.PositiveIntegerField(
        _("labour (minutes)"), default=0, validators=[MaxValueValidator(MAX_LABOUR_MINUTES)]
    )
    labour_rate = models.DecimalField(
        _("labour rate (CNY per hour)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    parts_cost = models.DecimalField(_("parts cost (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    labour_cost = models.DecimalField(_("labour cost (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    total_cost = models.DecimalField(_("total cost (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    qc_passed = models.BooleanField(_("quality check passed"), null=True, blank=True)
    qc_notes = models.TextField(_("quality check notes"), max_length=2000, blank=True)
    qc_checked_at = models.DateTimeField(_("quality checked at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # --- paid repair past the warranty 保修期外有偿维修 (seed 004): the quote, the customer's answer, the payment ---
    paid = models.BooleanField(
        _("paid repair"),
        default=False,
        help_text=_("Out of warranty in a category that offers paid repair: the customer pays the accepted quote."),
    )
    # The quote as the customer was told it, frozen: [{"part_no", "name", "quantity", "unit_price", "amount"}].
    quote_parts = models.JSONField(_("quoted parts"), default=list, blank=True)
    quote_labour_minutes = models.PositiveIntegerField(
        _("quoted labour (minutes)"), null=True, blank=True, validators=[MaxValueValidator(MAX_LABOUR_MINUTES)]
    )
    quote_parts_amount = models.DecimalField(
        _("quoted parts (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    quote_labour_amount = models.DecimalField(
        _("quoted labour (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    quote_total = models.DecimalField(
        _("quote total (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_QUOTE_TOTAL)],
    )
    quote_note = models.TextField(_("what the repair will do"), max_length=2000, blank=True)
    quoted_at = models.DateTimeField(_("quoted at"), null=True, blank=True)
    quoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quoted by"),
    )
    customer_answer = models.CharField(_("customer's answer"), max_length=10, choices=QuoteAnswer.choices, blank=True)
    answered_by_name = models.CharField(_("answered by (customer)"), max_length=60, blank=True)
    answer_channel = models.CharField(_("answered by way of"), max_length=10, choices=QuoteChannel.choices, blank=True)
    answered_at = models.DateTimeField(_("customer answered at"), null=True, blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer recorded by"),
    )
    answer_note = models.TextField(_("note on the answer"), max_length=2000, blank=True)
    accepted_amount = models.DecimalField(
        _("amount the customer pays (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_QUOTE_TOTAL)],
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=RepairPaymentMethod.choices, blank=True
    )
    payment_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payment recorded by"),
    )

    objects = RepairTicketQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("repair ticket")
        verbose_name_plural = _("repair tickets")
        indexes = [models.Index(fields=["state", "-id"], name="repairticket_state_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(total_cost__gte=0), name="repairticket_total_not_negative"),
            # Only a paid repair has a quote, and only an accepted one an amount to pay.
            models.CheckConstraint(
                condition=Q(paid=True) | Q(quote_total__isnull=True, accepted_amount__isnull=True),
                name="repairticket_quote_only_when_paid",
            ),
            models.CheckConstraint(
                condition=Q(accepted_amount__isnull=True) | Q(accepted_amount__gte=0, customer_answer="accepted"),
                name="repairticket_amount_only_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.return_item}"

    @transition(field=state, source=RepairTicketState.OPEN, target=RepairTicketState.COMPLETED,
                conditions=[lambda ticket: ticket.qc_passed is True], permission=is_technician)  # fmt: skip
    def complete(self, at) -> None:
        """Close the ticket once quality control passed (fires the Return's ``complete_repair``)."""
        self.completed_at = at

    # A quote may be revised until the customer answers; the answer names the amount it accepts.
    @transition(field=state, source=[RepairTicketState.QUOTING, RepairTicketState.QUOTED],
                target=RepairTicketState.QUOTED, permission=is_technician)  # fmt: skip
    def quote(self, by, at) -> None:
        """The technician's quote 报价 of a paid repair: parts and labour at cost, the total (set by the service)."""
        self.quoted_by = by
        self.quoted_at = at

    @transition(field=state, source=RepairTicketState.QUOTED, target=RepairTicketState.OPEN,
                permission=answers_for_customer)  # fmt: skip
    def accept_quote(self, by, at, name: str, channel: str, note: str = "") -> None:
        """The customer accepts the quote: the repair may take parts from stock; the quote total is what they pay."""
        self._answer(QuoteAnswer.ACCEPTED, by=by, at=at, name=name, channel=channel, note=note)
        self.accepted_amount = self.quote_total

    @transition(field=state, source=RepairTicketState.QUOTED, target=RepairTicketState.REFUSED,
                permission=answers_for_customer)  # fmt: skip
    def refuse_quote(self, by, at, name: str, channel: str, note: str = "") -> None:
        """The customer declines the paid repair: the unit goes back to the store unrepaired; terminal."""
        self._answer(QuoteAnswer.REFUSED, by=by, at=at, name=name, channel=channel, note=note)

    def _answer(self, answer: str, *, by, at, name: str, channel: str, note: str) -> None:
        self.customer_answer = answer
        self.answer_recorded_by = by
        self.answered_at = at
        self.answered_by_name = name
        self.answer_channel = channel
        self.answer_note = note

    @property
    def waits_for_quote(self) -> bool:
        """A paid repair not yet accepted: nothing may be taken from stock."""
        return self.state in (RepairTicketState.QUOTING, RepairTicketState.QUOTED)


class StockMovementReason(models.TextChoices):
    CONSUMED = "consumed", _("Consumed by a repair")
    RETURNED = "returned", _("Returned from a repair")
    RECEIVED = "received", _("Received into stock")
    ADJUSTED = "adjusted", _("Stock count adjustment")
    TRANSFER_OUT = "transfer_out", _("Sent to a store")
    TRANSFER_IN = "transfer_in", _("Received from the service center")
    LOCAL_REPAIR = "local_repair", _("Used in a repair at the store")
    STOCKTAKE = "stocktake", _("Stocktake difference")
    TRANSFER_BACK = "transfer_back", _("Back from a cancelled shipment")


#: The location code of the service center in the API (``?location=CENTER``); a store's is its code.
CENTER = "CENTER"


class PartStockQuerySet(ScopedQuerySet):
    """A store sees its own stock, a region manager the region's stores'; the service center's roles every
    location's, the center's included."""

    store_lookup = "store"


class PartStock(models.Model):
    """The stock of one spare part at one location 库存: the service center (no store) or a store / repair point.

    Changed only by ``repairs.services`` through the ledger, each change one conditional UPDATE of this row, so
    the quantity never goes below zero at any location. The center's row mirrors ``SparePart.stock_quantity``,
    which the repair tickets have always moved, in the same transaction.
    """

    part = models.ForeignKey(SparePart, on_delete=models.PROTECT, related_name="stocks", verbose_name=_("part"))
    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="part_stocks",
        verbose_name=_("location"),
        help_text=_("Empty: the service center."),
    )
    quantity = models.PositiveIntegerField(_("stock on hand"), default=0, validators=[MaxValueValidator(MAX_STOCK)])
    reorder_level = models.PositiveIntegerField(
        _("reorder level"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_STOCK)],
        help_text=_("Empty: the part's level at the service center, the default level at a store."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PartStockQuerySet.as_manager()

    class Meta:
        ordering = ["part__part_no", "store__code"]
        verbose_name = _("stock at a location")
        verbose_name_plural = _("stock at locations")
        constraints = [
            models.UniqueConstraint(fields=["part", "store"], name="partstock_part_store_unique"),
            # NULL stores are distinct in a unique index: the center's single row per part needs its own.
            models.UniqueConstraint(fields=["part"], condition=Q(store__isnull=True), name="partstock_one_center_row"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="partstock_quantity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.part.part_no} @ {self.location_code}: {self.quantity}"

    @property
    def location_code(self) -> str:
        return CENTER if self.store_id is None else self.store.code

    @property
    def effective_reorder_level(self) -> int:
        if self.reorder_level is not None:
            return self.reorder_level
        if self.store_id is None:
            return self.part.reorder_level
        return settings.AFTERSALES_STORE_REORDER_LEVEL

    @property
    def needs_reorder(self) -> bool:
        return self.quantity <= self.effective_reorder_level


class StocktakeQuerySet(ScopedQuerySet):
    store_lookup = "store"


class Stocktake(models.Model):
    """A stocktake 清点 of one location: every part counted, each difference from the book stock posted to the
    ledger as an adjustment with its reason. Kept as the count's report; never changed after posting."""

    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stocktakes",
        verbose_name=_("location"),
        help_text=_("Empty: the service center."),
    )
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("counted by")
    )
    counted_at = models.DateTimeField(_("counted at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = StocktakeQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")

    def __str__(self) -> str:
        return f"{self.location_code} {self.counted_at:%Y-%m-%d}"

    @property
    def location_code(self) -> str:
        return CENTER if self.store_id is None else self.store.code


class StocktakeLine(models.Model):
    """One part of a stocktake: the book stock when counted, the count, the difference and why."""

    stocktake = models.ForeignKey(
        Stocktake, on_delete=models.CASCADE, related_name="lines", verbose_name=_("stocktake")
    )
    part = models.ForeignKey(SparePart, on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    expected = models.PositiveIntegerField(_("book stock"), validators=[MaxValueValidator(MAX_STOCK)])
    counted = models.PositiveIntegerField(_("counted"), validators=[MaxValueValidator(MAX_STOCK)])
    difference = models.IntegerField(_("difference"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["part__part_no"]
        verbose_name = _("stocktake line")
        verbose_name_plural = _("stocktake lines")
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "part"], name="stocktakeline_part_once"),
            models.CheckConstraint(
                condition=Q(difference=F("counted") - F("expected")), name="stocktakeline_difference"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} {self.difference:+d}"


class StockMovementQuerySet(ScopedQuerySet):
    """The service center's roles see the whole ledger; a store the lines of its own stock."""

    store_lookup = "store"


class StockMovement(models.Model):
    """One line of the spare-part stock ledger 备件台账: every change of stock, with who, when and why.

    Stock never goes below zero: a consumption larger than the stock is refused
    and changes nothing.
    """

    part = models.ForeignKey(SparePart, on_delete=models.PROTECT, related_name="movements", verbose_name=_("part"))
    quantity = models.IntegerField(
        _("quantity"),
        validators=[MinValueValidator(-MAX_STOCK), MaxValueValidator(MAX_STOCK)],
        help_text=_("Positive into stock, negative out of stock."),
    )
    balance_after = models.PositiveIntegerField(_("stock after"), validators=[MaxValueValidator(MAX_STOCK)])
    reason = models.CharField(_("reason"), max_length=20, choices=StockMovementReason.choices)
    repair_ticket = models.ForeignKey(
        RepairTicket,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_movements",
        verbose_name=_("repair ticket"),
    )
    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
        help_text=_("Empty: the service center."),
    )
    shipment = models.ForeignKey(
        "cases.Shipment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="part_movements",
        verbose_name=_("shipment"),
    )
    return_item = models.ForeignKey(
        "cases.Return",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="part_movements",
        verbose_name=_("return repaired at the store"),
    )
    stocktake = models.ForeignKey(
        Stocktake,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("stocktake"),
    )
    unit_cost = models.DecimalField(_("unit cost (CNY)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    moved_at = models.DateTimeField(_("at"))

    objects = StockMovementQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock ledger")
        indexes = [
            models.Index(fields=["part", "-id"], name="stockmovement_part_idx"),
            models.Index(fields=["store", "-id"], name="stockmovement_store_idx"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="stockmovement_not_zero")]

    def __str__(self) -> str:
        return f"{self.part.part_no} {self.quantity:+d}"

    @property
    def location_code(self) -> str:
        """``CENTER`` or the store's code."""
        return CENTER if self.store_id is None else self.store.code
