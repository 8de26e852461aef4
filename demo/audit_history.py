"""The demo's monthly audit 每月抽查 of last month, made through the services at their historic moments (``seed_demo``).

Last month is drawn as the 1st's build draws it, then QA reviews part of the sample over the next days: most pass,
one Return's review finds the refund late and opens a rectification order 质量整改令 from the finding. The rest
stay to review, so QA's audit page has work on it and the KPI page has last month's figures beside it.

The demo's histories are replayed one app after another: the month end inside ``history_build`` ran before the
service desk's history existed, so its draw saw no closed case. A draw nobody has reviewed yet is drawn again here,
once the desk's cases exist (the same seeded draw the 1st would have made with them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from aftersales.periods import previous_period
from quality.models.audits import CHECKLIST, MonthlyAudit, SampleKind
from quality.services.audits import audit_draw, auditsample_open_order, auditsample_review

FINDING = "退款在受理后第9天才到账，超过规定的7天；未在系统中记录延误原因。"


@dataclass
class AuditSummary:
    samples: int = 0
    reviewed: int = 0
    orders: int = 0
    skipped: bool = False


def audit_history_build(*, today: dt.date | None = None) -> AuditSummary:
    """Once: skipped when last month's audit has a review (``seed_demo`` twice adds nothing)."""
    today = today or timezone.localdate()
    period = previous_period(timezone.make_aware(dt.datetime.combine(today, dt.time(12))))
    existing = MonthlyAudit.objects.filter(period=period).first()
    if existing is not None and existing.samples.filter(reviewed_at__isnull=False).exists():
        return AuditSummary(skipped=True)
    first = today.replace(day=1)

    now = timezone.now()
    steps = iter(range(60, 0, -1))

    def at(days: int, hour: int):
        moment = timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=days), dt.time(hour, 20)))
        # Early in a month the review days have not come yet: the reviews then happen in the last hour, in order.
        fallback = now - dt.timedelta(minutes=next(steps))
        return time_machine.travel(moment if moment < fallback else fallback, tick=False)

    qa = get_user_model().objects.get(username="qa1")
    summary = AuditSummary()
    with transaction.atomic():
        if existing is not None:
            existing.delete()  # unreviewed, drawn before the desk's history existed (see the module's docstring)
        with at(0, 2):
            audit, _created = audit_draw(period=period, user=None)
        samples = list(audit.samples.order_by("kind", "rank"))
        summary.samples = len(samples)
        # About half reviewed; the first Return's review finds the refund late.
        to_review = samples[: max(1, len(samples) // 2)]
        finding = next((sample for sample in to_review if sample.kind == SampleKind.RETURN), None)
        for index, sample in enumerate(to_review):
            with at(1 + index % 3, 10 + index % 6):
                if sample is finding:
                    answers = {**dict.fromkeys(CHECKLIST, True), "refund_on_time": False}
                    auditsample_review(sample=sample, user=qa, answers=answers, score=58, findings=FINDING)
                else:
                    answers = {**dict.fromkeys(CHECKLIST, True)}
                    if sample.kind == SampleKind.RETURN:
                        answers["complaint_handled_effectively"] = None
                    auditsample_review(sample=sample, user=qa, answers=answers, score=85 + index % 3 * 5,
                                       findings="")  # fmt: skip
                summary.reviewed += 1
        if finding is not None:
            with at(3, 16):
                auditsample_open_order(sample=finding, user=qa)
            summary.orders = 1
    return summary
