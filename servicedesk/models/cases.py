"""The service desk 服务台: the customer archive 客户档案, service cases 服务单, their photos, and who saw a full phone.

Every state change of a case goes through ``aftersales.fsm.fire`` (its
transition methods only set the row's own fields); the promise 承诺 and the
links are actions of ``servicedesk.services``, logged with ``log_event``.
Each SLA clock keeps its due time and its "due soon" point on the row, so the
queue and the 15-minute alert scan read an index, never a calculation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import ScopedQuerySet, StoredFile, TimeStampedModel
from aftersales.roles import Role, roles_of
from servicedesk import permissions
from servicedesk.choices import (
    CASE_OPEN_STATES,
    REOPEN_BELOW,
    SATISFACTION_MAX,
    SATISFACTION_MIN,
    CaseKind,
    CaseState,
    Channel,
    Outcome,
    ResponseMethod,
    Severity,
)

ZERO = Decimal("0.00")
MAX_DESCRIPTION = 5000
MAX_TEXT = 2000


class CustomerQuerySet(ScopedQuerySet):
    """The archive is the hotline's (api-contract.md: "hotline only"); superusers see it too."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or Role.HOTLINE_AGENT in roles_of(user):
            return self
        return self.none()


class Customer(TimeStampedModel):
    """客户档案: one record per phone, kept only with the customer's consent (when, for what purpose).

    Erasure 删除请求 and the retention purge blank the name, phone and e-mail here (name and phone on
    the customer's Returns too), and keep every record: ``erased_at`` says when.
    """

    name = models.CharField(_("name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Optional, not unique (one record per phone stays the rule): where the satisfaction survey's link is mailed.
    email = models.EmailField(_("e-mail"), blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_purpose = models.CharField(_("purpose of the consent"), max_length=200, blank=True)
    returns = models.ManyToManyField("cases.Return", related_name="customers", blank=True, verbose_name=_("returns"))
    erased_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("anonymised by"), help_text=_("Empty when the retention purge anonymised it."),
    )  # fmt: skip

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            # One record per phone (an anonymised record has none).
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="customer_one_per_phone"),
            # Contact data only with the consent recorded (PIPL 个人信息保护法).
            models.CheckConstraint(
                condition=(Q(phone="") & Q(name="") & Q(email=""))
                | (Q(consent_at__isnull=False) & ~Q(consent_purpose="")),
                name="customer_contact_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.phone or f"#{self.pk}"


# The refusal of contact data without consent (the constraint ``customer_contact_needs_consent`` in words), one text
# for the page and the API.
CONSENT_REQUIRED = _("Record the customer's consent before keeping a name, phone or e-mail.")


class ServiceCaseQuerySet(ScopedQuerySet):
    """Service-center roles see every case, a store its store's, a region manager the region's; suppliers none."""

    store_lookup = "store"

    def running(self):
        return self.filter(state__in=CASE_OPEN_STATES)


def _clock_stopped(*fields: str) -> dict:
    return dict.fromkeys(fields)


class ServiceCase(ConcurrentTransitionMixin, TimeStampedModel):
    """服务单 ``SC-YYYYMM-NNNNN``: one call, message or visit, seen through to the customer's callback.

    ``open`` → ``in_progress`` (``respond``) → ``resolved`` (``resolve``) →
    ``closed`` (``follow_up`` with satisfaction 3–5; 1–2 reopens it once to
    ``in_progress``); ``cancel`` from ``open``. Clocks: first response (all
    kinds), appointment (``repair``), resolution by the promise.
    """

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    severity = models.CharField(
        pgettext_lazy("service case", "severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("customer")
    )
    store = models.ForeignKey(
        "stores.Store", on_delete=models.PROTECT, null=True, blank=True, related_name="service_cases",
        verbose_name=_("store concerned"),
    )  # fmt: skip
    # The store whose staff logged the case at the counter: it sees the full phone.
    logging_store = models.ForeignKey(
        "stores.Store", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("logged at store"),
    )  # fmt: skip
    style = models.ForeignKey(
        "suppliers.Style", on_delete=models.PROTECT, null=True, blank=True, related_name="service_cases",
        verbose_name=_("style"),
    )  # fmt: skip
    batch_no = models.CharField(_("batch number"), max_length=40, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION)
    told_to_stop_using = models.BooleanField(
        _("customer told to stop using it"), default=False, help_text=_("Required for a safety hazard.")
    )
    direct_loss = models.DecimalField(
        _("direct loss (CNY)"), max_digits=14, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    major_incident = models.BooleanField(_("major quality incident"), default=False)
    returns = models.ManyToManyField(
        "cases.Return", related_name="service_cases", blank=True, verbose_name=_("linked returns")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_service_cases",
        verbose_name=_("owner"),
    )  # fmt: skip
    state = FSMField(_("state"), max_length=20, choices=CaseState.choices, default=CaseState.OPEN, protected=True)
    # The promise 承诺: deadline and expected outcome; every change is logged (``promise`` in the timeline).
    promise_deadline = models.DateTimeField(_("promised by"), null=True, blank=True)
    promise_outcome = models.CharField(_("promised outcome"), max_length=200, blank=True)
    # SLA clocks: the due time stays for the record; the "warn" point is cleared when the clock stops.
    first_response_due = models.DateTimeField(_("first response due"))
    first_response_warn = models.DateTimeField(_("first response due soon from"), null=True, blank=True)
    appointment_due = models.DateTimeField(_("appointment due"), null=True, blank=True)
    appointment_warn = models.DateTimeField(_("appointment due soon from"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_warn = models.DateTimeField(_("resolution due soon from"), null=True, blank=True)
    # The on-site arrival clock 现场服务到达时限 of the visits (servicedesk.services.visits): due from the open
    # visits' earliest arrival due time; ``arrived_at`` is the first arrival that stopped it.
    arrival_due = models.DateTimeField(_("on-site arrival due"), null=True, blank=True)
    arrival_warn = models.DateTimeField(_("on-site arrival due soon from"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("engineers arrived at"), null=True, blank=True)
    # The nearest due time of the clocks still running (the queue's order); empty when none runs.
    next_due = models.DateTimeField(_("next due"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    response_method = models.CharField(_("response by"), max_length=20, choices=ResponseMethod.choices, blank=True)
    response_message = models.TextField(_("response"), max_length=MAX_TEXT, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), max_length=MAX_TEXT, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    followed_up_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True,
        validators=[MinValueValidator(SATISFACTION_MIN), MaxValueValidator(SATISFACTION_MAX)],
    )  # fmt: skip
    follow_up_remarks = models.TextField(_("callback remarks"), max_length=MAX_TEXT, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=MAX_TEXT, blank=True)

    objects = ServiceCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("service case")
        verbose_name_plural = _("service cases")
        indexes = [
            # The queue: running cases by the nearest due time.
            models.Index(fields=["next_due", "id"], condition=Q(next_due__isnull=False), name="servicecase_queue_idx"),
            models.Index(fields=["store", "-id"], name="servicecase_store_idx"),
            models.Index(fields=["state", "-id"], name="servicecase_state_idx"),
            models.Index(fields=["customer", "-id"], name="servicecase_customer_idx"),
            models.Index(fields=["owner", "state"], name="servicecase_owner_idx"),
            # The 15-minute SLA scan: one partial index per running clock.
            models.Index(
                fields=["first_response_warn"],
                condition=Q(first_response_warn__isnull=False),
                name="servicecase_fr_warn_idx",
            ),
            models.Index(
                fields=["appointment_warn"], condition=Q(appointment_warn__isnull=False), name="servicecase_ap_warn_idx"
            ),
            models.Index(
                fields=["resolution_warn"], condition=Q(resolution_warn__isnull=False), name="servicecase_rs_warn_idx"
            ),
            models.Index(
                fields=["arrival_warn"], condition=Q(arrival_warn__isnull=False), name="servicecase_ar_warn_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="servicecase_satisfaction_1_to_5",
            ),
            models.CheckConstraint(condition=Q(direct_loss__gte=0), name="servicecase_direct_loss_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number

    # --- the clocks (only this row's fields) ---

    def refresh_next_due(self) -> None:
        running = [
            due
            for due, warn in (
                (self.first_response_due, self.first_response_warn),
                (self.appointment_due, self.appointment_warn),
                (self.resolution_due, self.resolution_warn),
                (self.arrival_due, self.arrival_warn),
            )
            if due is not None and warn is not None
        ]
        self.next_due = min(running) if running else None

    def stop_clocks(self, *names: str) -> None:
        for name in names:
            setattr(self, f"{name}_warn", None)
        self.refresh_next_due()

    def clocks(self, now: dt.datetime) -> list[dict]:
        """Each clock of the case as its page shows it: due, stopped at, and where it stands now."""
        from servicedesk.choices import SlaClock, SlaStatus

        rows = []
        for clock, due, warn, stopped in (
            (SlaClock.FIRST_RESPONSE, self.first_response_due, self.first_response_warn, self.responded_at),
            (SlaClock.APPOINTMENT, self.appointment_due, self.appointment_warn, self.responded_at),
            (SlaClock.RESOLUTION, self.resolution_due, self.resolution_warn, self.resolved_at),
            (SlaClock.ARRIVAL, self.arrival_due, self.arrival_warn, self.arrived_at),
        ):
            if due is None:
                continue
            if warn is None:
                status = "met" if stopped is not None and stopped <= due else ("missed" if stopped else "stopped")
            elif due < now:
                status = SlaStatus.BREACHED.value
            elif warn <= now:
                status = SlaStatus.DUE_SOON.value
            else:
                status = "running"
            rows.append({"clock": clock, "label": clock.label, "due": due, "stopped": stopped, "status": status})
        return rows

    # --- transitions (domain.md); each only sets this row's own fields ---

    @transition(field=state, source=CaseState.OPEN, target=CaseState.IN_PROGRESS, permission=permissions.may_handle)
    def respond(self, how: str, message: str, at: dt.datetime, by) -> None:
        """The first response 首次响应 (for a repair case, the appointment confirmed): stops those clocks.

        ``how`` is the response method (not ``method``: django-fsm's change_state takes the transition under it).
        """
        self.responded_at, self.response_method, self.response_message = at, how, message
        if self.owner_id is None:
            self.owner = by
        self.stop_clocks("first_response", "appointment")

    @transition(field=state, source=CaseState.IN_PROGRESS, target=CaseState.RESOLVED,
                permission=permissions.may_handle)  # fmt: skip
    def resolve(self, resolution: str, outcome: str, at: dt.datetime) -> None:
        self.resolved_at, self.resolution, self.outcome = at, resolution, outcome
        self.stop_clocks("resolution")

    @transition(field=state, source=CaseState.RESOLVED, target=RETURN_VALUE(CaseState.CLOSED, CaseState.IN_PROGRESS),
                permission=permissions.may_follow_up)  # fmt: skip
    def follow_up(self, satisfaction: int, remarks: str, at: dt.datetime) -> str:
        """The callback 回访: 3–5 closes; 1–2 reopens the case to ``in_progress`` the first time, else closes."""
        self.followed_up_at, self.satisfaction, self.follow_up_remarks = at, satisfaction, remarks
        if satisfaction < REOPEN_BELOW and self.reopened_count == 0:
            self.reopened_count += 1
            self.resolved_at = None
            self.resolution_warn = self.resolution_due  # the promise's clock runs again (breached if past)
            self.refresh_next_due()
            return CaseState.IN_PROGRESS
        self.closed_at = at
        self.stop_clocks("first_response", "appointment", "resolution", "arrival")
        return CaseState.CLOSED

    @transition(field=state, source=CaseState.OPEN, target=CaseState.CANCELLED, permission=permissions.may_handle)
    def cancel(self, reason: str, at: dt.datetime) -> None:
        """A duplicate or not a case: the number stays used."""
        self.cancel_reason, self.closed_at = reason, at
        self.stop_clocks("first_response", "appointment", "resolution", "arrival")


def case_attachment_path(instance: ServiceCaseAttachment, filename: str) -> str:
    return f"servicecases/{instance.service_case_id}/{instance.sha256[:16]}{instance.extension}"


class ServiceCaseAttachment(StoredFile):
    """A photo or PDF the customer sent or the agent took for a case 附件."""

    service_case = models.ForeignKey(
        ServiceCase, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("service case")
    )
    file = models.FileField(_("file"), upload_to=case_attachment_path, max_length=200)

    class Meta:
        ordering = ["id"]
        verbose_name = _("service case attachment")
        verbose_name_plural = _("service case attachments")

    def __str__(self) -> str:
        return self.original_name


class PhoneAccessLog(models.Model):
    """That a user was shown a customer's full phone 查看完整电话记录 (PIPL): who, when, whose, where.

    Written by every page and API answer that shows a full phone; only
    superusers read it (the admin). Never changed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="phone_views",
        verbose_name=_("customer"),
    )  # fmt: skip
    service_case = models.ForeignKey(
        ServiceCase, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("service case")
    )
    where = models.CharField(_("where"), max_length=60)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("phone access log entry")
        verbose_name_plural = _("phone access log")
        indexes = [models.Index(fields=["customer", "-at"], name="phoneaccess_customer_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.customer_id} {self.at:%Y-%m-%d %H:%M}"
