from django.urls import path

from repairs import kits, quote_pages, stocktakes, views

app_name = "repairs"
urlpatterns = [
    # Spare parts are master data; their stock and ledger belong to the repair work.
    path("master-data/spare-parts/", views.SparePartListView.as_view(), name="sparepart_list"),
    path("master-data/spare-parts/<int:pk>/", views.SparePartDetailView.as_view(), name="sparepart_detail"),
    path("master-data/spare-parts/<int:pk>/stock/", views.SparePartReceiveView.as_view(), name="sparepart_receive"),
    path("repairs/", views.RepairTicketListView.as_view(), name="repairticket_list"),
    path("repairs/stock-ledger/", views.StockMovementListView.as_view(), name="stockmovement_list"),
    path("repairs/<int:pk>/", views.RepairTicketDetailView.as_view(), name="repairticket_detail"),
    path("repairs/<int:pk>/parts/", views.RepairTicketPartsView.as_view(), name="repairticket_parts"),
    path("repairs/<int:pk>/parts/remove/", views.RepairTicketRemovePartView.as_view(), name="repairticket_remove_part"),
    path("repairs/<int:pk>/work/", views.RepairTicketWorkView.as_view(), name="repairticket_work"),
    path("repairs/<int:pk>/complete/", views.RepairTicketCompleteView.as_view(), name="repairticket_complete"),
    # Paid repair past the warranty: the quote, the customer's answer, the payment; the quotes waiting for an answer.
    path("repairs/<int:pk>/quote/", quote_pages.QuoteView.as_view(), name="repairticket_quote"),
    path("repairs/<int:pk>/answer/", quote_pages.AnswerView.as_view(), name="repairticket_answer"),
    path("repairs/<int:pk>/payment/", quote_pages.PaymentView.as_view(), name="repairticket_payment"),
    path("repairs/quotes/", quote_pages.QuoteListView.as_view(), name="quote_list"),
    # Parts a local repair at the store used, recorded from the Return's page (the store's own stock).
    path("repairs/stocktake/", stocktakes.StocktakeView.as_view(), name="stocktake"),
    path("repairs/stocktake/sheet/", stocktakes.StocktakeSheetView.as_view(), name="stocktake_sheet"),
    path("repairs/stocktakes/<int:pk>/", stocktakes.StocktakeDetailView.as_view(), name="stocktake_detail"),
    # The kit of spare parts packed into a center → store parcel, from the shipment's page.
    path("repairs/shipments/<int:pk>/kit/", kits.ShipmentKitView.as_view(), name="shipment_kit"),
    path("repairs/shipments/<int:pk>/kit/remove/", kits.ShipmentKitRemoveView.as_view(), name="shipment_kit_remove"),
    path("repairs/returns/<int:pk>/store-parts/", views.ReturnStorePartsView.as_view(), name="return_store_parts"),
]
