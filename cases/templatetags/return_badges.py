"""``{% load return_badges %}``: a Return's state and due-back badges, rendered in Python.

A list of 50 Returns printed each badge through an ``{% include %}``, two per row, which cost about a fifth of the
page (issue 19, "Speed"); a tag writes the same markup at a fraction of that. The partials
``cases/partials/_state_badge.html`` and ``_due_badge.html`` call these, so every page prints one markup.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from aftersales.display import format_date
from cases.choices import DueStatus

register = template.Library()

DUE_BADGE_CLASSES = {
    DueStatus.OVERDUE: "text-bg-danger",
    DueStatus.DUE_SOON: "text-bg-warning",
    DueStatus.ON_TRACK: "text-bg-light border",
}


@register.simple_tag
def state_badge(state: str, label: str) -> SafeString:
    """``{% state_badge item.state item.get_state_display %}``."""
    return format_html('<span class="badge state-badge state-{}" data-state="{}">{}</span>', state, state, label)


@register.simple_tag
def due_badge(item) -> SafeString:
    """``{% due_badge item %}``: the due-back date and where the unit stands against it (— without a date)."""
    status = item.due_status()
    date = format_html('<span class="text-nowrap">{}</span>', format_date(item.due_at)) if item.due_at else ""
    if status in DUE_BADGE_CLASSES:
        css = DUE_BADGE_CLASSES[status]
        badge = format_html('<span class="badge {}" data-due="{}">{}</span>', css, status, DueStatus(status).label)
    elif not item.due_at:
        badge = mark_safe('<span class="text-muted">—</span>')  # noqa: S308 - a constant
    else:
        badge = ""
    return format_html("{}\n{}", date, badge)
