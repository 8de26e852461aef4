"""Shared views: the scoped, filterable, exportable list every list page is built on, and the home page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from aftersales.exports import XLSX_CONTENT_TYPE, Column, xlsx_bytes
from aftersales.roles import role_labels, view_permission

logger = logging.getLogger(__name__)


class ScopedListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """A list page: rows from the app's selector (so only what the user may see),
    narrowed by the app's FilterSet (the one the API uses too), paginated, and
    downloadable as XLSX with ``?export=xlsx`` using the same columns.
    """

    template_name = "aftersales/object_list.html"
    paginate_by = 50
    selector: Callable[..., QuerySet]  # wrap in staticmethod()
    filterset_class: type
    columns: list[Column]
    title: Any = ""
    export_name = "export"
    raise_exception = False

    def get_permission_required(self):
        return [view_permission(self.filterset_class._meta.model)]

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            # A role that may not see this list at all: 403, not a login loop.
            self.raise_exception = True
        return super().handle_no_permission()

    def get_queryset(self) -> QuerySet:
        queryset = self.selector(self.request.user)
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return queryset.none()
        return self.filterset.qs

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def export_xlsx(self) -> HttpResponse:
        rows = self.get_queryset().iterator(chunk_size=2000)
        content = xlsx_bytes(title=str(self.title), columns=self.columns, rows=rows)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.export_name}-{stamp}.xlsx"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context.update(
            title=self.title,
            filter=self.filterset,
            columns=self.columns,
            rows=[(row, [column.display(row) for column in self.columns]) for row in context["object_list"]],
            query_string=query.urlencode(),
            is_filtered=any(value for key, value in self.request.GET.items() if key not in {"page", "export"}),
        )
        return context


class HomeView(LoginRequiredMixin, TemplateView):
    """The start page: who you are, what you may do, and the data you can reach."""

    template_name = "aftersales/home.html"

    def get_context_data(self, **kwargs):
        from aftersales.context_processors import master_data_links

        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["role_labels"] = role_labels(user)
        context["master_data"] = [{**link, "count": link["selector"](user).count()} for link in master_data_links(user)]
        return context


def healthz(request):
    """Liveness and database check for load balancers and docker-compose health checks."""
    from django.db import connection
    from django.http import JsonResponse

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        # The reason goes to the log, not to the probe: it can name hosts and users.
        logger.exception("Health check: the database is unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})
