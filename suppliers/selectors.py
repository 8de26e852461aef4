"""Reads of suppliers, categories, styles and defect codes, always within the user's scope."""

from django.db.models import QuerySet

from suppliers.models import Category, DefectCode, Style, Supplier


def supplier_list(user) -> QuerySet[Supplier]:
    return Supplier.objects.visible_to(user)


def category_list(user) -> QuerySet[Category]:
    return Category.objects.visible_to(user)


def style_list(user) -> QuerySet[Style]:
    return Style.objects.visible_to(user).select_related("category", "supplier")


def defectcode_list(user) -> QuerySet[DefectCode]:
    return DefectCode.objects.visible_to(user).select_related("category")
