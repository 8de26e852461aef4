"""The quality information summary 质量信息反馈处理汇总表 (seed 001; issue 15): one row per quality case of the month.

Seed 001: "质量部应对每起质量信息建档，填制《质量信息反馈处理汇总表》……每月月底进行汇总上报公司总经理及分管领导".
Each quality case (``kind = quality``) opened in the month is a row: the date, the case and its quality
information form, the customer (masked: 李*, 138****8000, as on every paper that travels), the product (style,
name), the batch, the problem, the handling (QA's approved handling opinion, else the desk's first response), the
result (the outcome and the resolution), the callback's satisfaction, and whether the case is closed. A
cancelled case is listed too (closed: no; result: cancelled), so the month's count is every call taken.

One statement reads the rows (the case, its customer, style and form joined), one the totals, whatever the number
of cases. The report is the management's (the general manager, QA, the production VP): ``reports.selectors``
keeps it from stores, suppliers and the other desks' roles.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from reports.common import ReportScope, Table, in_month
from servicedesk.choices import CaseKind, CaseState, Outcome, QualityFormState
from servicedesk.models import ServiceCase

# Texts longer than this are cut on paper (the full text stays on the case).
CELL_TEXT = 300


def _cases(period: dt.date, scope: ReportScope) -> QuerySet[ServiceCase]:
    return ServiceCase.objects.filter(scope.stores_q(), in_month("created_at", period), kind=CaseKind.QUALITY)


def _mask_name(name: str) -> str:
    from cases.permissions import mask_name

    return mask_name(name or "")


def _mask_phone(phone: str) -> str:
    from cases.permissions import mask_phone

    return mask_phone(phone or "")


def _cut(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= CELL_TEXT else text[: CELL_TEXT - 1] + "…"


def rows(period, scope, figures) -> list[dict]:
    """Every quality case opened in the month, oldest first, as JSON-ready values (one statement)."""
    values = (
        _cases(period, scope)
        .order_by("created_at", "id")
        .values(
            "id",
            "number",
            "created_at",
            "state",
            "severity",
            "major_incident",
            "customer__name",
            "customer__phone",
            "style__style_no",
            "style__name",
            "batch_no",
            "description",
            "response_message",
            "outcome",
            "resolution",
            "satisfaction",
            "follow_up_remarks",
            "store__code",
            "quality_form__number",
            "quality_form__state",
            "quality_form__handling_opinion",
        )
    )
    found = []
    for row in values:
        approved = row["quality_form__state"] == QualityFormState.APPROVED
        found.append(
            {
                "id": row["id"],
                "number": row["number"],
                "date": timezone.localtime(row["created_at"]).date().isoformat(),
                "customer": " ".join(
                    part for part in (_mask_name(row["customer__name"]), _mask_phone(row["customer__phone"])) if part
                ),
                "store": row["store__code"] or "",
                "style": row["style__style_no"] or "",
                "product": row["style__name"] or "",
                "batch": row["batch_no"],
                "problem": _cut(row["description"]),
                "form": row["quality_form__number"] or "",
                "form_approved": approved,
                "handling": _cut(row["quality_form__handling_opinion"] if approved else row["response_message"]),
                "state": row["state"],
                "outcome": row["outcome"],
                "result": _cut(row["resolution"]),
                "satisfaction": row["satisfaction"],
                "closed": row["state"] == CaseState.CLOSED,
                "major_incident": row["major_incident"],
                "safety": row["severity"] == "safety",
            }
        )
    return found


def totals(period, scope, figures) -> dict:
    """The month's count, how many are closed, formed and approved, escalated, and the mean satisfaction."""
    counted = _cases(period, scope).aggregate(
        cases=Count("id"),
        closed=Count("id", filter=Q(state=CaseState.CLOSED)),
        cancelled=Count("id", filter=Q(state=CaseState.CANCELLED)),
        forms=Count("quality_form"),
        approved=Count("quality_form", filter=Q(quality_form__state=QualityFormState.APPROVED)),
        major_incidents=Count("id", filter=Q(major_incident=True)),
        safety=Count("id", filter=Q(severity="safety")),
        rated=Count("satisfaction"),
        satisfaction=Avg("satisfaction"),
    )
    mean = counted.pop("satisfaction")
    counted["satisfaction_mean"] = None if mean is None else f"{mean:.2f}"
    return counted


SECTIONS = [("totals", totals), ("rows", rows)]

# --- on paper (PDF and XLSX): Chinese with an English gloss, like the other reports --------------------------------

TITLE = ("质量信息反馈处理汇总表", "Quality information summary")
OUTCOME_WORDS = {
    "explained": "已解释",
    "repaired": "已维修",
    "exchanged": "已换货",
    "refunded": "已退款",
    "compensated": "已补偿",
    "rejected": "不予处理",
}
HEADERS = [
    "序号 No.", "日期 Date", "服务单 Case", "用户 Customer", "产品 Product", "批号 Batch", "问题 Problem",
    "处理 Handling", "结果 Result", "回访满意度 Satisfaction", "闭环 Closed",
]  # fmt: skip


def outcome_label(value: str) -> str:
    from aftersales.exports.pdf import label  # WeasyPrint loads only when a document is made

    return label(OUTCOME_WORDS, Outcome, value) if value else ""


def result_text(row: dict) -> str:
    if row["state"] == CaseState.CANCELLED:
        return "已取消 Cancelled"
    words = outcome_label(row["outcome"])
    return "；".join(part for part in (words, row["result"]) if part) or "处理中 In progress"


def tables(figures: dict) -> list[Table]:
    listed = [
        [
            index,
            row["date"],
            row["number"] + (f"（{row['form']}）" if row["form"] else ""),
            row["customer"] or "—",
            " ".join(part for part in (row["style"], row["product"]) if part) or "—",
            row["batch"] or "—",
            row["problem"],
            row["handling"] or "—",
            result_text(row),
            row["satisfaction"],
            "是 Yes" if row["closed"] else "否 No",
        ]
        for index, row in enumerate(figures.get("rows", []), start=1)
    ]
    total = figures.get("totals", {})
    summary = (
        [[total.get("cases", 0), total.get("closed", 0), total.get("approved", 0), total.get("major_incidents", 0),
          total.get("safety", 0), total.get("satisfaction_mean")]]
        if total.get("cases")
        else []
    )  # fmt: skip
    return [
        Table(
            "totals", "合计 Totals",
            ["质量反馈 Cases", "已闭环 Closed", "处置单已批示 Forms approved", "较大质量事故 Major incidents",
             "安全隐患 Safety", "平均满意度 Mean satisfaction"],
            summary,
        ),
        Table("rows", "明细 Cases", HEADERS, listed),
    ]  # fmt: skip


# --- in the browser ------------------------------------------------------------------------------------------------


def decorate(figures: dict) -> None:
    """The page's labels in the reader's language: the outcome and the state of each row."""
    outcomes, states = dict(Outcome.choices), dict(CaseState.choices)
    for row in figures.get("rows", []):
        row["outcome_label"] = outcomes.get(row["outcome"], "") if row["outcome"] else ""
        row["state_label"] = states.get(row["state"], row["state"])


def charts(figures: dict, gettext) -> dict:
    _ = gettext
    total = figures.get("totals", {})
    cases = total.get("cases", 0)
    return {
        "closed": {
            "type": "bar",
            "integer": True,
            "label": _("Quality cases"),
            "labels": [str(_("Closed")), str(_("Still open")), str(_("Cancelled"))] if cases else [],
            "values": [
                total.get("closed", 0),
                cases - total.get("closed", 0) - total.get("cancelled", 0),
                total.get("cancelled", 0),
            ]
            if cases
            else [],  # fmt: skip
        },
    }
