"""The supplier quality report's incoming-lot figures (issue 16): pass rate, lots rejected, current severity.

March 2025, in Shanghai time (SUP01..SUP04 are the demo's suppliers, no Returns in the month):

| lot | supplier | round 1 | round 2 (rework, tightened) |
|---|---|---|---|
| 1 | SUP01 | accepted 03-03 | |
| 2 | SUP01 | rejected 03-10 | accepted 03-20 |
| 3 | SUP01 | accepted 03-31 23:59 | |
| 4 | SUP01 | accepted 04-01 00:00:30 (April) | |
| 5 | SUP01 | rejected 02-28 (February) | |
| 6 | SUP01 | still inspecting (no result) | |
| 7 | SUP02 (tightened) | rejected 03-15 | rejected 03-25 |

SUP03 is discontinued with no lot in the month; SUP04 has nothing and is on normal inspection.
"""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.choices import ReportKind
from reports.models import ReportRun
from reports.selectors import report_figures, report_scope
from reports.services import reportrun_build
from suppliers.choices import InspectionSeverity
from suppliers.models import Style, Supplier
from tests.factories.inspection import IncomingLotFactory, SampleInspectionFactory
from tests.factories.reports import ReportRunFactory
from tests.factories.stores import UserFactory
from tests.support.printed import pdf_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = dt.date(2025, 3, 1)


def at(month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def lots(demo):
    """The lots of the module docstring."""
    Supplier.objects.filter(code="SUP02").update(inspection_severity=InspectionSeverity.TIGHTENED)
    Supplier.objects.filter(code="SUP03").update(inspection_severity=InspectionSeverity.DISCONTINUED)

    def lot(code: str, *results: tuple[bool | None, dt.datetime | None]) -> None:
        row = IncomingLotFactory(style=Style.objects.filter(supplier__code=code).first())
        for round_, (accepted, when) in enumerate(results, start=1):
            SampleInspectionFactory(lot=row, round=round_, accepted=accepted, inspected_at=when)

    lot("SUP01", (True, at(3, 3)))
    lot("SUP01", (False, at(3, 10)), (True, at(3, 20)))
    lot("SUP01", (True, at(3, 31, 23, 59)))
    lot("SUP01", (True, at(4, 1, 0, 0, 30)))
    lot("SUP01", (False, at(2, 28)))
    lot("SUP01", (None, None))
    lot("SUP02", (False, at(3, 15)), (False, at(3, 25)))


def test_each_supplier_gets_its_pass_rate_lots_rejected_and_severity(lots):
    # when the supplier quality report's figures are computed for March
    ranking = {row["code"]: row for row in report_figures(ReportKind.SUPPLIER_QUALITY, MARCH)["ranking"]}
    # then SUP01: lots 1, 2, 3 on their original inspection, 2 accepted; lot 2 rejected once (its rework passed)
    one = ranking["SUP01"]
    assert (one["lots_inspected"], one["lots_accepted"], one["lots_rejected"]) == (3, 2, 1)
    assert (one["incoming_pass_rate"], one["severity"]) == ("66.7", "normal")
    # and its score: 60 × (1 − 0, no Returns) × 2/3 + 40 (nothing returned) = 80.0; February's lot 5: 0 + 40
    assert (one["score"], one["score_change"]) == ("80.0", "40.0")
    # SUP02: lot 7 counted once though both rounds failed; tightened; 60 × 0 + 40
    two = ranking["SUP02"]
    assert (two["lots_inspected"], two["lots_accepted"], two["lots_rejected"], two["incoming_pass_rate"]) == (
        1,
        0,
        1,
        "0.0",
    )
    assert (two["severity"], two["score"]) == ("tightened", "40.0")
    # SUP03 shows although it had nothing this month: discontinued; no lot inspected leaves the score whole
    three = ranking["SUP03"]
    assert (three["severity"], three["lots_inspected"], three["incoming_pass_rate"], three["score"]) == (
        "discontinued",
        0,
        None,
        "100.0",
    )
    # SUP04, on normal inspection with nothing in the month, is not in the report
    assert "SUP04" not in ranking
    assert [row["code"] for row in sorted(ranking.values(), key=lambda row: row["rank"])] == ["SUP03", "SUP01", "SUP02"]


def test_a_supplier_user_sees_only_its_own_lots(lots):
    user = UserFactory(roles=["supplier_user"], suppliers=[Supplier.objects.get(code="SUP02")])
    ranking = report_figures(ReportKind.SUPPLIER_QUALITY, MARCH, report_scope(user))["ranking"]
    assert [(row["code"], row["lots_rejected"], row["severity"]) for row in ranking] == [("SUP02", 1, "tightened")]


def test_the_figures_take_a_fixed_number_of_queries(lots, django_assert_max_num_queries):
    with django_assert_max_num_queries(18):
        report_figures(ReportKind.SUPPLIER_QUALITY, MARCH)
    for _ in range(5):
        IncomingLotFactory(style=Style.objects.filter(supplier__code="SUP04").first())
        SampleInspectionFactory(lot=IncomingLotFactory(), accepted=False, inspected_at=at(3, 5))
    with django_assert_max_num_queries(18):
        report_figures(ReportKind.SUPPLIER_QUALITY, MARCH)


def test_the_page_pdf_and_xlsx_show_them(lots, browser_as):
    # given the built report
    run = ReportRunFactory(kind=ReportKind.SUPPLIER_QUALITY, period=MARCH)
    reportrun_build(run_id=run.pk)
    run = ReportRun.objects.get(pk=run.pk)
    client = browser_as("qa1")
    # when QA opens the page / then the three figures per supplier, and how the score uses them
    body = client.get(reverse("reports:reportrun_detail", args=[run.pk])).content.decode()
    row = body.split('data-supplier="SUP01"')[1].split("</tr>")[0]
    assert "66.7% (2/3)" in row and 'data-testid="lots-rejected">1<' in row and "正常检验" in row
    row = body.split('data-supplier="SUP03"')[1].split("</tr>")[0]
    assert "暂停检验" in row
    assert "大货抽检合格率" in body

    # and the PDF and the XLSX carry them
    def download(kind: str) -> bytes:
        response = client.get(reverse("reports:reportrun_download", args=[run.pk, kind]))
        assert response.status_code == 200
        return b"".join(response.streaming_content) if response.streaming else response.content

    text = pdf_text(download("pdf"))
    assert "大货合格率" in text and "加严检验" in text and "暂停检验" in text and "66.7" in text
    workbook = load_workbook(io.BytesIO(download("xlsx")))
    rows = [[cell.value for cell in row] for sheet in workbook for row in sheet.iter_rows()]
    header = next(row for row in rows if "大货合格率 Incoming pass %" in row)
    sup01 = next(row for row in rows if "SUP01" in row)
    assert sup01[header.index("大货合格率 Incoming pass %")] in (66.7, "66.7")
    assert sup01[header.index("不合格批 Lots rejected")] == 1
    assert sup01[header.index("检验严格度 Severity")] == "正常检验"
