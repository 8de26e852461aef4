"""The monthly 10 % audit 每月抽查 (domain.md, *Quality management*; seed 004, 第六章): draw, review, open an order.

The draw is reproducible: every candidate of the month is ranked by the SHA-256 of ``"<YYYY-MM>|<number>"`` (its
Return or case number, which a fresh database holding the same records gives the same way, unlike a primary key),
and the first ``ceil(share × count)`` of each kind are taken, so at least one of each kind whenever the month has
any. No random generator is ever asked, so drawing the same month again, here or in a restored copy, picks the same
items. The audit is unique per month: drawing it twice answers the first draw.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.fsm import TransitionForbidden, log_event
from aftersales.periods import current_period, parse_period, period_bounds
from aftersales.roles import Role, roles_of
from quality.models.audits import CHECKLIST, MAX_FINDINGS, SCORE_MAX, SCORE_MIN, AuditSample, MonthlyAudit, SampleKind

# Return transitions after which nothing more is done for the customer: the store's own repair, the unit back at
# the store, or the unit written off (its chargeback later is bookkeeping, not handling).
COMPLETING_TRANSITIONS = ("resolve_at_store", "confirm_returned", "write_off")


def is_qa(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or Role.QA_MANAGER in roles_of(user)


def _require_qa(user) -> None:
    if user is not None and not is_qa(user):
        raise TransitionForbidden(_("Only QA may run the monthly audit."))


def draw_rank_key(period: dt.date, number: str) -> str:
    """The seeded order of the draw: a hash of the month and the record's number (stable across databases)."""
    return hashlib.sha256(f"{period:%Y-%m}|{number}".encode()).hexdigest()


def sample_size(count: int, share_percent: int) -> int:
    """``share_percent`` % of ``count``, rounded up: at least one whenever there is anything to draw."""
    return min(count, math.ceil(count * share_percent / 100))


def audit_candidates(period: dt.date) -> dict[str, list[tuple[int, str]]]:
    """The month's closed service cases and completed Returns as ``(pk, number)``, each kind in one query."""
    from django.contrib.contenttypes.models import ContentType

    from aftersales.models import TransitionLog
    from cases.models import Return
    from servicedesk.choices import CaseState
    from servicedesk.models import ServiceCase

    start, end = period_bounds(period)
    cases = ServiceCase.objects.filter(state=CaseState.CLOSED, closed_at__gte=start, closed_at__lt=end)
    completed = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Return),
        transition__in=COMPLETING_TRANSITIONS,
        at__gte=start,
        at__lt=end,
    ).values("object_id")
    returns = Return.objects.filter(pk__in=completed)
    return {
        SampleKind.SERVICE_CASE: list(cases.order_by("pk").values_list("pk", "number")),
        SampleKind.RETURN: list(returns.order_by("pk").values_list("pk", "number")),
    }


def draw_sample(period: dt.date, share_percent: int) -> dict[str, list[int]]:
    """The drawn pks of each kind, in draw order: a pure function of the candidates' numbers and the month."""
    drawn = {}
    for kind, candidates in audit_candidates(period).items():
        ranked = sorted(candidates, key=lambda row: draw_rank_key(period, row[1]))
        drawn[kind] = [pk for pk, _number in ranked[: sample_size(len(candidates), share_percent)]]
    return drawn


def _clean_period(period, now: dt.datetime | None = None) -> dt.date:
    """A month that is over: the current month's sample would miss the cases still to close."""
    if not isinstance(period, dt.date):
        try:
            period = parse_period(period)
        except ValidationError as error:
            raise ValidationError({"period": error.messages}) from error
    if period >= current_period(now):
        raise ValidationError(
            {"period": [_("%(period)s is not over yet; the audit draws a month that has ended.") % {
                "period": f"{period:%Y-%m}"}]},
            code="month_not_over",
        )  # fmt: skip
    return period


def _people(kind: str, pks: list[int]) -> dict[int, dict]:
    """Whom each drawn item is scored against: its store, the case's owner, the Return's technician."""
    if not pks:
        return {}
    if kind == SampleKind.SERVICE_CASE:
        from servicedesk.models import ServiceCase

        rows = ServiceCase.objects.filter(pk__in=pks).values_list("pk", "store_id", "owner_id")
        return {pk: {"store_id": store, "agent_id": owner, "technician_id": None} for pk, store, owner in rows}
    from cases.models import Return

    # The repairing technician when the unit was repaired, else the one who inspected it.
    rows = Return.objects.filter(pk__in=pks).values_list(
        "pk", "store_id", "repair_ticket__technician_id", "inspection__inspector_id"
    )
    return {
        pk: {"store_id": store, "agent_id": None, "technician_id": repairer or inspector}
        for pk, store, repairer, inspector in rows
    }


def audit_draw(*, period, user=None, now: dt.datetime | None = None) -> tuple[MonthlyAudit, bool]:
    """Draw the month's audit (QA on demand, or the monthly build with no user); the existing one if drawn.

    Answers ``(audit, created)``. A month not over is refused (400, nothing written); a concurrent draw of the
    same month loses on the unique period and answers the winner's audit.
    """
    _require_qa(user)
    period = _clean_period(period, now)
    existing = MonthlyAudit.objects.filter(period=period).first()
    if existing is not None:
        return existing, False
    share = settings.AFTERSALES_AUDIT_SAMPLE_PERCENT
    candidates = audit_candidates(period)
    try:
        with transaction.atomic():
            audit = MonthlyAudit(
                period=period,
                share_percent=share,
                cases_closed=len(candidates[SampleKind.SERVICE_CASE]),
                returns_completed=len(candidates[SampleKind.RETURN]),
                drawn_at=timezone.now(),
                drawn_by=user,
            )
            audit.full_clean(validate_unique=False)
            audit.save()
            samples = []
            for kind, rows in candidates.items():
                ranked = sorted(rows, key=lambda row: draw_rank_key(period, row[1]))
                pks = [pk for pk, _number in ranked[: sample_size(len(rows), share)]]
                people = _people(kind, pks)
                for rank, pk in enumerate(pks, start=1):
                    target = {"return_item_id": pk} if kind == SampleKind.RETURN else {"service_case_id": pk}
                    samples.append(AuditSample(audit=audit, kind=kind, rank=rank, **target, **people[pk]))
            AuditSample.objects.bulk_create(samples)
    except IntegrityError:
        return MonthlyAudit.objects.get(period=period), False
    return audit, True


def clean_review(*, answers, score, findings) -> tuple[dict, int, str]:
    """The review's input checked field by field: known checklist keys with yes/no/n.a. answers, the score in
    range, findings written when any answer is no. Every problem is a 400 naming its field."""
    errors: dict[str, list[str]] = {}
    if not isinstance(answers, dict):
        errors["answers"] = [_("Give the checklist's answers as an object of item: true, false or null.")]
        answers = {}
    unknown = sorted(set(answers) - set(CHECKLIST))
    if unknown:
        errors["answers"] = [
            _("Unknown checklist items: %(keys)s. The checklist has: %(known)s.")
            % {"keys": ", ".join(map(str, unknown)), "known": ", ".join(CHECKLIST)}
        ]
    missing = [key for key in CHECKLIST if key not in answers]
    if missing and "answers" not in errors:
        errors["answers"] = [_("Answer every checklist item (null when it does not apply): %(keys)s.") % {
            "keys": ", ".join(missing)}]  # fmt: skip
    bad_values = [key for key, value in answers.items() if key in CHECKLIST and value not in (True, False, None)]
    if bad_values and "answers" not in errors:
        errors["answers"] = [_("Answer %(keys)s with true, false or null.") % {"keys": ", ".join(bad_values)}]
    if isinstance(score, bool) or not isinstance(score, int):
        try:
            score = int(str(score).strip()) if str(score).strip().lstrip("-").isdigit() else None
        except (TypeError, ValueError):
            score = None
    if score is None or not SCORE_MIN <= score <= SCORE_MAX:
        errors["score"] = [_("Give a whole score from %(low)s to %(high)s.") % {"low": SCORE_MIN, "high": SCORE_MAX}]
    findings = (findings or "").strip() if isinstance(findings, str) or findings is None else None
    if findings is None:
        errors["findings"] = [_("Write the findings as text.")]
    elif len(findings) > MAX_FINDINGS:
        errors["findings"] = [_("Keep the findings within %(count)s characters.") % {"count": MAX_FINDINGS}]
    elif not findings and any(value is False for value in answers.values()):
        errors["findings"] = [_("An item answered no needs findings saying what was wrong.")]
    if errors:
        raise ValidationError(errors)
    return {key: answers[key] for key in CHECKLIST}, score, findings


@transaction.atomic
def auditsample_review(*, sample: AuditSample, user, answers, score, findings) -> AuditSample:
    """QA's review of one drawn item against the checklist, with a score (0–100) and findings.

    A review may be corrected until a rectification order was opened from it (the order quotes it); each review
    is logged on the sampled Return or case.
    """
    _require_qa(user)
    sample = AuditSample.objects.select_for_update().get(pk=sample.pk)
    answers, score, findings = clean_review(answers=answers, score=score, findings=findings)
    if sample.rectification_order_id is not None:
        raise ValidationError({"detail": [_("This review opened a rectification order; it can no longer change.")]})
    sample.answers, sample.score, sample.findings = answers, score, findings
    sample.reviewed_at, sample.reviewed_by = timezone.now(), user
    sample.full_clean()
    sample.save()
    log_event(
        sample.subject,
        "audit_review",
        user=user,
        payload={"audit": f"{sample.audit.period:%Y-%m}", "score": score, "answers": answers},
    )
    return sample


def order_defaults(sample: AuditSample) -> dict:
    """What the one-click order from a finding is prefilled with: the responsible party (the supplier when the
    Return's inspection made it responsible, else the sample's store; internal when neither), the problem (the
    findings) and a due date (setting ``AFTERSALES_AUDIT_ORDER_DAYS`` days on)."""
    subject = sample.subject
    # No store and no supplier to answer: the department whose work was audited answers.
    party_type, party = (
        "internal",
        _("Service desk") if sample.kind == SampleKind.SERVICE_CASE else _("After-sales service center"),
    )
    if sample.kind == SampleKind.RETURN and subject.responsibility == "supplier" and subject.style_id:
        party_type, party = "supplier", subject.style.supplier
    elif sample.store_id:
        party_type, party = "store", sample.store
    days = getattr(settings, "AFTERSALES_AUDIT_ORDER_DAYS", 30)
    return {
        "party_type": party_type,
        "party": party,
        "problem": _("Monthly audit %(period)s, %(number)s: %(findings)s") % {
            "period": f"{sample.audit.period:%Y-%m}", "number": subject.number, "findings": sample.findings},
        "due_date": timezone.localdate() + dt.timedelta(days=days),
    }  # fmt: skip


@transaction.atomic
def auditsample_open_order(*, sample: AuditSample, user, **overrides) -> AuditSample:
    """A finding opens a rectification order 质量整改令 (h5's ``open_order``), the sample's Return or case linked.

    One order per sample: a second click answers the order already opened.
    """
    from quality.services.orders import open_order

    _require_qa(user)
    sample = AuditSample.objects.select_for_update().get(pk=sample.pk)
    if sample.rectification_order_id is not None:
        return sample
    if not sample.reviewed or not sample.findings:
        raise ValidationError({"findings": [_("Review the sample and write its findings before opening an order.")]})
    values = {**order_defaults(sample), **{key: value for key, value in overrides.items() if value not in (None, "")}}
    sources = {"returns": (sample.return_item,)} if sample.kind == SampleKind.RETURN else {
        "service_cases": (sample.service_case,)}  # fmt: skip
    order = open_order(by=user, **values, **sources)
    sample.rectification_order = order
    sample.save(update_fields=["rectification_order"])
    log_event(sample.subject, "audit_order", user=user, payload={"order": order.number})
    return sample


def audit_report_request(*, audit: MonthlyAudit, user=None) -> MonthlyAudit:
    """Queue the audit report's PDF (rendered in a task, like every document); the page shows it when ready."""
    from quality.tasks import audit_report_task

    _require_qa(user)
    MonthlyAudit.objects.filter(pk=audit.pk).update(report_requested_at=timezone.now(), report_error="")
    transaction.on_commit(lambda: audit_report_task.delay(audit.pk))
    audit.refresh_from_db()
    return audit


def audit_report_render(*, audit_id: int) -> str:
    """The task's work: render the audit report's PDF from the reviews as they are now and store it."""
    from aftersales.background import store_document
    from quality.documents.audits import audit_pdf

    audit = MonthlyAudit.objects.get(pk=audit_id)
    started = timezone.now()
    content = audit_pdf(audit)
    store_document(audit, "report_pdf", f"monthly-audit-{audit.period:%Y-%m}.pdf", content)
    audit.report_rendered_at, audit.report_error = started, ""
    audit.save(update_fields=["report_pdf", "report_rendered_at", "report_error"])
    return "done"


def audit_report_failed(*, audit_id: int, error) -> None:
    from aftersales.background import error_text

    MonthlyAudit.objects.filter(pk=audit_id).update(report_error=error_text(error))
