"""Pages of batch recalls 整款退货 (their paths sit beside the Returns' at the site root)."""

from django.urls import path

from recalls import views

app_name = "recalls"
urlpatterns = [
    # Batch recalls 整款退货 (recalls/views.py).
    path("recalls/", views.RecallListView.as_view(), name="recall_list"),
    path("recalls/candidates/", views.RecallCandidateListView.as_view(), name="recallcandidate_list"),
    path("recalls/new/", views.RecallCreateView.as_view(), name="recall_create"),
    path("recalls/<int:pk>/", views.RecallDetailView.as_view(), name="recall_detail"),
    path("recalls/<int:pk>/compliance/", views.RecallComplianceView.as_view(), name="recall_compliance"),
    path(
        "recalls/<int:pk>/compliance.xlsx",
        views.RecallComplianceXlsxView.as_view(),
        name="recall_compliance_xlsx",
    ),
    path("recalls/<int:pk>/<slug:name>/", views.RecallTransitionView.as_view(), name="recall_transition"),
    path("recall-notices/", views.RecallNoticeListView.as_view(), name="recallnotice_list"),
    path("recall-notices/<int:pk>/", views.RecallNoticeDetailView.as_view(), name="recallnotice_detail"),
    path(
        "recall-notices/<int:pk>/<slug:name>/",
        views.RecallNoticeTransitionView.as_view(),
        name="recallnotice_transition",
    ),
]
