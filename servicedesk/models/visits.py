"""On-site service 现场服务 (seed 001) and the result feedback form 处置结果反馈单 the customer signs.

A visit is dispatched from a service case with one or more technicians (one of
them the lead when there are several), a planned arrival, and the arrival due
time the SLA gives it: ``AFTERSALES_SLA_ONSITE_IN_PROVINCE_HOURS`` (24 h) when the
customer is in the service center's province, the out-of-province hours (48 h)
otherwise. That due time also runs on the case as its ``arrival`` clock, so it
joins the case's queue order and its once-per-level alerts.

``dispatched`` → ``arrived`` (``arrive``) → ``signed`` (``sign``: the form signed
on the screen or as a photo of the signed paper); ``cancel`` from
``dispatched``. The findings and the handling are an action on an arrived visit
(``record_findings``, logged). Once signed, a Celery task renders the form as a
Chinese A4 PDF with the signature image and freezes it with its checksum.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import ScopedQuerySet, StoredFile, TimeStampedModel
from servicedesk import permissions
from servicedesk.choices import SignatureSource, VisitHandling, VisitState
from servicedesk.models.cases import MAX_TEXT, ServiceCase


class VisitQuerySet(ScopedQuerySet):
    """A visit is seen by whoever sees its case (a store its store's cases, a region its stores'; suppliers none)."""

    store_lookup = "service_case__store"


class Visit(ConcurrentTransitionMixin, TimeStampedModel):
    """现场服务: engineers sent to the customer for a case, their findings, handling and the signed feedback form."""

    service_case = models.ForeignKey(
        ServiceCase, on_delete=models.PROTECT, related_name="visits", verbose_name=_("service case")
    )
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    state = FSMField(_("state"), max_length=20, choices=VisitState.choices, default=VisitState.DISPATCHED,
                     protected=True)  # fmt: skip
    technicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="VisitTechnician", related_name="visits", verbose_name=_("technicians")
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dispatched by")
    )
    dispatched_at = models.DateTimeField(pgettext_lazy("visit", "dispatched at"))
    planned_arrival = models.DateTimeField(_("planned arrival"))
    address = models.CharField(_("site address"), max_length=200, blank=True)
    province = models.CharField(_("province"), max_length=20)
    in_province = models.BooleanField(_("in the service center's province"))
    arrival_due = models.DateTimeField(_("arrival due"))
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    arrival_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("arrival recorded by"),
    )  # fmt: skip
    # Findings 现场调查: what the engineers found at the customer's.
    product = models.CharField(_("product"), max_length=200, blank=True)
    batch_no = models.CharField(_("batch number"), max_length=40, blank=True)
    production_point = models.CharField(_("production point"), max_length=100, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    quantity_used = models.PositiveIntegerField(
        _("quantity used"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(1_000_000)]
    )
    misuse = models.BooleanField(_("the user operated it wrongly"), null=True, blank=True)
    findings = models.TextField(_("findings"), max_length=MAX_TEXT, blank=True)
    handling = models.CharField(_("handling"), max_length=30, choices=VisitHandling.choices, blank=True)
    handling_notes = models.TextField(_("handling notes"), max_length=MAX_TEXT, blank=True)
    findings_recorded_at = models.DateTimeField(_("findings recorded at"), null=True, blank=True)
    # The result feedback form 处置结果反馈单.
    signer_name = models.CharField(_("signed by"), max_length=60, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    form_pdf = models.FileField(_("feedback form (PDF)"), upload_to="visits/forms/", max_length=200, blank=True)
    form_sha256 = models.CharField(_("feedback form SHA-256"), max_length=64, blank=True)
    form_error = models.TextField(_("feedback form error"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=MAX_TEXT, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("on-site visit")
        verbose_name_plural = _("on-site visits")
        indexes = [models.Index(fields=["service_case", "-id"], name="visit_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(arrived_at__isnull=True) | Q(arrived_at__gte=models.F("dispatched_at")),
                name="visit_arrival_after_dispatch",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def findings_complete(self) -> bool:
        return bool(self.findings_recorded_at and self.handling)

    def lead(self):
        rows = [row for row in self.crew.all() if row.lead]
        return rows[0].user if rows else None

    # --- transitions (each only sets this row's own fields) ---

    @transition(field=state, source=VisitState.DISPATCHED, target=VisitState.ARRIVED,
                permission=permissions.is_visit_technician)  # fmt: skip
    def arrive(self, at: dt.datetime, by) -> None:
        """The engineers are at the customer's 到达现场: stops the visit's arrival clock."""
        self.arrived_at, self.arrival_recorded_by = at, by

    @transition(field=state, source=VisitState.ARRIVED, target=VisitState.SIGNED,
                permission=permissions.is_visit_technician)  # fmt: skip
    def sign(self, signer_name: str, at: dt.datetime) -> None:
        """The customer signs the result feedback form 处置结果反馈单 (the image is the service's to keep)."""
        self.signer_name, self.signed_at = signer_name, at

    @transition(field=state, source=VisitState.DISPATCHED, target=VisitState.CANCELLED,
                permission=permissions.may_dispatch)  # fmt: skip
    def cancel(self, reason: str) -> None:
        self.cancel_reason = reason


class VisitTechnician(models.Model):
    """A technician sent on a visit; with several, exactly one is the lead 负责人."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="crew", verbose_name=_("visit"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("technician")
    )
    lead = models.BooleanField(_("lead"), default=False)

    class Meta:
        ordering = ["-lead", "id"]
        verbose_name = _("visit technician")
        verbose_name_plural = _("visit technicians")
        constraints = [
            models.UniqueConstraint(fields=["visit", "user"], name="visittechnician_once_per_visit"),
            models.UniqueConstraint(fields=["visit"], condition=Q(lead=True), name="visittechnician_one_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.user_id}{' lead' if self.lead else ''}"


def visit_signature_path(instance: VisitSignature, filename: str) -> str:
    return f"visits/{instance.visit_id}/signature-{instance.sha256[:16]}{instance.extension}"


class VisitSignature(StoredFile):
    """The customer's signature on the feedback form: drawn on the screen (a PNG) or a photo of the signed paper."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="signature", verbose_name=_("visit"))
    source = models.CharField(_("signed"), max_length=10, choices=SignatureSource.choices)
    file = models.FileField(_("file"), upload_to=visit_signature_path, max_length=200)

    class Meta:
        verbose_name = _("visit signature")
        verbose_name_plural = _("visit signatures")

    def __str__(self) -> str:
        return f"{self.visit_id} {self.source}"
