"""The stocktake 清点 pages: count a location's spare parts on a tablet, or upload the count as XLSX, and read a
posted stocktake back (its report). Writes go through ``repairs.services.stocktake_post``."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import load_workbook

from aftersales.exports.xlsx import INTEGER_FORMAT, XLSX_CONTENT_TYPE, XlsxColumn, XlsxSheet, write_workbook
from aftersales.fsm import TransitionError
from cases.permissions import is_technician
from repairs import services
from repairs.models import CENTER, MAX_STOCK, PartStock, SparePart
from repairs.selectors import stocktake_get
from stores.access import scope_for
from stores.models import Store

MAX_UPLOAD_ROWS = 2000
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def countable_locations(user) -> list[tuple[str, str]]:
    """The locations the user may count, as (code, label): technicians the center and every store, a store's
    staff its own stores."""
    stores = Store.objects.filter(active=True).order_by("code")
    if is_technician(None, user):
        return [(CENTER, _("Service center"))] + [(store.code, f"{store.code} {store.name}") for store in stores]
    own = stores.filter(pk__in=sorted(scope_for(user).staff_store_ids))
    return [(store.code, f"{store.code} {store.name}") for store in own]


#: The count sheet's columns (``StocktakeSheetView``): the upload reads part_no, counted and reason by their
#: header, so the reference columns (name, unit, book stock) may stay in the file.
SHEET_HEADERS = ("part_no", "name", "unit", "book", "counted", "reason")


def rows_from_xlsx(data: bytes) -> list[tuple[str, str, str]]:
    """(part_no, counted, reason) from the first sheet of an XLSX whose first row holds the headers ``part_no``,
    ``counted`` and ``reason`` (in any column, other columns ignored). A row with no count is a part not counted
    and is left out, as on the tablet page."""
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError) as error:
        raise ValidationError({"workbook": [_("The file is not an Excel workbook (.xlsx).")]}) from error
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip().lower() for cell in next(rows, ())]
    if "part_no" not in header or "counted" not in header:
        raise ValidationError({"workbook": [_("The first row must be the headers part_no, counted, reason.")]})
    columns = [header.index(name) if name in header else None for name in ("part_no", "counted", "reason")]
    result = []
    for row in rows:
        cells = [*row]
        values = [
            "" if index is None or index >= len(cells) or cells[index] is None else str(cells[index]).strip()
            for index in columns
        ]
        if not values[1]:
            continue
        result.append((values[0], values[1], values[2]))
        if len(result) > MAX_UPLOAD_ROWS:
            raise ValidationError({"workbook": [_("At most %(count)s rows.") % {"count": MAX_UPLOAD_ROWS}]})
    return result


def parse_counts(rows: list[tuple[str, str, str]]) -> list[tuple[SparePart, int, str]]:
    """Entered (part_no, counted, reason) as the service takes them; every bad row named, or nothing."""
    parts = SparePart.objects.filter(active=True).in_bulk([part_no for part_no, _c, _r in rows], field_name="part_no")
    counts, problems = [], []
    for part_no, counted, reason in rows:
        part = parts.get(part_no)
        try:
            number = int(float(counted)) if counted not in ("", None) else None
        except ValueError:
            number = None
        if part is None:
            problems.append(_("unknown part “%(part)s”") % {"part": part_no})
        elif number is None or not 0 <= number <= MAX_STOCK or str(counted).strip() not in (str(number), f"{number}.0"):
            problems.append(
                _("%(part)s: the count is a whole number from 0 to %(max)s") % {"part": part_no, "max": MAX_STOCK}
            )
        else:
            counts.append((part, number, reason[:300]))
    if problems:
        raise ValidationError({"counts": problems})
    return counts


class StocktakeView(LoginRequiredMixin, View):
    """清点: every active part of one location with its book stock and a box for the count (a tablet page), or an
    XLSX of the count; only the parts given a count are posted, each difference with its reason."""

    template_name = "repairs/stocktake_form.html"

    def location(self, request):
        locations = countable_locations(request.user)
        if not locations:
            raise PermissionDenied
        code = request.GET.get("location") or locations[0][0]
        if code not in {known for known, _label in locations}:
            raise Http404
        return code, (None if code == CENTER else Store.objects.get(code=code)), locations

    def page(self, request, code, store, locations, *, errors=(), entered=None, status=200):
        book = book_stock(store)
        parts = [
            {"part": part, "book": book.get(part.pk, 0), **(entered or {}).get(part.part_no, {})}
            for part in SparePart.objects.filter(active=True).order_by("part_no")
        ]
        context = {"title": _("Stocktake"), "location": code, "locations": locations, "parts": parts, "errors": errors}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        code, store, locations = self.location(request)
        return self.page(request, code, store, locations)

    def post(self, request):
        code, store, locations = self.location(request)
        entered: dict[str, dict] = {}
        try:
            if "workbook" in request.FILES:
                upload = request.FILES["workbook"]
                if upload.size > MAX_UPLOAD_BYTES:
                    raise ValidationError({"workbook": [_("The file is larger than 2 MB; split it.")]})
                rows = rows_from_xlsx(upload.read())
            else:
                rows = []
                for part in SparePart.objects.filter(active=True).order_by("part_no"):
                    counted = request.POST.get(f"counted-{part.part_no}", "").strip()
                    reason = request.POST.get(f"reason-{part.part_no}", "").strip()
                    entered[part.part_no] = {"counted": counted, "reason": reason}
                    if counted:
                        rows.append((part.part_no, counted, reason))
            # Read straight from the post (no Django form to refuse it): PostgreSQL cannot store a NUL in text.
            if any("\x00" in value for _key, values in request.POST.lists() for value in values):
                raise ValidationError({"note": [_("Null characters are not allowed.")]})
            stocktake = services.stocktake_post(
                user=request.user, store=store, counts=parse_counts(rows), note=request.POST.get("note", "")[:300]
            )
        except ValidationError as error:
            problems = [message for messages_ in error.message_dict.values() for message in messages_]
            return self.page(request, code, store, locations, errors=problems, entered=entered, status=400)
        except TransitionError as error:
            return self.page(request, code, store, locations, errors=[str(error)], entered=entered, status=403)
        messages.success(request, _("The stocktake was posted; each difference is on the ledger."))
        return redirect("repairs:stocktake_detail", pk=stocktake.pk)


def book_stock(store) -> dict[int, int]:
    """Each part's book stock at the location (``store``; None: the service center), by part id."""
    if store is None:
        return dict(SparePart.objects.values_list("pk", "stock_quantity"))
    return dict(PartStock.objects.filter(store=store).values_list("part_id", "quantity"))


def count_sheet(code: str, store) -> bytes:
    """The count sheet 盘点表 of a location: every active part with its book stock and an empty count column, in
    the layout the upload reads back (``SHEET_HEADERS``)."""
    book = book_stock(store)
    parts = SparePart.objects.filter(active=True).order_by("part_no")
    sheet = XlsxSheet(
        title=f"清点 {code}",
        columns=[
            XlsxColumn("part_no", width=14),
            XlsxColumn("name", width=24),
            XlsxColumn("unit", width=6),
            XlsxColumn("book", width=8, number_format=INTEGER_FORMAT),
            XlsxColumn("counted", width=10, number_format=INTEGER_FORMAT),
            XlsxColumn("reason", width=30),
        ],
        rows=[(part.part_no, part.name, part.unit, book.get(part.pk, 0), None, None) for part in parts],
        wrap_header=False,
    )
    return write_workbook([sheet], title=f"清点 {code}", created=timezone.now(), deterministic=False)


class StocktakeSheetView(StocktakeView):
    """The count sheet 盘点表 to download (XLSX): the location's parts, book stock and an empty count column; filled
    in, it goes back through the page's upload unchanged in layout."""

    def get(self, request):
        code, store, _locations = self.location(request)
        response = HttpResponse(count_sheet(code, store), content_type=XLSX_CONTENT_TYPE)
        stamp = timezone.localtime().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="stocktake-{code}-{stamp}.xlsx"'
        return response

    http_method_names = ["get"]


class StocktakeDetailView(LoginRequiredMixin, View):
    """A posted stocktake: book stock, count, difference and reason of each part (the count's report)."""

    def get(self, request, pk):
        stocktake = stocktake_get(request.user, pk)
        return render(request, "repairs/stocktake_detail.html", {"title": _("Stocktake"), "stocktake": stocktake})
