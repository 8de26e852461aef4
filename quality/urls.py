"""Quality management's pages, under /quality/ (the survey's public page under /survey/)."""

from django.urls import path

app_name = "quality"
urlpatterns = []

# Rectification orders 质量整改令: QA's list and create form, the order (the party answers there), its PDF.
from quality.views import orders as order_views  # noqa: E402

urlpatterns += [
    path("quality/orders/", order_views.order_list_view, name="order_list"),
    path("quality/orders/new/", order_views.order_create_view, name="order_create"),
    path("quality/orders/<int:pk>/", order_views.order_detail_view, name="order_detail"),
    path("quality/orders/<int:pk>/respond/", order_views.order_respond_view, name="order_respond"),
    path("quality/orders/<int:pk>/verify/", order_views.order_verify_view, name="order_verify"),
    path("quality/orders/<int:pk>/pdf/", order_views.order_pdf_view, name="order_pdf"),
]
