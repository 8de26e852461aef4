"""Report runs 月度报表: one build of a monthly report for a period, with its progress, figures and files.

Finished runs are frozen: their PDF and XLSX are stored with a SHA-256
checksum and never rendered again (a rebuild is a new version).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.exports import document_path
from aftersales.models import ScopedQuerySet, TimeStampedModel
from aftersales.periods import period_label
from reports.choices import ReportKind, ReportRunStatus

# Named by migration 0001 (the destruction photos' upload path; the model moved to writeoffs/ in issue 12).
from writeoffs.models import destruction_photo_path  # noqa: F401


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
