"""GB/T 2828.1 switching rules (clause 9) per supplier: the pure rules, and the services that apply and log them.

The rules read the supplier's lots on *original* inspection (round 1; a reworked lot's second
inspection does not count) recorded since its last switch, oldest first:

- normal → tightened (9.3.1): 2 lots not accepted among 5 or fewer consecutive lots;
- tightened → normal (9.3.2): 5 consecutive lots accepted;
- normal → reduced (9.3.3): the switching score reaches 30 *and* QA agrees (``supplier_reduce``);
  the score starts at 0 when normal inspection starts and, for each lot, adds 3 when the plan's Ac
  is 2 or more and the lot would have been accepted with the AQL one step tighter, adds 2 when Ac
  is 0 or 1 and the lot is accepted, and is reset to 0 otherwise (a lot whose major or minor
  class resets resets it; otherwise the smaller of the two steps counts);
- reduced → normal (9.3.4): a lot not accepted;
- discontinuation (9.4): the lots not accepted on tightened inspection add up to 5; no lot of the
  supplier is inspected until QA resumes it, on tightened, with a reason (``supplier_resume``).

Every switch is a ``SeveritySwitch`` row naming the rule, the lots behind it and who decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from aftersales.fsm import Guard
from aftersales.validation import reject_nul_bytes
from inspection import aql, permissions
from inspection.choices import DefectClass, SwitchRule
from inspection.models import SampleInspection, SeveritySwitch
from suppliers.choices import InspectionSeverity
from suppliers.models import Supplier

SCORE_TO_REDUCE = 30
WINDOW = 5  # "2 out of 5 or fewer consecutive lots"
NOT_ACCEPTED_TO_DISCONTINUE = 5
TIGHTENED_ACCEPTED_TO_NORMAL = 5
SCORED_CLASSES = (DefectClass.MAJOR, DefectClass.MINOR)


@dataclass(frozen=True)
class LotResult:
    """One lot on original inspection, as the rules see it."""

    lot_id: int
    accepted: bool
    score_step: int = 0  # 2 or 3 added under normal inspection, 0 resets the score


@dataclass(frozen=True)
class Decision:
    to_severity: str
    rule: str
    lot_ids: tuple[int, ...]


def switching_score(results: Sequence[LotResult]) -> int:
    """Clause 9.3.3's score after these lots (the lots since normal inspection started)."""
    score = 0
    for result in results:
        score = score + result.score_step if result.accepted and result.score_step else 0
    return score


def decide(severity: str, results: Sequence[LotResult]) -> Decision | None:
    """The switch the rules make after the last of ``results`` (the lots since the last switch), or None."""
    if not results:
        return None
    last = results[-1]
    if severity == InspectionSeverity.NORMAL:
        window = results[-WINDOW:]
        rejected = [result.lot_id for result in window if not result.accepted]
        if not last.accepted and len(rejected) >= 2:
            return Decision(InspectionSeverity.TIGHTENED, SwitchRule.TWO_OF_FIVE, tuple(r.lot_id for r in window))
    elif severity == InspectionSeverity.TIGHTENED:
        rejected = [result.lot_id for result in results if not result.accepted]
        if not last.accepted and len(rejected) >= NOT_ACCEPTED_TO_DISCONTINUE:
            return Decision(InspectionSeverity.DISCONTINUED, SwitchRule.DISCONTINUED, tuple(rejected))
        tail = results[-TIGHTENED_ACCEPTED_TO_NORMAL:]
        if len(tail) == TIGHTENED_ACCEPTED_TO_NORMAL and all(result.accepted for result in tail):
            return Decision(InspectionSeverity.NORMAL, SwitchRule.FIVE_ACCEPTED, tuple(r.lot_id for r in tail))
    elif severity == InspectionSeverity.REDUCED and not last.accepted:
        return Decision(InspectionSeverity.NORMAL, SwitchRule.REDUCED_REJECTED, (last.lot_id,))
    return None


def score_step(*, plan: dict, found: dict[str, int], accepted: bool, level: str) -> int:
    """What a lot on normal original inspection adds to the switching score: 3, 2, or 0 (reset)."""
    if not accepted:
        return 0
    steps = []
    for defect_class in SCORED_CLASSES:
        entry = plan.get(defect_class)
        if not entry:
            continue
        count = found.get(defect_class, 0)
        if entry["accept"] >= 2:
            column = aql.AQLS.index(entry["aql"])
            _letter, _n, tighter_accept, _re = aql.table_plan("normal", entry["table_letter"], aql.AQLS[column - 1])
            steps.append(3 if count <= tighter_accept else 0)
        else:
            steps.append(2 if count <= entry["accept"] else 0)
    return min(steps) if steps else 0


def results_since_switch(supplier: Supplier) -> list[LotResult]:
    """The supplier's lots on original inspection with a result since its last switch, oldest first."""
    return results_by_supplier([supplier])[supplier.pk]


def results_by_supplier(suppliers) -> dict[int, list[LotResult]]:
    """``results_since_switch`` of each supplier, in one query for them all (a list of suppliers, issue 19)."""
    last_switch = (
        SeveritySwitch.objects.filter(supplier=OuterRef("lot__supplier"))
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    rows = (
        SampleInspection.objects.filter(lot__supplier__in=[supplier.pk for supplier in suppliers], round=1)
        .filter(accepted__isnull=False)
        .annotate(last_switch_at=Subquery(last_switch))
        .filter(Q(last_switch_at__isnull=True) | Q(inspected_at__gt=F("last_switch_at")))
        .order_by("inspected_at", "id")
        .values_list("lot__supplier_id", "lot_id", "accepted", "score_step")
    )
    found: dict[int, list[LotResult]] = {supplier.pk: [] for supplier in suppliers}
    for supplier_id, lot_id, accepted, step in rows:
        found[supplier_id].append(LotResult(lot_id=lot_id, accepted=accepted, score_step=step or 0))
    return found


@dataclass(frozen=True)
class SwitchingStatus:
    severity: str
    score: int | None  # under normal inspection only
    results: list[LotResult]
    may_reduce: bool
    not_accepted_under_tightened: int | None


def switching_status(supplier: Supplier, results: list[LotResult] | None = None) -> SwitchingStatus:
    """Where the supplier stands: severity, the switching score (normal), lots not accepted (tightened).

    ``results``: the supplier's ``results_since_switch`` when already read (``results_by_supplier`` for a list).
    """
    if results is None:
        results = results_since_switch(supplier)
    severity = supplier.inspection_severity
    score = switching_score(results) if severity == InspectionSeverity.NORMAL else None
    rejected = sum(1 for result in results if not result.accepted) if severity == InspectionSeverity.TIGHTENED else None
    return SwitchingStatus(
        severity=severity,
        score=score,
        results=results,
        may_reduce=score is not None and score >= SCORE_TO_REDUCE,
        not_accepted_under_tightened=rejected,
    )


def known_status(supplier: Supplier) -> SwitchingStatus:
    """``switching_status`` read once per Supplier instance: a page shows it and its guards ask for it (issue 19).

    A service decides on the row it locks, a new instance, so a decision always reads the status anew.
    """
    if "_switching_status" not in supplier.__dict__:
        supplier.__dict__["_switching_status"] = switching_status(supplier)
    return supplier.__dict__["_switching_status"]


def _switch(supplier: Supplier, *, to: str, rule: str, lot_ids=(), user=None, reason: str = "", score=None):
    row = SeveritySwitch.objects.create(
        supplier=supplier,
        from_severity=supplier.inspection_severity,
        to_severity=to,
        rule=rule,
        reason=reason,
        score=score,
        decided_by=user,
    )
    row.lots.set(lot_ids)
    Supplier.objects.filter(pk=supplier.pk).update(inspection_severity=to)
    supplier.inspection_severity = to
    supplier.__dict__.pop("_switching_status", None)
    return row


def apply_rules(supplier: Supplier) -> SeveritySwitch | None:
    """After a lot's original inspection: switch the supplier if a rule says so (the caller holds the lock)."""
    results = results_since_switch(supplier)
    decision = decide(supplier.inspection_severity, results)
    if decision is None:
        return None
    return _switch(supplier, to=decision.to_severity, rule=decision.rule, lot_ids=decision.lot_ids)


def lock_supplier(supplier: Supplier) -> Supplier:
    return Supplier.objects.select_for_update().get(pk=supplier.pk)


def _reduce_refusal(supplier: Supplier):
    if supplier.inspection_severity != InspectionSeverity.NORMAL:
        return _("Only a supplier on normal inspection can be switched to reduced.")
    if not known_status(supplier).may_reduce:
        return _("The switching score has not reached %(score)s.") % {"score": SCORE_TO_REDUCE}
    return None


REDUCE = Guard(action="reduce", permission=permissions.is_qa, related_state=_reduce_refusal)


def supplier_reduce(*, user, supplier: Supplier, reason: str) -> SeveritySwitch:
    """QA agrees to reduced inspection once the switching score has reached 30 (9.3.3)."""
    with transaction.atomic():
        supplier = REDUCE(supplier, user=user)
        reason = _reason(reason)
        score = switching_status(supplier).score
        return _switch(
            supplier,
            to=InspectionSeverity.REDUCED,
            rule=SwitchRule.SCORE_REACHED,
            lot_ids=[result.lot_id for result in results_since_switch(supplier)],
            user=user,
            reason=reason,
            score=score,
        )


def _resume_refusal(supplier: Supplier):
    if supplier.inspection_severity != InspectionSeverity.DISCONTINUED:
        return _("Inspection of this supplier is not discontinued.")
    return None


RESUME = Guard(action="resume", permission=permissions.is_qa, related_state=_resume_refusal)


def supplier_resume(*, user, supplier: Supplier, reason: str) -> SeveritySwitch:
    """QA resumes a discontinued supplier's inspection, on tightened, after its corrective action (9.4)."""
    with transaction.atomic():
        supplier = RESUME(supplier, user=user)
        reason = _reason(reason)
        # The rules higher apps registered (quality: a closed rectification order, or the reason citing an open one).
        from inspection.hooks import resume_checks

        for check in resume_checks():
            problem = check(supplier=supplier, reason=reason)
            if problem:
                raise ValidationError({"reason": [problem]})
        return _switch(supplier, to=InspectionSeverity.TIGHTENED, rule=SwitchRule.RESUMED, user=user, reason=reason)


def _reason(reason) -> str:
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    reject_nul_bytes(reason=reason)
    if not reason:
        raise ValidationError({"reason": [_("Give the reason (the corrective action, the order it answers).")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("At most 2000 characters.")]})
    return reason
