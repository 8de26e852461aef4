"""The login backend: Django's, with the menu's unread count read in the same query that loads the user.

Every page shows the inbox's unread count in the menu (``aftersales.context_processors``); asked on its own it was
one more query on every page, which put the Return's page at 9 (issue 19, "Speed": at most 8 a page). Loading the
session's user with a subquery on the partial unread index folds it into the query every request runs anyway,
and it is as fresh as a query of its own. Marking messages read in a request forgets it, so that page counts anew.
"""

from __future__ import annotations

from django.contrib.auth import backends, get_user_model
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from aftersales.models import Notification

UNREAD_ATTRIBUTE = "unread_notification_count"


def unread_subquery() -> Coalesce:
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


class ModelBackend(backends.ModelBackend):
    """Django's ``ModelBackend``; the session's user comes with ``unread_notification_count``."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.annotate(**{UNREAD_ATTRIBUTE: unread_subquery()}).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def forget_unread_count(user) -> None:
    """After marking messages read: the menu of this request counts them again."""
    target = getattr(user, "_wrapped", user)  # request.user is a lazy object around the user
    target.__dict__.pop(UNREAD_ATTRIBUTE, None)
