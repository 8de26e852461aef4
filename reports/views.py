"""Pages of the monthly reports 月度报表: the runs with their live progress, each report in the browser, downloads.

Every role holding ``reports.view_reportrun`` sees the list of runs; the
figures inside are cut to the viewer (``reports.selectors.report_scope``):
the service center reads the stored figures of the whole brand and downloads
the stored PDF and XLSX; a store's staff, a region manager or a supplier's
users see the same report computed for their own stores or supplier, and
download it as an XLSX of those figures only (the center's PDF, which shows
every store and supplier, is not theirs). Builds on demand and retries are
the center's. Runs that are queued or running poll their progress every two
seconds (htmx) until they finish.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View

from aftersales.exports import XLSX_CONTENT_TYPE, Column
from aftersales.fsm import TransitionError
from aftersales.roles import has_role_permission
from aftersales.ui.views import ScopedListView
from reports.choices import ReportKind, ReportRunStatus
from reports.documents import report_tables, report_xlsx
from reports.filters import ReportRunFilter
from reports.forms import ReportRunRequestForm
from reports.kinds import parts_usage, quality_summary, service_desk
from reports.models import ReportRun
from reports.selectors import report_figures, report_scope, reportrun_list, reportrun_newest, reportrun_versions
from reports.services import may_rebuild, may_request_reports, reportrun_rebuild, reportrun_request, reportrun_retry
from suppliers.choices import InspectionSeverity, Responsibility

VIEW_PERMISSION = "reports.view_reportrun"
ACTIVE = (ReportRunStatus.QUEUED, ReportRunStatus.RUNNING)
STATUS_BADGES = {
    ReportRunStatus.QUEUED: "secondary",
    ReportRunStatus.RUNNING: "primary",
    ReportRunStatus.DONE: "success",
    ReportRunStatus.FAILED: "danger",
}
# The reports that keep their page's labels and charts in their own module (``reports.kinds``).
KIND_MODULES = {
    ReportKind.SERVICE_DESK: service_desk,
    ReportKind.PARTS_USAGE: parts_usage,
    ReportKind.QUALITY_SUMMARY: quality_summary,
}
# How many defect codes the "top defect codes" chart shows.
TOP_DEFECT_BARS = 10


def run_for(request, pk: int) -> ReportRun:
    """The run through the selector: 403 for a role without the reports, 404 for no such run."""
    if not has_role_permission(request.user, VIEW_PERMISSION):
        raise PermissionDenied
    return get_object_or_404(reportrun_list(request.user), pk=pk)


def figures_for(user, run: ReportRun) -> dict | None:
    """The figures this user may read: the stored ones for the center, the user's own cut for everyone else."""
    if run.status != ReportRunStatus.DONE:
        return None
    scope = report_scope(user)
    if scope.everything:
        return run.data
    return report_figures(run.kind, run.period, scope)


def defect_name(row: dict) -> str:
    """A defect code's name from a report row, in the active language (English falls back to Chinese)."""
    if (get_language() or "").startswith("en"):
        return row.get("name_en") or row.get("name_zh") or ""
    return row.get("name_zh") or ""


def chart_data(kind: str, figures: dict) -> dict:
    """What the page's charts draw (static/js/reports.js): labels and values, money as numbers of yuan."""
    charts: dict = {}
    if kind in KIND_MODULES:
        return KIND_MODULES[kind].charts(figures, _)
    if kind == ReportKind.SCRAP:
        charts["supplier_cost"] = {
            "type": "bar",
            "label": _("Scrap cost (CNY)"),
            "labels": [row["code"] for row in figures.get("by_supplier", [])],
            "values": [float(row["cost"]) for row in figures.get("by_supplier", [])],
        }
        coded = [row for row in figures.get("by_defect", []) if row["code"]][:TOP_DEFECT_BARS]
        charts["top_defects"] = {
            "type": "bar",
            "horizontal": True,
            "integer": True,
            "label": _("Units scrapped"),
            # The defect's name in the reader's language only (never "D07 污渍 Stain or dirt").
            "labels": [f"{row['code']} {defect_name(row)}".strip() for row in coded],
            "values": [row["units"] for row in coded],
        }
    elif kind == ReportKind.SUPPLIER_QUALITY:
        ranking = figures.get("ranking", [])
        charts["supplier_cost"] = {
            "type": "bar",
            "label": _("Scrap cost (CNY)"),
            "labels": [row["code"] for row in ranking],
            "values": [float(row["scrap_cost"]) for row in ranking],
        }
        charts["supplier_score"] = {
            "type": "bar",
            "label": _("Score"),
            "labels": [row["code"] for row in ranking],
            "values": [float(row["score"]) for row in ranking],
            "max": 100,
        }
    else:
        trend = figures.get("trend", [])
        charts["trend"] = {
            "type": "line",
            "label": _("On-time share (%)"),
            "labels": [row["period"] for row in trend],
            "values": [float(row["on_time_share"]) if row["on_time_share"] is not None else None for row in trend],
            "max": 100,
        }
    return charts


def progress_context(request, run: ReportRun, *, where: str = "list") -> dict:
    return {
        "run": run,
        "badge": STATUS_BADGES.get(run.status, "secondary"),
        "polling": run.status in ACTIVE,
        "where": where,
        "may_retry": run.status == ReportRunStatus.FAILED and may_request_reports(request.user),
    }


class ReportRunListView(ScopedListView):
    """The runs, newest month first, with the on-demand build form for the service center."""

    # Each period's newest version; the older ones are listed on the report's page.
    selector = staticmethod(reportrun_newest)
    filterset_class = ReportRunFilter
    template_name = "reports/reportrun_list.html"
    title = gettext_lazy("Monthly reports")
    export_name = "report-runs"
    columns = [
        Column(gettext_lazy("Report"), "get_kind_display"),
        Column(gettext_lazy("Month"), "period_label"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Progress (%)"), "progress"),
        Column(gettext_lazy("Started at"), "started_at"),
        Column(gettext_lazy("Finished at"), "finished_at"),
        Column(gettext_lazy("Attempts"), "attempts"),
    ]
    request_form: ReportRunRequestForm | None = None

    def get_permission_required(self):
        return [VIEW_PERMISSION]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_request"] = may_request_reports(user)
        context["request_form"] = self.request_form or ReportRunRequestForm()
        context["runs"] = [progress_context(self.request, run) for run in context["object_list"]]
        return context


def request_message(run: ReportRun, created: bool) -> tuple[int, str]:
    """What the request says, read after the request: a run may already be built (a worker, or the eager
    test setup, may finish it before the page is drawn), and "queued" above "done 100 %" contradicts itself."""
    run.refresh_from_db(fields=["status", "progress"])
    if run.status == ReportRunStatus.DONE:
        if created:
            return messages.SUCCESS, _("%(run)s is built.") % {"run": run}
        return messages.INFO, _(
            "%(run)s was built before; here it is. If the month's figures have changed since, build it again as a "
            "new version."
        ) % {"run": run}
    if run.status == ReportRunStatus.FAILED:
        return messages.WARNING, _("%(run)s failed; see the error below and build it again.") % {"run": run}
    if created:
        return messages.SUCCESS, _("%(run)s is queued; it builds in the background.") % {"run": run}
    return messages.INFO, _("%(run)s was requested before and is still being built.") % {"run": run}


class ReportRunRequestView(LoginRequiredMixin, View):
    """POST: request a build for a kind and month; answers the existing run when the month was built already."""

    http_method_names = ["post"]

    def post(self, request):
        if not has_role_permission(request.user, VIEW_PERMISSION):
            raise PermissionDenied
        form = ReportRunRequestForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                run, created = reportrun_request(
                    kind=form.cleaned_data["kind"], period=form.cleaned_data["period"], user=request.user
                )
            except TransitionError as error:
                form.add_error(None, error.message)
                status = error.status
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.add_message(request, *request_message(run, created))
                return HttpResponseRedirect(reverse("reports:reportrun_detail", args=[run.pk]))
        # The list page again, with the form's errors.
        view = ReportRunListView()
        view.setup(request)
        view.request_form = form
        view.object_list = view.get_queryset()
        return TemplateResponse(request, view.template_name, view.get_context_data(), status=status)


class ReportRunDetailView(LoginRequiredMixin, View):
    """One report in the browser: its progress while it builds, then its tables and charts and downloads."""

    template_names = {
        ReportKind.SCRAP: "reports/reportrun_scrap.html",
        ReportKind.SUPPLIER_QUALITY: "reports/reportrun_supplier_quality.html",
        ReportKind.TURNAROUND: "reports/reportrun_turnaround.html",
        ReportKind.SERVICE_DESK: "reports/reportrun_service_desk.html",
        ReportKind.PARTS_USAGE: "reports/reportrun_parts_usage.html",
        ReportKind.QUALITY_SUMMARY: "reports/reportrun_quality_summary.html",
    }

    def get(self, request, pk: int):
        run = run_for(request, pk)
        figures = figures_for(request.user, run)
        scope = report_scope(request.user)
        if figures and run.kind == ReportKind.SCRAP:
            labels = dict(Responsibility.choices)
            for row in figures.get("by_responsibility", []):
                row["label"] = labels.get(row["responsibility"], row["responsibility"] or "—")
        if figures and run.kind == ReportKind.SUPPLIER_QUALITY:
            severities = dict(InspectionSeverity.choices)
            for row in figures.get("ranking", []):
                row["severity_label"] = severities.get(row.get("severity"), row.get("severity") or "—")
        if figures and run.kind in KIND_MODULES:
            KIND_MODULES[run.kind].decorate(figures)
        context = {
            "title": str(run),
            "run": run,
            "figures": figures,
            "charts": chart_data(run.kind, figures) if figures else {},
            # The parts report's page shows its paper tables (bilingual headers, as in its PDF and XLSX).
            "tables": report_tables(run.kind, figures) if figures and run.kind == ReportKind.PARTS_USAGE else [],
            "progress": progress_context(request, run, where="detail"),
            "center_view": scope.everything,
            "pdf_available": scope.everything and bool(run.pdf),
            "xlsx_available": figures is not None and (bool(run.xlsx) or not scope.everything),
            "versions": list(reportrun_versions(request.user, run)),
            "may_rebuild": may_rebuild(run, request.user),
        }
        return TemplateResponse(request, self.template_names[run.kind], context)


class ReportRunProgressView(LoginRequiredMixin, View):
    """The run's status and progress bar (htmx polls it every 2 s while the run is queued or running).

    The answer for a finished run carries no polling trigger, so polling stops;
    on the report's own page a finished run reloads the page to show the figures.
    """

    def get(self, request, pk: int):
        run = run_for(request, pk)
        where = "detail" if request.GET.get("where") == "detail" else "list"
        response = TemplateResponse(
            request, "reports/partials/_reportrun_progress.html", progress_context(request, run, where=where)
        )
        if where == "detail" and run.status not in ACTIVE and request.GET.get("was") in ACTIVE:
            response["HX-Refresh"] = "true"
        return response


class ReportRunRetryView(LoginRequiredMixin, View):
    """POST: queue a failed run again (409 unless it failed, 403 outside the service center)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        run = run_for(request, pk)
        try:
            run = reportrun_retry(run=run, user=request.user)
        except TransitionError as error:
            if request.htmx:
                context = {**progress_context(request, run), "alert": error.message}
                return TemplateResponse(
                    request, "reports/partials/_reportrun_progress.html", context, status=error.status
                )
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("reports:reportrun_detail", args=[run.pk]))
        if request.htmx:
            context = progress_context(request, run)
            return TemplateResponse(request, "reports/partials/_reportrun_progress.html", context)
        messages.success(request, _("%(run)s is queued again.") % {"run": run})
        return HttpResponseRedirect(reverse("reports:reportrun_detail", args=[run.pk]))


class ReportRunRebuildView(LoginRequiredMixin, View):
    """POST: build a done report again as a new version, keeping the old one (the center, the newest version)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        run = run_for(request, pk)
        try:
            rebuilt = reportrun_rebuild(run=run, user=request.user)
        except TransitionError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("reports:reportrun_detail", args=[run.pk]))
        messages.add_message(request, *rebuild_message(rebuilt))
        return HttpResponseRedirect(reverse("reports:reportrun_detail", args=[rebuilt.pk]))


def rebuild_message(run: ReportRun) -> tuple[int, str]:
    run.refresh_from_db(fields=["status"])
    if run.status == ReportRunStatus.DONE:
        return messages.SUCCESS, _("Version %(version)s is built; the earlier versions are kept.") % {
            "version": run.version
        }
    return messages.SUCCESS, _("Version %(version)s is queued; the earlier versions are kept.") % {
        "version": run.version
    }


def run_download(request, run: ReportRun, fmt: str) -> HttpResponse:
    """The center's stored file, or for a store or supplier user an XLSX of its own figures (no PDF).

    Shared by the page and the API: 404 while the run is not done, 403 for the
    PDF outside the center.
    """
    if run.status != ReportRunStatus.DONE:
        raise Http404(_("This report has not been built yet."))
    scope = report_scope(request.user)
    filename = f"report-{run.kind}-{run.period_label}.{fmt}"
    if scope.everything:
        stored = run.pdf if fmt == "pdf" else run.xlsx
        if not stored:
            raise Http404
        try:
            handle = stored.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404 from error
        content_type = "application/pdf" if fmt == "pdf" else XLSX_CONTENT_TYPE
        response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=filename)
        response["X-Checksum-SHA256"] = run.pdf_sha256 if fmt == "pdf" else run.xlsx_sha256
        return response
    if fmt == "pdf":
        raise PermissionDenied(_("The full report is for the service center; download your figures as XLSX."))
    figures = report_figures(run.kind, run.period, scope)
    content = report_xlsx(run, figures, title_suffix=f" ({_('your figures')})")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="report-{run.kind}-{run.period_label}-mine.xlsx"'
    return response


class ReportRunDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int, fmt: str):
        if fmt not in ("pdf", "xlsx"):
            raise Http404
        return run_download(request, run_for(request, pk), fmt)
