"""The quality information form 产品质量信息传递处置单 and the escalations 上报 of major incidents and safety cases.

Seed 001: the marketing branch 营销分公司 (here the hotline) fills the form for a
quality case (product, production date, batch, quantity, the user's problem),
the department leader (a ``qa_manager``) writes the handling opinion 处理意见 and
approves it (批示); it goes out in three copies (marketing branch, quality
department, the quality leader). Once approved it is frozen: its PDF is rendered
once by a task and stored with its SHA-256, and nothing on it changes again.

A major quality incident 较大质量事故 (a direct loss at or above the setting) and a
safety hazard 安全隐患 are reported to QA and the production VP at once, with the
initial handling opinion 初步处理意见 and the customer's demand 用户诉求 (and, for a
safety case, the stop-using instruction given). Each stays on those roles' home
page until that role acknowledges it: one acknowledgement per role (any QA
manager answers for QA, any VP for the VP), so a role's list empties once
someone of that role has read it, and the other role still sees it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import ScopedQuerySet, TimeStampedModel
from aftersales.roles import Role
from servicedesk.choices import EscalationKind, QualityFormState
from servicedesk.models.cases import MAX_TEXT, ServiceCase
from servicedesk.permissions import has_role

# The roles an escalation is reported to, each acknowledging for itself.
ESCALATION_ROLES = (Role.QA_MANAGER, Role.PRODUCTION_VP)


def is_qa_manager(instance, user) -> bool:
    """The department leader who writes the handling opinion and approves (批示) is QA 质量部."""
    return has_role(user, Role.QA_MANAGER)


def may_draft_quality_form(instance, user) -> bool:
    """The hotline (the marketing branch's desk) fills the form; QA may fill it too."""
    return has_role(user, Role.HOTLINE_AGENT) or has_role(user, Role.QA_MANAGER)


class QualityFormQuerySet(ScopedQuerySet):
    """A form is seen by whoever sees its case (a store its store's cases, a supplier nothing)."""

    store_lookup = "service_case__store"


def quality_form_path(instance: QualityForm, filename: str) -> str:
    # The documents' one layout (aftersales.exports.document_path: under the month), so store_document finds and
    # replaces a partial file a killed render left under the form's one name.
    from aftersales.exports import document_path

    return document_path(instance, filename)


class QualityForm(ConcurrentTransitionMixin, TimeStampedModel):
    """产品质量信息传递处置单 ``QF-YYYYMM-NNNN`` of one quality case: ``draft`` → ``approved`` (``approve``, QA).

    The product and the problem are copied from the case when the form is made
    and may be corrected while it is a draft; the handling opinion is QA's. The
    approved form is frozen: ``pdf`` and ``pdf_sha256`` are written once by the
    render task and every edit answers 409.
    """

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    service_case = models.OneToOneField(
        ServiceCase, on_delete=models.PROTECT, related_name="quality_form", verbose_name=_("service case")
    )
    style = models.ForeignKey(
        "suppliers.Style", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("style")
    )
    product_name = models.CharField(_("product"), max_length=120, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    batch_no = models.CharField(_("batch number"), max_length=40, blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    problem = models.TextField(_("the user's problem"), max_length=MAX_TEXT * 3)
    handling_opinion = models.TextField(_("handling opinion"), max_length=MAX_TEXT, blank=True)
    state = FSMField(
        _("state"), max_length=20, choices=QualityFormState.choices, default=QualityFormState.DRAFT, protected=True
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filled in by")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=quality_form_path, max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF made at"), null=True, blank=True)

    objects = QualityFormQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("quality information form")
        verbose_name_plural = _("quality information forms")
        constraints = [
            # An approved form carries its approver, moment and opinion (批示 is never blank).
            models.CheckConstraint(
                condition=models.Q(state=QualityFormState.DRAFT)
                | (models.Q(approved_by__isnull=False, approved_at__isnull=False) & ~models.Q(handling_opinion="")),
                name="qualityform_approved_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def period(self):
        """The month the form was made in (its documents are filed under it)."""
        from django.utils import timezone

        return timezone.localdate(self.created_at).replace(day=1)

    @property
    def frozen(self) -> bool:
        return self.state == QualityFormState.APPROVED

    @transition(field=state, source=QualityFormState.DRAFT, target=QualityFormState.APPROVED,
                permission=is_qa_manager)  # fmt: skip
    def approve(self, opinion: str, by, at) -> None:
        """The department leader's 批示: the handling opinion, who and when; the form is frozen from now on."""
        self.handling_opinion, self.approved_by, self.approved_at = opinion, by, at


class EscalationQuerySet(ScopedQuerySet):
    """An escalation is seen by whoever sees its case."""

    store_lookup = "service_case__store"

    def pending_for(self, roles):
        """Those not yet acknowledged by one of ``roles`` (what that role's home page lists)."""
        return self.exclude(
            pk__in=EscalationAcknowledgement.objects.filter(role__in=list(roles))
            .values("escalation")
            .annotate(roles=models.Count("role", distinct=True))
            .filter(roles=len(list(roles)))
            .values("escalation")
        )


class Escalation(models.Model):
    """上报: a major quality incident 较大质量事故 or a safety hazard 安全隐患 reported to QA and the production VP.

    Raised when the case is logged, with the initial handling opinion, the
    customer's demand and (safety) the stop-using instruction; the loss is the
    case's at that moment. One per case and kind.
    """

    service_case = models.ForeignKey(
        ServiceCase, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("service case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EscalationKind.choices)
    initial_opinion = models.TextField(_("initial handling opinion"), max_length=MAX_TEXT, blank=True)
    customer_demand = models.TextField(_("customer's demand"), max_length=MAX_TEXT, blank=True)
    stop_using_instruction = models.TextField(_("stop-using instruction"), max_length=MAX_TEXT, blank=True)
    direct_loss = models.DecimalField(_("direct loss (CNY)"), max_digits=14, decimal_places=2)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    raised_at = models.DateTimeField(_("reported at"))

    objects = EscalationQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(fields=["service_case", "kind"], name="escalation_one_per_case_and_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.service_case_id} {self.kind}"


class EscalationAcknowledgement(models.Model):
    """That one role (QA or the production VP) has read an escalation 已知悉: who and when. One per role."""

    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, related_name="acknowledgements", verbose_name=_("escalation")
    )
    role = models.CharField(_("role"), max_length=20, choices=[(role.value, role.label) for role in ESCALATION_ROLES])
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("acknowledged by")
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))
    note = models.TextField(_("note"), max_length=MAX_TEXT, blank=True)

    class Meta:
        ordering = ["acknowledged_at", "id"]
        verbose_name = _("escalation acknowledgement")
        verbose_name_plural = _("escalation acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["escalation", "role"], name="escalation_ack_one_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.escalation_id} {self.role}"
