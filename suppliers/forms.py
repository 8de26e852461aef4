"""Form fields for the master data other apps' forms choose from."""

from __future__ import annotations

from django import forms


class StyleChoiceField(forms.ModelChoiceField):
    """A style 款式 offered as "style number name"; the form sets the queryset (the styles the user may pick)."""

    def label_from_instance(self, obj):
        return f"{obj.style_no} {obj.name}"
