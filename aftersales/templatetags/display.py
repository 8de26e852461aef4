"""The one way a template prints money, dates, moments and people; a template builtin (``TEMPLATES`` in
settings), so every page, PDF and e-mail template has these filters without ``{% load %}``.

``{{ amount|money }}`` → ``¥2,391.90``; ``{{ day|date_text }}`` → ``2026-12-17``;
``{{ moment|datetime_text }}`` → ``2026-12-17 08:36``; ``{{ user|person }}`` → ``刘洋（售后服务部）``.
A test reads every template and refuses an amount, a date or a user printed any other way.
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from aftersales.display import display_name, format_date, format_datetime
from aftersales.money import format_money
from aftersales.roles import has_role_permission

register = template.Library()


@register.filter
def money(value) -> str:
    if isinstance(value, float):
        # format_money refuses floats so code sums money as Decimal; a page still must not fail over one that
        # slipped through (a JSON figure), and the float's shortest repr is the amount that was meant.
        value = Decimal(repr(value))
    return format_money(value)


@register.filter
def date_text(value) -> str:
    return format_date(value)


@register.filter
def datetime_text(value) -> str:
    return format_datetime(value)


@register.filter
def person(user) -> str:
    return display_name(user)


@register.filter
def may(user, permission: str) -> bool:
    """``{% if user|may:"quality.add_rectificationorder" %}``: the role table's answer, read without the two
    permission queries ``perms.…`` costs a request (``has_role_permission``; issue 19's 8 queries a page)."""
    return has_role_permission(user, permission)
