"""The home page and the health check; the shared list and transition views are in ``aftersales.ui.views``."""

from __future__ import annotations

import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from aftersales.roles import role_labels

logger = logging.getLogger(__name__)


class HomeView(LoginRequiredMixin, TemplateView):
    """The start page: who you are, what you may do, and the data you can reach."""

    template_name = "aftersales/home.html"

    def get_context_data(self, **kwargs):
        from aftersales.context_processors import master_data_links
        from aftersales.counts import count_all
        from aftersales.registry import home_tile_functions

        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["role_labels"] = role_labels(user)
        master_data = [{**link, "count": link["selector"](user)} for link in master_data_links(user)]
        # What waits for this user 待办, in the order the apps declare (AppConfig.home_tiles): the returns first.
        work_summary = [tile for tiles in home_tile_functions() for tile in tiles(user)]
        # Every count of the page in one query (issue 19): the tiles give QuerySets, counted here together.
        counts = count_all([entry["count"] for entry in [*work_summary, *master_data]])
        for entry, count in zip([*work_summary, *master_data], counts, strict=True):
            entry["count"] = count
        for tile in work_summary:
            tile["attention"] = bool(tile["attention"]) and tile["count"] > 0
        context["master_data"] = master_data
        context["work_summary"] = work_summary
        return context


def home_tile(label: str, count, url_name: str, query: str = "", attention: bool = True) -> dict:
    """One home-page tile: a count of what waits, linking to the list that shows it, marked when not zero.

    ``count`` is a QuerySet (or a list of QuerySets to add up, or a number): the home page counts every tile's
    rows in one query (``aftersales.counts.count_all``), then marks the tile (``attention``) when it is not zero.
    """
    from django.urls import reverse

    return {
        "label": label,
        "count": count,
        "url": reverse(url_name) + (f"?{query}" if query else ""),
        "attention": attention,
    }


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
