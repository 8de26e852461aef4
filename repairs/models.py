"""Spare parts 备件 held at the service center."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aftersales.models import ScopedQuerySet, TimeStampedModel

MAX_STOCK = 10_000_000


# A part needs reordering once its stock is down to the reorder level.
NEEDS_REORDER = Q(stock_quantity__lte=F("reorder_level"))


class SparePartQuerySet(ScopedQuerySet):
    """Only service-center roles see spare parts (no store or supplier scope reaches them)."""

    def below_reorder_level(self) -> SparePartQuerySet:
        return self.filter(NEEDS_REORDER)


class SparePart(TimeStampedModel):
    """A spare part 备件 (buttons, zips, linings…) consumed by repairs at its unit cost."""

    part_no = models.CharField(_("part number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, default="个")
    unit_cost = models.DecimalField(
        _("unit cost (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    # Explicit bounds keep the API schema the same on every database.
    stock_quantity = models.PositiveIntegerField(
        _("stock on hand"), default=0, validators=[MaxValueValidator(MAX_STOCK)]
    )
    reorder_level = models.PositiveIntegerField(
        _("reorder level"), default=0, validators=[MaxValueValidator(MAX_STOCK)]
    )
    active = models.BooleanField(_("active"), default=True)

    objects = SparePartQuerySet.as_manager()

    class Meta:
        ordering = ["part_no"]
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")
        constraints = [
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="sparepart_unit_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.part_no} {self.name}"

    @property
    def needs_reorder(self) -> bool:
        return self.stock_quantity <= self.reorder_level
