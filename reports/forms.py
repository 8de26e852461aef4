"""The on-demand build form of the report runs page: a kind and a month (``YYYY-MM``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.choices import ReportKind


class ReportRunRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Report"),
        choices=ReportKind.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    # A browser's month picker sends YYYY-MM; the service checks the month (malformed or not begun yet → error).
    period = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(
            attrs={"type": "month", "class": "form-control form-control-sm", "placeholder": "2026-10"}
        ),
    )
