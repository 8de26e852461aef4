"""Forms of the chargeback statements 扣款单: the month to build, the party's dispute, finance's settlement and
line edits. They only parse input; the rules live in ``chargebacks.services``."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aftersales.periods import parse_period


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control form-control-sm", **attrs})


def _area(**attrs):
    return forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 3, **attrs})


class ChargebackBuildForm(forms.Form):
    period = forms.CharField(label=_("Month"), max_length=7, widget=_text(placeholder="YYYY-MM", size=8))

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"])
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class ChargebackIssueForm(forms.Form):
    """No input: issuing freezes the statement as it is."""


class ChargebackAcknowledgeForm(forms.Form):
    """The party accepts the statement, which is final: it ticks that it has checked the lines and the total (the
    page also asks the browser to confirm; this is the same check without JavaScript). The API needs neither."""

    checked = forms.BooleanField(
        label=_("I have checked the lines and the total."),
        error_messages={"required": _("Tick the box to confirm you have checked the lines and the total.")},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class ChargebackDisputeForm(forms.Form):
    reason = forms.CharField(label=_("Why do you dispute it?"), max_length=2000, widget=_area())


class ChargebackSettleForm(forms.Form):
    reference = forms.CharField(
        label=_("Deduction reference"),
        max_length=100,
        widget=_text(),
        help_text=_("The voucher or payment number of the deduction."),
    )


class ChargebackLineRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason for removing the line"), max_length=2000, widget=_area(rows=2))


class ChargebackLineAdjustForm(forms.Form):
    amount = forms.DecimalField(
        label=_("New amount (CNY)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.01", "min": "0"}),
    )
    reason = forms.CharField(label=_("Reason for the adjustment"), max_length=2000, widget=_area(rows=2))
