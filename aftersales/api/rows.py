"""Serializers whose rows are cheap: a page of 50 rows × 40 fields without DRF's per-field machinery (issue 19).

``FlatRowsMixin`` goes before ``serializers.ModelSerializer``. It builds the
serializer's fields once per class (not deep-copied afresh for every
serializer), and on the first row of a serializer (the list's one child, so
once per page) it turns each readable field into a plain function of the
instance:

- a ``SerializerMethodField``: the bound ``get_<name>`` method;
- a model column or property shown by a field of a plain type (text, number,
  boolean, choice, date, date-time): ``getattr`` then the field's own
  ``to_representation`` (a date-time field given the request's time zone once);
- a forward key shown by ``PrimaryKeyRelatedField`` (its ``<name>_id``) or by
  ``SlugRelatedField`` (the related row's slug);
- anything else (a nested serializer, a field a higher app registered, a dotted
  or ``*`` source): the field itself, bound to the serializer and asked exactly
  as DRF's ``Serializer.to_representation`` asks it.

Each function calls the same ``to_representation`` DRF would, so a row's JSON
is the same, key for key and byte for byte, as the field-by-field one; the
tests hold the two side by side (tests/cases/test_api_list_rows.py).
``field_by_field(instance)`` gives DRF's own output, for those tests.

A field type is taken only when it is exactly one of those classes, so a
subclass with its own ``to_representation`` or ``get_attribute`` goes the slow,
faithful way. The plan is per serializer instance because method fields are
bound to it and fields may keep per-request state (``status_url``'s prefix).
"""

from __future__ import annotations

import copy
from operator import attrgetter

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

# Field classes whose to_representation reads only the value and the field's own options (no parent, no context).
PLAIN_FIELDS = (
    serializers.CharField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
)

_SKIP = object()


class FlatRowsMixin:
    """Rows built as plain dicts from per-page functions of the instance; the output is DRF's, unchanged."""

    def get_fields(self):
        # Built once per class: building 40 fields from the model for every list page was half its cost.
        cls = type(self)
        if "_built_fields" not in cls.__dict__:
            cls._built_fields = super().get_fields()
        return copy.deepcopy(cls._built_fields)

    @property
    def _readable_fields(self):
        listed = self.__dict__.get("_readable_list")
        if listed is None:
            listed = self.__dict__["_readable_list"] = [field for field in self.fields.values() if not field.write_only]
        return listed

    def to_representation(self, instance):
        plan = self.__dict__.get("_row_plan")
        if plan is None:
            plan = self.__dict__["_row_plan"] = self._row_plan()
        row = {}
        for name, read in plan:
            value = read(instance)
            if value is not _SKIP:
                row[name] = value
        return row

    def field_by_field(self, instance):
        """DRF's own representation of ``instance``, field by field: what ``to_representation`` must equal."""
        return serializers.Serializer.to_representation(self, instance)

    def _row_plan(self) -> list[tuple[str, object]]:
        cls = type(self)
        if "_built_fields" not in cls.__dict__:
            self.get_fields()
        model = self.Meta.model
        plan = []
        for name, template in cls._built_fields.items():
            if template.write_only:
                continue
            plan.append((name, self._row_reader(model, name, template)))
        return plan

    def _row_reader(self, model, name, template):
        kind = type(template)
        if kind is serializers.SerializerMethodField:
            return getattr(self, template.method_name or f"get_{name}")
        source = template.source or name
        if source != "*" and "." not in source:
            column = _model_field(model, source)
            if kind in PLAIN_FIELDS and (
                (column is not None and column.concrete and not column.is_relation)
                or (column is None and isinstance(getattr(model, source, None), property))
            ):
                return _plain_reader(source, _for_this_page(template).to_representation)
            forward_key = column is not None and column.concrete and (column.many_to_one or column.one_to_one)
            if forward_key and kind is serializers.PrimaryKeyRelatedField and template.pk_field is None:
                return attrgetter(column.attname)
            if forward_key and kind is serializers.SlugRelatedField:
                return _slug_reader(source, template.to_representation)
        return self._field_reader(name, template)

    def _field_reader(self, name, template):
        # Bound like ``self.fields[name]`` would be, without deep-copying every other field for it.
        field = copy.deepcopy(template)
        field.bind(field_name=name, parent=self)

        def read(instance):
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                return _SKIP
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            return None if check_for_none is None else field.to_representation(attribute)

        return read


def _for_this_page(template):
    if type(template) is not serializers.DateTimeField or hasattr(template, "timezone"):
        return template
    # The request's time zone, read once for the page rather than once per date-time: DRF looks it up (a context
    # variable) for every value when the field has none of its own.
    field = copy.deepcopy(template)
    field.timezone = template.default_timezone()
    return field


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _plain_reader(source, represent):
    def read(instance):
        value = getattr(instance, source)
        return None if value is None else represent(value)

    return read


def _slug_reader(source, represent):
    def read(instance):
        try:
            related = getattr(instance, source)
        except ObjectDoesNotExist:
            return None
        return None if related is None else represent(related)

    return read
