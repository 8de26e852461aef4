"""Forms of the repair ticket page 维修单 and the spare-part stock page 备件库存.

They only parse and bound the input; the rules (stock never below zero, the
quality check before completion, a reason for a stock reduction) live in
``repairs.services``, whose errors the views put back on these forms.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from repairs.models import MAX_LABOUR_MINUTES, MAX_STOCK, RepairTicket, SparePart
from repairs.selectors import PartUsed, sparepart_choices, sparepart_list


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class PartChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SparePart) -> str:
        # The stock beside each part lets the technician see a shortage before choosing.
        return gettext("%(part_no)s %(name)s — %(stock)s %(unit)s in stock") % {
            "part_no": obj.part_no,
            "name": obj.name,
            "stock": obj.stock_quantity,
            "unit": obj.unit,
        }


class RepairPartsForm(forms.Form):
    """The spare-parts picker: the total of each part the repair used, and one more part to add.

    Every listed part has a ``quantity_<id>`` field (0 gives the units back to
    stock); ``add_part``/``add_quantity`` add to the total of that part. The
    row's 移除 button is not part of this form (``RemovePartForm``): Enter in a
    field submits this form's first submit button, which must be the save.
    """

    add_part = PartChoiceField(
        queryset=SparePart.objects.none(), to_field_name="part_no", required=False, label=_("Add a part")
    )
    add_quantity = forms.IntegerField(min_value=1, max_value=MAX_STOCK, required=False, label=_("Quantity"))

    def __init__(self, *args, user, held: list[PartUsed], **kwargs):
        super().__init__(*args, **kwargs)
        self.held = held
        self.fields["add_part"].queryset = sparepart_choices(user)
        self.fields["add_part"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["add_quantity"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": _("Quantity")}
        )
        for line in held:
            self.fields[self.quantity_field(line.part)] = forms.IntegerField(
                min_value=0,
                max_value=MAX_STOCK,
                initial=line.quantity,
                label=str(line.part),
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 0}),
            )

    @staticmethod
    def quantity_field(part: SparePart) -> str:
        return f"quantity_{part.pk}"

    def lines(self) -> list[tuple[PartUsed, forms.BoundField]]:
        return [(line, self[self.quantity_field(line.part)]) for line in self.held]

    def clean(self):
        cleaned = super().clean()
        part, quantity = cleaned.get("add_part"), cleaned.get("add_quantity")
        if part is not None and quantity is None and "add_quantity" not in self.errors:
            self.add_error("add_quantity", _("Enter how many units of the part the repair used."))
        if quantity is not None and part is None and "add_part" not in self.errors:
            self.add_error("add_part", _("Choose the part to add."))
        return cleaned

    def parts(self) -> list[tuple[SparePart, int]]:
        """What the repair used in all, part by part, as ``repairticket_update`` takes it."""
        totals: dict[int, int] = {}
        parts: dict[int, SparePart] = {}
        for line in self.held:
            parts[line.part.pk] = line.part
            quantity = self.cleaned_data[self.quantity_field(line.part)]
            totals[line.part.pk] = quantity
        added = self.cleaned_data.get("add_part")
        if added is not None and self.cleaned_data.get("add_quantity"):
            parts.setdefault(added.pk, added)
            totals[added.pk] = totals.get(added.pk, 0) + self.cleaned_data["add_quantity"]
        return [(parts[pk], quantity) for pk, quantity in totals.items()]


class RemovePartForm(forms.Form):
    """Give one part back to stock in full: the part and the quantity the technician confirmed removing."""

    part = forms.ModelChoiceField(queryset=SparePart.objects.none(), widget=forms.HiddenInput)
    quantity = forms.IntegerField(min_value=1, max_value=MAX_STOCK, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = sparepart_list(user)


QC_NOT_CHECKED, QC_PASS, QC_FAIL = "", "pass", "fail"


class RepairWorkForm(forms.Form):
    """Work done, labour minutes and the quality check after repair (QC 质检)."""

    work_done = forms.CharField(
        label=_("Work done"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control form-control-sm"}),
    )
    labour_minutes = forms.IntegerField(
        label=_("Labour (minutes)"),
        min_value=0,
        max_value=MAX_LABOUR_MINUTES,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 0}),
    )
    qc_result = forms.ChoiceField(
        label=_("Quality check"),
        choices=[(QC_NOT_CHECKED, _("Not checked yet")), (QC_PASS, _("Passed")), (QC_FAIL, _("Failed"))],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    qc_notes = forms.CharField(
        label=_("Quality check notes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )

    @classmethod
    def for_ticket(cls, ticket: RepairTicket) -> RepairWorkForm:
        result = {True: QC_PASS, False: QC_FAIL}.get(ticket.qc_passed, QC_NOT_CHECKED)
        return cls(
            initial={
                "work_done": ticket.work_done,
                "labour_minutes": ticket.labour_minutes,
                "qc_result": result,
                "qc_notes": ticket.qc_notes,
            }
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("qc_result") == QC_FAIL and not (cleaned.get("qc_notes") or "").strip():
            self.add_error("qc_notes", _("Say what failed the quality check."))
        return cleaned

    def service_arguments(self) -> dict:
        qc_passed = {QC_PASS: True, QC_FAIL: False}.get(self.cleaned_data.get("qc_result") or "")
        return {
            "work_done": self.cleaned_data["work_done"],
            "labour_minutes": self.cleaned_data["labour_minutes"],
            "qc_passed": qc_passed,
            "qc_notes": self.cleaned_data["qc_notes"],
        }


class StockReceiveForm(forms.Form):
    """Book spare parts into stock 入库 (positive), or correct the count after a stocktake (negative, with a note)."""

    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=-MAX_STOCK,
        max_value=MAX_STOCK,
        help_text=_("Positive books a delivery in; negative corrects the count down and needs a note."),
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class StorePartUseForm(forms.Form):
    """One part a local repair at the store used 现场维修用料, from the parts the store holds."""

    part = forms.ModelChoiceField(
        label=_("Part"),
        queryset=SparePart.objects.none(),
        to_field_name="part_no",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=MAX_STOCK,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = SparePart.objects.filter(
            active=True, stocks__store=store, stocks__quantity__gt=0
        ).order_by("part_no")


class ShipmentKitForm(forms.Form):
    """One part and its quantity packed into a center → store parcel 随货备件, from the center's stock."""

    part = PartChoiceField(
        label=_("Part"),
        queryset=SparePart.objects.none(),
        to_field_name="part_no",
        error_messages={"invalid_choice": _("Unknown part: choose one from the list.")},
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_STOCK, initial=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = sparepart_choices(user)
        self.fields["part"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["quantity"].widget.attrs["class"] = "form-control form-control-sm"


class ShipmentKitRemoveForm(forms.Form):
    """The kit row's 移除: that part goes back into the center's stock in full."""

    part = forms.ModelChoiceField(
        queryset=SparePart.objects.none(),
        to_field_name="part_no",
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Unknown part: choose one from the list.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = sparepart_list(user)
