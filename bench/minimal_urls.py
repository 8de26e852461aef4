"""The benchmark's baselines: minimal scoped pages of the same rows, served through the same stack.

Each does what any scoped list must (session, login, the user's scope, one
query for the rows and their store and style) and renders the rows in a bare
table or JSON, with none of the product's page (layout, menu, filters, badges,
pagination). The issue's target is the real page's p95 at most 2× these.
"""

import json
import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.template import engines
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from aftersales.models import TransitionLog
from cases.choices import ReturnState
from cases.models import Return

ROWS = engines["django"].from_string(
    "<table>{% for row in rows %}<tr><td>{{ row.number }}</td><td>{{ row.store.code }}</td>"
    "<td>{{ row.style.style_no }}</td><td>{{ row.color }}</td><td>{{ row.size }}</td>"
    "<td>{{ row.get_state_display }}</td><td>{{ row.due_at }}</td><td>{{ row.created_at }}</td></tr>"
    "{% endfor %}</table>"
)
DETAIL = engines["django"].from_string(
    "<h1>{{ item.number }}</h1><p>{{ item.store.code }} {{ item.style.style_no }} {{ item.get_state_display }}</p>"
    "<ol>{% for entry in log %}<li>{{ entry.at }} {{ entry.actor }} {{ entry.transition }}</li>{% endfor %}</ol>"
)


def _visible(request):
    return Return.objects.visible_to(request.user).select_related("store", "style")


@login_required
def store_list(request):
    return HttpResponse(ROWS.render({"rows": _visible(request).order_by("-id")[:50]}, request))


@login_required
def inspection_queue(request):
    rows = _visible(request).filter(state=ReturnState.RECEIVED).order_by("due_at", "id")[:50]
    return HttpResponse(ROWS.render({"rows": rows}, request))


@login_required
def api_list(request):
    rows = _visible(request).order_by("-id")
    if "before" in request.GET:
        rows = rows.filter(id__lte=int(request.GET["before"]))
    fields = ("id", "number", "state", "store__code", "style__style_no", "shipped_at", "due_at", "returned_at")
    return JsonResponse({"results": list(rows.values(*fields)[:50])})


@login_required
def detail(request, pk):
    item = _visible(request).get(pk=pk)
    log = TransitionLog.objects.for_object(item).select_related("actor")
    return HttpResponse(DETAIL.render({"item": item, "log": log}, request))


@login_required
def api_detail(request, pk):
    fields = ("id", "number", "state", "store__code", "style__style_no", "color", "size", "shipped_at", "due_at")
    return JsonResponse(_visible(request).values(*fields).get(pk=pk))


@csrf_exempt
@login_required
def api_create(request, pk):
    """A bare insert (``make bench-load``'s ceiling for logging a Return): the body read, Return ``pk`` copied
    under a fresh number, its id answered; no validation, numbering, log or notification."""
    body = json.loads(request.body or b"{}")
    item = _visible(request).get(pk=pk)
    item.pk = None
    item.number = "MB-" + uuid.uuid4().hex[:16]
    item.color = body.get("color", item.color)
    item.save(force_insert=True)
    return JsonResponse({"id": item.pk, "number": item.number}, status=201)


urlpatterns = [
    path("bench/minimal/api/returns/<int:pk>/", api_detail),
    path("bench/minimal/api/returns/<int:pk>/copy/", api_create),
    path("bench/minimal/returns/", store_list),
    path("bench/minimal/inspection/", inspection_queue),
    path("bench/minimal/api/returns/", api_list),
    path("bench/minimal/returns/<int:pk>/", detail),
    path("", include("aftersales.urls")),
]
