"""Serializer pieces every app's API shares: references by code within the user's scope, and the FSM's offer."""

from __future__ import annotations

from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.fsm import available_transitions

# Explicit bounds keep the API schema the same on every database.
MAX_ID = 2**63 - 1


class ScopedSlugRelatedField(serializers.SlugRelatedField):
    """A reference by code, resolved only among the rows the requesting user may see (``visible_to``).

    A code outside the user's scope reads exactly like an unknown one, so
    the answer does not reveal that it exists.
    """

    default_error_messages = {
        "does_not_exist": _("Unknown code “{value}”."),
        "invalid": _("Enter a code."),
        "null_characters": _("Null characters are not allowed."),
    }

    def __init__(self, model, *, only_active: bool = False, **kwargs):
        self.model = model
        self.only_active = only_active
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        queryset = self.model.objects.visible_to(getattr(request, "user", None))
        return queryset.filter(active=True) if self.only_active else queryset

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data:
            # PostgreSQL refuses NUL in text (a DataError, so a 500); SQLite merely finds nothing. Refuse it first.
            self.fail("null_characters")
        return super().to_internal_value(data)


class AvailableTransitionsMixin(serializers.Serializer):
    """``available_transitions``: the transition names this user may fire on the object now.

    The permission predicates read the user's roles and scope, which are
    computed once per request, so a page of rows costs no query per row.
    """

    available_transitions = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, obj) -> list[str]:
        return available_transitions(obj, request_user(self))


def request_user(serializer):
    """The requesting user, unwrapped once per serializer (so once per list page).

    A session's ``request.user`` is a lazy proxy: every attribute the
    permission predicates read through it (roles, scope) costs a call, and a
    page of 50 rows reads them hundreds of times. The object behind it is the
    same user, with the same per-request caches.
    """
    user = serializer.__dict__.get("_request_user")
    if user is None:
        user = serializer.context["request"].user
        if isinstance(user, LazyObject):
            if user._wrapped is empty:
                user._setup()
            user = user._wrapped
        serializer.__dict__["_request_user"] = user
    return user
