"""Pages of the write-off lists 报废清单 and loss reports 报损单, under ``/month-end/``."""

from django.urls import path

from writeoffs import views

app_name = "writeoffs"

urlpatterns = [
    path("writeoff-lists/", views.WriteOffListListView.as_view(), name="writeofflist_list"),
    path("writeoff-lists/awaiting/", views.WriteOffListAwaitingView.as_view(), name="writeofflist_awaiting"),
    path("writeoff-lists/build/", views.WriteOffListBuildView.as_view(), name="writeofflist_build"),
    path("writeoff-lists/<int:pk>/", views.WriteOffListDetailView.as_view(), name="writeofflist_detail"),
    path(
        "writeoff-lists/<int:pk>/lines/<int:line_pk>/remove/",
        views.WriteOffLineRemoveView.as_view(),
        name="writeoffline_remove",
    ),
    path(
        "writeoff-lists/<int:pk>/download/<slug:fmt>/",
        views.WriteOffListDownloadView.as_view(),
        name="writeofflist_download",
    ),
    path(
        "writeoff-lists/<int:pk>/photos/<int:photo_pk>/",
        views.DestructionPhotoView.as_view(),
        name="writeofflist_photo",
    ),
    path(
        "writeoff-lists/<int:pk>/<slug:name>/",
        views.WriteOffListTransitionView.as_view(),
        name="writeofflist_transition",
    ),
    path("loss-reports/", views.LossReportListView.as_view(), name="lossreport_list"),
    path("loss-reports/<int:pk>/", views.LossReportDetailView.as_view(), name="lossreport_detail"),
    path(
        "loss-reports/<int:pk>/download/<slug:fmt>/", views.LossReportDownloadView.as_view(), name="lossreport_download"
    ),
    path("loss-reports/<int:pk>/<slug:name>/", views.LossReportTransitionView.as_view(), name="lossreport_transition"),
]
