"""Inspection reports 鉴定报告 (what the service center found on a returned unit, and who is at fault), and the
incoming sample inspection 成衣抽检 of suppliers' bulk lots under GB/T 2828.1 (``inspection.aql``)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import ScopedQuerySet, StoredFile, TimeStampedModel
from aftersales.scoping import scope_for
from cases.choices import ReturnState, Verdict
from cases.models import Return
from inspection import permissions
from inspection.choices import DefectClass, Disposition, LotState, ReworkAnswer, SwitchRule
from suppliers.choices import InspectionSeverity, Responsibility


class InspectionReportQuerySet(ScopedQuerySet):
    """Scoped through its Return: the store's, the region's, and a supplier's own charged units."""

    def visible_to(self, user):
        visible = self.filter(return_item__in=Return.objects.visible_to(user).values("pk"))
        scope = scope_for(user) if getattr(user, "is_authenticated", False) else None
        if scope is not None and not scope.everything and scope.supplier_ids:
            # A supplier also sees the rework requests 返修 on its own styles, whoever is responsible.
            visible = visible | self.filter(
                verdict=Verdict.SUPPLIER_REWORK, return_item__style__supplier__in=sorted(scope.supplier_ids)
            )
        return visible


class InspectionReport(ConcurrentTransitionMixin, TimeStampedModel):
    """An inspection report 鉴定报告 of one Return: defect codes, verdict, responsibility 责任方, notes, photos.

    Created only by firing the Return's ``inspect``; one per Return.
    Responsibility is required for ``unrepairable``; when the technician
    cannot tell supplier from store it is ``hq`` 由总公司承担. Supplier rework
    records the supplier's agreement 经工厂同意 and its promised return date.
    """

    return_item = models.OneToOneField(
        "cases.Return", on_delete=models.PROTECT, related_name="inspection", verbose_name=_("return")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    inspected_at = models.DateTimeField(_("inspected at"))
    defect_codes = models.ManyToManyField(
        "suppliers.DefectCode", blank=True, related_name="inspection_reports", verbose_name=_("defect codes")
    )
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    responsibility = models.CharField(_("responsibility"), max_length=10, choices=Responsibility.choices, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    supplier_agreement = models.CharField(
        _("supplier's agreement"),
        max_length=300,
        blank=True,
        help_text=_("Who at the supplier agreed to rework the unit, and how."),
    )
    supplier_promised_date = models.DateField(_("supplier's promised return date"), null=True, blank=True)
    rework_answer = FSMField(
        _("supplier's answer"),
        max_length=20,
        choices=ReworkAnswer.choices,
        default=ReworkAnswer.NOT_ASKED,
        protected=True,
    )
    rework_answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    rework_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    rework_decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)

    objects = InspectionReportQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_at", "-id"]
        verbose_name = _("inspection report")
        verbose_name_plural = _("inspection reports")
        constraints = [
            models.CheckConstraint(
                condition=~Q(verdict=Verdict.UNREPAIRABLE) | ~Q(responsibility=""),
                name="inspection_unrepairable_has_responsibility",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.return_item} {self.get_verdict_display()}"

    def unit_at_supplier(self) -> bool:
        return self.return_item.state == ReturnState.AT_SUPPLIER

    @transition(field=rework_answer, source=ReworkAnswer.REQUESTED, target=ReworkAnswer.AGREED,
                conditions=[unit_at_supplier], permission=permissions.is_supplier_of_rework)  # fmt: skip
    def agree_rework(self, promised_date, by, at) -> None:
        """The supplier agrees to rework the unit 经工厂同意 and promises its return date."""
        self.supplier_promised_date = promised_date
        self.rework_answered_by = by
        self.rework_answered_at = at

    @transition(field=rework_answer, source=ReworkAnswer.REQUESTED, target=ReworkAnswer.DECLINED,
                conditions=[unit_at_supplier], permission=permissions.is_supplier_of_rework)  # fmt: skip
    def decline_rework(self, reason, by, at) -> None:
        """The supplier declines the rework, with its reason; the center takes the unit back."""
        self.rework_decline_reason = reason
        self.rework_answered_by = by
        self.rework_answered_at = at


# --- Incoming sample inspection 成衣抽检 ---

LEVEL_CHOICES = [(level, level) for level in ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")]
SEVERITY_CHOICES = [
    (InspectionSeverity.NORMAL.value, InspectionSeverity.NORMAL.label),
    (InspectionSeverity.TIGHTENED.value, InspectionSeverity.TIGHTENED.label),
    (InspectionSeverity.REDUCED.value, InspectionSeverity.REDUCED.label),
]
MAX_LOT_SIZE = 10_000_000
MAX_CARTONS = 100_000


class IncomingLotQuerySet(ScopedQuerySet):
    """Service-center roles see every lot; a supplier's users see their own supplier's."""

    supplier_lookup = "supplier"


class IncomingLot(ConcurrentTransitionMixin, TimeStampedModel):
    """A supplier's bulk delivery 大货批次 ``IL-YYYYMM-NNNN``: only a passed lot ships to stores 抽检合格方能出货.

    Registered by logistics; each inspection (the first, and one more after each rework) is a
    ``SampleInspection`` whose plan is fixed when it is created. ``severity`` is the supplier's
    at registration. The verdict is computed from the plan by ``record_result``, never typed.
    """

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, related_name="incoming_lots", verbose_name=_("supplier")
    )
    style = models.ForeignKey(
        "suppliers.Style", on_delete=models.PROTECT, related_name="incoming_lots", verbose_name=_("style")
    )
    po_number = models.CharField(_("purchase order"), max_length=40)
    quantity = models.PositiveIntegerField(
        _("quantity (lot size)"), validators=[MinValueValidator(2), MaxValueValidator(MAX_LOT_SIZE)]
    )
    cartons = models.PositiveIntegerField(
        _("cartons"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CARTONS)]
    )
    received_at = models.DateTimeField(_("received at"))
    delivery_date = models.DateField(_("planned store delivery date"))
    level = models.CharField(_("inspection level"), max_length=4, choices=LEVEL_CHOICES, default="II")
    severity = models.CharField(_("severity at registration"), max_length=20, choices=SEVERITY_CHOICES)
    state = FSMField(_("state"), max_length=20, choices=LotState.choices, default=LotState.REGISTERED, protected=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    disposition = models.CharField(_("disposition"), max_length=20, choices=Disposition.choices, blank=True)
    review_notes = models.TextField(_("review notes"), max_length=4000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reviewed by"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    concession_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("concession approved by"),
    )  # fmt: skip
    concession_approved_at = models.DateTimeField(_("concession approved at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("released by"),
    )  # fmt: skip
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    objects = IncomingLotQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("incoming lot")
        verbose_name_plural = _("incoming lots")

    def __str__(self) -> str:
        return self.number

    @property
    def current_inspection(self) -> SampleInspection | None:
        inspections = list(self.inspections.all())
        return max(inspections, key=lambda item: item.round) if inspections else None

    @transition(field=state, source=[LotState.REGISTERED, LotState.REWORK], target=LotState.INSPECTING,
                permission=permissions.is_technician)  # fmt: skip
    def start_inspection(self) -> None:
        pass

    @transition(field=state, source=LotState.INSPECTING, target=RETURN_VALUE(LotState.ACCEPTED, LotState.REJECTED),
                permission=permissions.is_technician)  # fmt: skip
    def record_result(self, accepted: bool) -> str:
        return LotState.ACCEPTED if accepted else LotState.REJECTED

    @transition(field=state, source=LotState.ACCEPTED, target=LotState.RELEASED, permission=permissions.is_logistics)
    def release(self, by, at) -> None:
        self.released_by, self.released_at = by, at

    @transition(field=state, source=LotState.REJECTED,
                target=RETURN_VALUE(LotState.REWORK, LotState.RETURNED, LotState.CONCESSION),
                permission=permissions.is_qa)  # fmt: skip
    def review(self, disposition: str, by, at) -> str:
        # The notes are the input ``incominglot_review`` checked and set on the row.
        self.disposition = disposition
        self.reviewed_by, self.reviewed_at = by, at
        return {
            Disposition.REWORK: LotState.REWORK,
            Disposition.RETURN_TO_SUPPLIER: LotState.RETURNED,
            Disposition.CONCESSION: LotState.CONCESSION,
        }[disposition]

    @transition(field=state, source=LotState.CONCESSION, target=LotState.RELEASED,
                permission=permissions.is_production_vp)  # fmt: skip
    def approve_concession(self, by, at) -> None:
        self.concession_approved_by, self.concession_approved_at = by, at
        self.released_by, self.released_at = by, at


def report_path(instance: SampleInspection, filename: str) -> str:
    return f"incoming/{instance.lot.number}/{instance.lot.number}-{instance.round}.pdf"


def lot_photo_path(instance: LotPhoto, filename: str) -> str:
    return f"incoming/{instance.inspection.lot.number}/{instance.sha256[:16]}{instance.extension}"


class SampleInspection(TimeStampedModel):
    """One inspection 抽检 of a lot: its plan (fixed when created), the cartons to open, what was found, the verdict.

    Round 1 is the original inspection, the one the switching rules count; a reworked lot gets
    a new round under tightened. ``plan`` is ``{"critical"|"major"|"minor": {"aql", "code_letter",
    "sample_size", "accept", "reject"}}``; ``sample_size`` is the largest of them (every class is
    judged on the sample actually drawn). ``score_step`` is what this lot added to the switching
    score (clause 9.3.3): 2 or 3, 0 for a reset, null outside normal original inspection.
    """

    lot = models.ForeignKey(IncomingLot, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("lot"))
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    severity = models.CharField(pgettext_lazy("inspection", "severity"), max_length=20, choices=SEVERITY_CHOICES)
    level = models.CharField(_("inspection level"), max_length=4, choices=LEVEL_CHOICES, default="II")
    plan = models.JSONField(_("sampling plan"), default=dict)
    sample_size = models.PositiveIntegerField(_("sample size"))
    full_inspection = models.BooleanField(_("every item inspected"), default=False)
    cartons_to_open = models.JSONField(_("cartons to open"), default=list)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("inspector"),
    )  # fmt: skip
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    items_checked = models.JSONField(_("items checked"), default=list, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)
    score_step = models.PositiveSmallIntegerField(_("switching score step"), null=True, blank=True)
    report_pdf = models.FileField(_("inspection report 验货报告单"), upload_to=report_path, max_length=200, blank=True)
    report_sha256 = models.CharField(_("report checksum (SHA-256)"), max_length=64, blank=True)

    class Meta:
        ordering = ["lot", "round"]
        verbose_name = _("sample inspection")
        verbose_name_plural = _("sample inspections")
        constraints = [models.UniqueConstraint(fields=["lot", "round"], name="inspection_one_round_per_lot")]

    def __str__(self) -> str:
        return f"{self.lot} #{self.round}"

    def found(self, defect_class: str) -> int:
        """Nonconformities of one class found in the sample."""
        return sum(defect.quantity for defect in self.defects.all() if defect.defect_class == defect_class)


class LotDefect(models.Model):
    """One defect found in a sample: class, defect code 缺陷代码 and how many."""

    inspection = models.ForeignKey(
        SampleInspection, on_delete=models.CASCADE, related_name="defects", verbose_name=_("inspection")
    )
    defect_class = models.CharField(_("class"), max_length=10, choices=DefectClass.choices)
    defect_code = models.ForeignKey(
        "suppliers.DefectCode", on_delete=models.PROTECT, related_name="+", verbose_name=_("defect code")
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = _("defect found")
        verbose_name_plural = _("defects found")

    def __str__(self) -> str:
        return f"{self.defect_code} × {self.quantity}"


class LotPhoto(StoredFile):
    """A photo taken in a sample inspection (the defects QA reviews)."""

    inspection = models.ForeignKey(
        SampleInspection, on_delete=models.PROTECT, related_name="photos", verbose_name=_("inspection")
    )
    file = models.FileField(_("file"), upload_to=lot_photo_path, max_length=200)

    class Meta:
        ordering = ["id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")


class SeveritySwitchQuerySet(ScopedQuerySet):
    """A supplier's users see their own supplier's switches."""

    supplier_lookup = "supplier"


class SeveritySwitch(TimeStampedModel):
    """A change of a supplier's inspection severity, with the rule, the lots behind it and who decided."""

    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, related_name="severity_switches", verbose_name=_("supplier")
    )
    from_severity = models.CharField(_("from"), max_length=20, choices=InspectionSeverity.choices)
    to_severity = models.CharField(_("to"), max_length=20, choices=InspectionSeverity.choices)
    rule = models.CharField(_("rule"), max_length=20, choices=SwitchRule.choices)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    score = models.PositiveSmallIntegerField(_("switching score"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"), help_text=_("Empty when the rules switched on a lot's result."),
    )  # fmt: skip
    lots = models.ManyToManyField(IncomingLot, blank=True, related_name="severity_switches", verbose_name=_("lots"))

    objects = SeveritySwitchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("severity switch")
        verbose_name_plural = _("severity switches")

    def __str__(self) -> str:
        return f"{self.supplier}: {self.from_severity} → {self.to_severity}"
