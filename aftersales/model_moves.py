"""What a migration needs when a model moves from one app to another while keeping its table (issue 12).

The move itself is ``SeparateDatabaseAndState`` with state operations only; this
module gives the one data step that goes with it: the model's content type
changes app label, so transition-log rows, notifications and alerts (generic
relations) and the permissions granted on the model follow it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import migrations


def content_types_moved(from_app: str, to_app: str, model_names: Iterable[str]) -> migrations.RunPython:
    """A RunPython that relabels ``from_app.<model>`` content types as ``to_app.<model>`` (and back on reverse)."""
    names = sorted(name.lower() for name in model_names)

    def relabel(apps, old_label: str, new_label: str) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        for name in names:
            old = content_type.objects.filter(app_label=old_label, model=name).first()
            if old is None:
                continue  # a fresh database: the content type is created under the new label after migrating
            # A row under the new label can only be one made by a post_migrate run between the two steps, before
            # anything referred to it; the old row is the one the data points at.
            content_type.objects.filter(app_label=new_label, model=name).delete()
            old.app_label = new_label
            old.save(update_fields=["app_label"])

    def forward(apps, schema_editor) -> None:
        relabel(apps, from_app, to_app)

    def backward(apps, schema_editor) -> None:
        relabel(apps, to_app, from_app)

    return migrations.RunPython(forward, backward, elidable=False)
