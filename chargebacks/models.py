"""Chargeback statements 扣款单: what one party (a supplier, a store, HQ) is charged for one month, line by line.

Issued statements are frozen: their lines and total are fixed at issue, and their lines carry copies (style
number, production year, amount) rather than reading master data that may change later. Their PDF and XLSX
are rendered once by a task after issue (``documents_status``), stored with a SHA-256 checksum and never
rendered again.
The party is the loss report's (``writeoffs.models.PartyMixin``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.exports import document_path
from aftersales.models import TimeStampedModel
from aftersales.periods import period_label
from chargebacks import permissions
from chargebacks.choices import ChargebackLineKind, DocumentsStatus, StatementState
from writeoffs.models import PRODUCTION_YEAR_BOUNDS, ZERO, PartyDocumentQuerySet, PartyMixin


class ChargebackStatement(ConcurrentTransitionMixin, PartyMixin, TimeStampedModel):
    """扣款单: what one party is charged for one month, as a numbered version.

    ``issue`` freezes it (lines and total at once) and ``charge_back`` fires on its scrap lines; its PDF and
    XLSX are then rendered by a task (``documents_status``), stored with their SHA-256 and never rendered again. A
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
    # The render of the documents after issue (``chargebacks.tasks``): as a report run's build (``reports``).
    documents_status = models.CharField(
        _("documents"), max_length=10, choices=DocumentsStatus.choices, blank=True,
        help_text=_("Blank on a draft; queued, running, done or failed once the statement is issued."),
    )  # fmt: skip
    documents_progress = models.PositiveSmallIntegerField(_("documents progress (%)"), default=0)
    documents_attempts = models.PositiveSmallIntegerField(_("document render attempts"), default=0)
    documents_error = models.TextField(_("documents error"), blank=True)
    documents_rendered_at = models.DateTimeField(_("documents rendered at"), null=True, blank=True)
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
        # The table kept its name when the model moved here from reports (issue 12).
        db_table = "reports_chargebackstatement"
        constraints = [
            models.UniqueConstraint(fields=["period", "party_key", "version"], name="statement_one_per_party_version"),
            models.UniqueConstraint(fields=["number", "version"], name="statement_number_version"),
            models.CheckConstraint(condition=Q(documents_progress__lte=100), name="statement_documents_percent"),
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

    @property
    def documents_ready(self) -> bool:
        """The PDF and XLSX are stored with their checksums (a download answers them)."""
        return self.documents_status == DocumentsStatus.DONE and bool(self.pdf_sha256 and self.xlsx_sha256)

    @property
    def documents_pending(self) -> bool:
        """Queued or being rendered: the page polls it."""
        return self.documents_status in (DocumentsStatus.QUEUED, DocumentsStatus.RUNNING)

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
    # A service-desk cost charged back (issue 15): the refund or the compensation itself, each charged once.
    refund = models.ForeignKey(
        "servicedesk.Refund", on_delete=models.PROTECT, null=True, blank=True, related_name="chargeback_lines",
        verbose_name=_("refund"),
    )  # fmt: skip
    compensation = models.ForeignKey(
        "servicedesk.Compensation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="chargeback_lines", verbose_name=_("compensation"),
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
    current = models.BooleanField(
        _("current"),
        default=True,
        help_text=_(
            "Cleared on the lines of a statement once a revision carries them over (the revision's copies are the "
            "charge), and on a line that charged a unit a second time before that was refused."
        ),
    )

    # The first manager is the default one, which related managers (``statement.lines``) and prefetches use.
    objects = LiveChargebackLineManager()
    all_objects = models.Manager()  # noqa: DJ012 - the unfiltered manager must come second

    class Meta:
        ordering = ["statement", "position", "id"]
        base_manager_name = "all_objects"
        verbose_name = _("chargeback line")
        verbose_name_plural = _("chargeback lines")
        # The table kept its name when the model moved here from reports (issue 12).
        db_table = "reports_chargebackline"
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "kind", "return_item"],
                condition=Q(return_item__isnull=False),
                name="chargebackline_once_per_return",
            ),
            # A unit is charged to a party at most once, whatever the path (domain.md, Batch recall): among the
            # lines that charge (live, and not replaced by a revision's copy), one per Return in the whole table.
            models.UniqueConstraint(
                fields=["return_item"],
                condition=Q(return_item__isnull=False, removed_at__isnull=True, current=True),
                name="chargebackline_return_charged_once",
            ),
            models.UniqueConstraint(
                fields=["statement", "shipment"],
                condition=Q(shipment__isnull=False),
                name="chargebackline_once_per_shipment",
            ),
            # A desk cost (a refund, a compensation) is charged at most once in the whole table, like a unit.
            models.UniqueConstraint(
                fields=["refund"],
                condition=Q(refund__isnull=False, removed_at__isnull=True, current=True),
                name="chargebackline_refund_charged_once",
            ),
            models.UniqueConstraint(
                fields=["statement", "refund"], condition=Q(refund__isnull=False), name="chargebackline_once_per_refund"
            ),
            models.UniqueConstraint(
                fields=["compensation"],
                condition=Q(compensation__isnull=False, removed_at__isnull=True, current=True),
                name="chargebackline_compensation_once",
            ),
            models.UniqueConstraint(
                fields=["statement", "compensation"],
                condition=Q(compensation__isnull=False),
                name="chargebackline_once_per_comp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount}"
