"""The inspection app's ``/api/v1/`` routes: its router and extra paths, which aftersales.api.urls gathers."""

from rest_framework.routers import SimpleRouter

from inspection.api.views import InspectionReportViewSet

router = SimpleRouter()
router.register("inspections", InspectionReportViewSet, basename="inspectionreport")

urlpatterns = []
