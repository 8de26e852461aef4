"""Reads of suppliers, categories and styles, always within the user's scope."""

from django.db.models import QuerySet

from suppliers.models import Category, Style, Supplier


def supplier_list(user) -> QuerySet[Supplier]:
    return Supplier.objects.visible_to(user)


def category_list(user) -> QuerySet[Category]:
    return Category.objects.visible_to(user)


def style_list(user) -> QuerySet[Style]:
    return Style.objects.visible_to(user).select_related("category", "supplier")
