"""Pages of the chargeback statements 扣款单 and the supplier portal, under ``/month-end/``."""

from django.urls import path

from chargebacks import views

app_name = "chargebacks"

urlpatterns = [
    path("chargebacks/", views.ChargebackListView.as_view(), name="chargeback_list"),
    path("chargebacks/build/", views.ChargebackBuildView.as_view(), name="chargeback_build"),
    path("chargebacks/<int:pk>/", views.ChargebackDetailView.as_view(), name="chargeback_detail"),
    path("chargebacks/<int:pk>/pdf/", views.ChargebackDownloadView.as_view(kind="pdf"), name="chargeback_pdf"),
    path("chargebacks/<int:pk>/xlsx/", views.ChargebackDownloadView.as_view(kind="xlsx"), name="chargeback_xlsx"),
    path("chargebacks/<int:pk>/documents/", views.ChargebackDocumentsView.as_view(), name="chargeback_documents"),
    path("chargebacks/<int:pk>/revise/", views.ChargebackReviseView.as_view(), name="chargeback_revise"),
    path(
        "chargebacks/<int:pk>/lines/<int:line_pk>/<slug:action>/",
        views.ChargebackLineEditView.as_view(),
        name="chargebackline_edit",
    ),
    path("chargebacks/<int:pk>/<slug:name>/", views.ChargebackTransitionView.as_view(), name="chargeback_transition"),
    path("supplier/units/", views.SupplierUnitsView.as_view(), name="supplier_units"),
]
