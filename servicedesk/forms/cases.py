"""Browser forms of the service desk: intake (the call), the workflow's steps, the promise, photos.

Forms only parse input; the rules (consent, the safety note, a promise in the
future, who may do what) live in ``servicedesk.services``, whose errors come back
on the form under the same names.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.ui.forms import BootstrapMixin, NoNulCharField, PhoneField, TemporaryUploadField
from servicedesk.choices import SATISFACTION_MAX, SATISFACTION_MIN, CaseKind, Channel, Outcome, ResponseMethod, Severity
from servicedesk.models import MAX_DESCRIPTION, MAX_TEXT
from stores.models import Store
from suppliers.forms import StyleChoiceField
from suppliers.models import Style

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SATISFACTION_CHOICES = [(value, str(value)) for value in range(SATISFACTION_MAX, SATISFACTION_MIN - 1, -1)]


class StoreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class ServiceCaseOpenForm(BootstrapMixin, forms.Form):
    """The intake 受理: who called, about what, and (for a consultation answered on the call) the answer.

    Fields follow the order an agent types them in; Tab moves through them and
    Enter sends the form, so a case is logged without the mouse.
    """

    phone = PhoneField(label=_("Phone"), max_length=20, required=False)
    name = NoNulCharField(label=_("Name"), max_length=60, required=False)
    # Where the satisfaction survey's link is mailed; without one the hotline reads it out.
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    province = NoNulCharField(label=_("Province"), max_length=20, required=False)
    consent = forms.BooleanField(
        label=_("The customer agrees that we keep their name, phone and e-mail to handle the case"),
        required=False,
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices, initial=CaseKind.CONSULTATION)
    severity = forms.ChoiceField(
        label=pgettext_lazy("service case", "Severity"), choices=Severity.choices, initial=Severity.NORMAL
    )
    told_to_stop_using = forms.BooleanField(label=_("Customer told to stop using the product"), required=False)
    stop_using_instruction = NoNulCharField(
        label=_("What the customer was told (stop-using instruction)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = NoNulCharField(
        label=_("Description"), max_length=MAX_DESCRIPTION, widget=forms.Textarea(attrs={"rows": 4})
    )
    store = StoreChoiceField(queryset=Store.objects.none(), label=_("Store concerned"), required=False)
    style = StyleChoiceField(queryset=Style.objects.none(), label=_("Style"), required=False)
    batch_no = NoNulCharField(label=_("Batch number"), max_length=40, required=False)
    production_date = forms.DateField(label=_("Production date"), required=False, widget=DATE_INPUT)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000, required=False)
    direct_loss = forms.DecimalField(
        label=_("Direct loss (CNY)"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    # Reported with a major incident or a safety hazard (the escalation to QA and the production VP).
    initial_opinion = NoNulCharField(
        label=_("Initial handling opinion"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a major incident or a safety hazard."),
    )
    customer_demand = NoNulCharField(
        label=_("The customer's demand"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a major incident or a safety hazard."),
    )
    returns = forms.TypedMultipleChoiceField(
        label=_("Link Returns"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    photos = TemporaryUploadField(label=_("Photos or PDF"), required=False)
    answer = NoNulCharField(
        label=_("Answer given on the call (a consultation closed at once)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Caller's satisfaction"), choices=[("", "—"), *SATISFACTION_CHOICES], coerce=int, required=False,
        empty_value=None,
    )  # fmt: skip

    def __init__(self, *args, user=None, stores=None, returns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = (
            stores if stores is not None else Store.objects.visible_to(user).order_by("code")
        )
        self.fields["style"].queryset = Style.objects.visible_to(user).order_by("style_no")
        self.fields["returns"].choices = [(item.pk, f"{item.number} · {item.style.style_no}") for item in returns]
        self.fields["photos"].owner = user

    def contact(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "phone": data["phone"],
            "email": data["email"],
            "province": data["province"],
            "consent": data["consent"],
        }


class RespondForm(BootstrapMixin, forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=ResponseMethod.choices)
    message = NoNulCharField(label=_("Response"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    resolution = NoNulCharField(label=_("Resolution"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(BootstrapMixin, forms.Form):
    satisfaction = forms.TypedChoiceField(label=_("Satisfaction"), choices=SATISFACTION_CHOICES, coerce=int)
    remarks = NoNulCharField(
        label=_("Remarks"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(BootstrapMixin, forms.Form):
    reason = NoNulCharField(label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}))


class PromiseForm(BootstrapMixin, forms.Form):
    deadline = forms.DateTimeField(
        label=_("Promised by"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    outcome = NoNulCharField(label=_("Expected outcome"), max_length=200)


class AttachForm(BootstrapMixin, forms.Form):
    photos = TemporaryUploadField(label=_("Photos or PDF"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].owner = user
