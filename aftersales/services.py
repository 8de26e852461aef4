"""Write helpers shared by every app's services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

ModelT = TypeVar("ModelT", bound=models.Model)


@transaction.atomic
def upsert(model: type[ModelT], *, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[ModelT, bool]:
    """Create the row found by ``lookup`` or bring it to ``values``, validating it first.

    Saves only when something differs, so re-running a seed or an import
    leaves untouched rows untouched (their ``updated_at`` included).
    Returns the row and whether it was created.
    """
    instance = model.objects.select_for_update().filter(**lookup).first()
    created = instance is None
    if created:
        instance = model(**lookup)
    changed = created
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.many_to_one:
            # Compare related rows by id: reading an unset relation would raise.
            current, wanted = getattr(instance, field.attname), (value.pk if value is not None else None)
        else:
            current, wanted = getattr(instance, name), value
        if current != wanted:
            setattr(instance, name, value)
            changed = True
    if changed:
        instance.full_clean()
        instance.save()
    return instance, created
