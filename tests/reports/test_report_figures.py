"""The monthly reports' figures against a small month computed by hand (March 2025, February for month-on-month).

Units of the fixture (X and Y are suppliers; stores A, B in region R1, C in R2; D1, D2 defect codes):

| # | store | style (supplier, cost) | logged | inspected | verdict / resp. | codes | shipped → back |
|---|---|---|---|---|---|---|---|
| 1 | A | sx1 (X, 100.00) | 03-02 | 03-03 | unrepairable / supplier | D1 | |
| 2 | A | sx2 (X, 250.50) | 03-02 | 03-04 | unrepairable / supplier | D1 D2 | |
| 3 | B | sy1 (Y, 80.00) | 03-02 | 03-05 | unrepairable / store | D2 | |
| 4 | C | sx1 | 03-02 | 03-31 23:59 | unrepairable / hq | — | |
| 5 | A | sx1 | 02-10 | 02-28 23:30 | unrepairable / supplier | — | |
| 6 | A | sx1 | 03-02 | 04-01 00:00:30 | unrepairable / supplier | — | |
| 7 | B | sy1 | 03-02 | 03-06 | repairable / supplier | D1 | ticket open |
| 8 | A | sx1 | 02-26 | 02-28 | repairable / supplier | — | 02-27 10:00 → 03-10 15:00 (11 d, on time); repair 45.00 |
| 9 | A | sy1 | 02-28 | 03-03 | no_defect / — | — | 03-01 10:00 → 03-21 09:00 (20 d, late) |
| 10 | C | sx2 | 03-04 | 03-07 | repairable / store | D2 | 03-05 00:30 → 03-19 23:50 (14 d, on time); repair 30.00 |
| 11 | B | sx1 | 03-09 | 03-12 | repairable / supplier | D1 | 03-10 → 04-01 00:00:30; repair 20.00 on 03-31 23:59:59 |

Chargebacks: X's March statement v1 500.00 revised by v2 450.00; X's February statement 999.00.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cases.choices import ReturnState, Verdict
from cases.models import Return
from inspection.models import InspectionReport
from repairs.models import RepairTicket, RepairTicketState
from reports.choices import ReportKind
from reports.selectors import ReportScope, median_from_histogram, report_figures, report_scope
from suppliers.choices import Responsibility
from tests.factories.cases import ReturnFactory
from tests.factories.chargebacks import ChargebackStatementFactory
from tests.factories.stores import RegionFactory, StoreFactory, UserFactory
from tests.factories.suppliers import DefectCodeFactory, StyleFactory, SupplierFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = dt.date(2025, 3, 1)


def at(month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def month(db):
    """The hand-computed month of the module docstring."""
    r1, r2 = RegionFactory(code="R1", name="华东"), RegionFactory(code="R2", name="华南")
    stores = {
        "A": StoreFactory(code="A01", name="甲店", region=r1),
        "B": StoreFactory(code="B01", name="乙店", region=r1),
        "C": StoreFactory(code="C01", name="丙店", region=r2),
    }
    x, y = SupplierFactory(code="X", name="供应商X"), SupplierFactory(code="Y", name="供应商Y")
    styles = {
        "sx1": StyleFactory(style_no="SX1", supplier=x, unit_cost=Decimal("100.00")),
        "sx2": StyleFactory(style_no="SX2", supplier=x, unit_cost=Decimal("250.50")),
        "sy1": StyleFactory(style_no="SY1", supplier=y, unit_cost=Decimal("80.00")),
    }
    codes = {"D1": DefectCodeFactory(code="D1", name_zh="开线"), "D2": DefectCodeFactory(code="D2", name_zh="褪色")}
    technician = UserFactory(username="fig-tech")

    def unit(store, style, logged, *, inspected=None, verdict="", resp="", codes_=(), year=2024, shipped=None,
             back=None, repair=None, state=ReturnState.RECEIVED):  # fmt: skip
        item = ReturnFactory(
            store=stores[store], style=styles[style], production_year=year, state=state, verdict=verdict,
            responsibility=resp, inspected_at=inspected, shipped_at=shipped, returned_at=back,
            due_at=shipped + dt.timedelta(days=15) if shipped else None,
        )  # fmt: skip
        Return.objects.filter(pk=item.pk).update(created_at=logged)
        if inspected:
            report = InspectionReport.objects.create(
                return_item=item, inspector=technician, inspected_at=inspected, verdict=verdict, responsibility=resp
            )
            report.defect_codes.set([codes[code] for code in codes_])
        if repair is not None:
            cost, completed = repair
            RepairTicket.objects.create(
                return_item=item, technician=technician, labour_rate=Decimal("60.00"), total_cost=Decimal(cost),
                completed_at=completed, state=RepairTicketState.COMPLETED if completed else RepairTicketState.OPEN,
            )  # fmt: skip
        return item

    scrap, sup = Verdict.UNREPAIRABLE, Responsibility.SUPPLIER
    unit("A", "sx1", at(3, 2), inspected=at(3, 3), verdict=scrap, resp=sup, codes_=["D1"], year=2024)
    unit("A", "sx2", at(3, 2), inspected=at(3, 4), verdict=scrap, resp=sup, codes_=["D1", "D2"], year=2025)
    unit("B", "sy1", at(3, 2), inspected=at(3, 5), verdict=scrap, resp=Responsibility.STORE, codes_=["D2"], year=2024)
    unit("C", "sx1", at(3, 2), inspected=at(3, 31, 23, 59), verdict=scrap, resp=Responsibility.HQ, year=2023)
    unit("A", "sx1", at(2, 10), inspected=at(2, 28, 23, 30), verdict=scrap, resp=sup)
    unit("A", "sx1", at(3, 2), inspected=at(4, 1, 0, 0, 30), verdict=scrap, resp=sup)
    unit("B", "sy1", at(3, 2), inspected=at(3, 6), verdict=Verdict.REPAIRABLE, resp=sup, codes_=["D1"],
         repair=("12.00", None))  # fmt: skip
    unit("A", "sx1", at(2, 26), inspected=at(2, 28, 12), verdict=Verdict.REPAIRABLE, resp=sup,
         shipped=at(2, 27), back=at(3, 10, 15), repair=("45.00", at(3, 5)))  # fmt: skip
    unit("A", "sy1", at(2, 28), inspected=at(3, 3), verdict=Verdict.NO_DEFECT, shipped=at(3, 1), back=at(3, 21, 9))
    unit("C", "sx2", at(3, 4), inspected=at(3, 7), verdict=Verdict.REPAIRABLE, resp=Responsibility.STORE,
         codes_=["D2"], shipped=at(3, 5, 0, 30), back=at(3, 19, 23, 50), repair=("30.00", at(3, 12)))  # fmt: skip
    unit("B", "sx1", at(3, 9), inspected=at(3, 12), verdict=Verdict.REPAIRABLE, resp=sup, codes_=["D1"],
         shipped=at(3, 10), back=at(4, 1, 0, 0, 30), repair=("20.00", at(3, 31, 23, 59, 59)))  # fmt: skip
    first = ChargebackStatementFactory(supplier=x, period=MARCH, version=1, total=Decimal("500.00"), number="CB-X-03")
    ChargebackStatementFactory(
        supplier=x, period=MARCH, version=2, total=Decimal("450.00"), number="CB-X-03", previous=first
    )
    ChargebackStatementFactory(supplier=x, period=dt.date(2025, 2, 1), total=Decimal("999.00"))
    return {"stores": stores, "suppliers": {"X": x, "Y": y}}


def test_scrap_report_matches_the_hand_computed_month(month):
    # given the month of the module docstring
    # when the scrap report's figures are computed for everyone
    figures = report_figures(ReportKind.SCRAP, MARCH)
    # then units 1–4 are scrapped in March (5 is February's, 6 April's), costed at the style's unit cost
    assert figures["totals"] == {"units": 4, "cost": "530.50"}
    assert figures["by_supplier"] == [
        {"code": "X", "name": "供应商X", "units": 3, "cost": "450.50"},
        {"code": "Y", "name": "供应商Y", "units": 1, "cost": "80.00"},
    ]
    assert [(r["code"], r["units"], r["cost"]) for r in figures["by_store"]] == [
        ("A01", 2, "350.50"),
        ("C01", 1, "100.00"),
        ("B01", 1, "80.00"),
    ]
    assert [(r["code"], r["units"], r["cost"]) for r in figures["by_region"]] == [
        ("R1", 3, "430.50"),
        ("R2", 1, "100.00"),
    ]
    # a unit with two codes counts under both; the one without a code under none
    assert [(r["code"], r["units"], r["cost"]) for r in figures["by_defect"]] == [
        ("D1", 2, "350.50"),
        ("D2", 2, "330.50"),
        (None, 1, "100.00"),
    ]
    assert [(r["year"], r["units"], r["cost"]) for r in figures["by_year"]] == [
        (2025, 1, "250.50"),
        (2024, 2, "180.00"),
        (2023, 1, "100.00"),
    ]
    assert [(r["responsibility"], r["units"], r["cost"]) for r in figures["by_responsibility"]] == [
        ("supplier", 2, "350.50"),
        ("hq", 1, "100.00"),
        ("store", 1, "80.00"),
    ]


def test_supplier_quality_report_matches_the_hand_computed_month(month):
    # given the month of the module docstring
    # when the supplier quality report's figures are computed
    figures = report_figures(ReportKind.SUPPLIER_QUALITY, MARCH)
    # then X: 6 logged, 3 of 5 inspected its fault, scrap 1+2, repairs 8 and 11, statement v2, 8 and 10 on time
    x, y = figures["ranking"]
    assert {key: x[key] for key in x if key != "name"} == {
        "code": "X",
        "rank": 1,
        "logged": 6,
        "inspected": 5,
        "supplier_fault": 3,
        "scrap_units": 2,
        "scrap_cost": "350.50",
        "repairs": 2,
        "repair_cost": "65.00",
        "chargebacks": "450.00",
        "returned": 2,
        "on_time": 2,
        "on_time_share": "100.0",
        "top_defects": [{"code": "D1", "units": 3}, {"code": "D2", "units": 2}],
        # no incoming lot inspected: no pass rate, the score's quality part left whole
        "lots_inspected": 0,
        "lots_accepted": 0,
        "lots_rejected": 0,
        "incoming_pass_rate": None,
        "severity": "normal",
        # 60 × (1 − 3/5) + 40 × 2/2
        "score": "64.0",
        # February: units 5 and 8 logged, both inspected and its fault, unit 5 scrapped; 60 × 0 + 40 (no returns)
        "previous_logged": 2,
        "logged_change": 4,
        "scrap_cost_change": "250.50",
        "repair_cost_change": "65.00",
        "score_change": "24.0",
    }
    assert (y["code"], y["rank"], y["logged"], y["inspected"], y["supplier_fault"]) == ("Y", 2, 2, 3, 1)
    assert (y["scrap_units"], y["scrap_cost"], y["repair_cost"], y["chargebacks"]) == (0, "0.00", "0.00", "0.00")
    assert (y["returned"], y["on_time"], y["on_time_share"]) == (1, 0, "0.0")
    assert y["top_defects"] == [{"code": "D1", "units": 1}, {"code": "D2", "units": 1}]
    # 60 × (1 − 1/3) + 40 × 0/1; February had unit 9 logged and nothing inspected or returned: 100
    assert (y["score"], y["score_change"], y["logged_change"]) == ("40.0", "-60.0", 1)
    assert figures["totals"] == {
        "logged": 8,
        "scrap_units": 2,
        "repairs": 2,
        "returned": 3,
        "on_time": 2,
        "scrap_cost": "350.50",
        "repair_cost": "65.00",
        "chargebacks": "450.00",
        "on_time_share": "66.7",
    }


def test_turnaround_report_matches_the_hand_computed_month(month):
    # given units 8, 9 and 10 back at their stores in March (11 came back in April)
    # when the turnaround report's figures are computed
    figures = report_figures(ReportKind.TURNAROUND, MARCH)
    # then on-time share and median calendar days (Shanghai: unit 10 took 14 days, 15 in UTC dates)
    assert figures["totals"] == {"units": 3, "on_time": 2, "late": 1, "on_time_share": "66.7", "median_days": "14.0"}
    stores = [(r["code"], r["units"], r["on_time"], r["on_time_share"], r["median_days"]) for r in figures["by_store"]]
    assert stores == [
        ("A01", 2, 1, "50.0", "15.5"),
        ("C01", 1, 1, "100.0", "14.0"),
    ]
    assert [(r["code"], r["units"], r["late"], r["median_days"]) for r in figures["by_region"]] == [
        ("R1", 2, 1, "15.5"),
        ("R2", 1, 0, "14.0"),
    ]
    trend = figures["trend"]
    assert [row["period"] for row in trend][:1] + [row["period"] for row in trend][-1:] == ["2024-04", "2025-03"]
    assert trend[-1] == {"period": "2025-03", "units": 3, "on_time": 2, "on_time_share": "66.7"}
    assert all(row["units"] == 0 and row["on_time_share"] is None for row in trend[:-1])


def test_a_store_user_gets_only_its_stores_figures(month):
    # given staff of store B
    user = UserFactory(roles=["store_staff"], stores=[month["stores"]["B"]])
    # when the scrap report is cut to the user's scope
    figures = report_figures(ReportKind.SCRAP, MARCH, report_scope(user))
    # then only unit 3 (store B) counts
    assert figures["totals"] == {"units": 1, "cost": "80.00"}
    assert [row["code"] for row in figures["by_store"]] == ["B01"]
    assert [row["code"] for row in figures["by_supplier"]] == ["Y"]


def test_a_supplier_user_gets_only_the_units_charged_to_it(month):
    # given a user of supplier X
    user = UserFactory(roles=["supplier_user"], suppliers=[month["suppliers"]["X"]])
    # when the reports are cut to the user's scope
    scrap = report_figures(ReportKind.SCRAP, MARCH, report_scope(user))
    quality = report_figures(ReportKind.SUPPLIER_QUALITY, MARCH, report_scope(user))
    # then only X's units judged its fault (1 and 2, not unit 4 charged to HQ), and only X's row and chargebacks
    assert scrap["totals"] == {"units": 2, "cost": "350.50"}
    assert [row["code"] for row in scrap["by_supplier"]] == ["X"]
    assert [row["code"] for row in quality["ranking"]] == ["X"]
    assert quality["ranking"][0]["chargebacks"] == "450.00"


def test_the_center_sees_everything_and_an_empty_scope_sees_nothing(month):
    # given a technician and a store user without a store
    technician = UserFactory(roles=["technician"])
    stranger = UserFactory(roles=["store_staff"])
    # when / then
    assert report_scope(technician).everything
    nothing = report_figures(ReportKind.SCRAP, MARCH, report_scope(stranger))
    assert nothing["totals"] == {"units": 0, "cost": "0.00"}
    assert report_figures(ReportKind.TURNAROUND, MARCH, ReportScope(everything=False))["by_store"] == []


@pytest.mark.parametrize(
    ("histogram", "median"),
    [([], None), ([(5, 1)], "5.0"), ([(3, 1), (10, 1)], "6.5"), ([(1, 2), (9, 1)], "1.0"), ([(2, 2), (4, 2)], "3.0")],
)
def test_median_from_a_histogram(histogram, median):
    # given counted values / when / then
    assert median_from_histogram(histogram) == median


def test_figures_use_a_fixed_number_of_queries(month, django_assert_max_num_queries):
    # given the month / when each report is computed / then one GROUP BY per figure, whatever the row count
    with django_assert_max_num_queries(7):
        report_figures(ReportKind.SCRAP, MARCH)
    # (two per month of them the incoming lots and the suppliers' severities, issue 16)
    with django_assert_max_num_queries(18):
        report_figures(ReportKind.SUPPLIER_QUALITY, MARCH)
    # (two of them the month's freight, by store and by carrier)
    with django_assert_max_num_queries(9):
        report_figures(ReportKind.TURNAROUND, MARCH)
