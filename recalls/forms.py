"""Browser forms of batch recalls 整款退货: opening with the test report, QA's decision, the notice, the
supplier and the outcomes, and the store's answers. Forms only parse input; the rules live in ``recalls.services``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aftersales.ui.forms import BootstrapMixin, MultipleFileField, NoNulCharField, TemporaryUploadField
from recalls.choices import RecallCostBearer, RecallOutcome, RecallReturnMethod
from stores.models import Region
from suppliers.forms import StyleChoiceField
from suppliers.models import DefectCode, Style

# A store's recall return form offers this many colour/size lines; empty lines are ignored.
RECALL_RETURN_LINES = 8

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices) -> list[tuple[str, str]]:
    return [("", _("— choose —")), *choices]


class DefectCodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class RegionMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


def region_field(**kwargs) -> RegionMultipleChoiceField:
    return RegionMultipleChoiceField(
        queryset=Region.objects.order_by("code"),
        label=_("Regions to notify"),
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


class RecallOpenForm(BootstrapMixin, forms.Form):
    """Open a recall 立项 with the style test report 检测报告; the handling may be proposed for QA already."""

    style = StyleChoiceField(queryset=Style.objects.none(), label=_("Style"))
    defect_code = DefectCodeChoiceField(queryset=DefectCode.objects.none(), label=_("Defect code"))
    test_report = NoNulCharField(
        label=_("Style test report (tests run and results)"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = TemporaryUploadField(label=_("Photos or PDF of the test report"))
    reported_returns = forms.TypedMultipleChoiceField(
        label=_("What other stores reported"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )
    return_method = forms.ChoiceField(
        label=_("Proposed return method"), choices=_blank(RecallReturnMethod.choices), required=False
    )
    deadline = forms.DateField(label=_("Proposed deadline for stores"), required=False, widget=DATE_INPUT)
    handling_plan = NoNulCharField(
        label=_("Proposed handling plan"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cost_bearer = forms.ChoiceField(
        label=_("Proposed cost bearer"), choices=_blank(RecallCostBearer.choices), required=False
    )

    def __init__(self, *args, styles, defect_codes, reported=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Photos uploaded on selection are the technician's own: only they can claim them.
        self.fields["photos"].owner = user
        self.fields["style"].queryset = styles
        self.fields["defect_code"].queryset = defect_codes
        self.fields["reported_returns"].choices = [(item.pk, item.number) for item in reported]
        if not reported:
            del self.fields["reported_returns"]


class RecallApproveForm(BootstrapMixin, forms.Form):
    """QA's approval with the handling agreed with the supplier, and the regions the notice will go to."""

    return_method = forms.ChoiceField(label=_("Return method"), choices=_blank(RecallReturnMethod.choices))
    deadline = forms.DateField(label=_("Deadline for stores"), widget=DATE_INPUT)
    handling_plan = NoNulCharField(
        label=_("Handling plan agreed with the supplier"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    cost_bearer = forms.ChoiceField(label=_("Cost borne by"), choices=_blank(RecallCostBearer.choices))
    regions = region_field(required=False, help_text=_("Preselected when the notice is issued."))


class RecallRejectForm(BootstrapMixin, forms.Form):
    reason = NoNulCharField(label=_("Reason for rejection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RecallIssueNoticeForm(BootstrapMixin, forms.Form):
    """Every active store of the chosen regions gets the notice, in the inbox and by e-mail."""

    regions = region_field(required=True)


class RecallShipToSupplierForm(BootstrapMixin, forms.Form):
    carrier = NoNulCharField(label=_("Carrier"), max_length=60)
    tracking_no = NoNulCharField(label=_("Tracking number"), max_length=60)


class RecallRecordOutcomeForm(BootstrapMixin, forms.Form):
    """The supplier's finding for some units (one unit, or a group ticked together)."""

    returns = forms.TypedMultipleChoiceField(
        label=_("Units"), coerce=int, widget=forms.CheckboxSelectMultiple, choices=()
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=_blank([choice for choice in RecallOutcome.choices if choice[0] != RecallOutcome.PENDING]),
    )
    note = NoNulCharField(
        label=_("Note / accountability (required for our own fault)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["returns"].choices = [
            (unit.return_item_id, f"{unit.return_item.number} · {unit.get_outcome_display()}") for unit in units
        ]
        self.fields["returns"].error_messages["required"] = _("Choose at least one unit.")


class RecallCloseForm(BootstrapMixin, forms.Form):
    note = NoNulCharField(
        label=_("Closing note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecallAttachForm(BootstrapMixin, forms.Form):
    photos = MultipleFileField(label=_("Photos or PDF of the test report"), required=True)


class RecallNoticeAcknowledgeForm(BootstrapMixin, forms.Form):
    on_hand = forms.IntegerField(
        label=_("Units of the style on hand"),
        min_value=0,
        help_text=_("Count the store's stock of this style, 0 if none."),
    )


class RecallNoticeCorrectOnHandForm(BootstrapMixin, forms.Form):
    """The store corrects the on-hand quantity it acknowledged, with the reason (logged with who and when)."""

    on_hand = forms.IntegerField(label=_("Corrected on-hand quantity"), min_value=0, max_value=1_000_000)
    reason = NoNulCharField(
        label=_("Reason for the correction"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecallReturnsForm(BootstrapMixin, forms.Form):
    """A store's bulk recall return 整款退货登记: its return document number and quantity per colour and size.

    Quantities are passed to the service as entered (it refuses zero,
    negatives and too many units with the line number), so one message
    source speaks for the page and the API.
    """

    document_no = NoNulCharField(label=_("Store system return document number"), max_length=60)
    # Shown once the service has warned that the store already used this number for recall units.
    confirm_document_no = forms.BooleanField(
        label=_("The document number is right: log the units anyway"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(RECALL_RETURN_LINES):
            self.fields[f"color_{index}"] = NoNulCharField(label=_("Colour"), max_length=40, required=False)
            self.fields[f"size_{index}"] = NoNulCharField(label=_("Size"), max_length=20, required=False)
            self.fields[f"quantity_{index}"] = forms.IntegerField(label=_("Quantity"), required=False)
        for name, field in self.fields.items():
            if name not in ("document_no", "confirm_document_no"):
                field.widget.attrs["class"] = "form-control form-control-sm"

    def line_rows(self):
        """The bound fields of each line, for the template's table."""
        return [
            (self[f"color_{index}"], self[f"size_{index}"], self[f"quantity_{index}"])
            for index in range(RECALL_RETURN_LINES)
        ]

    def clean(self):
        cleaned = super().clean()
        lines = []
        for index in range(RECALL_RETURN_LINES):
            color = cleaned.get(f"color_{index}") or ""
            size = cleaned.get(f"size_{index}") or ""
            quantity = cleaned.get(f"quantity_{index}")
            if not color and not size and quantity is None:
                continue
            lines.append({"color": color, "size": size, "quantity": quantity if quantity is not None else 0})
        if not lines and not self.errors:
            raise ValidationError(_("Add at least one colour and size."))
        cleaned["lines"] = lines
        return cleaned
