"""The inspection app's ``/api/v1/`` routes: its router and extra paths, which aftersales.api.urls gathers."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from inspection.api.views import IncomingLotViewSet, InspectionReportViewSet, SamplingPlanView

router = SimpleRouter()
router.register("inspections", InspectionReportViewSet, basename="inspectionreport")
router.register("incoming-lots", IncomingLotViewSet, basename="incominglot")

urlpatterns = [path("sampling-plan/", SamplingPlanView.as_view(), name="sampling_plan")]
