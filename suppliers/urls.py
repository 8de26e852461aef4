from django.urls import path

from suppliers import views

app_name = "suppliers"
urlpatterns = [
    path("suppliers/", views.SupplierListView.as_view(), name="supplier_list"),
    path("categories/", views.CategoryListView.as_view(), name="category_list"),
    path("styles/", views.StyleListView.as_view(), name="style_list"),
    path("defect-codes/", views.DefectCodeListView.as_view(), name="defectcode_list"),
]
