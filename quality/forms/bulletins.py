"""The bulletin form 质量通报: title, text, what it is about (optional style, defect code, supplier), and whom it
goes to (the stores of chosen regions, or chosen suppliers)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.ui.forms import BootstrapMixin
from quality.models.bulletins import MAX_BODY, MAX_TITLE, BulletinAudience
from stores.models import Region
from suppliers.models import DefectCode, Style, Supplier


class BulletinForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    body = forms.CharField(label=_("Text"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 8}))
    style_no = forms.CharField(label=_("Style number (optional)"), max_length=40, required=False)
    defect_code = forms.ModelChoiceField(
        label=_("Defect code (optional)"), queryset=DefectCode.objects.order_by("code"), required=False
    )
    supplier = forms.ModelChoiceField(
        label=_("Supplier concerned (optional)"), queryset=Supplier.objects.order_by("code"), required=False
    )
    audience = forms.ChoiceField(
        label=_("Send to"), choices=BulletinAudience.choices, initial=BulletinAudience.STORES, widget=forms.RadioSelect
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"), queryset=Region.objects.order_by("code"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    suppliers = forms.ModelMultipleChoiceField(
        label=_("Suppliers"), queryset=Supplier.objects.order_by("code"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def clean_style_no(self):
        value = self.cleaned_data["style_no"].strip()
        if not value:
            return None
        style = Style.objects.filter(style_no=value).first()
        if style is None:
            raise forms.ValidationError(_("No style has this number."))
        return style
