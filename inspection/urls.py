from django.urls import path

from inspection import views

app_name = "inspection"
urlpatterns = [
    path("defect-codes/", views.DefectCodeListView.as_view(), name="defectcode_list"),
]
