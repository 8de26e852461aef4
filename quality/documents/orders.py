"""质量整改令 as PDF for the party: the order, its sources, the party's 四不放过 answer and QA's verification.

Printed in Simplified Chinese whatever the viewer's language, like every paper form (``aftersales.exports.pdf``).
"""

from __future__ import annotations

from aftersales.exports.pdf import date_text, label, person, render_pdf
from quality.models.orders import OrderState, PartyType

PARTY_TYPE_LABELS = {PartyType.SUPPLIER: "供应商", PartyType.STORE: "专卖店", PartyType.INTERNAL: "内部部门"}
STATE_LABELS = {OrderState.ISSUED: "已下达", OrderState.RESPONDED: "已回复", OrderState.CLOSED: "已关闭"}


def order_context(order) -> dict:
    party = order.party
    returns = list(order.returns.order_by("number").values_list("number", flat=True))
    cases = list(order.service_cases.order_by("number").values_list("number", flat=True))
    return {
        "title": "质量整改令",
        "title_en": "Rectification order",
        "number": order.number,
        "party_type": label(PARTY_TYPE_LABELS, PartyType, order.party_type),
        "party_name": order.party_name,
        "party_code": getattr(party, "code", ""),
        "state": label(STATE_LABELS, OrderState, order.state),
        "issued_on": date_text(order.issued_at),
        "issued_by": person(order.issued_by),
        "due_on": date_text(order.due_date),
        "problem": order.problem,
        "style": order.style.style_no if order.style_id else "",
        "defect": str(order.defect) if order.defect_id else "",
        "recall": order.recall.number if order.recall_id else "",
        "lot": order.lot.number if order.lot_id else "",
        "returns": "、".join(returns),
        "service_cases": "、".join(cases),
        "answers": [
            ("一、原因分析 Root cause", order.root_cause),
            ("二、纠正措施 Corrective action", order.corrective_action),
            ("三、责任追究 Accountability", order.accountability),
            ("四、员工教育 Staff education", order.staff_education),
        ],
        "responded_by": person(order.responded_by) if order.responded_by_id else "",
        "responded_on": date_text(order.responded_at),
        "verified": order.state == OrderState.CLOSED,
        "verified_by": person(order.verified_by) if order.verified_by_id else "",
        "verified_on": date_text(order.verified_at),
        "verification_notes": order.verification_notes,
        "times_sent_back": order.times_sent_back,
    }


def order_pdf(order) -> bytes:
    """The order as the party files it: what to rectify by when, the four answers (blank lines until answered)."""
    return render_pdf("pdf/rectification_order.html", order_context(order))
