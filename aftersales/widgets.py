"""Form widgets shared by every app's pages."""

from __future__ import annotations

from django import forms


class ChecklistSelectMultiple(forms.CheckboxSelectMultiple):
    """Several values ticked in a small drop-down (``cases/partials/_form_fields.html`` folds it into a <details>).

    A ``<select multiple>`` list box needs Ctrl-click to pick a second value and cannot be used by touch; a long
    plain checkbox list would push the rest of the form off the screen.
    """

    compact = True
