"""``{% load lists %}``: what the shared list pages need to fold into cards and a collapsed filter panel on phones."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def labelled(cells, columns) -> list[tuple[str, object]]:
    """``{% for label, cell in cells|labelled:columns %}``: each cell with its column's header.

    On a narrow screen a row becomes a card and each cell prints its header before it (``data-label``).
    """
    return [(str(column.header), cell) for column, cell in zip(columns, cells, strict=False)]


@register.filter
def active_filter_count(filterset) -> int:
    """How many of the list's filters hold a value, shown on the collapsed 筛选 toggle."""
    if filterset is None or not getattr(filterset, "is_bound", False):
        return 0
    data = filterset.data
    count = 0
    for name in filterset.form.fields:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        # "unknown" is the all-rows choice of a yes/no filter.
        if any(value not in (None, "", "unknown") for value in values):
            count += 1
    return count


@register.filter
def chosen_labels(bound_field) -> str:
    """The ticked values of a multi-value filter, as the closed drop-down shows them (``已登记、寄送中``)."""
    chosen = {str(value) for value in (bound_field.value() or [])}
    return "、".join(str(label) for value, label in bound_field.field.choices if str(value) in chosen)
