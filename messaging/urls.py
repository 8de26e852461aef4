from django.urls import path

from messaging import views

app_name = "messaging"
urlpatterns = [
    path("subscriptions/", views.SubscriptionView.as_view(), name="subscriptions"),
]
