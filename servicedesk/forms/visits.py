"""Browser forms of on-site service 现场服务: dispatch, arrival, findings and handling, the signature, calling off.

Forms only parse input; the rules (a lead when several go, arrival after the
dispatch, a signature that is an image) live in ``servicedesk.services.visits``,
whose errors come back on the form under the same names.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from aftersales.display import display_name
from aftersales.ui.forms import BootstrapMixin, NoNulCharField
from servicedesk.choices import SignatureSource, VisitHandling
from servicedesk.models import MAX_TEXT

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MISUSE_CHOICES = [("", "—"), ("no", _("No")), ("yes", _("Yes"))]


class TechnicianChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class LeadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class VisitDispatchForm(BootstrapMixin, forms.Form):
    technicians = TechnicianChoiceField(
        queryset=get_user_model().objects.none(), label=_("Technicians"), widget=forms.CheckboxSelectMultiple
    )
    lead = LeadChoiceField(queryset=get_user_model().objects.none(), label=_("Lead (when several go)"), required=False)
    planned_arrival = forms.DateTimeField(label=_("Planned arrival"), widget=DATETIME_INPUT)
    province = NoNulCharField(
        label=_("Province of the site"), max_length=20, required=False, help_text=_("Empty: the customer's.")
    )
    address = NoNulCharField(label=_("Site address"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        from servicedesk.services.visits import technicians_for_choice

        super().__init__(*args, **kwargs)
        self.fields["technicians"].queryset = technicians_for_choice()
        self.fields["lead"].queryset = technicians_for_choice()


class VisitArriveForm(BootstrapMixin, forms.Form):
    arrived_at = forms.DateTimeField(
        label=_("Arrived at"), required=False, widget=DATETIME_INPUT, help_text=_("Empty: now.")
    )


class VisitFindingsForm(BootstrapMixin, forms.Form):
    product = NoNulCharField(label=_("Product"), max_length=200, required=False)
    batch_no = NoNulCharField(label=_("Batch number"), max_length=40, required=False)
    production_point = NoNulCharField(label=_("Production point"), max_length=100, required=False)
    production_date = forms.DateField(label=_("Production date"), required=False, widget=DATE_INPUT)
    quantity_used = forms.IntegerField(label=_("Quantity used"), min_value=0, max_value=1_000_000, required=False)
    misuse = forms.TypedChoiceField(
        label=_("Did the user operate it wrongly?"), choices=MISUSE_CHOICES,
        coerce=lambda value: value == "yes", empty_value=None, required=True,
    )  # fmt: skip
    findings = NoNulCharField(label=_("Findings"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    handling = forms.ChoiceField(label=_("Handling"), choices=[("", "—"), *VisitHandling.choices])
    handling_notes = NoNulCharField(
        label=_("Handling notes"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VisitSignForm(BootstrapMixin, forms.Form):
    """The signature page's form: the signer's name, the canvas's PNG (``drawn``) or a photo of the paper."""

    signer_name = NoNulCharField(label=_("Name of the person signing"), max_length=60)
    source = forms.ChoiceField(choices=SignatureSource.choices, widget=forms.HiddenInput, initial=SignatureSource.DRAWN)
    drawn = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)
    photo = forms.FileField(label=_("Or a photo of the signed paper form"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("drawn") and not data.get("photo"):
            raise forms.ValidationError(
                _("Ask the customer to sign on the screen, or add a photo of the signed paper.")
            )
        return data


class VisitCancelForm(BootstrapMixin, forms.Form):
    reason = NoNulCharField(label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}))
