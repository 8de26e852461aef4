"""Month-end documents: the write-off list 报废清单, loss reports 报损单, chargeback statements 扣款单, report runs.

Issued documents are frozen: their PDF and XLSX are stored with a SHA-256
checksum and never rendered again, and their lines carry copies (style number,
production year, amount) rather than reading master data that may change later.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import ScopedQuerySet, TimeStampedModel
from cases.models import MIN_PRODUCTION_YEAR
from reports import permissions
from reports.choices import (
    ChargebackLineKind,
    LossReportState,
    PartyType,
    ReportKind,
    ReportRunStatus,
    StatementState,
    WriteOffListState,
)

ZERO = Decimal("0.00")
# A Return's bounds (the copy on a line is the Return's year); they also keep the API schema the same on every database.
PRODUCTION_YEAR_BOUNDS = [MinValueValidator(MIN_PRODUCTION_YEAR), MaxValueValidator(2100)]


def period_label(period: dt.date) -> str:
    """A period (the first day of a month) as the contract writes it: ``YYYY-MM``."""
    return f"{period:%Y-%m}"


def document_path(instance, filename: str) -> str:
    # Stored under the period so a month's documents sit together; never overwritten (names carry the version).
    return f"documents/{instance.period:%Y/%m}/{filename}"


class WriteOffListQuerySet(ScopedQuerySet):
    """An internal document of the service center: only center roles see it."""


class WriteOffList(ConcurrentTransitionMixin, TimeStampedModel):
    """报废清单: one per month for the service center, listing the scrapped units written off that month.

    Building it for a period collects every ``scrap_pending`` Return inspected
    up to the month's end and not on an earlier list. Submitter, confirmer and
    approver are three different people (``reports.permissions``); approval
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
        constraints = [
            models.UniqueConstraint(
                fields=["return_item"], condition=Q(removed_at__isnull=True), name="writeoffline_one_live_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.writeoff_list_id}: {self.return_item_id}"


def destruction_photo_path(instance: DestructionPhoto, filename: str) -> str:
    return f"destruction/{instance.writeoff_list_id}/{instance.sha256[:16]}{instance.extension}"


class DestructionPhoto(models.Model):
    """A photo of the destruction 销毁, kept with the write-off list's destruction record."""

    writeoff_list = models.ForeignKey(
        WriteOffList, on_delete=models.PROTECT, related_name="photos", verbose_name=_("write-off list")
    )
    file = models.FileField(_("file"), upload_to=destruction_photo_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("destruction photo")
        verbose_name_plural = _("destruction photos")

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return "." + self.original_name.rsplit(".", 1)[-1].lower() if "." in self.original_name else ""


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


class ChargebackStatement(ConcurrentTransitionMixin, PartyMixin, TimeStampedModel):
    """扣款单: what one party is charged for one month, as a numbered version.

    ``issue`` freezes it: the PDF and XLSX are stored with their SHA-256 and
    never rendered again, and ``charge_back`` fires on its scrap lines. A
    disputed statement is revised as a new version (a new row pointing at the
    one it replaces); issued rows are never edited in place.
    """

    number = models.CharField(_("number"), max_length=24, editable=False)
    period = models.DateField(_("period"), help_text=_("The first day of the month."))
    version = models.PositiveSmallIntegerField(_("version"), default=1, validators=[MinValueValidator(1)])
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revision",
        verbose_name=_("revises"),
    )  # fmt: skip
    state = FSMField(
        _("state"), max_length=20, choices=StatementState.choices, default=StatementState.DRAFT, protected=True
    )
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=ZERO)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("issued by"),
    )  # fmt: skip
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=document_path, max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to=document_path, max_length=200, blank=True)
    xlsx_sha256 = models.CharField(_("XLSX SHA-256"), max_length=64, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("answered by"),
    )  # fmt: skip
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    dispute_reason = models.TextField(_("reason for the dispute"), max_length=2000, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("settled by"),
    )  # fmt: skip
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settlement_reference = models.CharField(_("deduction reference"), max_length=100, blank=True)

    objects = PartyDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "party_type", "party_key", "-version"]
        verbose_name = _("chargeback statement")
        verbose_name_plural = _("chargeback statements")
        constraints = [
            models.UniqueConstraint(fields=["period", "party_key", "version"], name="statement_one_per_party_version"),
            models.UniqueConstraint(fields=["number", "version"], name="statement_number_version"),
        ]
        indexes = [models.Index(fields=["period", "party_type", "state"], name="statement_period_idx")]

    def __str__(self) -> str:
        return f"{self.number} v{self.version}"

    @property
    def period_label(self) -> str:
        return period_label(self.period)

    @property
    def is_frozen(self) -> bool:
        return self.state != StatementState.DRAFT

    @transition(field=state, source=StatementState.DRAFT, target=StatementState.ISSUED,
                permission=permissions.is_finance)  # fmt: skip
    def issue(self, by, at: dt.datetime) -> None:
        self.issued_by, self.issued_at = by, at

    @transition(field=state, source=StatementState.ISSUED, target=StatementState.ACKNOWLEDGED,
                permission=permissions.is_party)  # fmt: skip
    def acknowledge(self, by, at: dt.datetime) -> None:
        self.answered_by, self.answered_at = by, at

    @transition(field=state, source=StatementState.ISSUED, target=StatementState.DISPUTED,
                permission=permissions.is_party)  # fmt: skip
    def dispute(self, reason: str, by, at: dt.datetime) -> None:
        self.answered_by, self.answered_at, self.dispute_reason = by, at, reason

    @transition(field=state, source=StatementState.ACKNOWLEDGED, target=StatementState.SETTLED,
                permission=permissions.is_finance)  # fmt: skip
    def settle(self, reference: str, by, at: dt.datetime) -> None:
        self.settlement_reference, self.settled_by, self.settled_at = reference, by, at


class LiveChargebackLineManager(models.Manager):
    """Only the lines that are charged: a line finance removed from a draft keeps its row (who, when, why, and so
    a rebuild does not bring it back) but is no charge, so ``statement.lines`` and every document leave it out."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class ChargebackLine(models.Model):
    """One charge on a statement, with what it was for copied at build time (never re-read from master data).

    Its source (the Return for scrap, repair and recall lines, the shipment for an extra-dispatch fee) is
    what the monthly build matches on, so building twice updates the same row. Finance may adjust the amount
    or remove the line while the statement is a draft, always with a reason; a rebuild keeps both.
    """

    statement = models.ForeignKey(
        ChargebackStatement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("statement")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChargebackLineKind.choices)
    return_item = models.ForeignKey(
        "cases.Return", on_delete=models.PROTECT, null=True, blank=True, related_name="chargeback_lines",
        verbose_name=_("return"),
    )  # fmt: skip
    shipment = models.ForeignKey(
        "cases.Shipment", on_delete=models.PROTECT, null=True, blank=True, related_name="chargeback_lines",
        verbose_name=_("shipment"),
    )  # fmt: skip
    description = models.CharField(_("description"), max_length=300)
    style_no = models.CharField(_("style number"), max_length=40, blank=True)
    production_year = models.PositiveSmallIntegerField(
        _("production year"), null=True, blank=True, validators=PRODUCTION_YEAR_BOUNDS
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    position = models.PositiveIntegerField(_("position"), default=0)
    # Set when finance changed the amount on a draft: what the build computed, and why it was changed.
    built_amount = models.DecimalField(_("amount as built"), max_digits=12, decimal_places=2, null=True, blank=True)
    adjustment_reason = models.TextField(_("reason for the adjustment"), max_length=2000, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("removed by"),
    )  # fmt: skip
    removal_reason = models.TextField(_("reason for removal"), max_length=2000, blank=True)

    # The first manager is the default one, which related managers (``statement.lines``) and prefetches use.
    objects = LiveChargebackLineManager()
    all_objects = models.Manager()  # noqa: DJ012 - the unfiltered manager must come second

    class Meta:
        ordering = ["statement", "position", "id"]
        base_manager_name = "all_objects"
        verbose_name = _("chargeback line")
        verbose_name_plural = _("chargeback lines")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "kind", "return_item"],
                condition=Q(return_item__isnull=False),
                name="chargebackline_once_per_return",
            ),
            models.UniqueConstraint(
                fields=["statement", "shipment"],
                condition=Q(shipment__isnull=False),
                name="chargebackline_once_per_shipment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount}"


class ReportRunQuerySet(ScopedQuerySet):
    """Report runs cover every store and supplier: the center sees them; others see their figures on their pages."""


class ReportRun(TimeStampedModel):
    """One build of a monthly report for a period (报废报表, 供应商质量评估, turnaround), with its progress and files.

    Requesting a period again answers its newest run. A failed run can be
    retried; the artefacts are written once, with their checksums, when the run
    finishes. When the month's figures changed after a run was done, the center
    rebuilds it as a new version (``version`` + 1): the old version and its files
    stay as they were, and the newest is the one lists and links show.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    period = models.DateField(_("period"), help_text=_("The first day of the month."))
    version = models.PositiveSmallIntegerField(_("version"), default=1, validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=10, choices=ReportRunStatus.choices, default=ReportRunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("requested by"), help_text=_("Empty when the monthly schedule requested it."),
    )  # fmt: skip
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    data = models.JSONField(_("figures"), default=dict, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=document_path, max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to=document_path, max_length=200, blank=True)
    xlsx_sha256 = models.CharField(_("XLSX SHA-256"), max_length=64, blank=True)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "kind", "-version"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        constraints = [
            models.UniqueConstraint(fields=["kind", "period", "version"], name="reportrun_one_per_kind_period_version"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportrun_progress_percent"),
        ]

    def __str__(self) -> str:
        label = f"{self.get_kind_display()} {period_label(self.period)}"
        return f"{label} v{self.version}" if self.version > 1 else label

    @property
    def period_label(self) -> str:
        return period_label(self.period)

    @property
    def duration(self) -> dt.timedelta | None:
        if self.started_at is None:
            return None
        return (self.finished_at or timezone.now()) - self.started_at
