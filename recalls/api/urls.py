"""The recalls app's ``/api/v1/`` routes: its router and extra paths, which aftersales.api.urls gathers."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from recalls.api.views import RecallAttachmentFileView, RecallCandidateView, RecallNoticeViewSet, RecallViewSet

router = SimpleRouter()
router.register("recalls", RecallViewSet, basename="recall")
router.register("recall-notices", RecallNoticeViewSet, basename="recallnotice")

urlpatterns = [
    path("recall-candidates/", RecallCandidateView.as_view(), name="recall-candidates"),
    path(
        "recalls/<int:recall_pk>/attachments/<int:pk>/file/",
        RecallAttachmentFileView.as_view(),
        name="recall-attachment-file",
    ),
]
