"""Quality bulletins 质量通报 and each recipient's read receipt.

QA announces a verified problem (seed 001: 对于用户反映属实的质量问题 … 进行通报) to the stores of chosen regions or to
chosen suppliers. A bulletin is drafted, then published (``publish``, through ``aftersales.fsm.fire``): publishing
expands the audience into one ``BulletinRecipient`` per store or supplier, so the compliance of reading is a
count over those rows. A recipient is read when one of its own users first opens the bulletin (who and when).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import ScopedQuerySet, TimeStampedModel
from cases.permissions import is_qa_manager
from stores.access import scope_for

MAX_TITLE = 200
MAX_BODY = 10000


class BulletinState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class BulletinAudience(models.TextChoices):
    """Who a bulletin goes to."""

    STORES = "stores", _("Stores of the chosen regions")
    SUPPLIERS = "suppliers", _("Chosen suppliers")


class BulletinQuerySet(ScopedQuerySet):
    """The service center sees every bulletin; a store or a supplier only the published ones addressed to it."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        scope = scope_for(user)
        if scope.everything:
            return self
        condition = Q(pk__in=[])
        if scope.store_ids:
            condition |= Q(store__in=sorted(scope.store_ids))
        if scope.supplier_ids:
            condition |= Q(supplier__in=sorted(scope.supplier_ids))
        addressed = BulletinRecipient.objects.filter(condition).values("bulletin")
        return self.filter(state=BulletinState.PUBLISHED, pk__in=addressed)


class QualityBulletin(ConcurrentTransitionMixin, TimeStampedModel):
    """质量通报 ``QB-YYYYMM-NNN``: a verified problem announced to stores or suppliers, with read receipts."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    body = models.TextField(_("text"), max_length=MAX_BODY)
    style = models.ForeignKey(
        "suppliers.Style", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("style")
    )
    defect_code = models.ForeignKey(
        "suppliers.DefectCode", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("defect code"),
    )  # fmt: skip
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("supplier concerned"),
    )  # fmt: skip
    audience = models.CharField(_("sent to"), max_length=10, choices=BulletinAudience.choices)
    regions = models.ManyToManyField("stores.Region", blank=True, related_name="+", verbose_name=_("regions"))
    target_suppliers = models.ManyToManyField(
        "suppliers.Supplier", blank=True, related_name="+", verbose_name=_("suppliers addressed")
    )
    state = FSMField(
        _("state"), max_length=10, choices=BulletinState.choices, default=BulletinState.DRAFT, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("quality bulletin")
        verbose_name_plural = _("quality bulletins")
        constraints = [
            models.CheckConstraint(
                condition=Q(state=BulletinState.DRAFT) | Q(published_at__isnull=False),
                name="qualitybulletin_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @transition(field=state, source=BulletinState.DRAFT, target=BulletinState.PUBLISHED, permission=is_qa_manager)
    def publish(self, at: dt.datetime) -> None:
        """Sent to its recipients (the service expands them); the text is frozen from now on."""
        self.published_at = at


class BulletinRecipientQuerySet(ScopedQuerySet):
    store_lookup = "store"
    supplier_lookup = "supplier"


class BulletinRecipient(models.Model):
    """One store or supplier a bulletin was sent to, and its read receipt (the first of its users to open it)."""

    bulletin = models.ForeignKey(
        QualityBulletin, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("bulletin")
    )
    store = models.ForeignKey(
        "stores.Store", on_delete=models.PROTECT, null=True, blank=True, related_name="bulletin_receipts",
        verbose_name=_("store"),
    )  # fmt: skip
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.PROTECT, null=True, blank=True, related_name="bulletin_receipts",
        verbose_name=_("supplier"),
    )  # fmt: skip
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("read by"),
    )  # fmt: skip
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    objects = BulletinRecipientQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("bulletin recipient")
        verbose_name_plural = _("bulletin recipients")
        constraints = [
            models.CheckConstraint(
                condition=Q(store__isnull=False, supplier__isnull=True) | Q(store__isnull=True, supplier__isnull=False),
                name="bulletinrecipient_store_or_supplier",
            ),
            models.UniqueConstraint(
                fields=["bulletin", "store"], condition=Q(store__isnull=False), name="bulletinrecipient_once_per_store"
            ),
            models.UniqueConstraint(
                fields=["bulletin", "supplier"],
                condition=Q(supplier__isnull=False),
                name="bulletinrecipient_once_per_supplier",
            ),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True) | Q(read_by__isnull=False), name="bulletinrecipient_read_has_reader"
            ),
        ]
        indexes = [
            # A store's (or supplier's) bulletins, unread first.
            models.Index(fields=["store", "read_at"], name="bulletinrecipient_store_idx"),
            models.Index(fields=["supplier", "read_at"], name="bulletinrecipient_supplier_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.bulletin_id} → {self.store_id or self.supplier_id}"
