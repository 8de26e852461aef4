"""The pages' forms of rectification orders: open (QA, prefilled from a recall, a lot, Returns or cases), the
party's answer under 四不放过 and QA's verification. The services check everything again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.ui.forms import BootstrapMixin, NoNulCharField
from quality.models.orders import MAX_TEXT, PartyType


class OrderOpenForm(BootstrapMixin, forms.Form):
    party_type = forms.ChoiceField(label=_("Party type"), choices=PartyType.choices)
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=None, required=False)
    store = forms.ModelChoiceField(label=_("Store"), queryset=None, required=False)
    department = NoNulCharField(label=_("Department"), max_length=60, required=False)
    problem = NoNulCharField(label=_("Problem"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    recall = forms.IntegerField(widget=forms.HiddenInput, required=False)
    lot = forms.IntegerField(widget=forms.HiddenInput, required=False)
    returns = forms.CharField(widget=forms.HiddenInput, required=False)
    service_cases = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from stores.models import Store
        from suppliers.models import Supplier

        self.fields["supplier"].queryset = Supplier.objects.visible_to(user).order_by("code")
        self.fields["store"].queryset = Store.objects.visible_to(user).order_by("code")

    def party(self):
        data = self.cleaned_data
        return {PartyType.SUPPLIER: data.get("supplier"), PartyType.STORE: data.get("store")}.get(
            data["party_type"], data.get("department") or ""
        )

    def clean(self):
        data = super().clean()
        kind = data.get("party_type")
        field = {PartyType.SUPPLIER: "supplier", PartyType.STORE: "store", PartyType.INTERNAL: "department"}.get(kind)
        if field and not data.get(field):
            self.add_error(field, _("Name the party responsible."))
        for name in ("returns", "service_cases"):
            text = data.get(name) or ""
            try:
                data[name] = [int(part) for part in text.split(",") if part.strip()]
            except ValueError:
                self.add_error(name, _("Unknown ids."))
        return data


class OrderRespondForm(BootstrapMixin, forms.Form):
    """四不放过: all four required."""

    root_cause = NoNulCharField(
        label=_("Root cause 原因分析"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    corrective_action = NoNulCharField(
        label=_("Corrective action 纠正措施"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    accountability = NoNulCharField(
        label=_("Accountability 责任追究"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    staff_education = NoNulCharField(
        label=_("Staff education 员工教育"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class OrderVerifyForm(BootstrapMixin, forms.Form):
    effective = forms.TypedChoiceField(
        label=_("Was the rectification effective?"),
        choices=[("yes", _("Effective: close the order")), ("no", _("Not effective: send it back"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    notes = NoNulCharField(
        label=_("Notes (the reason, when not effective)"), max_length=MAX_TEXT, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("effective") is False and not (data.get("notes") or "").strip():
            self.add_error("notes", _("Give the reason the rectification is not effective."))
        return data
