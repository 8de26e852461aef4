"""The one PDF renderer (WeasyPrint) and what the paper documents share: restricted fetching, long tables, formats.

``render_pdf`` is the one WeasyPrint entry point of the project (the documents themselves, 扣款单, 报损单,
报废清单 and the monthly reports, are laid out by their apps' ``documents`` modules):

- A4 pages in Simplified Chinese (``Noto Sans CJK SC`` from fonts-noto-cjk), print CSS from
  ``static/pdf/``, the company header from settings, a ``第 N 页 / 共 M 页`` footer from CSS counters.
- WeasyPrint fetches nothing but the project's own static files: ``StaticOnlyURLFetcher`` serves
  ``{% static %}`` URLs from the staticfiles finders or ``STATIC_ROOT`` (no path traversal) and
  ``data:`` URLs, and refuses everything else (http, https, ftp, ``file://`` outside the static
  folders) without opening a connection or a file. User text is autoescaped by the templates.
- Output is deterministic: no creation date is written (WeasyPrint dates a PDF only from a
  ``dcterms.created`` meta, which the templates never carry), the PDF identifier is derived from
  the content, and every date printed comes from the document, never from the clock. An issued
  statement's PDF is stored with its SHA-256, so two renders of the same statement are
  byte-identical (tested).

The documents are official forms filed on paper in China, so they are rendered in Simplified
Chinese whatever the viewer's language: their labels are fixed Chinese form text with an English
gloss in the templates (not gettext), and choice labels come from fixed tables (``label``). That also
keeps an issued document's bytes independent of who issued it in which UI language.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from aftersales.display import display_name, format_document_date
from aftersales.money import format_money

logger = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"
#: Relative URLs in a template resolve against this origin. ``.invalid`` is reserved (RFC 2606): the
#: name never resolves, and the fetcher answers it from the static folders without any network.
INTERNAL_ORIGIN = "https://aftersales.invalid"
DEFAULT_BASE_URL = INTERNAL_ORIGIN + "/"


def label(table: dict, choices: type[models.TextChoices], value: str) -> str:
    """A choice's Chinese label as the paper forms print it: the fixed table's wording, else the choice's own
    label in Simplified Chinese. Never the stored code: a value the table misses (a choice added later) still
    prints as words (tests/reports/test_document_choices.py renders every value of every choice)."""
    if value in table:
        return table[value]
    if value in choices.values:
        with translation.override("zh-hans"):
            return str(choices(value).label)
    return value


class RefusedURL(ValueError):
    """A URL the PDF renderer may not fetch (WeasyPrint logs it and leaves the resource out)."""


def _static_roots() -> list[Path]:
    """Every folder static files are served from: STATICFILES_DIRS, the apps' ``static/``, STATIC_ROOT."""
    roots: list[Path] = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _static_prefixes(base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """The absolute URL prefixes a template's ``{% static %}`` URLs resolve to against ``base_url``."""
    static_url = settings.STATIC_URL or "/static/"
    return [urljoin(base_url, static_url if "://" in static_url else "/" + static_url.lstrip("/"))]


def resolve_static(relative: str) -> Path | None:
    """The file a static path names, or None: found by the staticfiles finders, else under STATIC_ROOT.

    Refuses absolute paths and any ``..``: a resolved file must sit inside one of the static folders.
    """
    relative = unquote(relative)
    parts = Path(relative).parts
    if not relative or relative.startswith(("/", "\\")) or ".." in parts or "\x00" in relative:
        return None
    candidates = []
    found = finders.find(relative)
    if found:
        candidates.append(Path(found))
    if settings.STATIC_ROOT:
        candidates.append(Path(settings.STATIC_ROOT) / relative)
    roots = _static_roots()
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_file() and any(resolved.is_relative_to(root) for root in roots):
            return resolved
    return None


class StaticOnlyURLFetcher(URLFetcher):
    """WeasyPrint's fetcher restricted to the project's own static files and ``data:`` URLs.

    Anything else raises ``RefusedURL`` before any socket or file is opened; WeasyPrint then logs a
    warning and renders without the resource. ``refused`` keeps the URLs turned away (for tests and logs).
    """

    def __init__(self, *, base_url: str = DEFAULT_BASE_URL, **kwargs: Any) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False, **kwargs)
        # Static URLs under the caller's base URL (a site's own address) are read from disk too,
        # never requested over the network.
        self.prefixes = sorted({*_static_prefixes(), *_static_prefixes(base_url)})
        self.refused: list[str] = []
        self.served: list[str] = []

    def _refuse(self, url: str, why: str) -> RefusedURL:
        self.refused.append(url)
        logger.warning("PDF rendering refused to fetch %s: %s", url[:200], why)
        return RefusedURL(f"{why}: {url[:200]}")

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path))
            resolved = path.resolve()
            if not any(resolved.is_relative_to(root) for root in _static_roots()) or not resolved.is_file():
                raise self._refuse(url, "not a static file of the project")
            return self._serve(url, resolved)
        for prefix in self.prefixes:
            if url.startswith(prefix):
                relative = urlsplit(url[len(prefix) :]).path
                found = resolve_static(relative)
                if found is None:
                    raise self._refuse(url, "no such static file")
                return self._serve(url, found)
        raise self._refuse(url, "only the project's static files may be fetched")

    def _serve(self, url: str, path: Path) -> URLFetcherResponse:
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render a ``templates/pdf/`` template to A4 PDF bytes with the restricted fetcher (see the module)."""
    context = {
        "company_name": settings.AFTERSALES_COMPANY_NAME,
        "company_address": getattr(settings, "AFTERSALES_COMPANY_ADDRESS", ""),
        "company_phone": getattr(settings, "AFTERSALES_COMPANY_PHONE", ""),
        **context,
    }
    # The forms are Chinese whatever the viewer's language (module docstring); number and date
    # formatting then follow zh-hans too, so the bytes never depend on the request.
    with translation.override("zh-hans"):
        html = render_to_string(template_name, context)
        base_url = base_url or DEFAULT_BASE_URL
        document = HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyURLFetcher(base_url=base_url))
        return document.write_pdf()


# --- Long tables -----------------------------------------------------------------
#
# WeasyPrint spends most of a long table's time on per-cell work: computing styles, building and
# laying out a block box per <td>, drawing it. A 5,000-line statement laid out one <td> per value
# took four times the CPU and 834 MiB against 269 (bench/RESULTS.md). So the lines are printed as "stacked"
# rows: one <tr> per LINES_PER_CHUNK lines, each <td> holding one column's values for those lines,
# one per visual line (``white-space: pre-line``). WeasyPrint splits such rows across pages and
# repeats the <thead> as usual. For the columns to stay aligned every value must take exactly the
# lines we decide, so values are wrapped here, conservatively, from the font's advance widths, and
# the shorter cells of a line are padded with no-break spaces (an empty line could collapse).
# Several narrow columns share one cell, set in the monospaced face of the same font (every ASCII
# character half an em, an ideograph one em) with every column a whole number of half ems wide: the
# no-break spaces then put each value exactly at its own column's start (``_merge_fields``). In the
# proportional face they could only come within half a space of it, a step of 1–1.5 pt from row to row.

LINES_PER_CHUNK = 40
#: Size of the lines tables' text and the height of one visual line (static/pdf/document.css).
TABLE_FONT_PT = 8.5
CELL_PADDING_MM = 1.0
PT_PER_MM = 72 / 25.4
#: The shared cell's grid: half an em of the table font, the advance of every ASCII character (and of the
#: no-break space) in Noto Sans Mono CJK SC. Every column is a whole number of it wide.
GRID_PT = TABLE_FONT_PT / 2
#: Pango must never wrap a line we measured as fitting: keep a margin for rounding and fallbacks.
WIDTH_SAFETY = 0.92
#: Advance widths (1/1000 em) of printable ASCII in Noto Sans CJK SC Regular, U+0020..U+007E.
#: Everything else counts as a full em, as wide as an ideograph, which it never exceeds in this font.
ASCII_WIDTHS = (
    224, 323, 474, 555, 555, 921, 680, 278, 338, 338, 467, 555, 278, 347, 278, 392, 555, 555, 555, 555,
    555, 555, 555, 555, 555, 555, 278, 278, 555, 555, 555, 474, 946, 608, 657, 638, 688, 589, 552, 689,
    728, 293, 535, 646, 543, 812, 723, 742, 633, 742, 635, 596, 599, 721, 575, 878, 573, 531, 603, 338,
    392, 338, 555, 559, 606, 563, 618, 510, 620, 554, 325, 564, 607, 275, 275, 552, 284, 926, 610, 606,
    620, 620, 388, 468, 377, 607, 521, 802, 498, 521, 475, 338, 270, 338, 555,
)  # fmt: skip
NBSP = "\u00a0"
NBSP_WIDTH = ASCII_WIDTHS[0] / 1000  # the same advance as a space in this font


@dataclass(frozen=True)
class PdfColumn:
    """A column of a lines table: its header, width on paper, alignment."""

    header: str
    width_mm: float
    right: bool = False

    @property
    def width_pt(self) -> float:
        """The width on paper: ``width_mm`` to the nearest whole number of ``GRID_PT``."""
        return max(1, round(self.width_mm * PT_PER_MM / GRID_PT)) * GRID_PT

    @property
    def width_em(self) -> float:
        return self.width_pt / TABLE_FONT_PT

    @property
    def capacity(self) -> float:
        """How many ems of text fit on one visual line of this column."""
        usable_pt = self.width_pt - 2 * CELL_PADDING_MM * PT_PER_MM
        return usable_pt / TABLE_FONT_PT * WIDTH_SAFETY


def char_width(char: str) -> float:
    code = ord(char)
    if 32 <= code < 127:
        return ASCII_WIDTHS[code - 32] / 1000
    return 1.0


def text_width(text: str) -> float:
    return sum(char_width(char) for char in text)


def wrap_text(text: str, capacity: float, *, mono: bool = False) -> list[str]:
    """``text`` as visual lines no wider than ``capacity`` ems (in the monospaced face if ``mono``).

    Whitespace collapses as ``pre-line`` collapses it; a Latin word is moved whole to the next line
    when it fits there, ideographs break anywhere (as Chinese is set).
    """
    measure = mono_width if mono else text_width
    lines: list[str] = []
    for paragraph in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        current, width = "", 0.0
        for char in " ".join(paragraph.split()):
            advance = measure(char)
            if current and width + advance > capacity:
                if char == " ":
                    lines.append(current)
                    current, width = "", 0.0
                    continue
                space = current.rfind(" ")
                tail = current[space + 1 :]
                if space > 0 and char.isascii() and tail.isascii() and measure(tail) + advance <= capacity:
                    lines.append(current[:space])
                    current = tail
                else:
                    lines.append(current.rstrip())
                    current = ""
                width = measure(current)
            current += char
            width += advance
        lines.append(current.rstrip())
    return lines


def mono_width(text: str) -> float:
    """Width in ems in Noto Sans Mono CJK SC: ASCII and the no-break space half an em, the rest (ideographs,
    full-width punctuation) one em; the few narrower non-ASCII signs count as wide, which is safe for wrapping."""
    return sum(0.5 if char.isascii() or char == NBSP else 1.0 for char in text)


def _merge_fields(fields: Sequence[str], columns: Sequence[PdfColumn]) -> str:
    """One visual line of several narrow columns printed in one monospaced cell, each field padded with
    no-break spaces (half an em each) to exactly where its own column starts (a whole number of half ems)."""
    text, width, offset = "", 0.0, 0.0
    last = max((index for index, field in enumerate(fields) if field), default=-1)
    for index, (field, column) in enumerate(zip(fields, columns, strict=True)):
        if index > last:
            break
        if index:
            gap = max(round((offset - width) / 0.5), 1)
            text += NBSP * gap
            width += gap * 0.5
        text += field
        width += mono_width(field)
        offset += column.width_em
    return text


def stacked_chunks(rows: Iterable[Sequence[Any]], columns: Sequence[PdfColumn], *, merged: int = 1) -> list[list[str]]:
    """Rows of values as chunks of stacked cells: ``[[cell 1 text, cell 2 text, ...], ...]``.

    Each chunk covers up to LINES_PER_CHUNK rows; a row takes as many visual lines as its tallest
    wrapped value, and the other cells of that row are padded to the same count. The first
    ``merged`` columns (short, left-aligned values such as numbers and codes) share one cell: every
    cell costs WeasyPrint a line box per visual line, so fewer cells per line is the main saving.
    """
    merged = max(merged, 1)
    cell_count = len(columns) - merged + 1
    chunks: list[list[str]] = []
    cells: list[list[str]] = [[] for _ in range(cell_count)]
    count = 0
    for row in rows:
        wrapped = [
            wrap_text("" if value is None else value, column.capacity, mono=index < merged)
            for index, (value, column) in enumerate(zip(row, columns, strict=True))
        ]
        height = max(len(lines) for lines in wrapped)
        padded = [lines + [""] * (height - len(lines)) for lines in wrapped]
        if merged > 1:
            padded[:merged] = [
                [_merge_fields(fields, columns[:merged]) for fields in zip(*padded[:merged], strict=True)]
            ]
        for cell_lines, lines in zip(cells, padded, strict=True):
            cell_lines.extend(line or NBSP for line in lines)
        count += 1
        if count == LINES_PER_CHUNK:
            chunks.append(["\n".join(lines) for lines in cells])
            cells, count = [[] for _ in range(cell_count)], 0
    if count:
        chunks.append(["\n".join(lines) for lines in cells])
    return chunks


def lines_table(rows: Iterable[Sequence[Any]], columns: Sequence[PdfColumn], *, merged: int = 1) -> dict:
    """What ``templates/pdf/_lines.html`` prints: column headers and widths, and the stacked chunks
    as ``(text, css class, colspan)`` cells (the first spans the ``merged`` columns)."""
    merged = max(merged, 1)
    layout = [("m", merged)] + [("r" if column.right else "", 1) for column in columns[merged:]]
    return {
        "columns": [(column.header, f"{column.width_pt:g}pt", "r" if column.right else "") for column in columns],
        "table_width": f"{sum(column.width_pt for column in columns):g}pt",
        "chunks": [
            [(text, css, span) for text, (css, span) in zip(chunk, layout, strict=True)]
            for chunk in stacked_chunks(rows, columns, merged=merged)
        ],
    }


# --- Shared formatting --------------------------------------------------------


def money(amount: Decimal | None) -> str:
    """An amount as printed in the tables: ``¥1,757.50``; negative amounts keep their minus sign."""
    return "" if amount is None else format_money(amount)


def period_text(period: dt.date) -> str:
    return f"{period.year}年{period.month}月"


def date_text(value: dt.date | dt.datetime | None) -> str:
    """A date (a datetime shown on its Shanghai calendar day) as ``2026年11月23日``; empty for None."""
    return format_document_date(value)


def person(user) -> str:
    return display_name(user)


def total_of(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of a document's amounts (0.00 for none)."""
    return sum(amounts, Decimal("0.00"))
