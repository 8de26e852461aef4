"""Browser forms of the stores app: a delivery from logistics 物流到货, and the warehouse system's CSV of them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.ui.forms import BootstrapMixin, NoNulCharField, RowsOnce, offer_rows
from stores.models import Store
from suppliers.forms import StyleChoiceField
from suppliers.models import Style


class DeliveryForm(BootstrapMixin, forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.none(), label=_("Store"), empty_label=None)
    style = StyleChoiceField(queryset=Style.objects.none(), label=_("Style"))
    delivered_on = forms.DateField(label=_("Delivered on"), widget=forms.DateInput(attrs={"type": "date"}))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000)
    reference = NoNulCharField(label=_("Delivery note number"), max_length=60, required=False)

    def __init__(self, *args, stores, styles, **kwargs):
        super().__init__(*args, **kwargs)
        # read once: a required select without an empty choice reads its first choice before it renders them all
        offer_rows(self.fields["store"], stores if isinstance(stores, RowsOnce) else RowsOnce(stores))
        offer_rows(self.fields["style"], RowsOnce(styles))


class DeliveryImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV from the warehouse system"),
        help_text=_("UTF-8, with the header store,style,delivered_on,quantity,reference (dates as YYYY-MM-DD)."),
    )
