"""Batch recalls 整款退货: the recall, its notices to stores, the units returned for it and its test reports."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.fsm import VIA
from aftersales.models import ScopedQuerySet, StoredFile, TimeStampedModel
from recalls import permissions
from recalls.choices import RecallCostBearer, RecallNoticeState, RecallOutcome, RecallReturnMethod, RecallState
from stores.access import scope_for


class RecallQuerySet(ScopedQuerySet):
    """The service center sees every recall; a store the recalls it was notified of; a supplier its styles'."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        scope = scope_for(user)
        if scope.everything:
            return self
        condition = Q(pk__in=[])
        if scope.store_ids:
            notified = RecallNotice.objects.filter(store__in=sorted(scope.store_ids)).values("recall")
            condition |= Q(pk__in=notified)
        if scope.supplier_ids:
            condition |= Q(style__supplier__in=sorted(scope.supplier_ids))
        return self.filter(condition)


class Recall(ConcurrentTransitionMixin, TimeStampedModel):
    """A batch recall 整款退货 of one style for one defect code.

    Opened by a technician with the style test report 检测报告 and the
    Returns other stores reported; approved or rejected by QA once the
    handling is agreed with the supplier (return method, deadline, plan, who
    bears the cost); its notice goes to every active store of the chosen
    regions; stores log recall Returns that ride the weekly shipment; the
    center ships them to the supplier; closed once every unit's outcome is
    known. Its state changes only through ``aftersales.fsm.fire``.
    """

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    style = models.ForeignKey(
        "suppliers.Style", on_delete=models.PROTECT, related_name="recalls", verbose_name=_("style")
    )
    defect_code = models.ForeignKey(
        "suppliers.DefectCode", on_delete=models.PROTECT, related_name="recalls", verbose_name=_("defect code")
    )
    state = FSMField(
        _("state"), max_length=20, choices=RecallState.choices, default=RecallState.PROPOSED, protected=True
    )
    test_report = models.TextField(
        _("style test report"), max_length=8000, help_text=_("检测报告: the tests run on the style and their results.")
    )
    reported_returns = models.ManyToManyField(
        "cases.Return",
        blank=True,
        related_name="reported_in_recalls",
        verbose_name=_("returns reported by stores"),
        help_text=_("What other stores reported: the Returns behind the recall candidate."),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    # The handling agreed with the supplier; proposed at opening, confirmed at approval.
    return_method = models.CharField(_("return method"), max_length=20, choices=RecallReturnMethod.choices, blank=True)
    deadline = models.DateField(_("deadline for stores"), null=True, blank=True)
    handling_plan = models.TextField(_("handling plan"), max_length=4000, blank=True)
    cost_bearer = models.CharField(_("cost borne by"), max_length=10, choices=RecallCostBearer.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or rejected by"),
    )
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), max_length=2000, blank=True)
    regions = models.ManyToManyField(
        "stores.Region", blank=True, related_name="recalls", verbose_name=_("regions notified")
    )
    notice_issued_at = models.DateTimeField(_("notice issued at"), null=True, blank=True)
    collecting_since = models.DateTimeField(_("collecting since"), null=True, blank=True)
    # The consolidated shipment to the supplier.
    supplier_carrier = models.CharField(_("carrier to the supplier"), max_length=60, blank=True)
    supplier_tracking_no = models.CharField(_("tracking number to the supplier"), max_length=60, blank=True)
    shipped_at = models.DateTimeField(_("shipped to the supplier at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), max_length=2000, blank=True)

    objects = RecallQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("batch recall")
        verbose_name_plural = _("batch recalls")
        # The table kept its name when the model moved here from cases (issue 12).
        db_table = "cases_recall"
        indexes = [
            models.Index(fields=["style", "defect_code", "state"], name="recall_style_defect_idx"),
            models.Index(fields=["state", "-id"], name="recall_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=RecallState.REJECTED) | ~Q(rejection_reason=""), name="recall_rejection_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # --- transitions (domain.md "Batch recall"); each only sets this row's own fields ---

    @transition(field=state, source=RecallState.PROPOSED, target=RecallState.APPROVED,
                permission=permissions.is_qa_manager)  # fmt: skip
    def approve(
        self, by, at: dt.datetime, return_method: str, deadline: dt.date, handling_plan: str, cost_bearer: str
    ) -> None:
        """QA approves with the handling agreed with the supplier."""
        self.decided_by = by
        self.decided_at = at
        self.return_method = return_method
        self.deadline = deadline
        self.handling_plan = handling_plan
        self.cost_bearer = cost_bearer

    @transition(field=state, source=RecallState.PROPOSED, target=RecallState.REJECTED,
                permission=permissions.is_qa_manager)  # fmt: skip
    def reject(self, by, at: dt.datetime, reason: str) -> None:
        self.decided_by = by
        self.decided_at = at
        self.rejection_reason = reason

    @transition(field=state, source=RecallState.APPROVED, target=RecallState.NOTICE_ISSUED,
                permission=permissions.is_qa_manager)  # fmt: skip
    def issue_notice(self, at: dt.datetime) -> None:
        """The notice goes to every active store of the chosen regions (the service creates the notices)."""
        self.notice_issued_at = at

    @transition(field=state, source=RecallState.NOTICE_ISSUED, target=RecallState.COLLECTING,
                permission=permissions.nobody, custom={VIA: "system"})  # fmt: skip
    def start_collecting(self, at: dt.datetime) -> None:
        """Fired by the first store's acknowledgement or recall Return."""
        self.collecting_since = at

    @transition(field=state, source=[RecallState.NOTICE_ISSUED, RecallState.COLLECTING],
                target=RecallState.SHIPPED_TO_SUPPLIER, permission=permissions.is_technician)  # fmt: skip
    def ship_to_supplier(self, at: dt.datetime, carrier: str, tracking_no: str) -> None:
        """The center sends the collected units to the factory in one consolidated shipment."""
        self.shipped_at = at
        self.supplier_carrier = carrier
        self.supplier_tracking_no = tracking_no

    @transition(field=state, source=RecallState.SHIPPED_TO_SUPPLIER, target=RecallState.CLOSED,
                permission=permissions.is_qa_manager)  # fmt: skip
    def close(self, at: dt.datetime, note: str = "") -> None:
        """Every unit's outcome is known (the service checks it)."""
        self.closed_at = at
        self.closing_note = note


class RecallNoticeQuerySet(ScopedQuerySet):
    store_lookup = "store"


class RecallNotice(ConcurrentTransitionMixin, TimeStampedModel):
    """A recall notice 整款退货通知 to one store: the store acknowledges it with its on-hand quantity.

    What the store has returned is counted from its recall Returns; it is
    late when the deadline has passed and it has not acknowledged, or has
    returned fewer units than it said it had.
    """

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="notices", verbose_name=_("recall"))
    store = models.ForeignKey(
        "stores.Store", on_delete=models.PROTECT, related_name="recall_notices", verbose_name=_("store")
    )
    state = FSMField(
        _("state"), max_length=20, choices=RecallNoticeState.choices, default=RecallNoticeState.NOTIFIED,
        protected=True,
    )  # fmt: skip
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    on_hand = models.PositiveIntegerField(
        _("on-hand quantity"), null=True, blank=True, help_text=_("Units of the style the store holds.")
    )

    objects = RecallNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("recall notice")
        verbose_name_plural = _("recall notices")
        # The table kept its name when the model moved here from cases (issue 12).
        db_table = "cases_recallnotice"
        constraints = [
            models.UniqueConstraint(fields=["recall", "store"], name="recallnotice_once_per_store"),
            models.CheckConstraint(
                condition=Q(state=RecallNoticeState.NOTIFIED) | Q(on_hand__isnull=False),
                name="recallnotice_acknowledged_has_on_hand",
            ),
        ]
        indexes = [models.Index(fields=["store", "-id"], name="recallnotice_store_idx")]

    def __str__(self) -> str:
        return f"{self.recall} → {self.store_id}"

    @transition(field=state, source=RecallNoticeState.NOTIFIED, target=RecallNoticeState.ACKNOWLEDGED,
                permission=permissions.is_store_staff_of)  # fmt: skip
    def acknowledge(self, by, at: dt.datetime, on_hand: int) -> None:
        self.acknowledged_by = by
        self.acknowledged_at = at
        self.on_hand = on_hand


class RecallUnit(models.Model):
    """One recalled unit sent to the supplier, and what became of it there (per unit, or recorded per group).

    Repaired by the factory (back to the center, then to its store),
    unrepairable (the supplier's cost: a recall line on its chargeback
    statement), or our own fault (with the accountability note 责任追究).
    """

    recall = models.ForeignKey(Recall, on_delete=models.PROTECT, related_name="units", verbose_name=_("recall"))
    return_item = models.OneToOneField(
        "cases.Return", on_delete=models.PROTECT, related_name="recall_unit", verbose_name=_("return")
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=RecallOutcome.choices, blank=True, default=RecallOutcome.PENDING
    )
    outcome_note = models.TextField(_("note / accountability"), max_length=2000, blank=True)
    outcome_recorded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outcome recorded by"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("recalled unit")
        verbose_name_plural = _("recalled units")
        # The table kept its name when the model moved here from cases (issue 12).
        db_table = "cases_recallunit"
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome=RecallOutcome.OUR_FAULT) | ~Q(outcome_note=""),
                name="recallunit_our_fault_has_note",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "outcome_recorded_at"], name="recallunit_outcome_idx")]

    def __str__(self) -> str:
        return f"{self.recall_id}: {self.return_item_id}"


def recall_attachment_path(instance: RecallAttachment, filename: str) -> str:
    stamp = timezone.localtime()
    return f"attachments/recalls/{stamp:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class RecallAttachment(StoredFile):
    """A photo or PDF of a recall's style test report 检测报告, served only to those who may see the recall."""

    recall = models.ForeignKey(Recall, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("recall"))
    file = models.FileField(_("file"), upload_to=recall_attachment_path, max_length=200)

    class Meta:
        ordering = ["id"]
        verbose_name = _("recall attachment")
        verbose_name_plural = _("recall attachments")
        # The table kept its name when the model moved here from cases (issue 12).
        db_table = "cases_recallattachment"
