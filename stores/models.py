"""Regions 区域 and stores 专卖店, and the memberships that scope users to them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.models import ScopedQuerySet, TimeStampedModel
from stores.choices import StoreKind


def default_extra_dispatch_fee() -> Decimal:
    return settings.AFTERSALES_EXTRA_DISPATCH_FEE


def default_free_dispatches() -> int:
    return settings.AFTERSALES_FREE_DISPATCHES_PER_WEEK


class RegionQuerySet(ScopedQuerySet):
    region_lookup = "pk"


class Region(TimeStampedModel):
    """A sales region 大区: its manager sees and signs off for every store in it (备案)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    shipment_sign_off_required = models.BooleanField(
        _("shipments to the center need the region manager's sign-off"),
        default=False,
        help_text=_("A store's parcel to the center leaves only after the region manager signs it off."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StoreQuerySet(ScopedQuerySet):
    store_lookup = "pk"


class Store(TimeStampedModel):
    """A store 专卖店 (own, franchise, dealer or authorized repair point 特约维修点).

    Its shipment policy says how many store→center dispatches per ISO week are
    free (每周寄一次) and what each extra dispatch costs the store.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="stores", verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=20, choices=StoreKind.choices, default=StoreKind.OWN)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)
    contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_for_stores",
        verbose_name=_("designated after-sales contact"),
    )
    free_dispatches_per_week = models.PositiveSmallIntegerField(
        _("free dispatches per ISO week"), default=default_free_dispatches, validators=[MaxValueValidator(50)]
    )
    extra_dispatch_fee = models.DecimalField(
        _("extra dispatch fee (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=default_extra_dispatch_fee,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Charged back to the store for each dispatch beyond the free ones in a week."),
    )

    objects = StoreQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        constraints = [
            models.CheckConstraint(condition=Q(extra_dispatch_fee__gte=0), name="store_extra_fee_not_negative"),
        ]
        indexes = [models.Index(fields=["region", "code"], name="store_region_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StoreMembership(models.Model):
    """Ties a store user to the store it works for."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store_memberships", verbose_name=_("user")
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("store"))

    class Meta:
        verbose_name = _("store membership")
        verbose_name_plural = _("store memberships")
        constraints = [models.UniqueConstraint(fields=["user", "store"], name="store_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.store.code}"


class RegionMembership(models.Model):
    """Ties a region manager to the region it manages."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="region_memberships", verbose_name=_("user")
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("region"))

    class Meta:
        verbose_name = _("region membership")
        verbose_name_plural = _("region memberships")
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="region_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.region.code}"


class DeliveryQuerySet(ScopedQuerySet):
    store_lookup = "store"


class Delivery(TimeStampedModel):
    """Goods of one style the store received from logistics 物流到货, so inspection can tell how long it had them.

    Human damage, dirt or care problems on goods the store had more than 7 days
    are the store's responsibility (domain.md): the inspect page shows the days
    counted from the store's latest delivery of the style before the purchase.
    """

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("store"))
    style = models.ForeignKey(
        "suppliers.Style", on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("style")
    )
    delivered_on = models.DateField(_("delivered on"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1), MaxValueValidator(100000)])
    reference = models.CharField(_("delivery note number"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("delivery from logistics")
        verbose_name_plural = _("deliveries from logistics")
        indexes = [models.Index(fields=["store", "style", "delivered_on"], name="delivery_store_style_idx")]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="delivery_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.style_id} {self.delivered_on}"
