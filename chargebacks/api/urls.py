"""The chargebacks app's ``/api/v1/`` routes: its router and extra paths, which aftersales.api.urls gathers."""

from rest_framework.routers import SimpleRouter

from chargebacks.api.views import ChargebackStatementViewSet

router = SimpleRouter()
router.register("chargebacks", ChargebackStatementViewSet, basename="chargeback")

urlpatterns = []
