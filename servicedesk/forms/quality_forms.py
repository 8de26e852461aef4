"""Browser forms of the quality information form 产品质量信息传递处置单 and of the escalations' acknowledgement.

Forms only parse input; the rules (a quality case, QA writes the opinion, the form frozen once approved) live in
``servicedesk.services.quality_forms``, whose errors come back on the form under the same names.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.ui.forms import BootstrapMixin, NoNulCharField
from servicedesk.forms.cases import DATE_INPUT
from servicedesk.models import MAX_TEXT


class QualityFormEditForm(BootstrapMixin, forms.Form):
    """Corrections to a draft: the product and the problem (the hotline or QA), the opinion (QA only)."""

    product_name = NoNulCharField(label=_("Product"), max_length=120, required=False)
    production_date = forms.DateField(label=_("Production date"), required=False, widget=DATE_INPUT)
    batch_no = NoNulCharField(label=_("Batch number"), max_length=40, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000, required=False)
    problem = NoNulCharField(
        label=_("The user's problem"), max_length=MAX_TEXT * 3, widget=forms.Textarea(attrs={"rows": 4})
    )
    handling_opinion = NoNulCharField(
        label=_("Handling opinion"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Written by QA."),
    )

    def __init__(self, *args, form=None, may_write_opinion: bool = False, **kwargs):
        if form is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                name: getattr(form, name)
                for name in ("product_name", "production_date", "batch_no", "quantity", "problem", "handling_opinion")
            }
        super().__init__(*args, **kwargs)
        if not may_write_opinion:
            del self.fields["handling_opinion"]


class QualityFormApproveForm(BootstrapMixin, forms.Form):
    """The department leader's 批示 (QA): the handling opinion, then the form is frozen."""

    handling_opinion = NoNulCharField(
        label=_("Handling opinion"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, form=None, **kwargs):
        if form is not None and not kwargs.get("initial"):
            kwargs["initial"] = {"handling_opinion": form.handling_opinion}
        super().__init__(*args, **kwargs)


class EscalationAcknowledgeForm(BootstrapMixin, forms.Form):
    note = NoNulCharField(
        label=_("Note (optional)"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
