from django.urls import path

from customerview import views

app_name = "customerview"
urlpatterns = [
    path("print/returns/<int:pk>/receipt/", views.ReturnReceiptView.as_view(), name="return_receipt"),
    path("print/returns/<int:pk>/tags/", views.ReturnTagsView.as_view(), name="return_tags"),
    # The public status page behind the receipt's QR code: no login (customerview.links, customerview.throttle).
    path("status/<str:token>/", views.StatusPageView.as_view(), name="status"),
]
