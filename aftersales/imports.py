"""Spreadsheet import of master data (CSV/XLSX) through django-import-export.

Rows refer to related records by code, every row is validated with the
model's own rules, and a file with any bad row imports nothing: the admin
shows each bad row's number and message, and the whole import is rolled back.
"""

from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.widgets import ForeignKeyWidget


class CodeKeyedResource(resources.ModelResource):
    """A resource keyed by the model's business code, validating every row before saving any."""

    class Meta:
        abstract = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # All or nothing: a file with one invalid row must not leave the valid rows half-imported.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=use_transactions, **kwargs
        )


class CodeWidget(ForeignKeyWidget):
    """A related record given by its code; an unknown code is an error on that cell, naming the code."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("There is no %(model)s with code “%(code)s”.")
                % {"model": self.model._meta.verbose_name, "code": value}
            ) from None


def code_field(attribute: str, model, *, column: str | None = None, field: str = "code") -> Field:
    """A column holding a related record's code."""
    return Field(attribute=attribute, column_name=column or attribute, widget=CodeWidget(model, field=field))
