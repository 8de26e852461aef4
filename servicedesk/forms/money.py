"""Forms of the money card on a case's page: record a refund, an exchange, freight or a compensation; QA's
approval or rejection of a compensation. The services check everything again (and the paid amount)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.choices import CompensationKind, ExchangeReason, FreightDirection, FreightReason, RefundMethod
from servicedesk.models import MAX_MONEY
from servicedesk.models.money import MAX_NOTE

CENT = Decimal("0.01")


def _amount(label, *, required=True, minimum=CENT, maximum=MAX_MONEY):
    return forms.DecimalField(
        label=label, max_digits=12, decimal_places=2, min_value=minimum, max_value=maximum, required=required,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )  # fmt: skip


class _CaseMoneyForm(forms.Form):
    """Every money form: the linked Return it is about (one of the case's, optional) and a note."""

    return_item = forms.ModelChoiceField(label=_("Linked Return"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), max_length=MAX_NOTE, required=False)

    def __init__(self, *args, case=None, **kwargs):
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)
        returns = case.returns.all() if case is not None else None
        self.fields["return_item"].queryset = returns
        self.fields["return_item"].label_from_instance = lambda unit: unit.number
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)


class RefundForm(_CaseMoneyForm):
    prefix_name = "refund"
    amount = _amount(_("Amount (CNY)"))
    method = forms.ChoiceField(label=_("Method"), choices=RefundMethod.choices)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    paid_amount = _amount(_("Paid by the receipt (CNY)"), required=False)
    reference = forms.CharField(label=_("Payment reference"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()


class ExchangeForm(_CaseMoneyForm):
    prefix_name = "exchange"
    reason = forms.ChoiceField(label=_("Reason"), choices=ExchangeReason.choices)
    fee = _amount(_("Exchange fee (CNY)"), required=False, minimum=Decimal("0.00"))
    replacement = forms.CharField(label=_("Given in exchange"), max_length=200, required=False)


class FreightForm(_CaseMoneyForm):
    prefix_name = "freight"
    direction = forms.ChoiceField(label=_("Direction"), choices=FreightDirection.choices)
    reason = forms.ChoiceField(label=_("Sent for"), choices=FreightReason.choices)
    tracking_no = forms.CharField(
        label=_("Tracking number"), max_length=60, required=False,
        help_text=_("Required for goods the customer sends in."),
    )  # fmt: skip
    carrier = forms.CharField(label=_("Carrier"), max_length=60, required=False)
    cost = _amount(_("Freight (CNY)"), required=False, minimum=Decimal("0.00"), maximum=Decimal("10000"))


class CompensationForm(_CaseMoneyForm):
    prefix_name = "compensation"
    kind = forms.ChoiceField(label=_("Kind"), choices=CompensationKind.choices)
    amount = _amount(_("Value (CNY)"))


class CompensationRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_NOTE, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"})
    )


class CompensationApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=MAX_NOTE, required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )  # fmt: skip


MONEY_FORMS = {
    "refund": RefundForm,
    "exchange": ExchangeForm,
    "freight": FreightForm,
    "compensation": CompensationForm,
}
