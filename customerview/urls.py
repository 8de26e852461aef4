from django.urls import path

from customerview import case_status, views

app_name = "customerview"
urlpatterns = [
    path("print/returns/<int:pk>/receipt/", views.ReturnReceiptView.as_view(), name="return_receipt"),
    path("print/returns/<int:pk>/tags/", views.ReturnTagsView.as_view(), name="return_tags"),
    # The public status page behind the receipt's QR code: no login (customerview.links, customerview.throttle).
    path("status/<str:token>/", views.StatusPageView.as_view(), name="status"),
    # A service case's status page, the link the hotline agent sends (customerview.case_status).
    path("status/case/<str:token>/", case_status.CaseStatusPageView.as_view(), name="case_status"),
]
