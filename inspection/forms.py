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
from suppliers.choices import Responsibility
from suppliers.models import DefectCode


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
