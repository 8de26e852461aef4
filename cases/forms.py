"""Browser forms of the return workflow: logging a receipt 退货登记, the weekly shipment 寄送, and the Return's
and shipment's transition inputs. Forms only parse and shape input; the rules live in ``cases.services``.
"""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from aftersales.money import format_money
from aftersales.ui.forms import (
    BootstrapMixin,
    MultipleFileField,
    NoNulCharField,
    PhoneField,
    TemporaryUploadField,
    offer_rows,
)
from cases.choices import COUNTER_HANDLING_CHOICES, ReasonKind
from cases.models import MIN_PRODUCTION_YEAR
from cases.services import repair_points_for
from stores.models import Store
from suppliers.forms import StyleChoiceField
from suppliers.models import DefectCode, Style

MAX_UNITS_PER_RECEIPT = 20


class ReceiptForm(BootstrapMixin, forms.Form):
    """What is shared by every unit of one receipt 小票: store, receipt, purchase, handling and customer."""

    # One-time token issued with the form: the same form submitted twice (Back, then submit) logs nothing twice.
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    store = forms.ModelChoiceField(queryset=None, label=_("Store"), empty_label=None)
    receipt_no = NoNulCharField(label=_("Receipt number"), max_length=60)
    purchase_date = forms.DateField(label=_("Purchase date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason_kind = forms.ChoiceField(
        label=_("Reason for the return"),
        choices=ReasonKind.choices,
        initial=ReasonKind.QUALITY,
        widget=forms.RadioSelect,
        # Left out (an older page, a script), it is a quality return, as every return was before the choice.
        required=False,
    )
    resaleable = forms.BooleanField(
        label=_("Tags and packaging intact: fit to sell again"),
        required=False,
        help_text=_(
            "A change of mind is accepted only for goods fit to sell again, refunded or exchanged at the store."
        ),
    )
    onsite_handling = forms.ChoiceField(
        label=_("On-site handling"), choices=COUNTER_HANDLING_CHOICES, widget=forms.RadioSelect
    )
    customer_name = NoNulCharField(label=_("Customer name"), max_length=60, required=False)
    customer_phone = PhoneField(label=_("Customer phone"), max_length=20, required=False)
    policy_exception_reason = NoNulCharField(
        label=_("Reason for logging outside the policy"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the purchase is outside the category's return windows or warranty."),
    )
    photos = TemporaryUploadField(label=_("Photos of the receipt or goods"))
    # Ticked after the warning that this receipt number already has units logged at the store today.
    confirm_same_receipt = forms.BooleanField(
        label=_("Log anyway: these are other units of that receipt"), required=False
    )

    def __init__(self, *args, stores, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].owner = user
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4())
        self.fields["store"].queryset = Store.objects.filter(pk__in=[store.pk for store in stores]).order_by("code")
        self.fields["onsite_handling"].widget.attrs["class"] = "form-check-input"
        self.fields["reason_kind"].widget.attrs["class"] = "form-check-input"
        self.fields["resaleable"].widget.attrs["class"] = "form-check-input"
        self.single_store = stores[0] if len(stores) == 1 else None
        if self.single_store is not None:
            # One store: nothing to choose, so the field is implicit.
            del self.fields["store"]

    def clean(self):
        cleaned = super().clean()
        if self.single_store is not None:
            cleaned["store"] = self.single_store
        return cleaned

    def clean_reason_kind(self):
        return self.cleaned_data.get("reason_kind") or ReasonKind.QUALITY

    def clean_purchase_date(self):
        value = self.cleaned_data["purchase_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The purchase date cannot be in the future."))
        return value


class UnitForm(BootstrapMixin, forms.Form):
    """One returned unit of the receipt: what differs from unit to unit."""

    style = StyleChoiceField(queryset=Style.objects.none(), label=_("Style"))
    # Free text (domain.md), with the values already used for the style offered (a datalist filled by htmx).
    color = NoNulCharField(label=_("Colour"), max_length=40)
    size = NoNulCharField(label=_("Size"), max_length=20)
    batch_no = NoNulCharField(label=_("Batch number"), max_length=40, required=False)
    production_year = forms.IntegerField(label=_("Production year"), min_value=MIN_PRODUCTION_YEAR)
    defect_description = NoNulCharField(
        label=_("Reported defect"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reported_defect = forms.ModelChoiceField(
        queryset=DefectCode.objects.none(), label=_("Defect code"), required=False, empty_label=_("— none —")
    )
    photos = TemporaryUploadField(label=_("Photos of this unit"))

    def __init__(self, *args, styles=None, defect_codes=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].owner = user
        for name in ("color", "size"):
            # The datalist's id follows the input's, so a unit added in the browser gets its own list.
            self.fields[name].widget.attrs["list"] = f"{self.auto_id % self.add_prefix(name)}-list"
        self.fields["style"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("cases:return_style_values"),
                "hx-trigger": "change, load",
                "hx-target": "next .style-values",
                "hx-swap": "innerHTML",
            }
        )
        # The view gives its choice lists read once for the formset's forms and its empty form (RowsOnce).
        offer_rows(self.fields["style"], styles if styles is not None else Style.objects.none())
        offer_rows(
            self.fields["reported_defect"], defect_codes if defect_codes is not None else DefectCode.objects.none()
        )
        self.fields["production_year"].widget.attrs["max"] = timezone.localdate().year

    def clean_production_year(self):
        value = self.cleaned_data["production_year"]
        if value > timezone.localdate().year:
            raise ValidationError(
                _("The production year must be between %(min)s and %(year)s.")
                % {"min": MIN_PRODUCTION_YEAR, "year": timezone.localdate().year}
            )
        return value


class BaseUnitFormSet(forms.BaseFormSet):
    # Django's own wording ("Please submit at least 1 form.") speaks of forms; the clerk logs units.
    default_error_messages = {
        "too_few_forms": ngettext_lazy(
            "Log at least %(num)d returned unit.", "Log at least %(num)d returned units.", "num"
        ),
        "too_many_forms": ngettext_lazy(
            "One receipt takes at most %(num)d unit.", "One receipt takes at most %(num)d units.", "num"
        ),
    }

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms if not self._should_delete_form(form)):
            raise ValidationError(_("Add at least one unit."))


UnitFormSet = forms.formset_factory(
    UnitForm,
    formset=BaseUnitFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_UNITS_PER_RECEIPT,
    validate_max=True,
    absolute_max=MAX_UNITS_PER_RECEIPT,
)


# --- transition inputs of a Return ---


class CancelForm(BootstrapMixin, forms.Form):
    reason = NoNulCharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveAtStoreForm(BootstrapMixin, forms.Form):
    note = NoNulCharField(
        label=_("What was done at the store"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferToRepairPointForm(BootstrapMixin, forms.Form):
    """The center refers a unit for a local repair 转维修点: to its own store or an authorized repair point."""

    repair_point = forms.ModelChoiceField(label=_("Repair point"), queryset=Store.objects.none())
    note = NoNulCharField(label=_("What to repair"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None:
            self.fields["repair_point"].queryset = repair_points_for(item)
            self.fields["repair_point"].initial = item.store_id


class FoundForm(BootstrapMixin, forms.Form):
    """Nothing to enter: the unit turned up."""


class ReceiveFromSupplierForm(BootstrapMixin, forms.Form):
    note = NoNulCharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BatchAlarmForm(BootstrapMixin, forms.Form):
    """A store's alarm of a suspected batch problem: what its customers report."""

    note = NoNulCharField(
        label=_("What the customers report"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SignOffForm(BootstrapMixin, forms.Form):
    note = NoNulCharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(BootstrapMixin, forms.Form):
    photos = MultipleFileField(label=_("Photos or PDF"), required=True)


# --- shipments ---


class ShipmentCreateForm(BootstrapMixin, forms.Form):
    """Pack a shipment: tick the units to put in the parcel."""

    returns = forms.TypedMultipleChoiceField(
        label=_("Units"), coerce=int, widget=forms.CheckboxSelectMultiple, choices=()
    )
    carrier = NoNulCharField(label=_("Carrier"), max_length=60, required=False)
    tracking_no = NoNulCharField(label=_("Tracking number"), max_length=60, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["returns"].choices = [(unit.pk, unit.number) for unit in units]
        self.fields["returns"].error_messages["required"] = _("Choose at least one unit.")


class DispatchForm(BootstrapMixin, forms.Form):
    """Send the parcel; a dispatch beyond the week's free ones must be confirmed, knowing the fee."""

    carrier = NoNulCharField(label=_("Carrier"), max_length=60)
    tracking_no = NoNulCharField(label=_("Tracking number"), max_length=60)
    freight_cost = forms.DecimalField(
        label=_("Freight cost (CNY)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    confirm_extra_fee = forms.BooleanField(label=_("I accept the extra dispatch fee"), required=False)

    def __init__(self, *args, extra_fee=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra_fee = extra_fee
        if extra_fee is None:
            del self.fields["confirm_extra_fee"]

    def clean_confirm_extra_fee(self):
        value = self.cleaned_data.get("confirm_extra_fee")
        if self.extra_fee is not None and not value:
            raise ValidationError(
                _("This is an extra dispatch this week: tick the box to accept the fee of %(fee)s.")
                % {"fee": format_money(self.extra_fee)}
            )
        return value


class ReceiveForm(BootstrapMixin, forms.Form):
    """The receiving checklist 签收: ticked units arrived, the others are missing.

    One click on 签收 with nothing ticked used to record a whole parcel missing. On the page, units left
    unticked are recorded missing only with ``confirm_missing`` sent (the page asks first, naming the count);
    without it the form refuses and comes back with its ticks. The API has no such field: its caller lists
    the received units explicitly, so the service keeps the contract's "the rest become missing".
    """

    received = forms.TypedMultipleChoiceField(
        label=_("Units in the parcel"), coerce=int, widget=forms.CheckboxSelectMultiple, required=False, choices=()
    )
    confirm_missing = forms.BooleanField(label=_("Record the unticked units as missing"), required=False)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received"].choices = [(line.return_item_id, line.return_item.number) for line in lines]
        self.unit_count = len(lines)

    @property
    def unticked_count(self) -> int:
        """How many units the submitted checklist leaves unticked (after ``is_valid``)."""
        return self.unit_count - len(set(self.cleaned_data.get("received") or ()))

    def clean(self):
        cleaned = super().clean()
        if "received" in cleaned and not cleaned.get("confirm_missing"):
            unticked = self.unticked_count
            if unticked:
                self.add_error(
                    "confirm_missing",
                    ngettext(
                        "%(count)s unit is not ticked and would be recorded as missing. Tick the units that are "
                        "in the parcel, or confirm that the unticked one is missing.",
                        "%(count)s units are not ticked and would be recorded as missing. Tick the units that "
                        "are in the parcel, or confirm that the unticked ones are missing.",
                        unticked,
                    )
                    % {"count": unticked},
                )
        return cleaned


class ConfirmReceivedForm(BootstrapMixin, forms.Form):
    """Nothing to enter: the store has the parcel back."""


class ShipmentCancelForm(BootstrapMixin, forms.Form):
    reason = NoNulCharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
