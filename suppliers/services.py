"""Writes of suppliers, categories and styles (master data maintained by the administrator)."""

from __future__ import annotations

from typing import Any

from aftersales.services import upsert
from suppliers.models import Category, Style, Supplier


def supplier_upsert(*, code: str, **values: Any) -> Supplier:
    """Create or update a supplier 供应商 by its code."""
    return upsert(Supplier, lookup={"code": code}, values=values)[0]


def category_upsert(*, code: str, **values: Any) -> Category:
    """Create or update a category 品类 and its warranty policy 三包政策 by its code."""
    return upsert(Category, lookup={"code": code}, values=values)[0]


def style_upsert(*, style_no: str, **values: Any) -> Style:
    """Create or update a style 款号 by its style number."""
    return upsert(Style, lookup={"style_no": style_no}, values=values)[0]
