from django.urls import path

from inspection import views

app_name = "inspection"
urlpatterns = [
    path("center/inspection/", views.InspectionQueueView.as_view(), name="inspection_queue"),
]
