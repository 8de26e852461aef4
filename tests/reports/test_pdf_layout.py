"""The look of the month-end PDFs, read back with ``pdftotext -bbox``: columns that line up to the point from row
to row, 说明 without the return number again, no running header under the title, level signature lines, a
revised statement's adjusted amounts explained, numbers right-aligned in the reports."""

import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest

from chargebacks import documents as chargeback_documents
from chargebacks.choices import ChargebackLineKind, StatementState
from reports.choices import ReportKind
from reports.documents import report_pdf
from reports.models import ReportRun
from suppliers.choices import Responsibility
from tests.factories.chargebacks import ChargebackLineFactory, ChargebackStatementFactory
from tests.factories.stores import StoreFactory, UserFactory
from tests.factories.suppliers import StyleFactory, SupplierFactory
from tests.factories.writeoffs import (
    LossReportFactory,
    ScrapPendingReturnFactory,
    WriteOffLineFactory,
    WriteOffListFactory,
)
from writeoffs import documents as writeoff_documents
from writeoffs.choices import WriteOffListState

pytestmark = pytest.mark.django_db

TOLERANCE_PT = 0.2


def test_the_fonts_the_pdfs_are_laid_out_in_are_installed():
    # given the system's fonts (fonts-noto-cjk, README *Two commands*): without them Chinese prints as boxes and the
    # shared cell's monospaced grid falls back to another face, so every column below moves from row to row
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, check=True, text=True).stdout
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    # then both faces the print CSS names are there
    assert {"Noto Sans CJK SC", "Noto Sans Mono CJK SC"} <= families, "apt-get install fonts-noto-cjk"


def words(data: bytes, tmp_path, *, page: int | None = None) -> list[dict]:
    """Every word with its box, in points: ``{"text", "x", "x_end", "y", "page"}``."""
    path = tmp_path / "layout.pdf"
    path.write_bytes(data)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    html = subprocess.run(["pdftotext", "-bbox", *pages, str(path), "-"], capture_output=True, check=True).stdout
    found, number = [], (page or 1) - 1
    for chunk in html.decode().split("<page ")[1:]:
        number += 1
        for x, y, x_end, _y_end, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', chunk
        ):
            found.append({"text": text, "x": float(x), "x_end": float(x_end), "y": float(y), "page": number})
    return found


def starts(found: list[dict], texts) -> list[float]:
    """The left edge of each of ``texts`` (each printed once)."""
    wanted = list(texts)
    xs = [word["x"] for text in wanted for word in found if word["text"] == text]
    assert len(xs) == len(wanted), (wanted, xs)
    return xs


def assert_aligned(xs: list[float], what: str) -> None:
    assert max(xs) - min(xs) <= TOLERANCE_PT, f"{what} steps {max(xs) - min(xs):.2f} pt: {xs}"


def mixed_statement(lines: int = 24):
    """A statement whose lines differ in every way that moved the columns: one- and two-digit numbers, every
    kind, references and style numbers of different widths, years, descriptions of one and several lines."""
    supplier = SupplierFactory(code="SUPLAY", name="佛山排版测试服饰")
    statement = ChargebackStatementFactory(
        supplier=supplier, state=StatementState.ISSUED, period=dt.date(2026, 10, 1), number="CB-202610-042"
    )
    kinds = ChargebackLineKind.values
    for index in range(lines):
        style = StyleFactory(
            style_no=["W1", "226101JK", "MMMM-88", "iil"][index % 4] + f"{index:02d}", supplier=supplier
        )
        ChargebackLineFactory(
            statement=statement,
            kind=kinds[index % len(kinds)],
            return_item__style=style,
            production_year=[2019, 2025, 2024][index % 3],
            description="面料起球，" * (index % 5) + f"黑/{['S', 'XXL', 'M'][index % 3]}",
            amount=Decimal("1.05") * (10 ** (index % 5)),
            position=index,
        )
    return statement


def test_every_column_of_a_statement_stands_at_the_same_x_on_every_row(tmp_path):
    # given a statement whose rows differ in width in every column
    statement = mixed_statement()
    lines = list(statement.lines.order_by("position"))

    # when it is rendered and the words' positions read back
    found = words(chargeback_documents.chargeback_pdf(statement), tmp_path)

    # then each column's values start at one x (within 0.2 pt), under their header
    columns = {
        "款号": [line.style_no for line in lines],
        "退货/寄送单号": [line.return_item.number for line in lines],
        "生产年份": [str(line.production_year) for line in lines[:3]],
    }
    for header, texts in columns.items():
        xs = starts(found, texts) if header != "生产年份" else [w["x"] for w in found if w["text"] in texts]
        assert_aligned(xs, header)
        header_x = next(word["x"] for word in found if word["text"] == header)
        assert abs(min(xs) - header_x) <= TOLERANCE_PT, (header, header_x, xs)
    kinds = [w["x"] for w in found if w["text"] in chargeback_documents.KIND_LABELS.values()]
    assert len(kinds) == len(lines)
    assert_aligned(kinds, "类别")
    descriptions = [w["x"] for w in found if w["text"].startswith(("黑/", "面料起球"))]
    assert_aligned(descriptions, "说明")
    # and the amounts end at one x
    amounts = [w["x_end"] for w in found if w["text"].startswith("¥") and w["y"] < 700 and w["text"] != "¥"]
    assert_aligned(amounts[: len(lines)], "金额")


def test_every_column_of_a_writeoff_list_stands_at_the_same_x_on_every_row(tmp_path):
    supplier = SupplierFactory(code="SUPWOL", name="宁波排版制衣厂")
    stores = [StoreFactory(code=f"SWL{index}", name=name) for index, name in enumerate(["杭州西湖店", "上海店"])]
    writeoff_list = WriteOffListFactory(period=dt.date(2026, 9, 1), state=WriteOffListState.SUBMITTED)
    for index in range(14):
        value = Responsibility.values[index % len(Responsibility.values)]
        WriteOffLineFactory(
            writeoff_list=writeoff_list,
            return_item=ScrapPendingReturnFactory(
                store=stores[index % 2],
                responsibility=value,
                style=StyleFactory(style_no=["W1", "226101JK", "iil"][index % 3] + f"{index:02d}"),
            ),
            supplier=supplier if value == Responsibility.SUPPLIER else None,
            unit_cost=Decimal("9.5") * (10 ** (index % 4)),
        )
    lines = list(writeoff_list.lines.order_by("id"))

    found = words(writeoff_documents.writeofflist_pdf(writeoff_list), tmp_path)

    assert_aligned(starts(found, [line.return_item.number for line in lines]), "退货单号")
    assert_aligned(starts(found, [line.style_no for line in lines]), "款号")
    labels = set(writeoff_documents.RESPONSIBILITY_LABELS.values())
    # 供应商 is also the header; the rows' labels are the words below it
    header_y = next(word["y"] for word in found if word["text"] == "责任")
    assert_aligned([w["x"] for w in found if w["text"] in labels and w["y"] > header_y + 1], "责任")
    assert_aligned([w["x"] for w in found if w["text"] in {"杭州西湖店", "上海店"}], "专卖店")
    costs = [w["x_end"] for w in found if w["text"].startswith("¥") and w["y"] > header_y + 1]
    assert_aligned(costs[: len(lines)], "成本")


def test_the_description_does_not_repeat_the_return_number_and_an_adjusted_line_says_why(tmp_path):
    # given a revised statement (version 2) with a line whose amount finance adjusted, with a reason
    statement = mixed_statement(lines=3)
    line = statement.lines.order_by("position")[1]
    line.description = f"{line.return_item.number} 黑/M"
    line.built_amount, line.amount = Decimal("250.00"), Decimal("180.00")
    line.adjustment_reason = "按协议单价调整"
    line.save()

    # when it is rendered
    text = "".join(word["text"] for word in words(chargeback_documents.chargeback_pdf(statement), tmp_path))

    # then the return number is printed once (its own column), and the original amount and the reason are there
    assert text.count(line.return_item.number) == 1
    assert "原金额¥250.00" in text and "调整原因：按协议单价调整" in text and "¥180.00" in text


def test_the_running_header_is_not_repeated_under_the_title_of_the_first_page(tmp_path):
    # given a statement long enough for two pages
    statement = mixed_statement(lines=70)
    data = chargeback_documents.chargeback_pdf(statement)

    # then the first page names the document once (under the title), the next ones in the running header
    first = "".join(word["text"] for word in words(data, tmp_path, page=1))
    second = "".join(word["text"] for word in words(data, tmp_path, page=2))
    assert first.count("扣款单CB-202610-042第1版") == 1
    assert first.count("售后服务中心") == 1
    assert "扣款单CB-202610-042第1版" in second


@pytest.mark.parametrize("document", ["chargeback", "lossreport"])
def test_the_signature_lines_stand_level(tmp_path, document):
    if document == "chargeback":
        statement = mixed_statement(lines=2)
        statement.issued_by = UserFactory(first_name="王会计")
        statement.save()
        data = chargeback_documents.chargeback_pdf(statement)
    else:
        store = StoreFactory(code="SSIG1", name="南京新街口店")
        writeoff_list = WriteOffListFactory(period=dt.date(2026, 9, 1), state=WriteOffListState.APPROVED)
        WriteOffLineFactory(
            writeoff_list=writeoff_list,
            return_item=ScrapPendingReturnFactory(store=store, responsibility=Responsibility.STORE),
        )
        report = LossReportFactory(writeoff_list=writeoff_list, party_type="store", store=store)
        data = writeoff_documents.lossreport_pdf(report)

    found = words(data, tmp_path)

    # the signature lines start with 签字 or 日期 (the preparer's box)
    ys = [w["y"] for w in found if w["text"].startswith(("签字", "日期Date", "日期"))]
    ys = [y for y in ys if y > min(ys) - 1]
    assert len(ys) >= 2
    assert max(ys) - min(ys) <= TOLERANCE_PT, ys


def test_numbers_in_the_report_tables_are_right_aligned(tmp_path):
    # given a scrap report whose rows have counts and costs of different widths
    figures = {
        "turnaround_days": 15,
        "totals": {"units": 91753, "cost": "99999.00"},
        "by_supplier": [
            {"code": "SUP01", "name": "甲", "units": 37, "cost": "5.00"},
            {"code": "SUP02", "name": "乙", "units": 482, "cost": "1234.50"},
            {"code": "SUP03", "name": "丙", "units": 91234, "cost": "98759.50"},
        ],
    }
    run = ReportRun(kind=ReportKind.SCRAP, period=dt.date(2026, 9, 1))

    found = words(report_pdf(run, figures), tmp_path)

    # then the counts end at one x and so do the costs, while they start at different ones
    counts = [w for w in found if w["text"] in {"37", "482", "91234"}]
    costs = [w for w in found if w["text"] in {"¥5.00", "¥1,234.50", "¥98,759.50"}]
    assert len(counts) == 3 and len(costs) == 3
    assert_aligned([w["x_end"] for w in counts], "件数")
    assert_aligned([w["x_end"] for w in costs], "成本")
    assert max(w["x"] for w in counts) - min(w["x"] for w in counts) > 5
