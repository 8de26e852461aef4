"""Suppliers 供应商/加工厂, product categories 品类 with their warranty policy 三包政策, styles 款号."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aftersales.models import ScopedQuerySet, TimeStampedModel
from aftersales.roles import STORE_ROLES, Role
from suppliers.choices import AQL_CHOICES, InspectionSeverity, Responsibility, Season

MONEY = {"max_digits": 12, "decimal_places": 2}


class SupplierQuerySet(ScopedQuerySet):
    # Stores may see who made their goods; a supplier sees only itself.
    supplier_lookup = "pk"
    open_to = STORE_ROLES


class Supplier(TimeStampedModel):
    """A supplier or factory 供应商/加工厂: the party charged back for supplier-caused defects."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    inspection_severity = models.CharField(
        _("incoming inspection severity"),
        max_length=20,
        choices=InspectionSeverity.choices,
        default=InspectionSeverity.NORMAL,
        editable=False,
        help_text=_("Set only by the switching rules of GB/T 2828.1 (the inspection app), each switch logged."),
    )

    objects = SupplierQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SupplierMembership(models.Model):
    """Ties a supplier's own login to the supplier whose records it may see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_memberships", verbose_name=_("user")
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("supplier")
    )

    class Meta:
        verbose_name = _("supplier membership")
        verbose_name_plural = _("supplier memberships")
        constraints = [models.UniqueConstraint(fields=["user", "supplier"], name="supplier_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.supplier.code}"


class CategoryQuerySet(ScopedQuerySet):
    open_to = frozenset(Role)


class Category(TimeStampedModel):
    """A product category 品类 and its warranty policy 三包政策.

    A return is checked at logging against these windows, counted from the
    purchase date; outside them the store must give a written reason.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Explicit bounds are the business limits, and keep the API schema the same on every database.
    quality_return_days = models.PositiveSmallIntegerField(
        _("quality-return window (days)"),
        validators=[MaxValueValidator(365)],
        default=15,
        help_text=_("Days from purchase a quality return is accepted."),
    )
    change_of_mind_days = models.PositiveSmallIntegerField(
        _("change-of-mind window (days)"),
        validators=[MaxValueValidator(365)],
        default=7,
        help_text=_("Days from purchase a return without defect is accepted."),
    )
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"), default=12, validators=[MaxValueValidator(120)]
    )
    paid_repair_offered = models.BooleanField(_("paid repair after warranty"), default=True)
    # Incoming sample inspection 成衣抽检 (GB/T 2828.1): the AQL of each defect class. Critical defects have none:
    # any critical defect rejects the lot.
    aql_major = models.CharField(
        _("AQL for major defects"), max_length=6, choices=AQL_CHOICES, default="2.5",
        help_text=_("Acceptance quality limit of major defects in the incoming sample inspection."),
    )  # fmt: skip
    aql_minor = models.CharField(
        _("AQL for minor defects"), max_length=6, choices=AQL_CHOICES, default="4.0",
        help_text=_("Acceptance quality limit of minor defects in the incoming sample inspection."),
    )  # fmt: skip

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StyleQuerySet(ScopedQuerySet):
    supplier_lookup = "supplier"
    open_to = STORE_ROLES


class Style(TimeStampedModel):
    """A style 款号: what a returned unit is, who made it, and what it cost."""

    style_no = models.CharField(_("style number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="styles", verbose_name=_("category"))
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="styles", verbose_name=_("supplier"))
    season = models.CharField(_("season"), max_length=10, choices=Season.choices, default=Season.ALL_YEAR)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], help_text=_("Season year, e.g. 2026.")
    )
    unit_cost = models.DecimalField(
        _("unit cost (CNY)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Charged back per scrapped unit."),
    )
    retail_price = models.DecimalField(_("retail price (CNY)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])

    objects = StyleQuerySet.as_manager()

    class Meta:
        ordering = ["style_no"]
        verbose_name = _("style")
        verbose_name_plural = _("styles")
        constraints = [
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="style_unit_cost_not_negative"),
            models.CheckConstraint(condition=Q(retail_price__gte=0), name="style_retail_price_not_negative"),
        ]
        indexes = [models.Index(fields=["supplier", "style_no"], name="style_supplier_idx")]

    def __str__(self) -> str:
        return f"{self.style_no} {self.name}"


class DefectCodeQuerySet(ScopedQuerySet):
    open_to = frozenset(Role)


class DefectCode(TimeStampedModel):
    """A defect code 缺陷代码, named in Chinese and English.

    Stores pick one when logging a return so that several stores' reports of
    the same problem on one style can be recognised as a recall candidate.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    category = models.ForeignKey(
        "suppliers.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="defect_codes",
        verbose_name=_("category"),
        help_text=_("Leave empty for a defect that applies to every category."),
    )
    default_responsibility = models.CharField(
        _("default responsibility hint"), max_length=10, choices=Responsibility.choices, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    objects = DefectCodeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("defect code")
        verbose_name_plural = _("defect codes")
        # The table kept its name when the model moved here from inspection (issue 12).
        db_table = "inspection_defectcode"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        """The name in the language of the current request."""
        return self.name_en if (translation.get_language() or "").startswith("en") else self.name_zh
