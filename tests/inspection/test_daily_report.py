"""The daily inspection report 抽检日报: lots inspected, accepted and rejected by supplier on a chosen Shanghai day,
as a page for the technicians, QA and logistics, an XLSX and an A4 PDF; its empty day, its bad input, who may read
it, and its fixed query count."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inspection.models import SampleInspection
from tests.support.incoming import inspect, register
from tests.support.printed import flat, page_size_mm, pdf_text

pytestmark = pytest.mark.django_db

URL = reverse("inspection:daily_report")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def day_of_lots():
    """Today: SUP01 one lot accepted, one rejected; SUP02 one accepted; a SUP01 lot registered but not inspected."""
    accepted = inspect(register())
    rejected = inspect(register(), major=8)
    other = inspect(register(supplier="SUP02", style="226201TS003"))
    register()
    return accepted, rejected, other


def cells(body: str, supplier: str) -> tuple[str, str, str]:
    row = body.split(f'data-supplier="{supplier}"', 1)[1].split("</tr>", 1)[0]
    return tuple(
        row.split(f'data-col="{name}">', 1)[1].split("<", 1)[0] for name in ("inspected", "accepted", "rejected")
    )


def test_the_day_by_supplier_on_the_page(browser_as, demo):
    accepted, rejected, other = day_of_lots()
    response = browser_as("qa1").get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert cells(body, "SUP01") == ("2", "1", "1")
    assert cells(body, "SUP02") == ("1", "1", "0")
    assert cells(body, "total") == ("3", "2", "1")
    for lot in (accepted, rejected, other):
        assert f'data-lot="{lot.number}"' in body
    assert body.count("data-lot=") == 3  # the lot not yet inspected is not in it
    assert "66.7 %" in body  # 2 of 3 accepted


def test_the_default_day_is_today_in_shanghai(browser_as, demo):
    response = browser_as("tech1").get(URL)
    assert response.context["day"] == timezone.localdate()
    assert response.context["day"] == dt.datetime.now(SHANGHAI).date()


def test_the_day_is_the_shanghai_calendar_day(browser_as, demo):
    """An inspection at 23:30 Shanghai belongs to that day; one at 00:10 the next day (still the day before in UTC)
    belongs to the next."""
    late, early = inspect(register()), inspect(register(), major=8)
    day = dt.date(2026, 11, 17)
    SampleInspection.objects.filter(lot=late).update(inspected_at=dt.datetime(2026, 11, 17, 23, 30, tzinfo=SHANGHAI))
    SampleInspection.objects.filter(lot=early).update(inspected_at=dt.datetime(2026, 11, 18, 0, 10, tzinfo=SHANGHAI))
    client = browser_as("logistics1")
    first = client.get(URL, {"day": day.isoformat()}).content.decode()
    second = client.get(URL, {"day": "2026-11-18"}).content.decode()
    assert f'data-lot="{late.number}"' in first and f'data-lot="{early.number}"' not in first
    assert f'data-lot="{early.number}"' in second and f'data-lot="{late.number}"' not in second
    assert cells(first, "total") == ("1", "1", "0") and cells(second, "total") == ("1", "0", "1")


def test_a_day_without_inspections_says_so(browser_as, demo):
    inspect(register())
    response = browser_as("qa1").get(URL, {"day": "2020-01-06"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="empty-state"' in body and "data-lot=" not in body
    assert "2020" in body  # the day shown


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"day": "2026-13-45"}, "day", "2026-13-45"),
        ({"day": "yesterday"}, "day", "yesterday"),
        ({"day": "2026-1-5"}, "day", "YYYY-MM-DD"),
        ({"day": "20261117"}, "day", "YYYY-MM-DD"),
        ({"format": "docx"}, "format", "xlsx"),
    ],
)
def test_a_bad_day_or_format_is_a_400_that_says_what_is_wrong(browser_as, demo, query, field, words):
    response = browser_as("qa1").get(URL, query)
    assert response.status_code == 400
    body = response.content.decode()
    message = body.split(f'data-field="{field}">', 1)[1].split("</div>", 1)[0]
    assert words in message
    assert "data-lot=" not in body


def test_a_nul_in_the_day_is_refused_before_the_report_is_read(browser_as, demo):
    response = browser_as("qa1").get(URL, {"day": "2026-11-17\x00"})
    assert response.status_code == 400
    assert "Null characters" in response.content.decode() or "空字符" in response.content.decode()


def test_the_xlsx_has_the_figures_by_supplier_and_every_lot(browser_as, demo):
    accepted, rejected, other = day_of_lots()
    response = browser_as("logistics1").get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    today = timezone.localdate()
    assert f"daily-inspection-{today:%Y-%m-%d}.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    by_supplier, lots = workbook.worksheets
    rows = [
        row for row in by_supplier.iter_rows(values_only=True) if row and row[0] in ("SUP01", "SUP02", "合计 Total")
    ]
    assert [row[0] for row in rows] == ["SUP01", "SUP02", "合计 Total"]
    assert [row[2:5] for row in rows] == [(2, 1, 1), (1, 1, 0), (3, 2, 1)]
    assert float(rows[2][6]) == pytest.approx(66.7)
    numbers = {row[0] for row in lots.iter_rows(values_only=True) if row and str(row[0]).startswith("IL-")}
    assert numbers == {accepted.number, rejected.number, other.number}


def test_the_pdf_is_an_a4_page_with_the_figures(browser_as, demo):
    day_of_lots()
    response = browser_as("tech1").get(URL, {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    width, height = page_size_mm(response.content)
    assert round(width) == 210 and round(height) == 297
    text = flat(pdf_text(response.content))
    assert "抽检日报" in text and "SUP01" in text and "SUP02" in text
    assert "66.7%" in text  # 2 of 3 accepted, in the facts and on the total row
    assert "合计Total" in text


def test_an_empty_day_still_downloads(browser_as, demo):
    client = browser_as("qa1")
    workbook = load_workbook(io.BytesIO(client.get(URL, {"day": "2020-01-06", "format": "xlsx"}).content))
    totals = [row for row in workbook.worksheets[0].iter_rows(values_only=True) if row and row[0] == "合计 Total"]
    assert totals[0][2:5] == (0, 0, 0)
    assert "当日无抽检" in flat(pdf_text(client.get(URL, {"day": "2020-01-06", "format": "pdf"}).content))


@pytest.mark.parametrize(
    ("username", "status"),
    [
        (None, 302),
        ("store1", 403),
        ("region1", 403),
        ("hotline1", 403),
        ("finance1", 403),
        ("supplier1", 403),
        ("vp1", 403),
        ("tech1", 200),
        ("qa1", 200),
        ("logistics1", 200),
    ],
)
@pytest.mark.parametrize("fmt", ["", "xlsx", "pdf"])
def test_who_may_read_the_daily_report(client, browser_as, demo, username, status, fmt):
    query = {"format": fmt} if fmt else {}
    response = (browser_as(username) if username else client).get(URL, query)
    assert response.status_code == status
    if status == 302:
        assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("username", "shown"), [("qa1", True), ("tech1", True), ("logistics1", True), ("store1", False), ("vp1", False)]
)
def test_the_menu_links_the_report_for_its_readers(browser_as, demo, username, shown):
    body = browser_as(username).get(reverse("home")).content.decode()
    assert (f'href="{URL}"' in body) is shown


def test_the_page_reads_in_a_fixed_number_of_queries(browser_as, demo):
    client = browser_as("qa1")
    inspect(register())
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    inspect(register(supplier="SUP02", style="226201TS003"))
    for _ in range(3):
        inspect(register(), major=8)
    with CaptureQueriesContext(connection) as five:
        assert client.get(URL).status_code == 200
    assert len(five) == len(one), [query["sql"] for query in five.captured_queries]
