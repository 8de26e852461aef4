"""Rectification orders 质量整改令 (四不放过) and their links to recalls, lots, Returns and service cases.

QA (``qa_manager``) opens an order for a representative, repeated or systemic problem and names the responsible
party: a supplier, a store or an internal department. ``issued`` → ``responded`` (``respond``: the party's answer
to all four of the "four nots" 四不放过) → ``closed`` (``verify`` effective) or back to ``issued`` (``verify`` not
effective, with the reason). Every state change goes through ``aftersales.fsm.fire``; the transition methods only
set the row's own fields.

The choices and the permission predicates live here rather than in app-wide ``quality/choices.py`` and
``quality/permissions.py`` because the app's parts are built side by side and each keeps to its own modules.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from aftersales.exports import document_path
from aftersales.models import ScopedQuerySet, TimeStampedModel
from aftersales.roles import Role, roles_of
from aftersales.scoping import scope_for

MAX_TEXT = 4000


class PartyType(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    STORE = "store", _("Store")
    INTERNAL = "internal", _("Internal department")


class OrderState(models.TextChoices):
    ISSUED = "issued", _("Issued")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")


class DocumentsStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Rendering")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# The four answers 四不放过 a response must give, in the order the regulations list them.
FOUR_NOTS = ("root_cause", "corrective_action", "accountability", "staff_education")


def _has_role(user, role: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and role in roles_of(user)


def is_qa(order, user) -> bool:
    """QA管理部 opens and verifies orders (and answers for an internal department)."""
    return _has_role(user, Role.QA_MANAGER)


def is_party(order, user) -> bool:
    """The party's own users answer: supplier users for their supplier, store staff for their store, QA for
    an internal department."""
    if order.party_type == PartyType.INTERNAL:
        return is_qa(order, user)
    if order.party_type == PartyType.SUPPLIER:
        return _has_role(user, Role.SUPPLIER_USER) and order.supplier_id in scope_for(user).supplier_ids
    if order.party_type == PartyType.STORE:
        return _has_role(user, Role.STORE_STAFF) and order.store_id in scope_for(user).staff_store_ids
    return False


class RectificationOrderQuerySet(ScopedQuerySet):
    """QA and the other center roles see every order, a supplier its own, a store (or its region manager) its own."""

    store_lookup = "store"
    supplier_lookup = "supplier"

    def open(self):
        return self.exclude(state=OrderState.CLOSED)

    def overdue(self, today: dt.date):
        """Issued orders past their due date (a responded order waits on QA, not on the party)."""
        return self.filter(state=OrderState.ISSUED, due_date__lt=today)


class RectificationOrder(ConcurrentTransitionMixin, TimeStampedModel):
    """质量整改令 ``RO-YYYYMM-NNN``: one problem, one responsible party, answered under 四不放过 and verified by QA."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    party_type = models.CharField(_("party type"), max_length=10, choices=PartyType.choices)
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, null=True, blank=True, related_name="rectification_orders",
        verbose_name=_("supplier"),
    )  # fmt: skip
    store = models.ForeignKey(
        "stores.Store", on_delete=models.PROTECT, null=True, blank=True, related_name="rectification_orders",
        verbose_name=_("store"),
    )  # fmt: skip
    department = models.CharField(_("department"), max_length=60, blank=True)
    problem = models.TextField(_("problem"), max_length=MAX_TEXT)
    # What the recurrence count matches: the defect, on this style (or, without a style, the supplier's styles).
    style = models.ForeignKey(
        "suppliers.Style", on_delete=models.PROTECT, null=True, blank=True, related_name="rectification_orders",
        verbose_name=_("style"),
    )  # fmt: skip
    defect = models.ForeignKey(
        "suppliers.DefectCode", on_delete=models.PROTECT, null=True, blank=True, related_name="rectification_orders",
        verbose_name=_("defect code"),
    )  # fmt: skip
    due_date = models.DateField(_("due date"))
    # Sources, kept both ways: the recall's, lot's, Return's and case's pages list their orders.
    recall = models.ForeignKey(
        "recalls.Recall", on_delete=models.PROTECT, null=True, blank=True, related_name="rectification_orders",
        verbose_name=_("batch recall"),
    )  # fmt: skip
    lot = models.ForeignKey(
        "inspection.IncomingLot", on_delete=models.PROTECT, null=True, blank=True,
        related_name="rectification_orders", verbose_name=_("incoming lot"),
    )  # fmt: skip
    returns = models.ManyToManyField(
        "cases.Return", related_name="rectification_orders", blank=True, verbose_name=_("returns")
    )
    service_cases = models.ManyToManyField(
        "servicedesk.ServiceCase", related_name="rectification_orders", blank=True, verbose_name=_("service cases")
    )
    state = FSMField(_("state"), max_length=20, choices=OrderState.choices, default=OrderState.ISSUED, protected=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"))
    # The party's answer 四不放过.
    root_cause = models.TextField(_("root cause 原因分析"), max_length=MAX_TEXT, blank=True)
    corrective_action = models.TextField(_("corrective action 纠正措施"), max_length=MAX_TEXT, blank=True)
    accountability = models.TextField(_("accountability 责任追究"), max_length=MAX_TEXT, blank=True)
    staff_education = models.TextField(_("staff education 员工教育"), max_length=MAX_TEXT, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("answered by"),
    )  # fmt: skip
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # QA's verification.
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("verified by"),
    )  # fmt: skip
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_notes = models.TextField(_("verification notes"), max_length=MAX_TEXT, blank=True)
    times_sent_back = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The PDF for the party, rendered by a task after issue and re-rendered after each answer or verification.
    pdf = models.FileField(_("PDF"), upload_to=document_path, max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    documents_status = models.CharField(_("document"), max_length=10, choices=DocumentsStatus.choices, blank=True)
    documents_error = models.TextField(_("document error"), blank=True)

    objects = RectificationOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(party_type=PartyType.SUPPLIER, supplier__isnull=False, store__isnull=True, department="")
                    | Q(party_type=PartyType.STORE, store__isnull=False, supplier__isnull=True, department="")
                    | (Q(party_type=PartyType.INTERNAL, supplier__isnull=True, store__isnull=True) & ~Q(department=""))
                ),
                name="rectificationorder_one_party",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_date"], name="rectorder_state_due_idx"),
            models.Index(fields=["supplier", "state"], name="rectorder_supplier_idx"),
            models.Index(fields=["store", "state"], name="rectorder_store_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def party(self):
        """The supplier or store, or the department's name for an internal order."""
        if self.party_type == PartyType.SUPPLIER:
            return self.supplier
        if self.party_type == PartyType.STORE:
            return self.store
        return self.department

    @property
    def party_name(self) -> str:
        party = self.party
        return getattr(party, "name", None) or str(party or "")

    @property
    def period(self) -> dt.date:
        """The month the order was issued: where its PDF is stored (``aftersales.exports.document_path``)."""
        return self.issued_at.date().replace(day=1)

    def is_overdue(self, today: dt.date) -> bool:
        return self.state == OrderState.ISSUED and self.due_date < today

    @property
    def documents_ready(self) -> bool:
        return self.documents_status == DocumentsStatus.DONE and bool(self.pdf_sha256)

    @transition(field=state, source=OrderState.ISSUED, target=OrderState.RESPONDED, permission=is_party)
    def respond(self, answers: dict[str, str], by, at: dt.datetime) -> None:
        for name in FOUR_NOTS:
            setattr(self, name, answers[name])
        self.responded_by, self.responded_at = by, at

    @transition(field=state, source=OrderState.RESPONDED,
                target=RETURN_VALUE(OrderState.CLOSED, OrderState.ISSUED), permission=is_qa)  # fmt: skip
    def verify(self, effective: bool, notes: str, by, at: dt.datetime) -> str:
        """Effective closes the order; not effective sends it back to the party, whose answer is kept in the log."""
        self.verified_by, self.verified_at, self.verification_notes = by, at, notes
        if effective:
            self.closed_at = at
            return OrderState.CLOSED
        self.times_sent_back += 1
        return OrderState.ISSUED
