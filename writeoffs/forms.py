"""Browser forms of the write-off list 报废清单: build, transitions, line removal, destruction record.

Forms only parse and shape input; the rules (future month, reasons, photos'
bytes, dates) live in ``writeoffs.services``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.periods import PeriodField
from aftersales.ui.forms import BootstrapMixin, NoNulCharField, TemporaryUploadField


class WriteOffListBuildForm(BootstrapMixin, forms.Form):
    period = PeriodField(label=_("Month (YYYY-MM)"), max_length=7)


class NoInputForm(BootstrapMixin, forms.Form):
    """A transition that needs only the button."""


class LossReportAcknowledgeForm(BootstrapMixin, forms.Form):
    """Signing is final: the party ticks that it has checked the units and the total (the page also asks the
    browser to confirm; this is the same check without JavaScript). The API caller is explicit and needs neither."""

    checked = forms.BooleanField(
        label=_("I have checked the units and the total."),
        error_messages={"required": _("Tick the box to confirm you have checked the units and the total.")},
    )


class LossReportDisputeForm(BootstrapMixin, forms.Form):
    reason = NoNulCharField(
        label=_("Why do you dispute it?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WriteOffListRejectForm(BootstrapMixin, forms.Form):
    reason = NoNulCharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class WriteOffListDestructionForm(BootstrapMixin, forms.Form):
    destroyed_on = forms.DateField(label=_("Destroyed on"), widget=forms.DateInput(attrs={"type": "date"}))
    method = NoNulCharField(label=_("Method of destruction"), max_length=200)
    warehouse_person = NoNulCharField(label=_("Warehouse person"), max_length=60)
    witness = NoNulCharField(label=_("Supervising witness (administration)"), max_length=60)
    photos = TemporaryUploadField(label=_("Photos of the destruction"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Photos uploaded on selection are the technician's own: only they can claim them.
        self.fields["photos"].owner = user
        self.fields["photos"].widget.attrs["accept"] = "image/*"


class WriteOffLineRemoveForm(BootstrapMixin, forms.Form):
    reason = NoNulCharField(
        label=_("Why is this unit taken off the list?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
