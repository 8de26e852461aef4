from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from aftersales.health import readyz
from aftersales.inbox import LanguageForgettingLogoutView, LanguageRestoringLoginView
from aftersales.views import HomeView, healthz


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page links; send them to the SVG icon rather than a 404.
    return HttpResponseRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("healthz/", healthz, name="healthz"),
    # Readiness: the database, Redis and a Celery worker (aftersales/health.py); answered by the middleware first.
    path("readyz/", readyz, name="readyz"),
    path("accounts/login/", LanguageRestoringLoginView.as_view(), name="login"),
    path("accounts/logout/", LanguageForgettingLogoutView.as_view(), name="logout"),
    # The inbox, and the language switch that remembers the choice (before Django's own at the same address).
    path("", include("aftersales.inbox")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Photos uploaded on selection, kept across a failed form (aftersales/uploads.py).
    path("", include("aftersales.uploads")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("aftersales.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script, so the CSP holds there too.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("master-data/", include("stores.urls")),
    path("master-data/", include("suppliers.urls")),
    path("", include("repairs.urls")),
    path("", include("cases.urls")),
    path("", include("inspection.urls")),
    path("", include("recalls.urls")),
    path("", include("servicedesk.urls")),
    path("", include("customerview.urls")),
    path("", include("quality.urls")),
    path("month-end/", include("writeoffs.urls")),
    path("month-end/", include("chargebacks.urls")),
    path("month-end/", include("reports.urls")),
    path("month-end/", include("messaging.urls")),
]

# Under /api/ these answer JSON ({"detail": ...}); elsewhere the branded HTML pages (aftersales/errors.py).
handler400 = "aftersales.errors.bad_request"
handler403 = "aftersales.errors.permission_denied"
handler404 = "aftersales.errors.page_not_found"
handler500 = "aftersales.errors.server_error"
