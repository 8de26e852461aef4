from django.urls import path

from stores import views

app_name = "stores"
urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("stores/", views.StoreListView.as_view(), name="store_list"),
    path("deliveries/", views.DeliveryListView.as_view(), name="delivery_list"),
    path("deliveries/record/", views.DeliveryRecordView.as_view(), name="delivery_record"),
]
