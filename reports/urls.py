"""The month end's pages: each views module lists its own URL patterns."""

from reports.views import chargebacks, runs, writeoffs

app_name = "reports"

urlpatterns = [*writeoffs.urlpatterns, *chargebacks.urlpatterns, *runs.urlpatterns]
