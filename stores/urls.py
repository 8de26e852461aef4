from django.urls import path

from stores import views

app_name = "stores"
urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("stores/", views.StoreListView.as_view(), name="store_list"),
]
