"""Kinds of the monthly reports and the statuses of their runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportKind(models.TextChoices):
    """The monthly reports people read (domain.md "Reports people read")."""

    SCRAP = "scrap", _("Monthly scrap report")
    SUPPLIER_QUALITY = "supplier_quality", _("Supplier quality report")
    TURNAROUND = "turnaround", _("Turnaround report")
    SERVICE_DESK = "service_desk", _("Service desk report")
    PARTS_USAGE = "parts_usage", _("Parts usage and repair analysis")
    # 质量信息反馈处理汇总表 (seed 001, issue 15): for the general manager, QA and the production VP.
    QUALITY_SUMMARY = "quality_summary", _("Quality information summary")


class ReportRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    # "Failed" alone reads as a failed quality check (不合格) in Chinese: a build fails (失败).
    FAILED = "failed", pgettext_lazy("report run", "Failed")
