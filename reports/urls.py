"""Pages of the monthly reports 月度报表, under ``/month-end/``."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.ReportRunListView.as_view(), name="reportrun_list"),
    path("reports/request/", views.ReportRunRequestView.as_view(), name="reportrun_request"),
    path("reports/<int:pk>/", views.ReportRunDetailView.as_view(), name="reportrun_detail"),
    path("reports/<int:pk>/progress/", views.ReportRunProgressView.as_view(), name="reportrun_progress"),
    path("reports/<int:pk>/retry/", views.ReportRunRetryView.as_view(), name="reportrun_retry"),
    path("reports/<int:pk>/rebuild/", views.ReportRunRebuildView.as_view(), name="reportrun_rebuild"),
    path("reports/<int:pk>/download/<slug:fmt>/", views.ReportRunDownloadView.as_view(), name="reportrun_download"),
]
