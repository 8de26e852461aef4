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

# The monthly audit 每月抽查 (QA) and people's KPIs with the service star 服务之星.
from quality.views import audits as audit_views  # noqa: E402
from quality.views import kpis as kpi_views  # noqa: E402

urlpatterns += [
    path("quality/audits/", audit_views.audit_list_view, name="audit_list"),
    path("quality/audits/<int:pk>/", audit_views.audit_detail_view, name="audit_detail"),
    path("quality/audits/<int:pk>/pdf/", audit_views.audit_pdf_view, name="audit_pdf"),
    path("quality/audits/<int:pk>/xlsx/", audit_views.audit_xlsx_view, name="audit_xlsx"),
    path("quality/audit-samples/<int:pk>/", audit_views.sample_detail_view, name="sample_detail"),
    path("quality/kpi/", kpi_views.kpi_view, name="kpi"),
]
