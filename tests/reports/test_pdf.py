"""PDFs of the month-end documents (reports.pdf): content, page footer, repeated header, fetcher, escaping."""

import datetime as dt
import re
import socket
import subprocess
from decimal import Decimal

import pytest
import weasyprint.urls
from django.test import override_settings
from django.utils import timezone

from aftersales.exports import pdf
from aftersales.money import rmb_capital
from chargebacks import documents as chargeback_documents
from chargebacks.choices import ChargebackLineKind, StatementState
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
from writeoffs.choices import PartyType, WriteOffListState

ISSUED_AT = dt.datetime(2026, 11, 3, 10, 30, tzinfo=dt.UTC)


def pdf_text(data: bytes, tmp_path, *, page: int | None = None, raw: bool = False) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    mode = "-raw" if raw else "-layout"
    result = subprocess.run(["pdftotext", mode, *pages, str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode()


def flat(text: str) -> str:
    """The text without spaces: pdftotext drops the spaces between CJK characters (第 1 页 → 第1页)."""
    return "".join(text.split())


def page_count(data: bytes, tmp_path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def issued_statement(*, lines: int, supplier_name: str = "广州华美服装有限公司", **line_kwargs):
    supplier = SupplierFactory(code="SUPPDF", name=supplier_name)
    statement = ChargebackStatementFactory(
        supplier=supplier,
        state=StatementState.ISSUED,
        issued_at=ISSUED_AT,
        issued_by=UserFactory(username="finance_pdf", first_name="王会计"),
        number="CB-202610-007",
        period=dt.date(2026, 10, 1),
    )
    amounts = [Decimal("123.45") + index for index in range(lines)]
    for index, amount in enumerate(amounts):
        style = StyleFactory(style_no=f"PDF{index:04d}", supplier=supplier)
        ChargebackLineFactory(
            statement=statement,
            return_item__style=style,
            amount=amount,
            position=index,
            **line_kwargs,
        )
    statement.total = sum(amounts, Decimal("0.00"))
    statement.save()
    return statement


@pytest.mark.django_db
def test_chargeback_pdf_has_party_every_style_total_in_figures_and_words_and_page_footer(tmp_path):
    # given an issued statement of a supplier with 12 lines
    statement = issued_statement(lines=12)

    # when it is rendered
    data = chargeback_documents.chargeback_pdf(statement)

    # then the text shows the party's Chinese name, each style number and the total twice
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    assert "广州华美服装有限公司" in text
    for index in range(12):
        assert f"PDF{index:04d}" in text
    assert f"¥{statement.total:,.2f}" in text
    assert rmb_capital(statement.total) in text
    assert "扣款单" in flat(text)
    assert "CB-202610-007" in text and "第1版" in flat(text) and "2026年10月" in text and "2026年11月3日" in text
    assert "王会计" in text  # the preparer 制表人
    for label in ("制表人", "责任方签认", "财务部"):
        assert label in text
    # and a one-page document says so in its footer
    assert "第1页/共1页" in flat(text)
    # and an issued statement carries no draft watermark
    assert "DRAFT" not in text


@pytest.mark.django_db
def test_a_long_statement_repeats_the_column_header_on_every_page(tmp_path):
    # given a statement long enough for several pages
    statement = issued_statement(lines=90)

    # when it is rendered
    data = chargeback_documents.chargeback_pdf(statement)

    # then every page carries the table header and the footer counts the pages
    pages = page_count(data, tmp_path)
    assert pages >= 2
    assert f"第1页/共{pages}页" in flat(pdf_text(data, tmp_path, page=1))
    second = pdf_text(data, tmp_path, page=2)
    for header in ("序号", "款号", "说明", "生产年份", "金额"):
        assert header in second
    assert f"第2页/共{pages}页" in flat(second)
    # and the last line and the total are there
    text = pdf_text(data, tmp_path)
    assert "PDF0089" in text and rmb_capital(statement.total) in text


@pytest.mark.django_db
def test_a_draft_statement_carries_the_watermark(tmp_path):
    # given a draft
    statement = ChargebackStatementFactory(state=StatementState.DRAFT, party_type=PartyType.HQ)
    ChargebackLineFactory(statement=statement, kind=ChargebackLineKind.REPAIR, amount=Decimal("60.00"))

    # when it is rendered
    data = chargeback_documents.chargeback_pdf(statement)
    text = pdf_text(data, tmp_path)

    # then the watermark is on the page (in content order: the layout mode scatters the rotated glyphs)
    assert "DRAFT" in pdf_text(data, tmp_path, raw=True).split()
    # and the HQ party and the line's kind are printed
    assert "总公司" in text
    assert "维修费" in text


@pytest.mark.django_db
def test_two_renders_of_the_same_statement_are_byte_identical():
    # given an issued statement
    statement = issued_statement(lines=3)

    # when it is rendered twice, a second apart
    first = chargeback_documents.chargeback_pdf(statement)
    second = chargeback_documents.chargeback_pdf(statement)

    # then the bytes (and so the stored SHA-256) are the same, and no creation date is embedded
    assert first == second
    assert b"/CreationDate" not in first


@pytest.mark.django_db
def test_user_text_is_escaped_and_fetches_nothing(tmp_path, monkeypatch):
    # given a line whose description is markup with a remote image, a file URL and a script
    fetched, connections = [], []
    original = weasyprint.urls.URLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(weasyprint.urls.URLFetcher, "fetch", spy)
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kwargs: connections.append(args))
    evil = '<script>alert(1)</script><b>粗</b><img src="http://example.com/x.png"><img src="file:///etc/passwd">'
    statement = issued_statement(lines=1, description=evil)

    # when it is rendered
    text = pdf_text(chargeback_documents.chargeback_pdf(statement), tmp_path)

    # then the markup shows literally and nothing was fetched from outside
    assert "<script>alert(1)</script><b>粗</b>" in flat(text)
    assert "<imgsrc=" in flat(text)
    assert fetched == [] and connections == []


def test_the_fetcher_serves_static_files_and_data_and_refuses_everything_else():
    # given the restricted fetcher
    fetcher = pdf.StaticOnlyURLFetcher()

    # when the print CSS and a data URL are asked for, they are served
    css = fetcher.fetch(pdf.DEFAULT_BASE_URL + "static/pdf/document.css")
    assert b"@page" in css.read() and css.content_type == "text/css"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"

    # then remote URLs, file URLs outside static and traversal are refused
    refused = [
        "http://example.com/x.png",
        "https://example.com/x.css",
        "ftp://example.com/x",
        "file:///etc/passwd",
        pdf.DEFAULT_BASE_URL + "static/../../../../etc/passwd",
        pdf.DEFAULT_BASE_URL + "static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        pdf.DEFAULT_BASE_URL + "static/pdf/%2e%2e/%2e%2e/aftersales/exports/pdf.py",
        pdf.DEFAULT_BASE_URL + "static/pdf/missing.css",
        pdf.DEFAULT_BASE_URL + "etc/passwd",
        "https://aftersales.invalid.example.com/static/pdf/document.css",
    ]
    for url in refused:
        with pytest.raises(pdf.RefusedURL):
            fetcher.fetch(url)
    assert fetcher.refused == refused


def test_resolve_static_refuses_absolute_and_parent_paths():
    # given paths that leave the static folders
    # when / then
    assert pdf.resolve_static("pdf/document.css") is not None
    assert pdf.resolve_static("/etc/passwd") is None
    assert pdf.resolve_static("../manage.py") is None
    assert pdf.resolve_static("pdf/%2e%2e/%2e%2e/manage.py") is None


def test_a_template_that_links_outside_fetches_nothing(tmp_path, monkeypatch, settings):
    # given a template (not user text) that links a remote image, /etc/passwd and the print CSS
    templates = tmp_path / "templates" / "pdf"
    templates.mkdir(parents=True)
    (templates / "evil.html").write_text(
        '<html><head><link rel="stylesheet" href="/static/pdf/document.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head>'
        '<body><p>正文</p><img src="http://example.com/x.png"><img src="file:///etc/passwd"></body></html>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}]
    seen = []
    original_fetch = pdf.StaticOnlyURLFetcher.fetch

    def spy(self, url, headers=None):
        seen.append(self)
        return original_fetch(self, url, headers)

    monkeypatch.setattr(pdf.StaticOnlyURLFetcher, "fetch", spy)

    # when it is rendered
    data = pdf.render_pdf("pdf/evil.html", {})

    # then only the print CSS was served, the rest refused
    assert data.startswith(b"%PDF-")
    fetcher = seen[0]
    assert fetcher.served == [pdf.DEFAULT_BASE_URL + "static/pdf/document.css"]
    assert sorted(fetcher.refused) == sorted(["file:///etc/passwd", "file:///etc/passwd", "http://example.com/x.png"])


@pytest.mark.django_db
@override_settings(AFTERSALES_COMPANY_NAME="测试服饰 售后中心", AFTERSALES_COMPANY_ADDRESS="广州市天河区测试路1号")
def test_company_header_comes_from_settings(tmp_path):
    # given company settings
    statement = issued_statement(lines=1)

    # when the statement is rendered
    text = pdf_text(chargeback_documents.chargeback_pdf(statement), tmp_path)

    # then the header shows them
    assert "测试服饰 售后中心" in text and "广州市天河区测试路1号" in text


@pytest.mark.django_db
def test_loss_report_pdf_lists_the_partys_units_total_and_signature(tmp_path):
    # given an approved write-off list with two units of one store and one unit of another party
    store = StoreFactory(code="SPDF1", name="广州天河城店")
    other = StoreFactory(code="SPDF2", name="深圳万象城店")
    writeoff_list = WriteOffListFactory(
        period=dt.date(2026, 10, 1), state=WriteOffListState.APPROVED, approved_at=ISSUED_AT
    )
    for index, (unit_store, cost) in enumerate([(store, "80.00"), (store, "120.50"), (other, "99.00")]):
        WriteOffLineFactory(
            writeoff_list=writeoff_list,
            return_item=ScrapPendingReturnFactory(
                store=unit_store, responsibility="store", style=StyleFactory(style_no=f"LR{index:03d}")
            ),
            unit_cost=Decimal(cost),
        )
    report = LossReportFactory(
        writeoff_list=writeoff_list, party_type=PartyType.STORE, store=store, number="LR-202610-001"
    )

    # when its PDF is rendered
    text = pdf_text(writeoff_documents.lossreport_pdf(report), tmp_path)

    # then only the store's units, their total in figures and words, and the signature block are there
    assert "广州天河城店" in text and "LR-202610-001" in text and writeoff_list.number in text
    assert "LR000" in text and "LR001" in text and "LR002" not in text
    assert "¥200.50" in text and rmb_capital(Decimal("200.50")) in text
    assert "责任方签认" in text and "第1页/共1页" in flat(text)


@pytest.mark.django_db
def test_writeoff_list_pdf_shows_lines_approvals_and_destruction(tmp_path):
    # given a destroyed list approved by three people, with one removed line
    submitter = UserFactory(username="wo_tech", first_name="李技术")
    confirmer = UserFactory(username="wo_log", first_name="张物流")
    approver = UserFactory(username="wo_vp", first_name="陈副总")
    writeoff_list = WriteOffListFactory(
        period=dt.date(2026, 9, 1),
        state=WriteOffListState.DESTROYED,
        submitted_by=submitter,
        submitted_at=ISSUED_AT,
        confirmed_by=confirmer,
        confirmed_at=ISSUED_AT + dt.timedelta(days=1),
        approved_by=approver,
        approved_at=ISSUED_AT + dt.timedelta(days=2),
        destroyed_on=dt.date(2026, 11, 10),
        destruction_method="粉碎",
        warehouse_person="赵仓管",
        witness="孙行政",
        destruction_recorded_by=submitter,
    )
    WriteOffLineFactory(writeoff_list=writeoff_list, return_item__style=StyleFactory(style_no="WOL001"))
    WriteOffLineFactory(writeoff_list=writeoff_list, return_item__style=StyleFactory(style_no="WOL002"))
    WriteOffLineFactory(
        writeoff_list=writeoff_list,
        return_item__style=StyleFactory(style_no="WOLGONE"),
        removed_at=timezone.now(),
        removal_reason="下月处理",
    )

    # when its PDF is rendered
    text = pdf_text(writeoff_documents.writeofflist_pdf(writeoff_list), tmp_path)

    # then the live lines, the total and every approval and the destruction record are printed
    assert "WOL001" in text and "WOL002" in text and "WOLGONE" not in text
    assert "¥200.00" in text and rmb_capital(Decimal("200.00")) in text
    for name in ("李技术", "张物流", "陈副总", "赵仓管", "孙行政", "粉碎"):
        assert name in text
    assert "2026年11月3日" in text and "2026年11月5日" in text and "2026年11月10日" in text


@pytest.mark.parametrize(
    "text",
    [
        "拉链断裂，无法修复",
        "退货 <b>拉链损坏</b> 第0件 这是一个很长的描述需要换行因为它超过了栏宽 and some English words here for testing",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
        "line one\nline two\r\nline three",
        "",
    ],
)
def test_wrapped_values_fit_their_column_and_lose_no_text(text):
    # given a narrow and a wide column
    for column in (pdf.PdfColumn("款号", 25), pdf.PdfColumn("说明", 57)):
        # when a value is wrapped for it
        lines = pdf.wrap_text(text, column.capacity)

        # then every visual line fits and the words are all there, in order
        assert all(pdf.text_width(line) <= column.capacity for line in lines)
        assert "".join("".join(lines).split()) == "".join(text.split())


@pytest.mark.django_db
def test_a_wrapped_description_keeps_the_columns_of_every_line_aligned(tmp_path):
    # given a statement whose second line has a description of several visual lines
    long_description = "面料起球严重，" * 12 + "整件报废"
    statement = issued_statement(lines=3)
    second = statement.lines.order_by("position")[1]
    second.description = long_description
    second.save()

    # when it is rendered
    data = chargeback_documents.chargeback_pdf(statement)
    text = pdf_text(data, tmp_path)

    # then each line's style number and amount stand on the same printed line, after the long one too
    for index, line in enumerate(statement.lines.order_by("position")):
        printed = next(row for row in text.splitlines() if f"PDF{index:04d}" in row)
        assert f"¥{line.amount:,.2f}" in printed
    # and the whole description is printed (in content order a cell is one run of text; the production
    # year 2025 shares the description's first visual line)
    assert flat(pdf_text(data, tmp_path, raw=True)).replace("2025", "").count("面料起球严重，") == 12


@pytest.mark.django_db
def test_values_printed_in_the_shared_cell_start_under_their_own_column_header(tmp_path):
    # given a statement whose lines have references of different lengths (the first four columns share a cell)
    statement = issued_statement(lines=4)
    path = tmp_path / "statement.pdf"
    path.write_bytes(chargeback_documents.chargeback_pdf(statement))

    # when the words' positions are read back
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True).stdout
    words = [(float(x), word) for x, word in re.findall(r'<word xMin="([\d.]+)" [^>]*>([^<]*)</word>', html)]
    header_x = next(x for x, word in words if word == "款号")

    # then every style number starts within a millimetre of its column header
    style_xs = [x for x, word in words if word.startswith("PDF0")]
    assert len(style_xs) == 4
    assert all(abs(x - header_x) < 72 / 25.4 for x in style_xs), (header_x, style_xs)


def test_static_urls_under_the_callers_base_url_are_read_from_disk_and_nothing_else_is():
    # given a fetcher for a document rendered against the site's own address
    fetcher = pdf.StaticOnlyURLFetcher(base_url="http://testserver/")

    # when its static CSS is asked for, it is served from the static folders
    assert b"@page" in fetcher.fetch("http://testserver/static/pdf/document.css").read()

    # then other paths of that host (uploaded photos, pages) are refused
    for url in ("http://testserver/media/photo.png", "http://testserver/admin/", "http://testserver/static/x/../../m"):
        with pytest.raises(pdf.RefusedURL):
            fetcher.fetch(url)
