"""Batch recalls in tests: what a refused request must leave as it was (one snapshot for the recall tests), and
a recall walked through the services to the center or the supplier (``recall_received``, ``recall_at_supplier``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from aftersales.models import TransitionLog
from cases import services as cases_services
from cases.choices import ShipmentDirection
from cases.models import Return
from recalls import services as recalls
from recalls.models import Recall, RecallAttachment, RecallNotice, RecallUnit
from stores.models import Region
from suppliers.models import DefectCode, Style

JACKET_312 = "226101JK002"  # SUP01, unit cost 312.50 (the demo jacket of issue 13's double charge)


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
        sorted(Return.objects.filter(recall=recall).values_list("pk", "state", "responsibility")),
        TransitionLog.objects.count(),
    )


def _user(username: str):
    return get_user_model().objects.get(username=username)


def recall_received(
    *, style_no: str = JACKET_312, defect: str = "D04", cost_bearer: str = "supplier", count: int = 1
) -> tuple[Recall, list[Return]]:
    """A recall QA approved with ``cost_bearer``, notified to R01, whose ``count`` units store S001 returned
    on its weekly shipment and the center received (through the services, at the current time)."""
    recall = recalls.recall_open(
        user=_user("tech1"),
        style=Style.objects.get(style_no=style_no),
        defect_code=DefectCode.objects.get(code=defect),
        test_report="拉链拉力测试 10 件, 6 件低于 80N",
        handling_plan="门店下架, 随周寄件寄回, 统一返厂",
        deadline=timezone.localdate() + dt.timedelta(days=14),
        reported_return_ids=[],
    )
    recall = recalls.recall_approve(
        user=_user("qa1"), recall=recall, return_method="weekly_shipment", cost_bearer=cost_bearer
    )
    recall = recalls.recall_issue_notice(user=_user("qa1"), recall=recall, regions=[Region.objects.get(code="R01")])
    notice = RecallNotice.objects.get(recall=recall, store__code="S001")
    recalls.recallnotice_acknowledge(user=_user("store1"), notice=notice, on_hand=count)
    units = recalls.recall_returns_log(
        notice=notice,
        user=_user("store1"),
        lines=[{"color": "黑色", "size": "L", "quantity": count}],
        document_no=f"TH{recall.pk}",
    )
    shipment = cases_services.shipment_create(
        user=_user("store1"), direction=ShipmentDirection.TO_CENTER, store=notice.store,
        return_ids=[item.pk for item in units],
    )  # fmt: skip
    shipment = cases_services.shipment_dispatch(
        user=_user("store1"), shipment=shipment, carrier="顺丰", tracking_no="SF1000000000001"
    )
    cases_services.shipment_receive(user=_user("tech1"), shipment=shipment, received_ids=[item.pk for item in units])
    return Recall.objects.get(pk=recall.pk), list(
        Return.objects.filter(pk__in=[item.pk for item in units]).order_by("pk")
    )


def recall_at_supplier(**options) -> tuple[Recall, list[Return]]:
    """``recall_received``, then the center's consolidated shipment to the supplier (its units ``at_supplier``)."""
    recall, units = recall_received(**options)
    recall = recalls.recall_ship_to_supplier(user=_user("tech1"), recall=recall, carrier="德邦", tracking_no="DB9")
    return recall, list(Return.objects.filter(pk__in=[item.pk for item in units]).order_by("pk"))
