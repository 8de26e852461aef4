"""``/api/v1/notifications/``: the user's own inbox 收件箱 (another user's message is 404)."""

from __future__ import annotations

import django_filters
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.models import Notification
from aftersales.notifications import notification_list
from aftersales.services import notification_mark_all_read, notification_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    """One inbox message; ``target_type``/``target_id`` name the record it is about (or null)."""

    target_type = serializers.SerializerMethodField()
    target_id = serializers.IntegerField(source="object_id", read_only=True, allow_null=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "subject",
            "body",
            "url",
            "target_type",
            "target_id",
            "created_at",
            "read",
            "read_at",
            "emailed_at",
        ]
        read_only_fields = fields

    def get_target_type(self, notification: Notification) -> str | None:
        content_type = notification.content_type
        return f"{content_type.app_label}.{content_type.model}" if content_type else None

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationFilter(django_filters.FilterSet):
    # A choice, not a BooleanFilter: "?unread=maybe" must be a 400, not silently ignored.
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_unread", label="unread"
    )

    class Meta:
        model = Notification
        fields = ["kind", "unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")


@extend_schema_view(
    list=extend_schema(summary="Your inbox 收件箱, newest first (?unread=true for unread messages only)"),
    retrieve=extend_schema(summary="One of your messages"),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        return notification_list(self.request.user).select_related("content_type")

    @extend_schema(summary="Mark the message read (reading it again keeps the first time)", request=None)
    @action(detail=True, methods=["post"], url_path="read", filterset_class=None)
    def read(self, request: Request, pk: str | None = None) -> Response:
        try:
            notification_id = int(pk or "")
        except ValueError:
            raise Http404 from None
        try:
            notification = notification_mark_read(user=request.user, notification_id=notification_id)
        except Notification.DoesNotExist:
            raise Http404 from None
        notification = self.get_queryset().get(pk=notification.pk)
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="Mark every unread message read",
        request=None,
        responses=inline_serializer("NotificationReadAll", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read_all", filterset_class=None)
    def read_all(self, request: Request) -> Response:
        return Response({"marked": notification_mark_all_read(user=request.user)})
