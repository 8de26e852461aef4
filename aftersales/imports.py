"""Spreadsheet import of master data (CSV/XLSX) through django-import-export.

Rows refer to related records by code, every row is validated with the
model's own rules, and a file with any bad row imports nothing: the admin
shows each bad row's number and message, and the whole import is rolled back.
"""

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


def code_field(attribute: str, model, *, column: str | None = None, field: str = "code") -> Field:
    """A column holding a related record's code (an unknown code is a row error)."""
    return Field(attribute=attribute, column_name=column or attribute, widget=ForeignKeyWidget(model, field=field))
