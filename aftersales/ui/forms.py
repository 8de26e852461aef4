"""Form pieces every app's pages share: Bootstrap classes on widgets, text without NUL bytes, phone numbers,
and the photo inputs (several files in one input; photos kept across a failed form, from ``aftersales.uploads``).

A form that takes files and comes back with errors says its files must be chosen again (``MultipleFileField``);
``TemporaryUploadField`` keeps them instead.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aftersales.uploads import MultipleFileField, MultipleFileInput, TemporaryUploadField
from aftersales.validation import validate_phone

__all__ = [
    "BootstrapMixin",
    "MultipleFileField",
    "MultipleFileInput",
    "NoNulCharField",
    "PhoneField",
    "TemporaryUploadField",
]


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render ``{{ field }}`` as it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class NoNulCharField(forms.CharField):
    """A text field that refuses NUL bytes with a message naming the field (PostgreSQL cannot store them)."""

    def clean(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(_("Null characters are not allowed."), code="nul")
        return super().clean(value)


class PhoneField(NoNulCharField):
    """A phone number: the numeric keypad on phones and tablets, and only a mobile or a landline with area code."""

    widget = forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        validate_phone(value)
        return value
