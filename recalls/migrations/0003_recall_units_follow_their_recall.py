"""Issue 13: recall units shipped to the supplier before they followed their recall are moved where it says.

Before issue 13 a recall's units stayed ``received`` at the center after the recall's ``ship_to_supplier`` (and
could be inspected on their own). Each such unit still ``received`` is moved now, as the services move them, each
step in its transition log (no actor: the system, payload ``{"migration": "issue 13"}``): to ``at_supplier``;
then, if the recall recorded its outcome, repaired back to ``ready_to_return``, or unrepairable (the supplier's) /
our own fault (head office's) to ``scrap_pending`` as inspected when the outcome was recorded. Units that moved on
by another path (inspected on their own) are left as they are.
"""

from django.db import migrations
from django.utils import timezone


def move_units(apps, schema_editor):
    RecallUnit = apps.get_model("recalls", "RecallUnit")
    Return = apps.get_model("cases", "Return")
    TransitionLog = apps.get_model("aftersales", "TransitionLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    return_type, _created = ContentType.objects.get_or_create(app_label="cases", model="return")
    now = timezone.now()

    def log(unit, name, source, target, at, payload):
        TransitionLog.objects.create(
            content_type=return_type, object_id=unit.return_item_id, transition=name, source_state=source,
            target_state=target, actor=None, at=at or now, payload={**payload, "migration": "issue 13"},
        )  # fmt: skip

    units = RecallUnit.objects.filter(return_item__state="received").select_related("recall").order_by("pk")
    for unit in units:
        recall = {"recall": unit.recall.number}
        Return.objects.filter(pk=unit.return_item_id).update(state="at_supplier", updated_at=now)
        log(unit, "ship_to_supplier", "received", "at_supplier", unit.recall.shipped_at or unit.outcome_recorded_at,
            recall)  # fmt: skip
        if unit.outcome == "repaired_by_factory":
            Return.objects.filter(pk=unit.return_item_id).update(state="ready_to_return", updated_at=now)
            log(unit, "receive_from_supplier", "at_supplier", "ready_to_return", unit.outcome_recorded_at,
                {**recall, "outcome": unit.outcome, "note": ""})  # fmt: skip
        elif unit.outcome in ("unrepairable", "our_fault"):
            responsibility = "supplier" if unit.outcome == "unrepairable" else "hq"
            Return.objects.filter(pk=unit.return_item_id).update(
                state="scrap_pending", verdict="unrepairable", responsibility=responsibility,
                inspected_at=unit.outcome_recorded_at or now, updated_at=now,
            )  # fmt: skip
            log(unit, "scrap_at_supplier", "at_supplier", "scrap_pending", unit.outcome_recorded_at,
                {**recall, "outcome": unit.outcome, "responsibility": responsibility})  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("recalls", "0002_defect_code_points_to_suppliers"),
        ("cases", "0009_reason_kind_freight_sign_off_batch_alarm"),
        ("aftersales", "0005_transitionlog_append_only"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(move_units, migrations.RunPython.noop)]
