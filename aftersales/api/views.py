"""Shared API views: the token endpoint and the base for read-only master data."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated

from aftersales.api.permissions import RoleCanViewModel


class TokenObtainView(ObtainAuthToken):
    """Exchange a username and password for an API token (``Authorization: Token <token>``)."""

    @extend_schema(
        operation_id="auth_token_create",
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        description="Exchange a username and password for an API token.",
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Master data over the API: rows from the app's selector, filtered by the shared FilterSet.

    Objects outside the user's scope are simply not in the queryset, so their
    detail answers 404 and their existence does not leak.
    """

    permission_classes = [IsAuthenticated, RoleCanViewModel]
    selector = None
    cursor_ordering = "id"

    @property
    def queryset_model(self):
        return self.filterset_class._meta.model

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset_model.objects.none()
        return self.selector(self.request.user)
