"""Pages of the service desk 服务台, under /service-desk/."""

from django.urls import path

from servicedesk import views
from servicedesk.views import money as money_views
from servicedesk.views import quality_forms as quality_form_views
from servicedesk.views import visits as visit_views

app_name = "servicedesk"
urlpatterns = [
    path("service-desk/intake/", views.IntakeView.as_view(), name="intake"),
    path("service-desk/new/", views.IntakeView.as_view(), name="servicecase_create"),
    path("service-desk/cases/", views.ServiceCaseListView.as_view(), name="servicecase_list"),
    path("service-desk/callbacks/", views.FollowUpListView.as_view(), name="follow_up_list"),
    path("service-desk/cases/<int:pk>/", views.ServiceCaseDetailView.as_view(), name="servicecase_detail"),
    # The quality information form 产品质量信息传递处置单 of a case (issue 15), before the case's <name>/ actions.
    path(
        "service-desk/cases/<int:pk>/quality-form/",
        quality_form_views.QualityFormDetailView.as_view(),
        name="qualityform_detail",
    ),
    path(
        "service-desk/cases/<int:pk>/quality-form/new/",
        quality_form_views.QualityFormCreateView.as_view(),
        name="qualityform_create",
    ),
    path(
        "service-desk/cases/<int:pk>/quality-form/pdf/",
        quality_form_views.QualityFormPdfView.as_view(),
        name="qualityform_pdf",
    ),
    path(
        "service-desk/cases/<int:pk>/quality-form/<slug:name>/",
        quality_form_views.QualityFormTransitionView.as_view(),
        name="qualityform_transition",
    ),
    # Escalations 上报 of major incidents and safety cases, acknowledged by QA and the production VP.
    path("service-desk/escalations/", quality_form_views.EscalationListView.as_view(), name="escalation_list"),
    path(
        "service-desk/escalations/<int:pk>/acknowledge/",
        quality_form_views.EscalationAcknowledgeView.as_view(),
        name="escalation_acknowledge",
    ),
    path(
        "service-desk/cases/<int:pk>/<slug:name>/",
        views.ServiceCaseTransitionView.as_view(),
        name="servicecase_transition",
    ),
    # On-site service 现场服务 (issue 15).
    path("service-desk/cases/<int:pk>/visits/new/", visit_views.VisitDispatchView.as_view(), name="visit_dispatch"),
    path("service-desk/visits/", visit_views.VisitListView.as_view(), name="visit_list"),
    path("service-desk/visits/<int:pk>/", visit_views.VisitDetailView.as_view(), name="visit_detail"),
    path("service-desk/visits/<int:pk>/signature-pad/", visit_views.VisitSignView.as_view(), name="visit_sign"),
    path("service-desk/visits/<int:pk>/signature/", visit_views.VisitSignatureView.as_view(), name="visit_signature"),
    path("service-desk/visits/<int:pk>/form.pdf", visit_views.VisitFormView.as_view(), name="visit_form"),
    path(
        "service-desk/visits/<int:pk>/<slug:name>/", visit_views.VisitTransitionView.as_view(), name="visit_transition"
    ),
    path("service-desk/customers/<int:pk>/", views.CustomerDetailView.as_view(), name="customer_detail"),
    path("service-desk/customers/<int:pk>/erase/", views.CustomerEraseView.as_view(), name="customer_erase"),
    # Money at the desk (issue 15): the money card's forms and QA's compensations waiting for approval.
    path(
        "service-desk/cases/<int:pk>/money/<slug:what>/",
        money_views.CaseMoneyRecordView.as_view(),
        name="case_money_record",
    ),
    path(
        "service-desk/compensations/<int:pk>/<slug:name>/",
        money_views.CompensationTransitionView.as_view(),
        name="compensation_transition",
    ),
    path("service-desk/compensations/", money_views.CompensationQueueView.as_view(), name="compensation_queue"),
]
