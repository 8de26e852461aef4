"""Returns 退货 and the shipments 寄送 that carry them between stores and the service center."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from aftersales.display import choice_label
from aftersales.fsm import VIA
from aftersales.models import ScopedQuerySet, StoredFile, TimeStampedModel
from cases import permissions
from cases.choices import (
    SCRAP_PATH_STATES,
    TURNAROUND_OPEN_STATES,
    AttachmentKind,
    DueStatus,
    OnsiteHandling,
    ReasonKind,
    ReturnState,
    ShipmentDirection,
    ShipmentLineOutcome,
    ShipmentState,
    Verdict,
)
from stores.access import scope_for
from suppliers.choices import Responsibility

# Where inspection sends a Return, by verdict (domain.md's table).
VERDICT_TARGETS = {
    Verdict.REPAIRABLE: ReturnState.REPAIRING,
    Verdict.SUPPLIER_REWORK: ReturnState.AT_SUPPLIER,
    Verdict.NO_DEFECT: ReturnState.READY_TO_RETURN,
    Verdict.UNREPAIRABLE: ReturnState.SCRAP_PENDING,
}
MIN_PRODUCTION_YEAR = 2000


class ReturnQuerySet(ScopedQuerySet):
    """A store sees its own Returns, a region manager the region's; a supplier only the units charged to it."""

    store_lookup = "store"

    def visible_to(self, user):
        visible = super().visible_to(user)
        scope = scope_for(user) if getattr(user, "is_authenticated", False) else None
        if scope is not None and not scope.everything and scope.supplier_ids:
            charged_to_supplier = self.filter(
                style__supplier__in=sorted(scope.supplier_ids), responsibility=Responsibility.SUPPLIER
            )
            visible = charged_to_supplier if not scope.store_ids else visible | charged_to_supplier
        if scope is not None and scope.repair_point_ids:
            # An authorized repair point also sees the units the center referred to it (other stores' Returns).
            visible = visible | self.filter(repair_point__in=sorted(scope.repair_point_ids))
        return visible

    def due_soon_from(self) -> dt.timedelta:
        return dt.timedelta(days=settings.AFTERSALES_TURNAROUND_DAYS - settings.AFTERSALES_DUE_SOON_DAY)

    def overdue(self, now: dt.datetime | None = None):
        return self.filter(state__in=TURNAROUND_OPEN_STATES, due_at__lt=now or timezone.now())

    def due_soon(self, now: dt.datetime | None = None):
        now = now or timezone.now()
        return self.filter(state__in=TURNAROUND_OPEN_STATES, due_at__gte=now, due_at__lte=now + self.due_soon_from())


class Return(ConcurrentTransitionMixin, TimeStampedModel):
    """A Return 退货: one physical unit a customer brought back to a store.

    Logged at the counter with what the customer reported; its state follows
    domain.md's table and changes only through ``aftersales.fsm.fire``. The
    15-day turnaround runs from the store's dispatch (``shipped_at``) to the
    store having it back (``returned_at``); scrap stops the clock at
    inspection.
    """

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    store = models.ForeignKey("stores.Store", on_delete=models.PROTECT, related_name="returns", verbose_name=_("store"))
    style = models.ForeignKey(
        "suppliers.Style", on_delete=models.PROTECT, related_name="returns", verbose_name=_("style")
    )
    color = models.CharField(_("colour"), max_length=40)
    size = models.CharField(_("size"), max_length=20)
    batch_no = models.CharField(_("batch number"), max_length=40, blank=True)
    production_year = models.PositiveSmallIntegerField(
        _("production year"), validators=[MinValueValidator(MIN_PRODUCTION_YEAR), MaxValueValidator(2100)]
    )
    purchase_date = models.DateField(_("purchase date"))
    receipt_no = models.CharField(_("receipt number"), max_length=60)
    defect_description = models.TextField(_("reported defect"), max_length=2000)
    reported_defect = models.ForeignKey(
        "suppliers.DefectCode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_returns",
        verbose_name=_("reported defect code"),
    )
    onsite_handling = models.CharField(_("on-site handling"), max_length=20, choices=OnsiteHandling.choices)
    reason_kind = models.CharField(
        _("reason kind"),
        max_length=20,
        choices=ReasonKind.choices,
        default=ReasonKind.QUALITY,
        help_text=_("A quality problem, or a change of mind (no defect: resolved at the store, never shipped)."),
    )
    resaleable = models.BooleanField(
        _("resaleable"),
        default=False,
        help_text=_("Tags and packaging intact, as checked at the counter (a change-of-mind return must be)."),
    )
    paid_repair = models.BooleanField(
        _("paid repair offered"),
        default=False,
        help_text=_("A quality return outside the warranty, offered paid repair as the category allows."),
    )
    customer_name = models.CharField(_("customer name"), max_length=60, blank=True)
    customer_phone = models.CharField(_("customer phone"), max_length=20, blank=True)
    policy_exception = models.BooleanField(
        _("outside policy"),
        default=False,
        help_text=_("Logged outside the category's return windows or warranty, with a written reason."),
    )
    policy_exception_reason = models.TextField(_("reason for the exception"), max_length=2000, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    recall = models.ForeignKey(
        "recalls.Recall",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returns",
        verbose_name=_("batch recall"),
        help_text=_("The batch recall 整款退货 this unit was returned for."),
    )
    state = FSMField(_("state"), max_length=20, choices=ReturnState.choices, default=ReturnState.LOGGED, protected=True)
    # Copied from the inspection report, so lists and reports need no join.
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    responsibility = models.CharField(_("responsibility"), max_length=10, choices=Responsibility.choices, blank=True)
    # The referral to a repair point 转维修点: where the center sent the unit for a local repair, when and why.
    repair_point = models.ForeignKey(
        "stores.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_returns",
        verbose_name=_("repair point"),
        help_text=_("The store or authorized repair point the service center referred the unit to."),
    )
    referred_at = models.DateTimeField(_("referred at"), null=True, blank=True)
    referral_note = models.TextField(_("what to repair"), max_length=2000, blank=True)
    shipped_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due back at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("back at store at"), null=True, blank=True)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        indexes = [
            # The store's list (newest first) and its state filter.
            models.Index(fields=["store", "-id"], name="return_store_idx"),
            models.Index(fields=["store", "state", "-id"], name="return_store_state_idx"),
            # Service-center queues sort open units by due date.
            models.Index(fields=["state", "due_at", "id"], name="return_state_due_idx"),
            # The daily turnaround scan reads only open repair-path units by due date (a partial index).
            models.Index(
                fields=["due_at", "id"], condition=Q(state__in=TURNAROUND_OPEN_STATES), name="return_open_due_idx"
            ),
            models.Index(fields=["receipt_no"], name="return_receipt_idx"),
            models.Index(fields=["style", "reported_defect", "created_at"], name="return_style_defect_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(policy_exception=False) | ~Q(policy_exception_reason=""),
                name="return_policy_exception_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(production_year__gte=MIN_PRODUCTION_YEAR), name="return_production_year_min"
            ),
            # A change of mind is refunded or exchanged at the store, and only for goods fit to sell again.
            models.CheckConstraint(
                condition=~Q(reason_kind=ReasonKind.CHANGE_OF_MIND)
                | Q(
                    resaleable=True,
                    onsite_handling__in=[OnsiteHandling.REFUND, OnsiteHandling.EXCHANGE],
                    recall__isnull=True,
                ),
                name="return_change_of_mind_resaleable",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # --- transitions (domain.md); each only sets this row's own fields ---

    @transition(field=state, source=ReturnState.LOGGED, target=ReturnState.RESOLVED_AT_STORE,
                permission=permissions.is_store_staff_of)  # fmt: skip
    @transition(field=state, source=ReturnState.REFERRED, target=ReturnState.RESOLVED_AT_STORE,
                permission=permissions.is_repair_point_staff_of)  # fmt: skip
    def resolve_at_store(self, note: str = "") -> None:
        """The store repaired it on site 现场处理 (or, referred by the center, the repair point did); terminal."""

    @transition(field=state, source=ReturnState.RECEIVED, target=ReturnState.REFERRED,
                conditions=[lambda item: not item.recall_id],
                permission=permissions.is_technician)  # fmt: skip
    def refer_to_repair_point(self, repair_point, note: str, at: dt.datetime) -> None:
        """A simple fix: the center sends the unit to its store or an authorized repair point for a local repair
        (seed 000, 三 2.2). The center's 15-day clock ends here (``referred_at``); the repair point resolves it."""
        self.repair_point = repair_point
        self.referral_note = note
        self.referred_at = at

    @transition(field=state, source=ReturnState.LOGGED, target=ReturnState.CANCELLED,
                permission=permissions.is_store_staff_of)  # fmt: skip
    def cancel(self, reason: str = "") -> None:
        """Logged by mistake; the number stays used."""

    @transition(field=state, source=ReturnState.LOGGED, target=ReturnState.IN_TRANSIT,
                conditions=[lambda item: item.reason_kind != ReasonKind.CHANGE_OF_MIND],
                permission=permissions.is_store_staff_of, custom={VIA: "shipment"})  # fmt: skip
    def dispatch(self, at: dt.datetime) -> None:
        """Fired for each unit when the store's shipment leaves; starts the turnaround clock."""
        self.shipped_at = at
        # A recalled unit goes to the supplier, not back to a waiting customer: the 15-day clock is not its.
        self.due_at = None if self.recall_id else at + dt.timedelta(days=settings.AFTERSALES_TURNAROUND_DAYS)

    @transition(field=state, source=ReturnState.IN_TRANSIT, target=ReturnState.RECEIVED,
                permission=permissions.is_technician, custom={VIA: "shipment"})  # fmt: skip
    def receive(self, at: dt.datetime) -> None:
        self.received_at = at

    @transition(field=state, source=ReturnState.IN_TRANSIT, target=ReturnState.MISSING,
                permission=permissions.is_technician, custom={VIA: "shipment"})  # fmt: skip
    def mark_missing(self) -> None:
        """The shipment arrived without this unit (缺件)."""

    @transition(field=state, source=ReturnState.MISSING, target=ReturnState.RECEIVED,
                permission=permissions.is_technician)  # fmt: skip
    def found(self, at: dt.datetime) -> None:
        """A missing unit turned up at the center."""
        self.received_at = at

    @transition(field=state, source=ReturnState.RECEIVED, target=RETURN_VALUE(*VERDICT_TARGETS.values()),
                conditions=[lambda item: not item.recall_id],
                permission=permissions.is_technician)  # fmt: skip
    def inspect(self, verdict: str, responsibility: str, at: dt.datetime) -> str:
        """鉴定: the verdict decides where the unit goes; scrap stops the turnaround clock."""
        self.verdict = verdict
        self.responsibility = responsibility
        self.inspected_at = at
        return VERDICT_TARGETS[verdict]

    @transition(field=state, source=ReturnState.REPAIRING, target=ReturnState.READY_TO_RETURN,
                permission=permissions.is_technician, custom={VIA: "repair_ticket"})  # fmt: skip
    def complete_repair(self) -> None:
        """Fired by the repair ticket's ``complete`` once quality control passed."""

    @transition(field=state, source=ReturnState.REPAIRING, target=ReturnState.READY_TO_RETURN,
                permission=permissions.speaks_for_customer, custom={VIA: "repair_ticket"})  # fmt: skip
    def return_unrepaired(self) -> None:
        """Fired by the repair ticket's ``refuse_quote``: the customer declined the paid repair past the warranty,
        so the unit goes back to the store as it came (seed 004)."""

    @transition(field=state, source=ReturnState.RECEIVED, target=ReturnState.AT_SUPPLIER,
                conditions=[lambda item: bool(item.recall_id)],
                permission=permissions.is_technician, custom={VIA: "recall"})  # fmt: skip
    def ship_to_supplier(self) -> None:
        """Fired for each received unit of a batch recall when the recall's consolidated shipment leaves."""

    @transition(field=state, source=ReturnState.AT_SUPPLIER, target=ReturnState.READY_TO_RETURN,
                conditions=[lambda item: item.recall_outcome_known()],
                permission=permissions.is_technician)  # fmt: skip
    def receive_from_supplier(self, note: str = "") -> None:
        """The supplier's rework came back to the center (a recall unit: once its recall records it repaired)."""

    @transition(field=state, source=ReturnState.AT_SUPPLIER, target=ReturnState.SCRAP_PENDING,
                conditions=[lambda item: bool(item.recall_id) and item.recall_outcome_known()],
                permission=permissions.is_technician, custom={VIA: "recall"})  # fmt: skip
    def scrap_at_supplier(self, responsibility: str, at: dt.datetime) -> None:
        """The factory found a recalled unit unrepairable: it waits for the write-off list like an inspected one."""
        self.verdict = Verdict.UNREPAIRABLE
        self.responsibility = responsibility
        self.inspected_at = at

    @transition(field=state, source=ReturnState.READY_TO_RETURN, target=ReturnState.RETURNING,
                permission=permissions.is_technician, custom={VIA: "shipment"})  # fmt: skip
    def ship_back(self) -> None:
        """Fired for each unit when the center's shipment to the store leaves."""

    @transition(field=state, source=ReturnState.RETURNING, target=ReturnState.RETURNED,
                permission=permissions.is_store_staff_of, custom={VIA: "shipment"})  # fmt: skip
    def confirm_returned(self, at: dt.datetime) -> None:
        """The store has the unit back; stops the turnaround clock; terminal."""
        self.returned_at = at

    @transition(field=state, source=ReturnState.SCRAP_PENDING, target=ReturnState.WRITTEN_OFF,
                permission=permissions.nobody, custom={VIA: "system"})  # fmt: skip
    def write_off(self) -> None:
        """Fired when the monthly write-off list holding the unit is approved."""

    @transition(field=state, source=ReturnState.WRITTEN_OFF, target=ReturnState.CHARGED_BACK,
                permission=permissions.nobody, custom={VIA: "system"})  # fmt: skip
    def charge_back(self) -> None:
        """Fired when the chargeback statement holding the unit is issued; terminal."""

    def recall_outcome_known(self) -> bool:
        """A unit of a batch recall moves only once its recall recorded what the factory found (the recalls app's
        ``RecallUnit``, read by its reverse name); any other unit is not held."""
        if not self.recall_id:
            return True
        unit = getattr(self, "recall_unit", None)  # None when it has not gone to the supplier
        return unit is not None and unit.outcome_recorded_at is not None

    # --- turnaround ---

    @property
    def is_scrap_path(self) -> bool:
        """Found unrepairable (scrap pending, written off, charged back): the unit never goes back to the store.

        The clock stops at inspection (``clock_stopped_at``) for the reports, but
        the unit's page shows no "N days, on time" for it: nothing is on its way.
        """
        return self.state in SCRAP_PATH_STATES

    @property
    def clock_stopped_at(self) -> dt.datetime | None:
        if self.returned_at:
            return self.returned_at
        if self.referred_at:
            # Referred to a repair point: the center's answer, and the end of its 15 days.
            return self.referred_at
        if self.state in SCRAP_PATH_STATES:
            return self.inspected_at
        return None

    @property
    def on_time(self) -> bool | None:
        """Back at the store (or found unrepairable) within the turnaround; None while the clock runs."""
        if self.due_at is None or self.clock_stopped_at is None:
            return None
        return self.clock_stopped_at <= self.due_at

    def get_state_display(self) -> str:
        # Each language's labels built once, not the choices rebuilt and translated per row (aftersales.display).
        return choice_label(ReturnState, self.state)

    def due_status(self, now: dt.datetime | None = None) -> str | None:
        """On track, due soon (from day 12) or overdue (after day 15) while the clock runs; None otherwise."""
        if self.due_at is None or self.state not in TURNAROUND_OPEN_STATES:
            return None
        now = now or timezone.now()
        if now > self.due_at:
            return DueStatus.OVERDUE
        if now >= self.due_at - Return.objects.due_soon_from():
            return DueStatus.DUE_SOON
        return DueStatus.ON_TRACK

    @property
    def turnaround_days(self) -> int | None:
        if self.shipped_at is None or self.clock_stopped_at is None:
            return None
        return (self.clock_stopped_at - self.shipped_at).days


class ShipmentQuerySet(ScopedQuerySet):
    store_lookup = "store"


class Shipment(ConcurrentTransitionMixin, TimeStampedModel):
    """A shipment 寄送 of Returns: a store's weekly parcel to the service center (每周寄一次), or repaired units back.

    A store's dispatches beyond the free ones in an ISO week carry the store's
    extra-dispatch fee, which the store's chargeback statement bills.
    """

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    direction = models.CharField(_("direction"), max_length=10, choices=ShipmentDirection.choices)
    store = models.ForeignKey(
        "stores.Store", on_delete=models.PROTECT, related_name="shipments", verbose_name=_("store")
    )
    state = FSMField(
        _("state"), max_length=20, choices=ShipmentState.choices, default=ShipmentState.DRAFT, protected=True
    )
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_no = models.CharField(_("tracking number"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("packed by")
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    # ISO year and week of the dispatch (Asia/Shanghai), so counting a store's dispatches in a week is one index probe.
    dispatch_iso_year = models.PositiveSmallIntegerField(_("ISO year of dispatch"), null=True, blank=True)
    dispatch_iso_week = models.PositiveSmallIntegerField(_("ISO week of dispatch"), null=True, blank=True)
    extra_fee = models.DecimalField(
        _("extra dispatch fee (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Set when this was a dispatch beyond the store's free ones in the ISO week."),
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    freight_cost = models.DecimalField(
        _("freight cost (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("What the carrier charged for this parcel."),
    )
    # The region manager's sign-off 区域审批, where the store's region asks for it before a parcel to the center leaves.
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    returns = models.ManyToManyField(
        Return, through="ShipmentLine", related_name="shipments", verbose_name=_("returns")
    )

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        indexes = [
            models.Index(fields=["store", "-id"], name="shipment_store_idx"),
            models.Index(fields=["direction", "state", "-id"], name="shipment_direction_state_idx"),
            models.Index(fields=["store", "dispatch_iso_year", "dispatch_iso_week"], name="shipment_store_week_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_to_center(self) -> bool:
        return self.direction == ShipmentDirection.TO_CENTER

    @property
    def needs_sign_off(self) -> bool:
        """A parcel to the center of a store whose region asks for the region manager's sign-off before dispatch."""
        return self.is_to_center and self.store.region.shipment_sign_off_required

    @property
    def awaits_sign_off(self) -> bool:
        return self.needs_sign_off and self.signed_off_at is None

    def _sender_may_fire(self, user) -> bool:
        if self.is_to_center:
            return permissions.is_store_staff_of(self, user)
        return permissions.is_technician(self, user)

    def _recipient_may_fire(self, user) -> bool:
        if self.is_to_center:
            return permissions.is_technician(self, user)
        return permissions.is_store_staff_of(self, user)

    @transition(field=state, source=ShipmentState.DRAFT, target=ShipmentState.DRAFT,
                conditions=[lambda shipment: shipment.awaits_sign_off],
                permission=permissions.is_region_manager_of)  # fmt: skip
    def sign_off(self, at: dt.datetime, by, note: str = "") -> None:
        """The region manager agrees the store's parcel may go to the center (区域审批)."""
        self.signed_off_at = at
        self.signed_off_by = by

    @transition(field=state, source=ShipmentState.DRAFT, target=ShipmentState.IN_TRANSIT,
                conditions=[lambda shipment: not shipment.awaits_sign_off],
                permission=lambda shipment, user: shipment._sender_may_fire(user))  # fmt: skip
    def dispatch(self, at: dt.datetime, extra_fee: Decimal | None) -> None:
        local = timezone.localtime(at)
        iso_year, iso_week, _weekday = local.isocalendar()
        self.dispatched_at = at
        self.dispatch_iso_year = iso_year
        self.dispatch_iso_week = iso_week
        self.extra_fee = extra_fee

    @transition(field=state, source=ShipmentState.IN_TRANSIT, target=ShipmentState.RECEIVED,
                conditions=[lambda shipment: shipment.is_to_center],
                permission=lambda shipment, user: shipment._recipient_may_fire(user))  # fmt: skip
    def receive(self, at: dt.datetime) -> None:
        """The service center opened the store's parcel and ticked what was inside."""
        self.received_at = at

    @transition(field=state, source=ShipmentState.IN_TRANSIT, target=ShipmentState.RECEIVED,
                conditions=[lambda shipment: not shipment.is_to_center],
                permission=lambda shipment, user: shipment._recipient_may_fire(user))  # fmt: skip
    def confirm_received(self, at: dt.datetime) -> None:
        """The store has the center's parcel back."""
        self.received_at = at

    @transition(field=state, source=ShipmentState.DRAFT, target=ShipmentState.CANCELLED,
                permission=lambda shipment, user: shipment._sender_may_fire(user))  # fmt: skip
    def cancel(self, reason: str = "") -> None:
        """Unpack a shipment that has not left; its units are free for another one."""


class ShipmentLine(models.Model):
    """One unit on a shipment, and what receiving found (a checklist: received, missing, found later)."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment"))
    return_item = models.ForeignKey(
        Return, on_delete=models.PROTECT, related_name="shipment_lines", verbose_name=_("return")
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ShipmentLineOutcome.choices, default=ShipmentLineOutcome.PENDING
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "return_item"], name="shipmentline_unique_return"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.return_item_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is ours, not the uploader's: no path tricks, no clashes.
    stamp = timezone.localtime()
    return f"attachments/{stamp:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class Attachment(StoredFile):
    """A photo or PDF of a Return (at logging, inspection or repair).

    Stored under MEDIA_ROOT, outside the static files, and served only by a
    view that checks the viewer may see the Return.
    """

    return_item = models.ForeignKey(
        Return, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("return")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.LOGGING)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class ReceiptSubmission(models.Model):
    """One submitted 登记退货 form, by the one-time token the form carried.

    The unique token makes a second submit of the same form (Back, then
    submit) create nothing, even when both arrive at once: the second insert
    fails on the constraint. It remembers the Returns the first submit logged,
    so the clerk can be sent to them.
    """

    token = models.UUIDField(_("form token"), unique=True)
    store = models.ForeignKey("stores.Store", on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    returns = models.ManyToManyField(Return, related_name="+", verbose_name=_("returns"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("receipt submission")
        verbose_name_plural = _("receipt submissions")

    def __str__(self) -> str:
        return str(self.token)


class BatchAlarmQuerySet(ScopedQuerySet):
    store_lookup = "store"


class BatchAlarm(TimeStampedModel):
    """A store's own alarm 专卖店预警: several of its customers report one problem on one style (seed 000, 2.1).

    Raised from a Return's page with a note; it tells the service center and QA,
    and its style and defect count toward a recall candidate even when every
    report comes from this one store.
    """

    return_item = models.OneToOneField(
        Return, on_delete=models.PROTECT, related_name="batch_alarm", verbose_name=_("return")
    )
    store = models.ForeignKey("stores.Store", on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    style = models.ForeignKey(
        "suppliers.Style", on_delete=models.PROTECT, related_name="batch_alarms", verbose_name=_("style")
    )
    defect_code = models.ForeignKey(
        "suppliers.DefectCode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("defect code"),
    )
    note = models.TextField(_("note"), max_length=2000)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )

    objects = BatchAlarmQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("batch alarm")
        verbose_name_plural = _("batch alarms")
        indexes = [models.Index(fields=["style", "defect_code", "created_at"], name="batchalarm_style_defect_idx")]

    def __str__(self) -> str:
        return f"{self.store_id}: {self.style_id}"
