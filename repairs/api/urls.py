"""The repairs app's ``/api/v1/`` routes: its router and extra paths, which aftersales.api.urls gathers."""

from rest_framework.routers import SimpleRouter

from repairs.api.views import (
    PartStockViewSet,
    RepairTicketViewSet,
    SparePartViewSet,
    StockMovementViewSet,
    StocktakeViewSet,
)

router = SimpleRouter()
router.register("spare-parts", SparePartViewSet, basename="sparepart")
router.register("repair-tickets", RepairTicketViewSet, basename="repairticket")
router.register("stock-movements", StockMovementViewSet, basename="stockmovement")
router.register("stock", PartStockViewSet, basename="partstock")
router.register("stocktakes", StocktakeViewSet, basename="stocktake")

urlpatterns = []
