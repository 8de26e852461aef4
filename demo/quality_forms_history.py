"""The demo desk's quality information forms and escalations (issue 15), replayed through the services at their times.

Run by the desk's history (``demo.servicedesk_history``) once its cases exist:

- the escalations the desk's history raised (its safety hazard and its major incident) are acknowledged by qa1
  and vp1 two and three hours after they were reported;
- a quality case 28 days ago gets its quality information form 产品质量信息传递处置单 from hotline1, qa1 approves it
  with the handling opinion, its PDF is rendered and frozen, and the case is resolved and called back;
- a quality case 6 days ago has a form still waiting for QA's opinion (a draft);
- a major quality incident 较大质量事故 18 days ago (a loss of CNY 32,000) is escalated with the initial handling
  opinion and the customer's demand, and acknowledged by qa1 and vp1 the same day;
- a safety hazard 安全隐患 2 days ago (a lamp that leaks current; the customer told to stop using it) is acknowledged by
  QA only, so it still waits on the production VP's home page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from servicedesk import services
from servicedesk.choices import CaseKind, Channel, Outcome, Severity
from servicedesk.models import Escalation, QualityForm
from stores.models import Store
from suppliers.models import Style


@dataclass
class QualityFormsSummary:
    forms: int = 0
    escalations: int = 0
    cases: int = 0


def _user(username: str):
    return get_user_model().objects.get(username=username)


def quality_forms_history_build(*, end: dt.datetime) -> QualityFormsSummary:
    """Replay the forms and escalations once (nothing when a quality form exists: ``seed_demo`` twice adds nothing).

    ``end`` is the start of today: nothing happens at or after it.
    """
    summary = QualityFormsSummary()
    if QualityForm.objects.exists():
        return summary
    hotline, qa, vp = _user("hotline1"), _user("qa1"), _user("vp1")
    styles = list(Style.objects.order_by("style_no")[:3])
    stores = {store.code: store for store in Store.objects.filter(code__in=["S001", "S002", "S101"])}

    def at(when: dt.datetime):
        return time_machine.travel(min(when, end - dt.timedelta(minutes=1)), tick=False)

    def moment(days_ago: float, hour: int) -> dt.datetime:
        day = timezone.localdate(end) - dt.timedelta(days=int(days_ago))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 15)))

    # The desk's own escalations (its safety case and major incident) were read by QA and the VP that day.
    for escalation in Escalation.objects.order_by("raised_at", "pk"):
        for offset, who in ((2, qa), (3, vp)):
            with at(escalation.raised_at + dt.timedelta(hours=offset)):
                services.escalation_acknowledge(user=who, escalation=escalation, note="已阅，按初步意见处理")

    def open_quality(when, *, store, **fields):
        values = {
            "channel": Channel.PHONE,
            "kind": CaseKind.QUALITY,
            "customer": {"name": "赵敏", "phone": "13300009009", "province": "江苏", "consent": True},
            "store": stores[store],
            "style": styles[0] if styles else None,
            "quantity": 1,
        }
        summary.cases += 1
        with at(when):
            return services.servicecase_open(user=hotline, **{**values, **fields})

    # A quality case with its form approved by QA and frozen, then resolved and called back.
    opened = moment(28, 10)
    case = open_quality(
        opened, store="S001", description="连衣裙穿一次后腋下接缝开裂", batch_no="B2026-05",
        production_date=timezone.localdate(end) - dt.timedelta(days=120),
    )  # fmt: skip
    with at(opened + dt.timedelta(hours=1)):
        form = services.qualityform_create(user=hotline, case=case)
    with at(opened + dt.timedelta(hours=5)):
        form = services.qualityform_approve(
            user=qa, form=form, opinion="经查同批次有类似反馈，确认为缝制质量问题：为用户换新，并通知供应商整改。"
        )
    # Rendered here rather than left to the queue, so the demo has its frozen PDF even without a worker.
    with at(opened + dt.timedelta(hours=5, minutes=1)):
        services.qualityform_pdf_render(form_id=form.pk)
    with at(opened + dt.timedelta(hours=6)):
        case = services.servicecase_respond(user=hotline, case=case, method="phone", message="已告知换新安排")
    with at(opened + dt.timedelta(days=2)):
        case = services.servicecase_resolve(
            user=hotline, case=case, resolution="已为用户换新", outcome=Outcome.EXCHANGED
        )
    with at(opened + dt.timedelta(days=5)):
        services.servicecase_follow_up(user=hotline, case=case, satisfaction=5, remarks="用户对换新满意")
    summary.forms += 1

    # A quality case whose form waits for QA's opinion.
    opened = moment(6, 14)
    case = open_quality(opened, store="S002", description="毛衣洗后严重起球", batch_no="B2026-08", quantity=2)
    with at(opened + dt.timedelta(hours=2)):
        services.qualityform_create(user=hotline, case=case)
    summary.forms += 1

    # A major quality incident, escalated and acknowledged by both roles the same day.
    opened = moment(18, 9)
    case = open_quality(
        opened, store="S101", description="批量工装面料褪色，客户整批退货", batch_no="B2026-06", quantity=200,
        direct_loss=Decimal("32000.00"), initial_opinion="暂停该批次发货，派技术员48小时内到场鉴定",
        customer_demand="整批退货并赔偿已发生的损失",
    )  # fmt: skip
    for escalation in case.escalations.all():
        for offset, who in ((1, qa), (2, vp)):
            with at(opened + dt.timedelta(hours=offset)):
                services.escalation_acknowledge(user=who, escalation=escalation, note="同意初步处理意见")
        summary.escalations += 1

    # A safety hazard: QA has read it; it still waits on the production VP's home page.
    opened = moment(2, 11)
    case = open_quality(
        opened, store="S001", description="台灯底座漏电，用户触碰时有麻感", severity=Severity.SAFETY,
        told_to_stop_using=True, stop_using_instruction="已告知用户立即拔掉电源、停止使用，等待上门处理",
        initial_opinion="立即上门回收检测，同批次暂停销售", customer_demand="退货并检查家中其他同款台灯",
    )  # fmt: skip
    for escalation in case.escalations.all():
        with at(opened + dt.timedelta(hours=1)):
            services.escalation_acknowledge(user=qa, escalation=escalation, note="已安排检测")
        summary.escalations += 1
    return summary
