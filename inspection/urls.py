from django.urls import path

from inspection import views

app_name = "inspection"
urlpatterns = [
    path("center/inspection/", views.InspectionQueueView.as_view(), name="inspection_queue"),
    path("rework/", views.ReworkListView.as_view(), name="rework_list"),
    path("rework/<int:pk>/", views.ReworkDetailView.as_view(), name="rework_detail"),
    path("incoming/", views.IncomingLotListView.as_view(), name="incominglot_list"),
    path("incoming/new/", views.IncomingLotRegisterView.as_view(), name="incominglot_register"),
    path("incoming/daily/", views.DailyInspectionReportView.as_view(), name="daily_report"),
    path("incoming/<int:pk>/", views.IncomingLotDetailView.as_view(), name="incominglot_detail"),
    path("incoming/<int:pk>/report/", views.IncomingLotReportView.as_view(), name="incominglot_report"),
    path("incoming/<int:pk>/<str:name>/", views.IncomingLotTransitionView.as_view(), name="incominglot_transition"),
    path("incoming/suppliers/", views.SupplierSeverityListView.as_view(), name="supplier_severity_list"),
    path(
        "incoming/suppliers/<str:code>/",
        views.SupplierSeverityDetailView.as_view(),
        name="supplier_severity_detail",
    ),
]
