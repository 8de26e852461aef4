"""The writeoffs app's ``/api/v1/`` routes: its router and extra paths, which aftersales.api.urls gathers."""

from rest_framework.routers import SimpleRouter

from writeoffs.api.views import LossReportViewSet, WriteOffListViewSet

router = SimpleRouter()
router.register("writeoff-lists", WriteOffListViewSet, basename="writeofflist")
router.register("loss-reports", LossReportViewSet, basename="lossreport")

urlpatterns = []
