"""Defect codes 缺陷代码: the catalogue inspection and recall detection speak in."""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aftersales.models import ScopedQuerySet, TimeStampedModel
from aftersales.roles import Role
from inspection.choices import Responsibility


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

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        """The name in the language of the current request."""
        return self.name_en if (translation.get_language() or "").startswith("en") else self.name_zh
