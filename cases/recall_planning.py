"""QA's choice of regions for a batch recall's notice 通知范围, made at approval and used when the notice is issued.

A thin service beside ``cases.recalls`` (owned by the recall core): the
approval page asks QA for the regions too, so the issue-notice form can
start from them. The notice itself still goes out through
``cases.recalls.recall_issue_notice``, which records the regions told.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.fsm import TransitionForbidden, log_event, require_state
from cases import permissions
from cases.choices import RecallState
from cases.models import Recall
from stores.models import Region


@transaction.atomic
def recall_regions_plan(*, user, recall: Recall, regions: Sequence[Region]) -> Recall:
    """Record the regions QA means to notify (qa_manager only, before the notice is issued)."""
    if not permissions.is_qa_manager(recall, user):
        raise TransitionForbidden(_("Only QA chooses the regions of a recall notice."), transition="plan_regions")
    row = Recall.objects.select_for_update().get(pk=recall.pk)
    require_state(row, [RecallState.PROPOSED, RecallState.APPROVED], action="plan_regions")
    chosen = sorted(regions, key=lambda region: region.code)
    row.regions.set(chosen)
    log_event(row, "plan_regions", user=user, payload={"regions": [region.code for region in chosen]})
    return row
