from django.urls import path

from repairs import views

app_name = "repairs"
urlpatterns = [
    path("spare-parts/", views.SparePartListView.as_view(), name="sparepart_list"),
]
