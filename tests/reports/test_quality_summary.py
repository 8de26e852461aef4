"""The quality information summary 质量信息反馈处理汇总表 (seed 001, issue 15): one row per quality case of the month.

September 2026, Shanghai time, cases made through the desk's services at their moments:

| case | opened | what | then |
|---|---|---|---|
| q1 | 09-03 | quality, S001, batch B-01, 台灯外壳开裂 | form approved by qa1, exchanged, callback 5: closed |
| q2 | 09-12 | quality, S002, batch B-02, safety (told to stop), loss 25,000 | answered "已上门", still in progress |
| q3 | 09-20 | quality, S101 | cancelled |
| c1 | 09-05 | complaint (not a quality case) | — |
| q0 | 08-30 | quality (August) | — |

September's summary: q1, q2, q3 in date order; 1 closed, 1 form approved, 1 major incident, 1 safety, mean 5.00.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from reports.choices import ReportKind, ReportRunStatus
from reports.documents import report_pdf, report_xlsx
from reports.models import ReportRun
from reports.selectors import EVERYTHING, report_figures, report_kinds_for
from reports.services import monthly_build, reportrun_build
from servicedesk import services
from servicedesk.choices import CaseKind, Channel, Outcome, Severity
from stores.models import Store
from suppliers.models import Style
from tests.support.printed import flat, pdf_text
from tests.support.servicedesk import CALLER, user

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEPTEMBER = dt.date(2026, 9, 1)


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def travel(when):
    return time_machine.travel(when, tick=False)


def open_case(when, *, store="S001", **fields):
    values = {
        "channel": Channel.PHONE, "kind": CaseKind.QUALITY, "description": "台灯外壳开裂", "customer": CALLER,
        "store": Store.objects.get(code=store), "style": Style.objects.order_by("pk").first(),
    }  # fmt: skip
    with travel(when):
        return services.servicecase_open(user=user("hotline1"), **{**values, **fields})


@pytest.fixture
def month(demo):
    open_case(at(8, 30), description="八月的质量反馈")
    q1 = open_case(at(9, 3), batch_no="B-01")
    with travel(at(9, 3, 11)):
        form = services.qualityform_create(user=user("hotline1"), case=q1)
        services.qualityform_approve(user=user("qa1"), form=form, opinion="核实属实，换新")
        q1 = services.servicecase_respond(user=user("hotline1"), case=q1, method="phone", message="已回电")
    with travel(at(9, 6)):
        q1 = services.servicecase_resolve(
            user=user("hotline1"), case=q1, resolution="已换新", outcome=Outcome.EXCHANGED
        )
    with travel(at(9, 8)):
        services.servicecase_follow_up(user=user("hotline1"), case=q1, satisfaction=5, remarks="满意")
    open_case(at(9, 5), kind=CaseKind.COMPLAINT, description="店员态度差")
    q2 = open_case(
        at(9, 12), store="S002", batch_no="B-02", description="灯具漏电", severity=Severity.SAFETY,
        told_to_stop_using=True, direct_loss=Decimal("25000.00"), initial_opinion="停用并上门",
        customer_demand="赔偿损失",
    )  # fmt: skip
    with travel(at(9, 12, 12)):
        services.servicecase_respond(user=user("hotline1"), case=q2, method="phone", message="已上门检查")
    q3 = open_case(at(9, 20), store="S101", description="重复来电")
    with travel(at(9, 20, 11)):
        services.servicecase_cancel(user=user("hotline1"), case=q3, reason="重复")
    return {"q1": q1, "q2": q2, "q3": q3}


def test_one_row_per_quality_case_of_the_month(month):
    # when September's summary is computed
    figures = report_figures(ReportKind.QUALITY_SUMMARY, SEPTEMBER, EVERYTHING)
    rows = figures["rows"]
    # then the three quality cases of September, in date order, and nothing else
    assert [row["number"] for row in rows] == [month["q1"].number, month["q2"].number, month["q3"].number]
    q1, q2, q3 = rows
    assert (q1["date"], q1["batch"], q1["problem"], q1["store"]) == ("2026-09-03", "B-01", "台灯外壳开裂", "S001")
    # the customer is masked
    assert q1["customer"] == "李* 138****8000"
    # handling: QA's approved opinion, else the first response; the result and the callback
    assert q1["handling"] == "核实属实，换新" and q1["form"].startswith("QF-") and q1["form_approved"]
    assert (q1["outcome"], q1["result"], q1["satisfaction"], q1["closed"]) == ("exchanged", "已换新", 5, True)
    assert q2["handling"] == "已上门检查" and q2["closed"] is False and q2["satisfaction"] is None
    assert q2["major_incident"] and q2["safety"]
    assert q3["state"] == "cancelled" and q3["closed"] is False
    assert figures["totals"] == {
        "cases": 3, "closed": 1, "cancelled": 1, "forms": 1, "approved": 1, "major_incidents": 1, "safety": 1,
        "rated": 1, "satisfaction_mean": "5.00",
    }  # fmt: skip


def test_the_rows_take_a_fixed_number_of_queries(month, django_assert_num_queries):
    for day in range(21, 29):
        open_case(at(9, day))
    with django_assert_num_queries(2):
        figures = report_figures(ReportKind.QUALITY_SUMMARY, SEPTEMBER, EVERYTHING)
    assert len(figures["rows"]) == 11


@pytest.fixture
def built(month):
    run = ReportRun.objects.create(kind=ReportKind.QUALITY_SUMMARY, period=SEPTEMBER)
    assert reportrun_build(run_id=run.pk) == ReportRunStatus.DONE
    return ReportRun.objects.get(pk=run.pk)


def test_the_pdf_is_a_chinese_a4_summary(built, month):
    from tests.support.printed import page_size_mm

    content = built.pdf.read()
    width, height = page_size_mm(content)
    assert round(width) == 210 and round(height) == 297
    text = flat(pdf_text(content))
    wanted = ("质量信息反馈处理汇总表", "2026年9月", month["q1"].number, "李*138****8000", "B-01", "台灯外壳开裂")
    for words in (*wanted, "核实属实，换新", "已换货", "灯具漏电", "已上门检查", "已取消", "总经理"):
        assert flat(words) in text, words
    assert "13800138000" not in text and "exchanged" not in text and "店员态度差" not in text


def test_the_xlsx_has_a_row_per_case(built, month):
    workbook = load_workbook(io.BytesIO(built.xlsx.read()))
    sheets = {sheet.title: sheet for sheet in workbook.worksheets}
    cases = list(sheets["明细 Cases"].iter_rows(min_row=3, values_only=True))
    assert [row[2].split("（")[0] for row in cases] == [month["q1"].number, month["q2"].number, month["q3"].number]
    first = cases[0]
    assert first[1] == "2026-09-03" and first[3] == "李* 138****8000" and first[9] == 5 and first[10] == "是 Yes"


def test_the_management_sees_it_and_no_one_else(built, browser_as, demo_user):
    # QA, the VP and the general manager (a superuser) have the kind; stores, suppliers and the other desks do not
    for who in ("qa1", "vp1", "admin"):
        assert ReportKind.QUALITY_SUMMARY in report_kinds_for(demo_user(who)), who
    for who in ("store1", "region1", "supplier1", "tech1", "finance1", "logistics1"):
        assert ReportKind.QUALITY_SUMMARY not in report_kinds_for(demo_user(who)), who
    url = reverse("reports:reportrun_detail", args=[built.pk])
    page = browser_as("qa1").get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="quality-rows"' in body and "核实属实，换新" in body and 'data-testid="total-cases">3<' in body
    for who in ("store1", "supplier1", "tech1"):
        assert browser_as(who).get(url).status_code == 404, who


def test_the_monthly_build_builds_it_once(month, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = monthly_build(period="2026-09")
    with django_capture_on_commit_callbacks(execute=True):
        second = monthly_build(period="2026-09")
    run = ReportRun.objects.get(kind=ReportKind.QUALITY_SUMMARY, period=SEPTEMBER)
    assert first["runs"][ReportKind.QUALITY_SUMMARY] == {"id": run.pk, "created": True}
    assert second["runs"][ReportKind.QUALITY_SUMMARY] == {"id": run.pk, "created": False}
    assert run.status == ReportRunStatus.DONE and len(run.data["rows"]) == 3


def test_an_empty_month_still_prints(db):
    run = ReportRun(kind=ReportKind.QUALITY_SUMMARY, period=SEPTEMBER)
    figures = report_figures(ReportKind.QUALITY_SUMMARY, SEPTEMBER, EVERYTHING)
    assert figures["rows"] == [] and figures["totals"]["cases"] == 0
    assert "本月无数据" in flat(pdf_text(report_pdf(run, figures)))
    assert load_workbook(io.BytesIO(report_xlsx(run, figures))).worksheets
