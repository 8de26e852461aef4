"""The monthly 10 % audit 每月抽查: the drawn samples and their reviews against the checklist.

One ``MonthlyAudit`` per month (unique period: drawing twice answers the same audit). Its samples are drawn once,
reproducibly (``quality.services.audits``: each candidate ranked by a hash of the period and its number, never a
new random), from the month's closed service cases and completed Returns. QA reviews each sample against the
checklist of domain.md (``CHECKLIST``) with a score and findings; a finding can open a rectification order, linked
here (``AuditSample.rectification_order``, read back from the order as ``audit_samples``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.models import ScopedQuerySet
from aftersales.roles import Role, roles_of

SCORE_MIN = 0
SCORE_MAX = 100
MAX_FINDINGS = 4000

# The checklist 检查内容 of seed 004, 第六章 3 (domain.md, *Monthly audit*): key → what the reviewer answers.
# Each answer is yes (true), no (false) or not applicable (null).
CHECKLIST = {
    "first_response_on_time": _("First response on time"),
    "handling_reasonable": _("Handling reasonable, not a repeat repair of the same problem"),
    "refund_on_time": _("Refund on time"),
    "complaint_handled_effectively": _("Complaint handled effectively"),
    "privacy_respected": _("Customer's privacy respected"),
}


class SampleKind(models.TextChoices):
    """What a sample is: a Return (退货) or a service case (服务单); the API's ``kind``."""

    RETURN = "return", _("Return")
    SERVICE_CASE = "service_case", _("Service case")


class AuditQuerySet(ScopedQuerySet):
    """QA runs the audit and reads it; nobody else sees it (it judges other people's work)."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or Role.QA_MANAGER in roles_of(user):
            return self
        return self.none()


def audit_report_path(instance, filename: str) -> str:
    return f"documents/{instance.period:%Y/%m}/{filename}"


class MonthlyAudit(models.Model):
    """每月抽查 of one month: drawn on the 1st by the monthly build, or on demand by QA for a past month."""

    period = models.DateField(_("month"), unique=True, help_text=_("The month's first day."))
    share_percent = models.PositiveSmallIntegerField(_("share drawn (%)"))
    cases_closed = models.PositiveIntegerField(_("service cases closed in the month"), default=0)
    returns_completed = models.PositiveIntegerField(_("Returns completed in the month"), default=0)
    drawn_at = models.DateTimeField(_("drawn at"))
    # Empty when the monthly build drew it.
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("drawn by"),
    )  # fmt: skip
    # The audit report 抽查报告 (PDF), rendered in a task; re-rendered on request as reviews come in.
    report_pdf = models.FileField(_("report (PDF)"), upload_to=audit_report_path, max_length=200, blank=True)
    report_rendered_at = models.DateTimeField(_("report rendered at"), null=True, blank=True)
    report_requested_at = models.DateTimeField(_("report requested at"), null=True, blank=True)
    report_error = models.TextField(_("report error"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-period"]
        verbose_name = _("monthly audit")
        verbose_name_plural = _("monthly audits")

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"

    @property
    def report_pending(self) -> bool:
        return self.report_requested_at is not None and (
            self.report_rendered_at is None or self.report_rendered_at < self.report_requested_at
        ) and not self.report_error  # fmt: skip


class SampleQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or Role.QA_MANAGER in roles_of(user):
            return self
        return self.none()


class AuditSample(models.Model):
    """One drawn item of a monthly audit: a Return or a service case, and QA's review of it.

    The people and store it is scored against are copied at the draw (the case's owner, the Return's inspecting and
    repairing technicians, the store), so the report's scores by agent, technician and store are one GROUP BY.
    """

    audit = models.ForeignKey(MonthlyAudit, on_delete=models.CASCADE, related_name="samples", verbose_name=_("audit"))
    kind = models.CharField(_("kind"), max_length=20, choices=SampleKind.choices)
    # The draw's order within its kind (1 = ranked first by the seeded hash).
    rank = models.PositiveIntegerField(_("rank"))
    return_item = models.ForeignKey(
        "cases.Return", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_samples",
        verbose_name=_("return"),
    )  # fmt: skip
    service_case = models.ForeignKey(
        "servicedesk.ServiceCase", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_samples",
        verbose_name=_("service case"),
    )  # fmt: skip
    store = models.ForeignKey(
        "stores.Store", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("store")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("hotline agent"),
    )  # fmt: skip
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("technician"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reviewed by"),
    )  # fmt: skip
    answers = models.JSONField(_("checklist answers"), default=dict, blank=True)
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    findings = models.TextField(_("findings"), max_length=MAX_FINDINGS, blank=True)
    # The rectification order 质量整改令 a finding opened (one at most per sample).
    rectification_order = models.ForeignKey(
        "quality.RectificationOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_samples",
        verbose_name=_("rectification order"),
    )  # fmt: skip

    objects = SampleQuerySet.as_manager()

    class Meta:
        ordering = ["audit", "kind", "rank"]
        verbose_name = _("audit sample")
        verbose_name_plural = _("audit samples")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="return", return_item__isnull=False, service_case__isnull=True)
                | Q(kind="service_case", service_case__isnull=False, return_item__isnull=True),
                name="auditsample_one_object_of_its_kind",
            ),
            models.UniqueConstraint(fields=["audit", "return_item"], name="auditsample_return_once"),
            models.UniqueConstraint(fields=["audit", "service_case"], name="auditsample_case_once"),
            models.UniqueConstraint(fields=["audit", "kind", "rank"], name="auditsample_rank_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="auditsample_score_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.subject)

    @property
    def subject(self):
        return self.return_item if self.kind == SampleKind.RETURN else self.service_case

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None
