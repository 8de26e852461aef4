"""The KPI page 绩效 and the service star 服务之星: QA and the production VP see everyone; a hotline agent or a
technician sees their own row and who the month's star is (quality.selectors.kpis)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from aftersales.exports.xlsx import XLSX_CONTENT_TYPE, XlsxColumn, XlsxSheet, write_workbook
from aftersales.periods import current_period, parse_period, previous_period
from quality.selectors import kpis


def _period(request):
    raw = request.GET.get("period")
    if not raw:
        return previous_period(), None
    try:
        period = parse_period(raw)
    except ValidationError as error:
        return previous_period(), error.messages[0]
    if period > current_period():
        return previous_period(), _("%(period)s has not begun yet; pick this month or an earlier one.") % {
            "period": raw}  # fmt: skip
    return period, None


def _role_label(role: str) -> str:
    return _("Hotline agent") if role == kpis.AGENT else _("Technician")


def _value(value):
    return None if value is None else float(value)


@login_required
def kpi_view(request):
    if kpis.kpi_viewer_scope(request.user) is None:
        raise Http404
    period, error = _period(request)
    data = kpis.kpi_month(request.user, period)
    if request.GET.get("export") == "xlsx":
        return _xlsx(period, data)
    trend = data["trend"]
    charts = {
        "star_score": {"type": "line", "labels": trend["labels"], "values": trend["star_score"],
                       "label": str(_("Star score")), "max": 100},
        "resolution_rate": {"type": "line", "labels": trend["labels"], "values": trend["resolution_rate"],
                            "label": str(_("Resolution rate (%)")), "max": 100},
        "satisfaction": {"type": "line", "labels": trend["labels"], "values": trend["satisfaction"],
                         "label": str(_("Satisfaction (1–5)")), "max": 5},
        "handled": {"type": "bar", "labels": trend["labels"], "values": trend["handled"],
                    "label": str(_("Handled")), "integer": True},
    }  # fmt: skip
    return render(request, "quality/kpi.html", {
        "title": _("KPIs and service star"),
        "period": period,
        "period_error": error,
        "rows": [(row, _role_label(row.role)) for row in data["rows"]],
        "star": data["star"],
        "star_role": _role_label(data["star"].role) if data["star"] else "",
        "everyone": data["scope"] == "all",
        "weights": kpis.STAR_WEIGHTS,
        "penalty": kpis.STAR_REPEAT_PENALTY,
        "min_handled": kpis.STAR_MIN_HANDLED,
        "repeat_days": kpis.repeat_repair_days(),
        "charts": charts,
    })  # fmt: skip


def _xlsx(period, data) -> HttpResponse:
    columns = [
        XlsxColumn(_("Name"), 20),
        XlsxColumn(_("Role"), 14),
        XlsxColumn(_("Handled"), 10),
        XlsxColumn(_("First response / work on time (%)"), 14),
        XlsxColumn(_("Resolution rate (%)"), 12),
        XlsxColumn(_("Satisfaction (1–5)"), 12),
        XlsxColumn(_("Ratings"), 10),
        XlsxColumn(_("Repeat repairs"), 10),
        XlsxColumn(_("Star score"), 10),
        XlsxColumn(_("Service star"), 10),
    ]
    rows = [[row.name, _role_label(row.role), row.handled, _value(row.on_time_share), _value(row.resolution_rate),
             _value(row.satisfaction), row.ratings, row.repeat_repairs, float(row.star_score),
             "★" if row.star else ""] for row in data["rows"]]  # fmt: skip
    sheet = XlsxSheet(title=f"{period:%Y-%m}", columns=columns, rows=rows,
                      title_rows=[[_("KPIs and service star") + f" {period:%Y-%m}"]])  # fmt: skip
    response = HttpResponse(
        write_workbook([sheet], title=f"KPI {period:%Y-%m}", created=period), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="kpi-{period:%Y-%m}.xlsx"'
    return response
