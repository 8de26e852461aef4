"""The demo desk's last three months 服务台历史: calls logged and seen through by the hotline, through the services.

Each step runs at its historic moment (``time_machine.travel``), so numbers,
due times, the transition log and the promise's changes carry the times they
would have had. The mix is fixed (a seeded generator, days counted back from
the start of today): every kind and channel; cases closed after a callback
with satisfaction 3–5, one reopened by an unhappy callback and closed on the
second, some resolved and waiting for the callback, some in progress with a
promise (a few changed), a few still open — some of those past their first
response (breached), one cancelled as a duplicate; a safety hazard and a
major quality incident; in-store cases logged by the stores; consultations
answered and closed on the call. Callers are the customers of the demo's
Returns where they left a phone, so the intake shows their Returns.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from servicedesk import services
from servicedesk.choices import CaseKind, CaseState, Channel, Outcome, Severity
from servicedesk.models import Customer, ServiceCase
from stores.models import Store
from suppliers.models import Style

DAYS = 90
SEED = 14
CALLERS = [("陈静", "13800001001", "广东"), ("刘洋", "13900002002", "浙江"), ("黄磊", "13700003003", "江苏"),
           ("周敏", "13600004004", "上海"), ("吴强", "13500005005", "北京"), ("郑丽", "13400006006", "四川"),
           ("王磊", "15800007007", "湖北"), ("林芳", "18600008008", "福建")]  # fmt: skip
PROBLEMS = {
    CaseKind.CONSULTATION: ["羊毛大衣怎么洗", "吊牌上的成分看不懂", "门店营业时间"],
    CaseKind.COMPLAINT: ["门店店员态度不好", "退货处理太慢", "换货尺码还是不对"],
    CaseKind.QUALITY: ["衬衫洗一次就缩水", "羽绒服跑绒严重", "裤子拉链一周就坏"],
    CaseKind.RETURN_EXCHANGE: ["网购外套要换大一码", "收到的颜色和图片不符"],
    CaseKind.REPAIR: ["外套纽扣掉了要补", "西裤开线需要维修"],
}


@dataclass
class DeskSummary:
    cases: int = 0
    skipped: bool = False


def _user(username: str):
    return get_user_model().objects.get(username=username)


def servicedesk_history_build(*, today: dt.date | None = None, seed: int = SEED) -> DeskSummary:
    """Replay the desk's history once: skipped when any service case exists (``seed_demo`` twice adds nothing)."""
    if ServiceCase.objects.exists():
        return DeskSummary(skipped=True)
    rng = random.Random(seed)
    end = timezone.make_aware(dt.datetime.combine(today or timezone.localdate(), dt.time()))
    agent, store_staff = _user("hotline1"), {"S001": _user("store1"), "S002": _user("store2")}
    stores = {store.code: store for store in Store.objects.filter(code__in=["S001", "S002", "S101"])}
    styles = list(Style.objects.order_by("style_no")[:6])

    def moment(days_ago: float, hour: int) -> dt.datetime:
        day = timezone.localtime(end - dt.timedelta(days=days_ago)).date()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randrange(60))))

    def at(when: dt.datetime):
        return time_machine.travel(min(when, end - dt.timedelta(minutes=1)), tick=False)

    # (days ago, kind, how far it got, extra)
    plan = [
        (88, CaseKind.QUALITY, "closed", {}), (84, CaseKind.COMPLAINT, "closed", {}),
        (80, CaseKind.CONSULTATION, "answered", {}), (77, CaseKind.REPAIR, "closed", {}),
        (72, CaseKind.RETURN_EXCHANGE, "closed", {}), (70, CaseKind.QUALITY, "reopened", {}),
        (65, CaseKind.COMPLAINT, "closed", {"channel": Channel.WECHAT}),
        (60, CaseKind.QUALITY, "closed", {"severity": Severity.SAFETY}),
        (55, CaseKind.CONSULTATION, "answered", {}), (50, CaseKind.REPAIR, "closed", {"in_store": "S001"}),
        (45, CaseKind.QUALITY, "closed", {"direct_loss": Decimal("23800.00")}),
        (40, CaseKind.COMPLAINT, "closed", {"channel": Channel.EMAIL}), (35, CaseKind.RETURN_EXCHANGE, "closed", {}),
        (30, CaseKind.CONSULTATION, "answered", {}), (26, CaseKind.REPAIR, "closed", {"late": True}),
        (20, CaseKind.QUALITY, "resolved", {}), (16, CaseKind.COMPLAINT, "resolved", {"in_store": "S002"}),
        (12, CaseKind.RETURN_EXCHANGE, "in_progress", {"change_promise": True}),
        (9, CaseKind.QUALITY, "in_progress", {}), (7, CaseKind.COMPLAINT, "cancelled", {}),
        (5, CaseKind.REPAIR, "in_progress", {"channel": Channel.ONLINE}), (4, CaseKind.COMPLAINT, "open", {}),
        (3, CaseKind.QUALITY, "open", {"severity": Severity.URGENT}), (1.5, CaseKind.REPAIR, "open", {}),
        (0.4, CaseKind.CONSULTATION, "open", {"channel": Channel.WECHAT}),
    ]  # fmt: skip
    count = 0
    with transaction.atomic():
        for days_ago, kind, stage, extra in plan:
            name, phone, province = rng.choice(CALLERS)
            store_code = extra.get("in_store") or rng.choice(["S001", "S002", "S101"])
            opened = moment(days_ago, rng.randrange(9, 18))
            by = store_staff[extra["in_store"]] if extra.get("in_store") else agent
            escalated = extra.get("severity") == Severity.SAFETY or bool(extra.get("direct_loss"))
            fields = {
                "channel": Channel.IN_STORE if extra.get("in_store") else extra.get("channel", Channel.PHONE),
                "kind": kind,
                "severity": extra.get("severity", Severity.NORMAL),
                "told_to_stop_using": extra.get("severity") == Severity.SAFETY,
                "description": rng.choice(PROBLEMS[kind]),
                "customer": {"name": name, "phone": phone, "province": province, "consent": True},
                "store": stores[store_code],
                "style": None if kind == CaseKind.CONSULTATION else rng.choice(styles),
                "direct_loss": extra.get("direct_loss"),
                # An escalated case (safety, major incident) is reported with these (issue 15).
                "initial_opinion": "安排技术人员上门核实，先行停用" if escalated else "",
                "customer_demand": "要求退货并赔偿损失" if escalated else "",
            }
            customer = Customer.objects.filter(phone=phone).first()
            if customer is not None:
                fields["return_ids"] = list(customer.returns.values_list("pk", flat=True)[:1])
            with at(opened):
                if stage == "answered":
                    fields["kind"] = CaseKind.CONSULTATION
                    services.servicecase_open_answered(
                        user=agent, answer="已在电话中详细解答", satisfaction=rng.choice([4, 5]), **fields
                    )
                    count += 1
                    continue
                case = services.servicecase_open(user=by, **fields)
            count += 1
            if stage == "open":
                continue
            if stage == "cancelled":
                with at(opened + dt.timedelta(hours=2)):
                    services.servicecase_cancel(user=agent, case=case, reason="重复来电, 已合并到前一张服务单")
                continue
            # the first response: within the hour, or (one case) a day and a half late
            delay = dt.timedelta(hours=36) if extra.get("late") else dt.timedelta(minutes=rng.randrange(20, 300))
            with at(opened + delay):
                case = services.servicecase_respond(
                    user=by, case=case, method="phone" if by == agent else "in_person", message="已联系客户, 了解情况"
                )
                case = services.servicecase_promise(
                    user=by, case=case, deadline=opened + dt.timedelta(days=5), outcome="五天内给出处理结果"
                )
            if extra.get("change_promise"):
                with at(opened + dt.timedelta(days=3)):
                    case = services.servicecase_promise(
                        user=by, case=case, deadline=opened + dt.timedelta(days=14), outcome="等待厂家检测, 两周内答复"
                    )
            if stage == "in_progress":
                continue
            outcome = {CaseKind.REPAIR: Outcome.REPAIRED, CaseKind.RETURN_EXCHANGE: Outcome.EXCHANGED,
                       CaseKind.COMPLAINT: Outcome.COMPENSATED}.get(kind, Outcome.EXPLAINED)  # fmt: skip
            with at(opened + dt.timedelta(days=rng.randrange(1, 4))):
                case = services.servicecase_resolve(user=by, case=case, resolution="已按承诺处理", outcome=outcome)
            if stage == "resolved":
                continue
            callback = opened + dt.timedelta(days=rng.randrange(4, 7))
            with at(callback):
                rating = 2 if stage == "reopened" else rng.choice([3, 4, 5, 5])
                case = services.servicecase_follow_up(user=agent, case=case, satisfaction=rating, remarks="回访完成")
            if case.state == CaseState.IN_PROGRESS:
                with at(callback + dt.timedelta(days=2)):
                    case = services.servicecase_resolve(
                        user=agent, case=case, resolution="重新换新, 客户确认", outcome=Outcome.EXCHANGED
                    )
                with at(callback + dt.timedelta(days=4)):
                    services.servicecase_follow_up(user=agent, case=case, satisfaction=4, remarks="第二次回访满意")
    # Money on the cases still running: refunds, an exchange, freight, compensation (issue 15).
    from demo.money_history import money_history_build

    money_history_build(end=end)
    # Quality information forms and the escalations' acknowledgements (issue 15): four quality cases of its own.
    from demo.quality_forms_history import quality_forms_history_build

    count += quality_forms_history_build(end=end).cases
    # On-site service 现场服务 (issue 15): visits in and out of the province, signed forms, one arrival breach.
    from demo.visits_history import visits_history_build

    count += visits_history_build(end=end).cases
    return DeskSummary(cases=count)
