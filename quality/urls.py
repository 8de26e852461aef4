"""Quality management's pages, under /quality/ (the survey's public page under /survey/)."""

from django.urls import path

app_name = "quality"
urlpatterns = []

# The satisfaction survey 满意度调查: QA's quarters, the hotline's links to read out, the customer's public page.
from quality.views import surveys as survey_views  # noqa: E402

urlpatterns += [
    path("quality/surveys/", survey_views.SurveyListView.as_view(), name="survey_list"),
    path("quality/surveys/build/", survey_views.SurveyBuildView.as_view(), name="survey_build"),
    path("quality/surveys/<int:pk>/", survey_views.SurveyDetailView.as_view(), name="survey_detail"),
    path("quality/surveys/<int:pk>/send/", survey_views.SurveySendAgainView.as_view(), name="survey_send"),
    path("quality/surveys/read-out/", survey_views.ReadOutListView.as_view(), name="survey_readout"),
    path("quality/surveys/read-out/<int:pk>/", survey_views.ReadOutView.as_view(), name="survey_read_out"),
    # Public, no login (quality.views.surveys.SurveyAnswerView): rate-limited, the token is never enumerable.
    path("survey/<str:token>/", survey_views.SurveyAnswerView.as_view(), name="survey_answer"),
]

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

# Quality bulletins 质量通报: the list, writing and publishing (QA), a bulletin (its read receipt), reminders.
from quality.views import bulletins as bulletin_views  # noqa: E402

urlpatterns += [
    path("quality/bulletins/", bulletin_views.BulletinListView.as_view(), name="bulletin_list"),
    path("quality/bulletins/new/", bulletin_views.BulletinCreateView.as_view(), name="bulletin_create"),
    path("quality/bulletins/<int:pk>/", bulletin_views.BulletinDetailView.as_view(), name="bulletin_detail"),
    path(
        "quality/bulletins/<int:pk>/publish/",
        bulletin_views.BulletinActionView.as_view(action="publish"),
        name="bulletin_publish",
    ),
    path(
        "quality/bulletins/<int:pk>/remind/",
        bulletin_views.BulletinActionView.as_view(action="remind"),
        name="bulletin_remind",
    ),
]
