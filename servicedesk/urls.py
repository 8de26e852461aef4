"""Pages of the service desk 服务台, under /service-desk/."""

from django.urls import path

from servicedesk import views

app_name = "servicedesk"
urlpatterns = [
    path("service-desk/intake/", views.IntakeView.as_view(), name="intake"),
    path("service-desk/new/", views.IntakeView.as_view(), name="servicecase_create"),
    path("service-desk/cases/", views.ServiceCaseListView.as_view(), name="servicecase_list"),
    path("service-desk/callbacks/", views.FollowUpListView.as_view(), name="follow_up_list"),
    path("service-desk/cases/<int:pk>/", views.ServiceCaseDetailView.as_view(), name="servicecase_detail"),
    path(
        "service-desk/cases/<int:pk>/<slug:name>/",
        views.ServiceCaseTransitionView.as_view(),
        name="servicecase_transition",
    ),
    path("service-desk/customers/<int:pk>/", views.CustomerDetailView.as_view(), name="customer_detail"),
    path("service-desk/customers/<int:pk>/erase/", views.CustomerEraseView.as_view(), name="customer_erase"),
]
