"""Form pieces every app's pages share: Bootstrap classes on widgets, text without NUL bytes, phone numbers,
and the photo inputs (several files in one input; photos kept across a failed form, from ``aftersales.uploads``).

A form that takes files and comes back with errors says its files must be chosen again (``MultipleFileField``);
``TemporaryUploadField`` keeps them instead.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from aftersales.uploads import MultipleFileField, MultipleFileInput, TemporaryUploadField
from aftersales.validation import validate_phone

__all__ = [
    "BootstrapMixin",
    "MultipleFileField",
    "MultipleFileInput",
    "NoNulCharField",
    "PhoneField",
    "RowsOnce",
    "TemporaryUploadField",
    "offer_rows",
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


class RowsOnce:
    """A QuerySet's rows read at most once, however many choice lists offer them (issue 19: a formset's forms and
    its empty form, or a required select asking for its first choice, each read the choices anew)."""

    def __init__(self, queryset, read=None):
        # ``read``: how to get the rows without a query of their own (from rows another list already read); what
        # is picked is still checked against ``queryset``.
        self.queryset = queryset
        self.read = read
        self._rows: list | None = None

    @property
    def rows(self) -> list:
        if self._rows is None:
            self._rows = list(self.read() if self.read is not None else self.queryset)
        return self._rows


class _RowsOnceIterator(ModelChoiceIterator):
    def __init__(self, field, rows: RowsOnce):
        super().__init__(field)
        self.rows = rows

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.rows.rows:
            yield self.choice(obj)

    def __len__(self):
        return len(self.rows.rows) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.rows.rows)


def offer_rows(field: forms.ModelChoiceField, rows) -> None:
    """Let a model choice field offer ``rows`` (a QuerySet, or a ``RowsOnce`` shared by several fields): what it
    accepts is still checked against the QuerySet; its choice list is read once for all who share it."""
    if not isinstance(rows, RowsOnce):
        field.queryset = rows
        return
    field.queryset = rows.queryset
    field.widget.choices = _RowsOnceIterator(field, rows)
