"""Shared API views: the token endpoints (knox), the base for read-only master data, and the base every workflow
viewset is built on (reads through the selectors; each transition an explicit action answering the object's detail,
refused with ``REFUSALS``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.settings import knox_settings
from knox.views import LoginView as KnoxLoginView
from knox.views import LogoutAllView as KnoxLogoutAllView
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.api.parsers import JSONParser
from aftersales.api.permissions import RoleCanViewModel
from aftersales.api.transitions import valid_input
from aftersales.lockout import lockout_response
from aftersales.ui.files import StoredFileMixin


class TokenObtainView(KnoxLoginView):
    """Exchange a username and password for an API token of this device (``Authorization: Token <token>``).

    django-rest-knox: each login makes a new token (one per device or script), stored only as a hash, expiring
    after ``REST_KNOX["TOKEN_TTL"]``; ``POST /api/v1/auth/logout/`` revokes the token it is sent with,
    ``/api/v1/auth/logout-all/`` every token of the user, and a password change revokes them all
    (``aftersales.api.tokens``). The answer is ``{"token": ..., "expiry": ...}``.
    """

    # Credentials in the body, not an existing login: nothing to authenticate, anyone may ask.
    authentication_classes = []
    permission_classes = [AllowAny]
    # The API's parsers (JSON with a bound on nesting).
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="auth_token_create",
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses={
            200: inline_serializer(
                "TokenResponse", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
            ),
            400: OpenApiResponse(description="Wrong username or password."),
            403: OpenApiResponse(description="Too many live tokens for this login (REST_KNOX TOKEN_LIMIT_PER_USER)."),
            429: OpenApiResponse(description="Too many failed logins: locked for a while."),
        },
        description="Exchange a username and password for a new API token of this device; it expires.",
    )
    def post(self, request, format=None):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes refused the attempt without checking the password (too many failures): say so, 429.
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request)
            raise ValidationError(serializer.errors)
        request.user = serializer.validated_data["user"]
        response = super().post(request, format=format)
        if response.status_code == status.HTTP_403_FORBIDDEN:
            # knox's own answer at TOKEN_LIMIT_PER_USER is {"error": ...} in English: say it the API's way.
            return Response(
                {
                    "detail": _(
                        "This login already has %(count)s live API tokens: log one out (POST /api/v1/auth/logout/) "
                        "or wait for one to expire."
                    )
                    % {"count": knox_settings.TOKEN_LIMIT_PER_USER}
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        return response


class TokenRevokeView(KnoxLogoutView):
    """Log this device out: the token the request is sent with stops working at once."""

    @extend_schema(operation_id="auth_logout_create", request=None, responses={204: None, 401: OpenApiResponse()})
    def post(self, request, format=None):
        return super().post(request, format=format)


class TokenRevokeAllView(KnoxLogoutAllView):
    """Log out everywhere: every API token of the user stops working (a lost phone, a leaked script)."""

    @extend_schema(operation_id="auth_logout_all_create", request=None, responses={204: None, 401: OpenApiResponse()})
    def post(self, request, format=None):
        return super().post(request, format=format)


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


# What every transition endpoint may answer besides the object's detail.
REFUSALS = {
    400: OpenApiResponse(description="Bad input: `{field: [messages]}` or `{detail: message}`."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="You may not do this on this record."),
    404: OpenApiResponse(description="No such record within your scope."),
    409: OpenApiResponse(description="Not possible in the record's current state, or it changed meanwhile."),
}


def transition_schema(input_serializer, detail_serializer, summary: str):
    """The schema of a transition action: its input, the object's detail, and every refusal."""
    return extend_schema(
        summary=summary,
        request=input_serializer,
        responses={200: detail_serializer, **REFUSALS},
    )


class ScopedWorkflowViewSet(ScopedReadOnlyViewSet):
    """Reads of a workflow object: the list from the selector, one object from the ``<entity>_get`` selector."""

    getter = None
    detail_serializer_class = None
    lookup_value_regex = r"[0-9]+"

    def get_object(self):
        return self.getter(self.request.user, self.kwargs[self.lookup_field])

    def get_serializer_class(self):
        if self.action != "list" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def detail_response(self, pk, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The object's detail as it is now (fetched afresh, within scope), after a write."""
        self.kwargs[self.lookup_field] = pk
        obj = self.get_object()
        serializer_class = self.detail_serializer_class or self.serializer_class
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, status=status_code)

    def read_input(self, serializer_class, obj=None, *, transition: str = "", **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        return valid_input(serializer, instance=obj, transition=transition, user=self.request.user, **kwargs)


class NoContentNegotiation(BaseContentNegotiation):
    """A file answers with its own type whatever the client accepts (an ``<img>`` asks for ``image/*``)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class StoredFileAPIView(StoredFileMixin, APIView):
    """The API's download of a stored photo or PDF (``aftersales.ui.files``): the subclass sets
    ``queryset_model`` (the record whose view permission it needs) and ``get_stored_file``, and its summary with
    ``@extend_schema(summary=...)`` on the class. The UI's ``<img>`` tags use it too, with the session.
    """

    permission_classes = [IsAuthenticated, RoleCanViewModel]
    content_negotiation_class = NoContentNegotiation
    queryset_model = None

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
            401: REFUSALS[401],
            404: REFUSALS[404],
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
