from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("returns/", views.ReturnListView.as_view(), name="return_list"),
    path("returns/new/", views.ReturnCreateView.as_view(), name="return_create"),
    path("returns/new/policy/", views.PolicyHintView.as_view(), name="return_policy_hint"),
    path("returns/new/style-values/", views.StyleValuesView.as_view(), name="return_style_values"),
    path("returns/<int:pk>/", views.ReturnDetailView.as_view(), name="return_detail"),
    path("returns/<int:pk>/attachments/", views.ReturnAttachmentAddView.as_view(), name="return_attachment_add"),
    path("returns/<int:pk>/batch-alarm/", views.ReturnBatchAlarmView.as_view(), name="return_batch_alarm"),
    path("returns/<int:pk>/<slug:name>/", views.ReturnTransitionView.as_view(), name="return_transition"),
    path("shipments/", views.ShipmentListView.as_view(), name="shipment_list"),
    path("shipments/new/", views.ShipmentCreateView.as_view(), name="shipment_create"),
    path("shipments/sign-off/", views.SignOffQueueView.as_view(), name="sign_off_queue"),
    path("shipments/<int:pk>/", views.ShipmentDetailView.as_view(), name="shipment_detail"),
    path("shipments/<int:pk>/packing-list/", views.ShipmentPackingListView.as_view(), name="shipment_packing_list"),
    path("shipments/<int:pk>/<slug:name>/", views.ShipmentTransitionView.as_view(), name="shipment_transition"),
    path("center/inbound/", views.InboundView.as_view(), name="inbound"),
    path("center/inbound/open/", views.InboundOpenView.as_view(), name="inbound_open"),
    path("center/ready-to-return/", views.ReadyQueueView.as_view(), name="ready_queue"),
    path("center/at-supplier/", views.AtSupplierQueueView.as_view(), name="supplier_queue"),
    path("center/missing/", views.MissingQueueView.as_view(), name="missing_queue"),
    path("escalated/", views.EscalationListView.as_view(), name="escalation_list"),
]
