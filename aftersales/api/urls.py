"""The ``/api/v1/`` routes: the token, the core's notifications, and every app's routes.

Each app declares its URL module (``AppConfig.api_urls``, e.g. ``"cases.api.urls"``) with a ``router`` (a
``SimpleRouter``) and ``urlpatterns`` (its extra paths). Their viewsets join one ``DefaultRouter`` here, so
``/api/v1/`` still lists them all; the extra paths come before the router's, as they always have.
"""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from aftersales import registry
from aftersales.api.notifications import NotificationViewSet
from aftersales.api.views import TokenObtainView, TokenRevokeAllView, TokenRevokeView

router = DefaultRouter()
router.register("notifications", NotificationViewSet, basename="notification")
extra_urlpatterns = []
for module in registry.api_url_modules():
    for prefix, viewset, basename in module.router.registry:
        router.register(prefix, viewset, basename=basename)
    extra_urlpatterns += module.urlpatterns

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="auth_token"),
    path("auth/logout/", TokenRevokeView.as_view(), name="auth_logout"),
    path("auth/logout-all/", TokenRevokeAllView.as_view(), name="auth_logout_all"),
    *extra_urlpatterns,
    path("", include(router.urls)),
]
