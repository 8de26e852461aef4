"""The reports app's ``/api/v1/`` routes: its router and extra paths, which aftersales.api.urls gathers."""

from rest_framework.routers import SimpleRouter

from reports.api.views import ReportRunViewSet

router = SimpleRouter()
router.register("reports", ReportRunViewSet, basename="reportrun")

urlpatterns = []
