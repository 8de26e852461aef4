"""What a refused request on a batch recall must leave as it was (one snapshot for the recall tests)."""

from aftersales.models import TransitionLog
from cases.models import Return
from recalls.models import Recall, RecallAttachment, RecallNotice, RecallUnit


def snapshot(recall: Recall) -> tuple:
    """The recall's own fields, its regions, notices, units, photos and Returns, and the whole transition log."""
    recall.refresh_from_db()
    return (
        recall.state,
        recall.deadline,
        recall.handling_plan,
        recall.rejection_reason,
        recall.decided_by_id,
        recall.supplier_tracking_no,
        sorted(recall.regions.values_list("code", flat=True)),
        sorted(RecallNotice.objects.filter(recall=recall).values_list("store__code", "state", "on_hand")),
        sorted(RecallUnit.objects.filter(recall=recall).values_list("return_item_id", "outcome")),
        RecallAttachment.objects.filter(recall=recall).count(),
        Return.objects.filter(recall=recall).count(),
        TransitionLog.objects.count(),
    )
