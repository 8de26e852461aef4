"""The inspection form 鉴定: verdict, responsibility 责任方, defect codes, notes, supplier agreement, photos.

The rules (responsibility required for ``unrepairable``, a promised date not in
the past) are ``inspection.services.return_inspect``'s; the form repeats the
first so the technician sees it beside the field before the service says so.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aftersales.ui.forms import BootstrapMixin, NoNulCharField, TemporaryUploadField
from aftersales.widgets import ChecklistSelectMultiple
from cases.choices import Verdict
from inspection.choices import DefectClass, Disposition
from inspection.models import LEVEL_CHOICES, MAX_CARTONS, MAX_LOT_SIZE
from suppliers.choices import Responsibility
from suppliers.models import DefectCode, Style, Supplier


class DefectCodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class InspectForm(BootstrapMixin, forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)
    responsibility = forms.ChoiceField(
        label=_("Responsibility"),
        choices=[("", _("— not decided —")), *Responsibility.choices],
        required=False,
    )
    defect_codes = DefectCodeMultipleChoiceField(
        queryset=DefectCode.objects.none(), label=_("Defect codes"), required=False, widget=ChecklistSelectMultiple
    )
    notes = NoNulCharField(label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    supplier_agreement = NoNulCharField(
        label=_("Supplier's agreement"),
        max_length=300,
        required=False,
        help_text=_("Who at the supplier agreed to rework the unit, and how."),
    )
    supplier_promised_date = forms.DateField(
        label=_("Supplier's promised return date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    photos = TemporaryUploadField(label=_("Inspection photos"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Photos uploaded on selection are the technician's own: only they can claim them.
        self.fields["photos"].owner = user
        self.fields["verdict"].widget.attrs["class"] = "form-check-input"
        self.fields["defect_codes"].queryset = DefectCode.objects.filter(active=True).order_by("code")
        self.responsibility_hint = _(
            "Human damage, dirt or care problems on goods the store had more than %(days)s days are the store's "
            "responsibility; when supplier and store cannot be told apart, choose head office."
        ) % {"days": settings.AFTERSALES_STORE_RESPONSIBILITY_DAYS}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("verdict") == Verdict.UNREPAIRABLE and not cleaned.get("responsibility"):
            self.add_error(
                "responsibility",
                ValidationError(
                    _(
                        "An unrepairable unit needs a responsible party; choose head office when supplier and "
                        "store cannot be told apart."
                    )
                ),
            )
        if cleaned.get("verdict") == Verdict.SUPPLIER_REWORK and not cleaned.get("supplier_agreement"):
            self.add_error("supplier_agreement", _("Record who at the supplier agreed to the rework."))
        return cleaned


# --- incoming lots 大货批次 ---

ITEMS_CHECKED = (
    ("外观", _("Appearance 外观")),
    ("尺寸", _("Measurements 尺寸")),
    ("做工", _("Workmanship 做工")),
    ("面料", _("Fabric 面料")),
    ("辅料", _("Trims 辅料")),
    ("色差", _("Colour 色差")),
    ("包装", _("Packing 包装")),
    ("吊牌", _("Tags and labels 吊牌")),
)
DEFECT_ROWS = 8


class IncomingLotRegisterForm(BootstrapMixin, forms.Form):
    """Logistics registers a bulk lot 大货登记 (the services check the style is the supplier's)."""

    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none(), to_field_name="code")
    style = forms.ModelChoiceField(label=_("Style"), queryset=Style.objects.none(), to_field_name="style_no")
    po_number = NoNulCharField(label=_("Purchase order"), max_length=40)
    quantity = forms.IntegerField(label=_("Quantity (lot size)"), min_value=2, max_value=MAX_LOT_SIZE)
    cartons = forms.IntegerField(label=_("Cartons"), min_value=1, max_value=MAX_CARTONS)
    delivery_date = forms.DateField(
        label=_("Planned store delivery date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    level = forms.ChoiceField(label=_("Inspection level"), choices=LEVEL_CHOICES, initial="II")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.visible_to(user).filter(active=True)
        self.fields["style"].queryset = Style.objects.visible_to(user).select_related("supplier")


class LotNoInputForm(BootstrapMixin, forms.Form):
    """A transition that needs only the button."""


class LotRecordResultForm(BootstrapMixin, forms.Form):
    """The tablet's defect entry: the items checked, then up to eight rows of class, code and quantity."""

    items_checked = forms.MultipleChoiceField(
        label=_("Items checked"), choices=ITEMS_CHECKED, widget=forms.CheckboxSelectMultiple,
        initial=[value for value, _label in ITEMS_CHECKED[:4]],
    )  # fmt: skip
    notes = NoNulCharField(label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = TemporaryUploadField(label=_("Photos of the defects"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].owner = user
        codes = [("", "—")] + [(code.code, str(code)) for code in DefectCode.objects.filter(active=True)]
        for row in range(1, DEFECT_ROWS + 1):
            # Added after BootstrapMixin styled the declared fields: styled here.
            self.fields[f"class_{row}"] = forms.ChoiceField(
                label=_("Class"), choices=[("", "—"), *DefectClass.choices], required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )  # fmt: skip
            self.fields[f"code_{row}"] = forms.ChoiceField(
                label=_("Defect code"), choices=codes, required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )  # fmt: skip
            self.fields[f"quantity_{row}"] = forms.IntegerField(
                label=_("Quantity"), min_value=1, max_value=MAX_LOT_SIZE, required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
            )  # fmt: skip

    def defect_rows(self):
        return [
            (self[f"class_{row}"], self[f"code_{row}"], self[f"quantity_{row}"]) for row in range(1, DEFECT_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        defects = []
        for row in range(1, DEFECT_ROWS + 1):
            values = data.get(f"class_{row}"), data.get(f"code_{row}"), data.get(f"quantity_{row}")
            if not any(values):
                continue
            if not all(values):
                raise forms.ValidationError(
                    _("Row %(row)s: give the class, the defect code and the quantity.") % {"row": row}
                )
            defects.append({"defect_class": values[0], "defect_code": values[1], "quantity": values[2]})
        data["defects"] = defects
        return data


class LotReviewForm(BootstrapMixin, forms.Form):
    disposition = forms.ChoiceField(label=_("Disposition"), choices=Disposition.choices, widget=forms.RadioSelect)
    notes = NoNulCharField(
        label=_("Notes (agreed with the supplier: cost, rework, new date)"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    delivery_date = forms.DateField(
        label=_("New store delivery date (when it slips)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip


class SupplierDecisionForm(BootstrapMixin, forms.Form):
    """QA's switching decisions need a reason (resuming: the corrective action and the order it answers)."""

    reason = NoNulCharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AgreeReworkForm(BootstrapMixin, forms.Form):
    """The supplier agrees to rework the unit 经工厂同意: the date it will be back (the service checks the past)."""

    promised_date = forms.DateField(
        label=_("Promised return date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class DeclineReworkForm(BootstrapMixin, forms.Form):
    """The supplier declines the rework: why."""

    reason = NoNulCharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
