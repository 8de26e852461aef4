"""Parts usage and repair analysis 配件用量与维修分析 (issue 18) against a month made through the services.

September 2026 (Shanghai), style 226101JK001 throughout; parts at their demo unit cost:

| when | what | ledger | Return |
|---|---|---|---|
| 09-03 | a S001 unit (receipt POS-R1) to the center, inspected repairable | | T (quality, repaired) |
| 09-04/05 | tech1 records 2 zips (6.50) on T's ticket, then corrects to 1 | −2 consumed, +1 returned | |
| 09-06 | tech1 sends 5 buttons to S001 and 2 threads to S002 | transfers (not use) | |
| 09-07 | S001 repairs a unit at the counter (POS-L1, 白色 M, code D) | 3 buttons (0.60) | L1 |
| 09-08 | S002 repairs a unit at the counter (POS-L2, code D) | 2 threads (4.00) | L2 |
| 09-20 | the POS-L1 unit is back at S001 | | R: repeat of L1, 13 days |
| 2026-05-10 | S001 received 100 units of the style (S002's 50 of 2025-08 are outside the 12 months) | | |

Used: 6 parts, 16.30 (center 1 × 6.50, S001 3 × 0.60, S002 2 × 4.00), on 3 repairs. Quality returns 4, repaired 3,
failure rate 4 per 100 delivered; code D on 2 units (50 % of the returns); one repeat repair (25 %).
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

from cases import services as case_services
from repairs import services as repair_services
from repairs.models import SparePart
from reports.choices import ReportKind, ReportRunStatus
from reports.models import ReportRun
from reports.selectors import EVERYTHING, report_figures, report_scope
from reports.services import reportrun_build
from stores.models import Store
from suppliers.models import DefectCode, Style
from tests.factories.stores import DeliveryFactory
from tests.support.printed import flat, pdf_text
from tests.support.repairs import open_tickets
from tests.support.returns import JACKET, log_returns, user

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEPTEMBER = dt.date(2026, 9, 1)


def travel(month: int, day: int, hour: int = 10):
    return time_machine.travel(dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI), tick=False)


def part(part_no: str) -> SparePart:
    return SparePart.objects.get(part_no=part_no)


def counter_repair(store: str, receipt: str, code: DefectCode | None = None, handling: str = "local_repair"):
    style = Style.objects.get(style_no=JACKET)
    unit = case_services.ReturnUnit(
        style=style, color="白色", size="M", production_year=2025, defect_description="纽扣脱落", reported_defect=code
    )
    return log_returns(store, receipt_no=receipt, onsite_handling=handling, units=[unit])[0]


@pytest.fixture
def month(demo, demo_user):
    code = DefectCode.objects.order_by("code").first()
    with travel(9, 3):
        (ticket,) = open_tickets(demo_user)
    with travel(9, 4):
        repair_services.repairticket_update(user=user("tech1"), ticket=ticket, parts=[(part("P-ZIP-5"), 2)])
    with travel(9, 5):
        repair_services.repairticket_update(user=user("tech1"), ticket=ticket, parts=[(part("P-ZIP-5"), 1)])
    with travel(9, 6):
        repair_services.stock_transfer(user=user("tech1"), store=Store.objects.get(code="S001"),
                                       parts=[(part("P-BTN-18"), 5)])  # fmt: skip
        repair_services.stock_transfer(user=user("tech1"), store=Store.objects.get(code="S002"),
                                       parts=[(part("P-THR-40"), 2)])  # fmt: skip
    with travel(9, 7):
        first = counter_repair("S001", "POS-L1", code)
        repair_services.stock_use_at_store(user=user("store1"), return_item=first, parts=[(part("P-BTN-18"), 3)])
    with travel(9, 8):
        other = counter_repair("S002", "POS-L2", code)
        repair_services.stock_use_at_store(user=user("store2"), return_item=other, parts=[(part("P-THR-40"), 2)])
    with travel(9, 20):
        again = counter_repair("S001", "POS-L1", handling="exchange")
    style = Style.objects.get(style_no=JACKET)
    DeliveryFactory(store=Store.objects.get(code="S001"), style=style, delivered_on=dt.date(2026, 5, 10), quantity=100)
    DeliveryFactory(store=Store.objects.get(code="S002"), style=style, delivered_on=dt.date(2025, 8, 1), quantity=50)
    return {"code": code, "first": first, "again": again}


def test_the_months_figures_are_the_hand_computed_ones(month):
    figures = report_figures(ReportKind.PARTS_USAGE, SEPTEMBER, EVERYTHING)
    # parts used: totals, per location (the center without a code), per part, per style
    assert figures["totals"] == {"used": 6, "cost": "16.30", "repairs": 3}
    assert [(r["code"], r["used"], r["cost"]) for r in figures["by_location"]] == [
        ("S001", 3, "1.80"), ("S002", 2, "8.00"), (None, 1, "6.50")
    ]  # fmt: skip
    assert [(r["part_no"], r["used"], r["cost"], r["unit"]) for r in figures["by_part"]] == [
        ("P-BTN-18", 3, "1.80", "粒"), ("P-THR-40", 2, "8.00", "卷"), ("P-ZIP-5", 1, "6.50", "条")
    ]  # fmt: skip
    assert [(r["style_no"], r["used"], r["cost"], r["repairs"]) for r in figures["by_style"]] == [
        (JACKET, 6, "16.30", 3)
    ]
    # repair records: failure rate per style, per style and defect, repeat repairs
    (failure,) = figures["failures"]
    assert (failure["style_no"], failure["returns"], failure["repaired"]) == (JACKET, 4, 3)
    assert (failure["delivered"], failure["failure_rate"]) == (100, "4.0")
    (defect,) = figures["by_defect"]
    assert (defect["code"], defect["units"], defect["share_of_returns"], defect["failure_rate"]) == (
        month["code"].code, 2, "50.0", "2.0"
    )  # fmt: skip
    repeats = figures["repeats"]
    assert (repeats["units"], repeats["share"], repeats["by_style"]) == (1, "25.0", [{"style_no": JACKET, "units": 1}])
    (unit,) = repeats["rows"]
    assert (unit["number"], unit["earlier_number"], unit["days"], unit["store"]) == (
        month["again"].number, month["first"].number, 13, "S001"
    )  # fmt: skip


def test_a_store_user_sees_its_own_stores_figures(month, demo_user):
    store = report_figures(ReportKind.PARTS_USAGE, SEPTEMBER, report_scope(demo_user("store1")))
    assert store["totals"] == {"used": 3, "cost": "1.80", "repairs": 1}
    assert [r["code"] for r in store["by_location"]] == ["S001"]
    assert [(r["part_no"], r["used"]) for r in store["by_part"]] == [("P-BTN-18", 3)]
    (failure,) = store["failures"]
    assert (failure["returns"], failure["delivered"], failure["failure_rate"]) == (3, 100, "3.0")
    assert store["repeats"]["units"] == 1
    # and region1 (S001 and S002) both stores, not the center's ticket
    region = report_figures(ReportKind.PARTS_USAGE, SEPTEMBER, report_scope(demo_user("region1")))
    assert sorted(r["code"] for r in region["by_location"]) == ["S001", "S002"]


def test_a_month_before_or_after_is_empty_and_the_query_count_fixed(month, django_assert_num_queries):
    with django_assert_num_queries(9):
        august = report_figures(ReportKind.PARTS_USAGE, dt.date(2026, 8, 1), EVERYTHING)
    assert august["totals"] == {"used": 0, "cost": "0.00", "repairs": 0}
    assert august["failures"] == [] and august["repeats"]["units"] == 0
    with django_assert_num_queries(9):
        report_figures(ReportKind.PARTS_USAGE, SEPTEMBER, EVERYTHING)


@pytest.fixture
def built(month) -> ReportRun:
    run = ReportRun.objects.create(kind=ReportKind.PARTS_USAGE, period=SEPTEMBER)
    assert reportrun_build(run_id=run.pk) == ReportRunStatus.DONE
    return ReportRun.objects.get(pk=run.pk)


def test_the_pdf_and_xlsx_carry_the_figures(built, month):
    text = flat(pdf_text(built.pdf.read()))
    for words in ("配件用量与维修分析", "2026年9月", "按地点", "服务中心", "18mm树脂纽扣", "款式故障率", "重复维修",
                  month["again"].number, month["first"].number):  # fmt: skip
        assert flat(words) in text, words
    workbook = load_workbook(io.BytesIO(built.xlsx.read()))
    sheets = {sheet.title: sheet for sheet in workbook.worksheets}
    rows = list(sheets["按配件 By part"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[3], Decimal(str(r[4]))) for r in rows] == [
        ("P-BTN-18", 3, Decimal("1.8")), ("P-THR-40", 2, Decimal("8")), ("P-ZIP-5", 1, Decimal("6.5"))
    ]  # fmt: skip
    (failure,) = list(sheets["款式故障率 Failure rate by style"].iter_rows(min_row=3, values_only=True))
    assert failure[0] == JACKET and failure[2:5] == (4, 3, 100) and float(failure[5]) == 4.0


def test_the_page_charts_and_scope(built, browser_as):
    url = reverse("reports:reportrun_detail", args=[built.pk])
    body = browser_as("tech1").get(url).content.decode()
    assert 'data-testid="total-used">6<' in body and 'data-testid="total-repeats">1<' in body
    for chart in ("part_units", "location_cost", "failure_rate"):
        assert f'data-chart="{chart}"' in body
    store = browser_as("store1")
    body = store.get(url).content.decode()
    assert 'data-testid="total-used">3<' in body and "P-THR-40" not in body
    response = store.get(reverse("reports:reportrun_download", args=[built.pk, "xlsx"]))
    cells = {str(c.value) for s in load_workbook(io.BytesIO(response.content)) for r in s.iter_rows() for c in r}
    assert "P-BTN-18" in cells and "P-THR-40" not in cells and "S002" not in cells
    assert store.get(reverse("reports:reportrun_download", args=[built.pk, "pdf"])).status_code == 403


def test_a_supplier_is_refused(built, browser_as, api_as):
    browser = browser_as("supplier1")
    assert browser.get(reverse("reports:reportrun_detail", args=[built.pk])).status_code == 404
    assert api_as("supplier1").get(f"/api/v1/reports/{built.pk}/xlsx/").status_code == 404
    # while the center reads it over the API
    assert api_as("tech1").get(f"/api/v1/reports/{built.pk}/").json()["kind"] == ReportKind.PARTS_USAGE
