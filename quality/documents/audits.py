"""The audit report 抽查报告 of a monthly audit: PDF (Chinese A4, rendered in a task) and XLSX (the one writer).

Both show the month's population and sample, every sample with its review, and the scores by hotline agent,
technician and store (``quality.selectors.audits.audit_scores``).
"""

from __future__ import annotations

from aftersales.exports.pdf import date_text, period_text, person, render_pdf
from aftersales.exports.xlsx import XlsxColumn, XlsxSheet, write_workbook
from quality.models.audits import CHECKLIST, SampleKind
from quality.selectors.audits import audit_samples, audit_scores

KIND_LABELS = {SampleKind.RETURN: "退货 Return", SampleKind.SERVICE_CASE: "服务单 Service case"}
CHECKLIST_ZH = {
    "first_response_on_time": "首次响应及时",
    "handling_reasonable": "处理合理（非多次维修同一问题）",
    "refund_on_time": "退款及时",
    "complaint_handled_effectively": "投诉处理有效",
    "privacy_respected": "保护客户隐私",
}
ANSWER_TEXT = {True: "是", False: "否", None: "不适用"}


def _sample_rows(audit) -> list[dict]:
    rows = []
    for sample in audit_samples(audit):
        subject = sample.subject
        rows.append({
            "kind": KIND_LABELS[sample.kind],
            "number": subject.number,
            "store": sample.store.code if sample.store_id else "",
            "agent": person(sample.agent) if sample.agent_id else "",
            "technician": person(sample.technician) if sample.technician_id else "",
            "score": "" if sample.score is None else sample.score,
            "failed": "、".join(CHECKLIST_ZH[key] for key, value in sample.answers.items() if value is False),
            "findings": sample.findings,
            "order": sample.rectification_order.number if sample.rectification_order_id else "",
            "reviewed_on": date_text(sample.reviewed_at),
        })  # fmt: skip
    return rows


def audit_context(audit) -> dict:
    samples = _sample_rows(audit)
    return {
        "title": "每月抽查报告",
        "title_en": "Monthly audit report",
        "number": f"{audit.period:%Y-%m}",
        "period": period_text(audit.period),
        "share": audit.share_percent,
        "cases_closed": audit.cases_closed,
        "returns_completed": audit.returns_completed,
        "sample_count": len(samples),
        "reviewed_count": sum(1 for row in samples if row["reviewed_on"]),
        "samples": samples,
        "checklist": [CHECKLIST_ZH[key] for key in CHECKLIST],
        "score_tables": [
            (title, [(name, count, reviewed, "—" if average is None else average, findings)
                     for name, count, reviewed, average, findings in rows])
            for title, rows in audit_context_scores(audit)
        ],
    }  # fmt: skip


def audit_pdf(audit) -> bytes:
    return render_pdf("pdf/monthly_audit.html", audit_context(audit))


def audit_xlsx(audit) -> bytes:
    """The report as a workbook: the samples with every checklist answer, then the three score tables."""
    samples = list(audit_samples(audit))
    checklist = list(CHECKLIST)
    sample_sheet = XlsxSheet(
        title="抽查样本 Samples",
        title_rows=[[f"每月抽查 Monthly audit {audit.period:%Y-%m}"],
                    [f"抽查比例 Share {audit.share_percent}%；结案服务单 closed cases {audit.cases_closed}；"
                     f"完成退货 completed Returns {audit.returns_completed}"]],
        columns=[XlsxColumn("类型 Kind", 16), XlsxColumn("编号 Number", 20), XlsxColumn("专卖店 Store", 10),
                 XlsxColumn("客服 Agent", 14), XlsxColumn("技术员 Technician", 14),
                 *[XlsxColumn(CHECKLIST_ZH[key], 14) for key in checklist],
                 XlsxColumn("得分 Score", 8), XlsxColumn("发现问题 Findings", 40), XlsxColumn("整改令 Order", 16),
                 XlsxColumn("审核日期 Reviewed", 16)],
        rows=[[KIND_LABELS[sample.kind], sample.subject.number, sample.store.code if sample.store_id else "",
               person(sample.agent), person(sample.technician),
               *[ANSWER_TEXT.get(sample.answers.get(key)) if sample.reviewed else "" for key in checklist],
               sample.score, sample.findings,
               sample.rectification_order.number if sample.rectification_order_id else "",
               sample.reviewed_at] for sample in samples],
    )  # fmt: skip
    score_columns = [XlsxColumn("名称 Name", 24), XlsxColumn("样本 Samples", 10), XlsxColumn("已审 Reviewed", 10),
                     XlsxColumn("平均分 Average", 10), XlsxColumn("有发现 With findings", 12)]  # fmt: skip
    score_sheets = [
        XlsxSheet(title=title.split(" ", 1)[1], columns=score_columns, rows=[list(row) for row in rows])
        for title, rows in audit_context_scores(audit)
    ]
    return write_workbook([sample_sheet, *score_sheets], title=f"每月抽查 {audit.period:%Y-%m}", created=audit.drawn_at)


def audit_context_scores(audit) -> list[tuple[str, list]]:
    scores = audit_scores(audit)
    titles = {"agents": "按客服 By agent", "technicians": "按技术员 By technician", "stores": "按专卖店 By store"}
    return [
        (titles[key], [(row["name"], row["samples"], row["reviewed"],
                        None if row["average"] is None else round(float(row["average"]), 1), row["findings"])
                       for row in rows])
        for key, rows in scores.items()
    ]  # fmt: skip
