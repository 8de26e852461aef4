"""The demo's rectification orders 质量整改令, made through the services at their historic moments (``seed_demo``).

One in every state: a closed one (卡丰's seam opening on 226101JK001, answered by supplier1 and verified effective),
one answered and waiting for QA's verification (store S001's counter handling), one sent back as not effective
and issued again (卡丰, from a rejected incoming lot when the incoming history has one), an internal department's
order past its due date (logistics, from service cases), and a supplier's order from the batch recall due in two
days. So QA's list has something to verify, supplier1 and store1 have their home tiles, and the overdue filter
and the daily alert have an order to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.models import Return
from inspection.models import IncomingLot
from quality.models import RectificationOrder
from quality.services.orders import open_order, order_respond, order_verify
from recalls.models import Recall
from servicedesk.models import ServiceCase
from stores.models import Store
from suppliers.models import DefectCode, Style, Supplier


@dataclass
class OrdersSummary:
    orders: int = 0
    skipped: bool = False


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _answers(cause: str) -> dict[str, str]:
    return {
        "root_cause": cause,
        "corrective_action": "已调整工艺并对在库产品全检，不合格品返工或报废。",
        "accountability": "对责任班组长进行通报批评并扣减当月绩效。",
        "staff_education": "组织相关岗位员工学习质量标准和作业指导书，考核合格后上岗。",
    }


def orders_history_build(*, today: dt.date | None = None) -> OrdersSummary:
    """Once: skipped when any rectification order exists (``seed_demo`` twice adds nothing)."""
    if RectificationOrder.objects.exists():
        return OrdersSummary(skipped=True)
    end = timezone.make_aware(dt.datetime.combine(today or timezone.localdate(), dt.time()))

    def day(days_ago: float) -> dt.date:
        return timezone.localtime(end - dt.timedelta(days=days_ago)).date()

    def at(days_ago: float, hour: int = 10):
        return time_machine.travel(
            timezone.make_aware(dt.datetime.combine(day(days_ago), dt.time(hour, 15))), tick=False
        )

    qa, supplier1 = _user("qa1"), _user("supplier1")
    kafeng = Supplier.objects.get(code="SUP01")
    seam = DefectCode.objects.get(code="D01")
    jacket = Style.objects.get(style_no="226101JK001")
    made = 0
    with transaction.atomic():
        # Closed: repeated seam opening on one jacket, answered in ten days, verified effective.
        with at(48):
            closed = open_order(
                by=qa, party_type="supplier", party=kafeng, problem="226101JK001 男士立领夹克近一个月多次开线退货。",
                due_date=day(33), style=jacket, defect=seam,
                returns=list(Return.objects.filter(style=jacket).order_by("pk")[:3]),
            )  # fmt: skip
        with at(38, 15):
            closed = order_respond(order=closed, user=supplier1, answers=_answers("缝纫针距设置过大，缝线强度不足。"))
        with at(9, 11):
            order_verify(order=closed, user=qa, effective=True, notes="答复后一个月内未再发生同类退货。")
        made += 1

        # Answered, waiting for QA: a store's counter handling.
        store = Store.objects.get(code="S001")
        with at(20):
            answered = open_order(
                by=qa, party_type="store", party=store, problem="退货受理时未核对购买凭证，导致超期退货被误收。",
                due_date=day(6), returns=list(Return.objects.filter(store=store).order_by("-pk")[:2]),
            )  # fmt: skip
        with at(5, 16):
            order_respond(order=answered, user=_user("store1"), answers=_answers("新员工不熟悉三包退货时限规定。"))
        made += 1

        # Sent back: the answer did not stop the defect; issued again with a new answer due.
        lot = IncomingLot.objects.filter(supplier=kafeng, inspections__accepted=False).order_by("pk").distinct().first()
        with at(30):
            sent_back = open_order(
                by=qa, party_type="supplier", party=kafeng, lot=lot,
                problem="大货抽检不合格，主要缺陷为开线和线头未剪净。", due_date=day(-7),
                style=None if lot else jacket, defect=None if lot else seam,
            )  # fmt: skip
        with at(22, 14):
            sent_back = order_respond(order=sent_back, user=supplier1, answers=_answers("质检员漏检，抽检比例不足。"))
        with at(12, 10):
            order_verify(
                order=sent_back, user=qa, effective=False,
                notes="整改后入库批次仍有同类缺陷，请补充对缝纫工序的过程控制措施。",
            )  # fmt: skip
        made += 1

        # Issued to an internal department and now overdue: slow pickups behind several complaints.
        with at(25):
            open_order(
                by=qa, party_type="internal", party="物流部", problem="多起服务单投诉返修件寄回超时。",
                due_date=day(3), service_cases=list(ServiceCase.objects.order_by("pk")[:3]),
            )  # fmt: skip
        made += 1

        # Issued from the batch recall, due in two days.
        recall = Recall.objects.select_related("style__supplier").order_by("pk").first()
        if recall is not None:
            with at(12):
                open_order(
                    by=qa, party_type="supplier", party=recall.style.supplier, recall=recall,
                    problem=f"整款退货 {recall.number}：请分析原因并提交整改报告。", due_date=day(-2),
                )  # fmt: skip
            made += 1
    return OrdersSummary(orders=made)
