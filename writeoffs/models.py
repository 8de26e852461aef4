"""Write-off lists 报废清单 and loss reports 报损单, and what every month-end document addressed to a party shares.

Issued documents are frozen: their lines carry copies (style number, production
year, amount) rather than reading master data that may change later. ``PartyMixin``
and ``PartyDocumentQuerySet`` also make the chargeback statement 扣款单
(``chargebacks.models``) a document addressed to one supplier, store or HQ.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import ScopedQuerySet, StoredFile, TimeStampedModel
from aftersales.periods import period_label
from cases.models import MIN_PRODUCTION_YEAR
from writeoffs import permissions
from writeoffs.choices import LossReportState, PartyType, WriteOffListState

ZERO = Decimal("0.00")
# A Return's bounds (the copy on a line is the Return's year); they also keep the API schema the same on every database.
PRODUCTION_YEAR_BOUNDS = [MinValueValidator(MIN_PRODUCTION_YEAR), MaxValueValidator(2100)]


class WriteOffListQuerySet(ScopedQuerySet):
    """An internal document of the service center: only center roles see it."""


class WriteOffList(ConcurrentTransitionMixin, TimeStampedModel):
    """报废清单: one per month for the service center, listing the scrapped units written off that month.

    Building it for a period collects every ``scrap_pending`` Return inspected
    up to the month's end and not on an earlier list. Submitter, confirmer and
    approver are three different people (``writeoffs.permissions``); approval
    fires ``write_off`` on every line in one transaction.
    """

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    period = models.DateField(_("period"), unique=True, help_text=_("The first day of the month."))
    state = FSMField(
        _("state"), max_length=20, choices=WriteOffListState.choices, default=WriteOffListState.DRAFT, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("built by"),
        help_text=_("Empty when the monthly schedule built it."),
    )
    total_cost = models.DecimalField(_("total cost"), max_digits=14, decimal_places=2, default=ZERO)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("submitted by"),
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("confirmed by"),
    )  # fmt: skip
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for the last rejection"), max_length=2000, blank=True)
    # The destruction record 销毁记录.
    destroyed_on = models.DateField(_("destroyed on"), null=True, blank=True)
    destruction_method = models.CharField(_("method of destruction"), max_length=200, blank=True)
    warehouse_person = models.CharField(_("warehouse person"), max_length=60, blank=True)
    witness = models.CharField(_("supervising witness (administration)"), max_length=60, blank=True)
    destruction_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("destruction recorded by"),
    )  # fmt: skip

    objects = WriteOffListQuerySet.as_manager()

    class Meta:
        ordering = ["-period"]
        verbose_name = _("write-off list")
        verbose_name_plural = _("write-off lists")
        # The table kept its name when the model moved here from reports (issue 12).
        db_table = "reports_writeofflist"

    def __str__(self) -> str:
        return self.number

    @property
    def period_label(self) -> str:
        return period_label(self.period)

    @transition(field=state, source=WriteOffListState.DRAFT, target=WriteOffListState.SUBMITTED,
                permission=permissions.is_technician)  # fmt: skip
    def submit(self, by, at: dt.datetime) -> None:
        self.submitted_by, self.submitted_at = by, at
        self.rejection_reason = ""

    @transition(field=state, source=WriteOffListState.SUBMITTED, target=WriteOffListState.CONFIRMED,
                permission=permissions.may_confirm_writeoff)  # fmt: skip
    def confirm(self, by, at: dt.datetime) -> None:
        self.confirmed_by, self.confirmed_at = by, at

    @transition(field=state, source=WriteOffListState.CONFIRMED, target=WriteOffListState.APPROVED,
                permission=permissions.may_approve_writeoff)  # fmt: skip
    def approve(self, by, at: dt.datetime) -> None:
        self.approved_by, self.approved_at = by, at

    @transition(field=state, source=[WriteOffListState.SUBMITTED, WriteOffListState.CONFIRMED],
                target=WriteOffListState.DRAFT, permission=permissions.may_reject_writeoff)  # fmt: skip
    def reject(self, reason: str) -> None:
        self.rejection_reason = reason
        self.submitted_by = self.submitted_at = self.confirmed_by = self.confirmed_at = None

    @transition(field=state, source=WriteOffListState.APPROVED, target=WriteOffListState.DESTROYED,
                permission=permissions.is_technician)  # fmt: skip
    def record_destruction(
        self, destroyed_on: dt.date, destruction_method: str, warehouse_person: str, witness: str, by
    ) -> None:
        # Not ``method``: django-fsm's change_state takes the transition method under that name.
        self.destroyed_on, self.destruction_method = destroyed_on, destruction_method
        self.warehouse_person, self.witness = warehouse_person, witness
        self.destruction_recorded_by = by


class WriteOffLine(models.Model):
    """One scrapped unit on a write-off list, with its cost and responsible party copied at build time.

    A line removed from a draft keeps its row (who, when, why) and frees the
    Return for the next month's list; a Return is on at most one live line.
    """

    writeoff_list = models.ForeignKey(
        WriteOffList, on_delete=models.CASCADE, related_name="lines", verbose_name=_("write-off list")
    )
    return_item = models.ForeignKey(
        "cases.Return", on_delete=models.PROTECT, related_name="writeoff_lines", verbose_name=_("return")
    )
    style_no = models.CharField(_("style number"), max_length=40)
    production_year = models.PositiveSmallIntegerField(_("production year"), validators=PRODUCTION_YEAR_BOUNDS)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=12, decimal_places=2)
    responsibility = models.CharField(_("responsibility"), max_length=10)
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("responsible supplier"),
    )  # fmt: skip
    store = models.ForeignKey("stores.Store", on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("removed by"),
    )  # fmt: skip
    removal_reason = models.TextField(_("reason for removal"), max_length=2000, blank=True)

    class Meta:
        ordering = ["writeoff_list", "id"]
        verbose_name = _("write-off line")
        verbose_name_plural = _("write-off lines")
        # The table kept its name when the model moved here from reports (issue 12).
        db_table = "reports_writeoffline"
        constraints = [
            models.UniqueConstraint(
                fields=["return_item"], condition=Q(removed_at__isnull=True), name="writeoffline_one_live_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.writeoff_list_id}: {self.return_item_id}"


def destruction_photo_path(instance: DestructionPhoto, filename: str) -> str:
    return f"destruction/{instance.writeoff_list_id}/{instance.sha256[:16]}{instance.extension}"


class DestructionPhoto(StoredFile):
    """A photo of the destruction 销毁, kept with the write-off list's destruction record."""

    writeoff_list = models.ForeignKey(
        WriteOffList, on_delete=models.PROTECT, related_name="photos", verbose_name=_("write-off list")
    )
    file = models.FileField(_("file"), upload_to=destruction_photo_path, max_length=200)

    class Meta:
        ordering = ["id"]
        verbose_name = _("destruction photo")
        verbose_name_plural = _("destruction photos")
        # The table kept its name when the model moved here from reports (issue 12).
        db_table = "reports_destructionphoto"


class PartyDocumentQuerySet(ScopedQuerySet):
    """A supplier sees its own documents, a store its own, a region manager its stores'; HQ's only the center."""

    # No region lookup: a store user's scope names its store's region too, which would show it every store of
    # the region; a region manager's store_ids already hold the managed regions' stores.
    store_lookup = "store"
    supplier_lookup = "supplier"


class PartyMixin(models.Model):
    """The party a document is addressed to, with a key that makes 'one per party' a plain unique constraint."""

    party_type = models.CharField(_("party type"), max_length=10, choices=PartyType.choices)
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("supplier"),
    )  # fmt: skip
    store = models.ForeignKey(
        "stores.Store", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("store")
    )
    # "supplier:SUP01", "store:S001" or "hq": NULLs are distinct in unique constraints, a key is not.
    party_key = models.CharField(_("party"), max_length=60, editable=False)

    class Meta:
        abstract = True

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        expected = {
            PartyType.SUPPLIER: (True, False),
            PartyType.STORE: (False, True),
            PartyType.HQ: (False, False),
        }.get(self.party_type)
        if expected and (self.supplier_id is not None, self.store_id is not None) != expected:
            raise ValidationError(_("A document goes to exactly the party its type names."))

    @staticmethod
    def key_for(party_type: str, supplier=None, store=None) -> str:
        if party_type == PartyType.SUPPLIER:
            return f"supplier:{supplier.code}"
        if party_type == PartyType.STORE:
            return f"store:{store.code}"
        return "hq"

    @property
    def party(self):
        """The supplier or store, or None for HQ."""
        return self.supplier if self.party_type == PartyType.SUPPLIER else self.store

    @property
    def party_name(self) -> str:
        party = self.party
        return party.name if party is not None else str(_("Head office"))


class LossReport(ConcurrentTransitionMixin, PartyMixin, TimeStampedModel):
    """报损单: the scrapped units of one approved write-off list charged to one supplier or one store.

    Created when the list is approved; the party signs it in the product, or disputes it with a reason.
    """

    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    writeoff_list = models.ForeignKey(
        WriteOffList, on_delete=models.PROTECT, related_name="loss_reports", verbose_name=_("write-off list")
    )
    period = models.DateField(_("period"))
    total_cost = models.DecimalField(_("total cost"), max_digits=14, decimal_places=2, default=ZERO)
    state = FSMField(
        _("state"), max_length=20, choices=LossReportState.choices, default=LossReportState.ISSUED, protected=True
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("signed by"),
    )  # fmt: skip
    acknowledged_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    disputed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("disputed by"),
    )  # fmt: skip
    disputed_at = models.DateTimeField(_("disputed at"), null=True, blank=True)
    dispute_reason = models.TextField(_("reason for the dispute"), max_length=2000, blank=True)

    objects = PartyDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "party_key"]
        verbose_name = _("loss report")
        verbose_name_plural = _("loss reports")
        # The table kept its name when the model moved here from reports (issue 12).
        db_table = "reports_lossreport"
        constraints = [
            models.UniqueConstraint(fields=["writeoff_list", "party_key"], name="lossreport_one_per_party"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def lines(self):
        """The list's live lines charged to this party."""
        live = self.writeoff_list.lines.filter(removed_at__isnull=True)
        if self.party_type == PartyType.SUPPLIER:
            return live.filter(responsibility=PartyType.SUPPLIER, supplier=self.supplier_id)
        return live.filter(responsibility=PartyType.STORE, store=self.store_id)

    @transition(field=state, source=LossReportState.ISSUED, target=LossReportState.ACKNOWLEDGED,
                permission=permissions.is_party)  # fmt: skip
    def acknowledge(self, by, at: dt.datetime) -> None:
        self.acknowledged_by, self.acknowledged_at = by, at

    # Like a statement's dispute: the party refuses to sign, with a reason the center reads and answers.
    @transition(field=state, source=LossReportState.ISSUED, target=LossReportState.DISPUTED,
                permission=permissions.is_party)  # fmt: skip
    def dispute(self, reason: str, by, at: dt.datetime) -> None:
        self.disputed_by, self.disputed_at, self.dispute_reason = by, at, reason
