"""The service-desk report 服务台报表 (issue 14, KPIs) against a month of cases made through the desk's services.

September 2026, Shanghai time (cases made at their moments with ``time_machine``; SLA: first response in 24 h):

| case | opened | by, channel, kind | store | first response | then | callback |
|---|---|---|---|---|---|---|
| c1 | 09-01 10:00 | hotline1 phone complaint | S001 | 09-01 12:00 (2 h, on time) | resolved 09-03 | 09-05: 5 |
| c2 | 09-02 10:00 | hotline1 phone repair | S002 | 09-04 10:00 (48 h, late) | resolved 09-05 | 09-06: 2, reopened |
| c3 | 09-10 09:00 | store1 in-store quality | S001 | 09-10 15:00 by store1 (6 h) | resolved 09-11 | 10-02: 4 |
| c4 | 09-20 10:00 | hotline1 WeChat consultation | — | never (due 09-21: late at month end) | | |
| c5 | 09-25 10:00 | hotline1 phone complaint | S101 | — | cancelled 09-25 | |
| c0 | 08-28 10:00 | hotline1 phone quality | S001 | 08-28 11:00 | resolved 08-29 | 09-02: 4 |

September: 5 cases, 1 cancelled; responses on time 2 (c1, c3), late 2 (c2, c4): 50.0 %; median response of 120, 360
and 2,880 minutes: 6.0 h; resolved c1, c3 of 4 not cancelled: 50.0 %; callbacks c1 5, c2 2, c0 4: mean 3.67.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from reports.choices import ReportKind, ReportRunStatus
from reports.documents import report_pdf, report_xlsx
from reports.models import ReportRun
from reports.selectors import EVERYTHING, report_figures, report_scope
from reports.services import monthly_build, reportrun_build
from servicedesk import services
from servicedesk.choices import CaseKind, CaseState, Channel, Outcome
from servicedesk.models import ServiceCase
from stores.models import Store
from tests.support.printed import flat, pdf_text
from tests.support.servicedesk import CALLER, user

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEPTEMBER = dt.date(2026, 9, 1)


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def travel(when: dt.datetime):
    return time_machine.travel(when, tick=False)


def open_case(when, *, by="hotline1", store="S001", **fields) -> ServiceCase:
    values = {"channel": Channel.PHONE, "kind": CaseKind.COMPLAINT, "description": "羽绒服跑绒", "customer": CALLER}
    values["store"] = Store.objects.get(code=store) if store else None
    with travel(when):
        return services.servicecase_open(user=user(by), **{**values, **fields})


def respond(case, when, by="hotline1") -> ServiceCase:
    with travel(when):
        return services.servicecase_respond(user=user(by), case=case, method="phone", message="已回电")


def resolve(case, when, by="hotline1") -> ServiceCase:
    with travel(when):
        return services.servicecase_resolve(user=user(by), case=case, resolution="已处理", outcome=Outcome.EXCHANGED)


def follow_up(case, when, satisfaction: int) -> ServiceCase:
    with travel(when):
        return services.servicecase_follow_up(user=user("hotline1"), case=case, satisfaction=satisfaction)


@pytest.fixture
def month(demo):
    c0 = open_case(at(8, 28), kind=CaseKind.QUALITY)
    c0 = resolve(respond(c0, at(8, 28, 11)), at(8, 29))
    follow_up(c0, at(9, 2), 4)
    c1 = resolve(respond(open_case(at(9, 1)), at(9, 1, 12)), at(9, 3))
    follow_up(c1, at(9, 5), 5)
    c2 = open_case(at(9, 2), kind=CaseKind.REPAIR, store="S002")
    c2 = resolve(respond(c2, at(9, 4)), at(9, 5))
    assert follow_up(c2, at(9, 6), 2).state == CaseState.IN_PROGRESS  # reopened
    c3 = open_case(at(9, 10, 9), by="store1", channel=Channel.IN_STORE, kind=CaseKind.QUALITY)
    c3 = resolve(respond(c3, at(9, 10, 15), by="store1"), at(9, 11), by="store1")
    follow_up(c3, at(10, 2), 4)
    open_case(at(9, 20), channel=Channel.WECHAT, kind=CaseKind.CONSULTATION, store=None)
    c5 = open_case(at(9, 25), store="S101")
    with travel(at(9, 25, 11)):
        services.servicecase_cancel(user=user("hotline1"), case=c5, reason="重复来电")


def row(rows: list[dict], **where) -> dict:
    return next(item for item in rows if all(item[key] == value for key, value in where.items()))


def test_the_months_figures_are_the_hand_computed_ones(month):
    # given September's cases / when the center's figures are computed
    figures = report_figures(ReportKind.SERVICE_DESK, SEPTEMBER, EVERYTHING)
    # then the totals
    totals = figures["totals"]
    assert (totals["cases"], totals["cancelled"], totals["responded"]) == (5, 1, 3)
    assert (totals["on_time"], totals["late"], totals["on_time_share"]) == (2, 2, "50.0")
    assert totals["median_response_hours"] == "6.0"
    assert (totals["resolved"], totals["resolved_share"]) == (2, "50.0")
    assert (totals["rated"], totals["satisfaction_mean"], totals["satisfaction"]) == (3, "3.67", [0, 1, 0, 1, 1])
    # and by kind, channel, agent and store
    assert {r["kind"]: r["cases"] for r in figures["by_kind"]} == {
        "complaint": 2, "consultation": 1, "quality": 1, "repair": 1
    }  # fmt: skip
    assert figures["by_kind"][0]["kind"] == "complaint"  # most cases first
    assert row(figures["by_kind"], kind="quality")["rated"] == 1  # c0's callback (c3's is October's)
    assert row(figures["by_channel"], channel="phone")["cases"] == 3
    assert row(figures["by_channel"], channel="wechat")["late"] == 1
    hotline = row(figures["by_agent"], username="hotline1")
    assert (hotline["agent"], hotline["cases"], hotline["on_time"], hotline["late"]) == ("孙丽（服务热线）", 4, 1, 2)
    store_agent = row(figures["by_agent"], username="store1")
    assert (store_agent["cases"], store_agent["median_response_hours"]) == (1, "6.0")
    s001 = row(figures["by_store"], code="S001")
    assert (s001["cases"], s001["on_time_share"], s001["median_response_hours"]) == (2, "100.0", "4.0")
    assert (s001["resolved_share"], s001["rated"], s001["satisfaction_mean"]) == ("100.0", 2, "4.50")
    s101 = row(figures["by_store"], code="S101")
    assert (s101["cancelled"], s101["on_time_share"], s101["resolved_share"]) == (1, None, None)
    assert row(figures["by_store"], code=None)["late"] == 1  # the hotline's own case (no store)
    # and the trend: August's one case answered on time, September's share
    trend = {item["period"]: item for item in figures["trend"]}
    assert len(figures["trend"]) == 12
    assert trend["2026-08"]["on_time_share"] == "100.0" and trend["2026-09"]["on_time_share"] == "50.0"
    assert trend["2026-09"]["satisfaction_mean"] == "3.67" and trend["2026-01"]["cases"] == 0


def test_store_and_region_users_see_their_own_figures(month, demo_user):
    # given store1 (S001) and region1 (R01: S001, S002)
    store = report_figures(ReportKind.SERVICE_DESK, SEPTEMBER, report_scope(demo_user("store1")))
    region = report_figures(ReportKind.SERVICE_DESK, SEPTEMBER, report_scope(demo_user("region1")))
    # then store1 reads S001's cases only
    assert (store["totals"]["cases"], store["totals"]["on_time_share"], store["totals"]["rated"]) == (2, "100.0", 2)
    assert [item["code"] for item in store["by_store"]] == ["S001"]
    # and region1 S001's and S002's
    assert region["totals"]["cases"] == 3
    assert sorted(item["code"] for item in region["by_store"]) == ["S001", "S002"]


def test_the_figures_take_a_fixed_number_of_queries(month, django_assert_num_queries):
    # given the month (6 cases) / when computed / then four statements per breakdown… each one GROUP BY
    with django_assert_num_queries(17):
        report_figures(ReportKind.SERVICE_DESK, SEPTEMBER, EVERYTHING)
    # and the same with more cases
    for day in range(1, 8):
        open_case(at(9, day + 10), store="S002")
    with django_assert_num_queries(17):
        report_figures(ReportKind.SERVICE_DESK, SEPTEMBER, EVERYTHING)


@pytest.fixture
def built(month) -> ReportRun:
    run = ReportRun.objects.create(kind=ReportKind.SERVICE_DESK, period=SEPTEMBER)
    assert reportrun_build(run_id=run.pk) == ReportRunStatus.DONE
    return ReportRun.objects.get(pk=run.pk)


def test_the_pdf_prints_the_figures_in_chinese(built):
    # given the built run / when its PDF is read as text
    text = flat(pdf_text(built.pdf.read()))
    # then the title, the totals and the breakdowns in words (never a stored code)
    wanted = ("服务台报表", "2026年9月", "首次响应准时率", "50.0%", "3.67", "按类型", "投诉", "咨询", "按渠道", "微信")
    for words in (*wanted, "按坐席", "孙丽（服务热线）", "按专卖店", "S001", "服务中心"):
        assert flat(words) in text, words
    assert "consultation" not in text and "wechat" not in text


def test_the_xlsx_reads_back_with_the_figures(built):
    # given the built run / when its XLSX is opened
    workbook = load_workbook(io.BytesIO(built.xlsx.read()))
    sheets = {sheet.title: sheet for sheet in workbook.worksheets}
    # then a sheet per table, the totals row with its figures as numbers
    assert {"合计 Totals", "按类型 By kind", "按渠道 By channel", "按坐席 By agent", "按专卖店 By store"} <= set(sheets)
    header, values = [list(r) for r in sheets["合计 Totals"].iter_rows(min_row=2, max_row=3, values_only=True)]
    figures = dict(zip(header, values, strict=True))
    assert figures["服务单 Cases"] == 5 and float(figures["准时率 On time %"]) == 50.0
    assert float(figures["满意度 Mean"]) == 3.67 and figures["5分"] == 1
    kinds = {row[0] for row in sheets["按类型 By kind"].iter_rows(min_row=3, values_only=True)}
    assert kinds == {"投诉", "咨询", "质量反馈", "维修"}


def test_the_page_shows_the_charts_and_the_viewers_cut(built, browser_as):
    url = reverse("reports:reportrun_detail", args=[built.pk])
    # when the center opens it / then the totals, the three charts and both downloads
    body = browser_as("tech1").get(url).content.decode()
    assert 'data-testid="total-cases">5<' in body and 'data-testid="total-on-time">50.0%<' in body
    for chart in ("kind_cases", "satisfaction", "trend"):
        assert f'data-chart="{chart}"' in body
    assert 'data-testid="download-pdf"' in body
    # when store1 opens it / then S001's figures only, and its own XLSX without S002
    store = browser_as("store1")
    body = store.get(url).content.decode()
    assert 'data-testid="total-cases">2<' in body and "S002" not in body
    assert 'data-testid="download-pdf"' not in body
    response = store.get(reverse("reports:reportrun_download", args=[built.pk, "xlsx"]))
    cells = {str(c.value) for s in load_workbook(io.BytesIO(response.content)) for r in s.iter_rows() for c in r}
    assert "S001" in cells and "S002" not in cells and "S101" not in cells


def test_a_supplier_is_refused(built, browser_as, api_as):
    # given the built run / when supplier1 asks for it, on the page, its files, the list or the API
    browser = browser_as("supplier1")
    assert browser.get(reverse("reports:reportrun_detail", args=[built.pk])).status_code == 404
    assert browser.get(reverse("reports:reportrun_download", args=[built.pk, "xlsx"])).status_code == 404
    assert str(built) not in browser.get(reverse("reports:reportrun_list")).content.decode()
    api = api_as("supplier1")
    assert api.get(f"/api/v1/reports/{built.pk}/").status_code == 404
    kinds = {item["kind"] for item in api.get("/api/v1/reports/").json()["results"]}
    assert ReportKind.SERVICE_DESK not in kinds
    # and anonymous is sent to log in
    browser.logout()
    assert browser.get(reverse("reports:reportrun_detail", args=[built.pk])).status_code == 302


def test_the_monthly_build_builds_it_once(month, django_capture_on_commit_callbacks):
    # given September's cases / when the monthly build runs twice
    with django_capture_on_commit_callbacks(execute=True):
        first = monthly_build(period="2026-09")
    with django_capture_on_commit_callbacks(execute=True):
        second = monthly_build(period="2026-09")
    # then one run of the service-desk report, built, and the second build changed nothing
    run = ReportRun.objects.get(kind=ReportKind.SERVICE_DESK, period=SEPTEMBER)
    assert first["runs"][ReportKind.SERVICE_DESK] == {"id": run.pk, "created": True}
    assert second["runs"][ReportKind.SERVICE_DESK] == {"id": run.pk, "created": False}
    assert run.status == ReportRunStatus.DONE and run.data["totals"]["cases"] == 5


def test_the_documents_of_an_empty_month_say_so(db):
    # given no case at all / when the report is made for a month
    run = ReportRun(kind=ReportKind.SERVICE_DESK, period=SEPTEMBER)
    figures = report_figures(ReportKind.SERVICE_DESK, SEPTEMBER, EVERYTHING)
    # then the figures are zeros and dashes, and the PDF and XLSX still print
    assert figures["totals"]["cases"] == 0 and figures["totals"]["on_time_share"] is None
    assert "本月无数据" in flat(pdf_text(report_pdf(run, figures)))
    assert load_workbook(io.BytesIO(report_xlsx(run, figures))).worksheets
