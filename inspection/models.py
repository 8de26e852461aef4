"""Inspection reports 鉴定报告: what the service center found on a returned unit, and who is at fault."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.models import ScopedQuerySet, TimeStampedModel
from cases.choices import Verdict
from cases.models import Return
from suppliers.choices import Responsibility


class InspectionReportQuerySet(ScopedQuerySet):
    """Scoped through its Return: the store's, the region's, and a supplier's own charged units."""

    def visible_to(self, user):
        return self.filter(return_item__in=Return.objects.visible_to(user).values("pk"))


class InspectionReport(TimeStampedModel):
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
