"""Forms of the monthly audit's pages: draw a month, review a sample against the checklist, open an order."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.periods import PeriodField
from aftersales.ui.forms import BootstrapMixin
from quality.models.audits import CHECKLIST, MAX_FINDINGS, SCORE_MAX, SCORE_MIN

ANSWER_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("na", _("Not applicable"))]
ANSWER_VALUES = {"yes": True, "no": False, "na": None}


class AuditDrawForm(BootstrapMixin, forms.Form):
    period = PeriodField(label=_("Month"), help_text=_("A month that is over, as YYYY-MM."))


class AuditReviewForm(BootstrapMixin, forms.Form):
    """One radio group per checklist item, the score (0–100) and the findings; the service checks the rules."""

    score = forms.IntegerField(label=_("Score"), min_value=SCORE_MIN, max_value=SCORE_MAX)
    findings = forms.CharField(
        label=_("Findings"), required=False, max_length=MAX_FINDINGS, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, sample=None, **kwargs):
        if sample is not None and sample.reviewed and "initial" not in kwargs:
            initial = {"score": sample.score, "findings": sample.findings}
            reverse = {value: key for key, value in ANSWER_VALUES.items()}
            initial.update({f"answer_{key}": reverse.get(sample.answers.get(key), "na") for key in CHECKLIST})
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for key, text in CHECKLIST.items():
            self.fields[f"answer_{key}"] = forms.ChoiceField(
                label=text,
                choices=ANSWER_CHOICES,
                initial="na",
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def checklist_fields(self):
        return [self[f"answer_{key}"] for key in CHECKLIST]

    def answers(self) -> dict:
        return {key: ANSWER_VALUES[self.cleaned_data[f"answer_{key}"]] for key in CHECKLIST}


class AuditOrderForm(BootstrapMixin, forms.Form):
    """The one-click order: prefilled, every field may be left as it is."""

    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    problem = forms.CharField(label=_("Problem"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_due_date(self):
        value = self.cleaned_data["due_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return value


def order_initial(defaults: dict) -> dict:
    return {"due_date": defaults["due_date"] or timezone.localdate() + dt.timedelta(days=30),
            "problem": defaults["problem"]}  # fmt: skip
